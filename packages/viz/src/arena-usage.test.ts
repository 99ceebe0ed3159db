import { createLinearHeap } from '@pymem/arena';
import { describe, expect, test } from 'vitest';
import { arenaUsageModel, renderArenaUsageHtml } from './arena-usage.js';
import { heapStateFromPymalloc } from './from-heap.js';

describe('arenaUsageModel', () => {
  test('one live block per arena pins every arena', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const blocks: number[] = [];
    for (let i = 0; i < 3 * 64 * 31; i++) blocks.push(heap.malloc(512)); // three full arenas
    // Free all but the last block of each arena.
    blocks.forEach((p, i) => {
      if (i % (64 * 31) !== 64 * 31 - 1) heap.free(p);
    });
    const m = arenaUsageModel(heapStateFromPymalloc(heap));
    expect(m.rows.map((r) => [r.slot, r.liveBlocks, r.liveBytes, r.poolsInUse, r.totalPools, r.pinned])).toEqual([
      [0, 1, 512, 1, 64, true],
      [1, 1, 512, 1, 64, true],
      [2, 1, 512, 1, 64, true],
    ]);
    expect(m.pinned).toBe(3);
    expect(m.arenaBytes).toBe(3 * 1048576);
    expect(m.summary).toBe('3 arenas (3 MiB) hold 1536 live bytes: 3 pinned');
    expect(m.rows[0]!.label).toBe('arena 0 · 0x4000: 1 live block (512 bytes) pins 1 MiB (0.049 % used)');
    // Arena 0's last block goes: it is empty but kept, as the tail of
    // usable_arenas (the anti-thrashing rule of 3.9+).
    heap.free(blocks[64 * 31 - 1]!);
    let after = arenaUsageModel(heapStateFromPymalloc(heap));
    expect(after.rows.map((r) => [r.slot, r.liveBlocks, r.pinned])).toEqual([
      [0, 0, false],
      [1, 1, true],
      [2, 1, true],
    ]);
    expect(after.rows[0]!.label).toBe('arena 0 · 0x4000: nothing live: the one empty arena 3.9+ keeps (the tail of usable_arenas)');
    expect(after.summary).toBe('3 arenas (3 MiB) hold 1024 live bytes: 2 pinned');
    // Arena 1 empties while another arena follows it: released.
    heap.free(blocks[2 * 64 * 31 - 1]!);
    after = arenaUsageModel(heapStateFromPymalloc(heap));
    expect(after.rows.map((r) => r.slot)).toEqual([0, 2]);
    expect(after.summary).toBe('2 arenas (2 MiB) hold 512 live bytes: 1 pinned');
  });

  test('html rows carry the pinned flag and a fill bar', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    heap.malloc(100);
    const html = renderArenaUsageHtml(arenaUsageModel(heapStateFromPymalloc(heap)));
    expect(html).toContain('<caption>1 arena (1 MiB) hold 112 live bytes: 1 pinned</caption>');
    expect(html).toContain('<tr data-arena="0" data-pinned="true" aria-label="arena 0 · 0x4000: 1 live block (112 bytes) pins 1 MiB (0.011 % used)"><td>0 · 0x4000</td><td>1</td><td>112</td><td>1 of 64</td><td><span class="pv-bar" aria-hidden="true"><span style="width:1%"></span></span> 0.011 % · pinned</td></tr>');
  });
});
