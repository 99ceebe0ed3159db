import { createLinearHeap } from '@pymem/arena';
import { describe, expect, test } from 'vitest';
import { describePoolLists, poolListsFromPymalloc, renderPoolListsHtml } from './lists.js';

describe('poolListsFromPymalloc', () => {
  test('used lists per class, the freepools LIFO, an empty pool reused by another class', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const x = heap.malloc(16); // class 0 → pool 0
    const y = heap.malloc(32); // class 1 → pool 1
    const z = heap.malloc(48); // class 2 → pool 2
    heap.free(y); // pool 1 empty
    heap.free(x); // pool 0 empty, pushed on top
    let s = poolListsFromPymalloc(heap);
    expect(s.usedpools.map((u) => u.pools.length).slice(0, 4)).toEqual([0, 0, 1, 0]);
    expect(s.arenas).toHaveLength(1);
    expect(s.arenas[0]!.freepools.map((p) => [p.index, p.status, p.szidx])).toEqual([
      [0, 'empty', 0],
      [1, 'empty', 1],
    ]);
    expect(s.arenas[0]!.freePools).toBe(63);
    expect(s.arenas[0]!.untouchedPools).toBe(61);
    expect(s.arenas[0]!.usableRank).toBe(0);

    const w = heap.malloc(64); // class 3 takes the head of freepools: pool 0, which served class 0
    expect(w).toBe(0x4000 + 48);
    const blocks: number[] = [];
    for (let i = 0; i < 32; i++) blocks.push(heap.malloc(512)); // 31 fill pool 1, the 32nd carves pool 3
    heap.free(blocks[5]!); // pool 1 was full: back at the front of usedpools[31]
    heap.free(z); // pool 2 empty
    s = poolListsFromPymalloc(heap);
    expect(s.usedpools[3]!.pools).toEqual([{ slot: 0, index: 0, address: 0x4000, status: 'used', szidx: 3, count: 1, capacity: 255 }]);
    expect(s.usedpools[31]!.pools.map((p) => [p.index, p.count, p.capacity])).toEqual([
      [1, 30, 31],
      [3, 1, 31],
    ]);
    expect(describePoolLists(s)).toEqual([
      'usedpools[3] (64 bytes): pool 0.0 (1/255)',
      'usedpools[31] (512 bytes): pool 0.1 (30/31) → pool 0.3 (1/31)',
      'arena 0 (usable_arenas #0, 61 of 64 pools free, 60 never used): freepools pool 0.2',
    ]);
    // The next 512-byte request goes to the head pool, pool 1.
    expect(heap.malloc(512)).toBe(blocks[5]);
  });

  test('usable_arenas puts the arena with the fewest free pools first', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const blocks: number[] = [];
    for (let i = 0; i < 64 * 31 + 1; i++) blocks.push(heap.malloc(512)); // arena 0 full, one block in arena 1
    let s = poolListsFromPymalloc(heap);
    expect(s.arenas.map((a) => [a.slot, a.usableRank, a.freePools])).toEqual([
      [1, 0, 63],
      [0, -1, 0],
    ]);
    for (let i = 0; i < 31; i++) heap.free(blocks[i]!); // empty arena 0's first pool
    s = poolListsFromPymalloc(heap);
    expect(s.arenas.map((a) => [a.slot, a.usableRank, a.freePools])).toEqual([
      [0, 0, 1],
      [1, 1, 63],
    ]);
    expect(s.arenas[0]!.freepools.map((p) => p.index)).toEqual([0]);
    // A new pool of any class comes from the fuller arena: arena 0's empty pool.
    const p = heap.malloc(16);
    expect(p).toBe(s.arenas[0]!.freepools[0]!.address + 48);
  });
});

describe('renderPoolListsHtml', () => {
  test('chips with labels, empty lists hidden unless asked', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    heap.malloc(24);
    const s = poolListsFromPymalloc(heap);
    const html = renderPoolListsHtml(s);
    expect(html).toContain('<tr data-class="1">');
    expect(html).not.toContain('<tr data-class="0">');
    expect(html).toContain(
      '<li class="pv-list-pool pv-used" tabindex="0" role="button" data-slot="0" data-pool="0" data-status="used" aria-label="arena 0 pool 0 at 0x4000: used, class 1 (32-byte blocks), 1 of 510 blocks in use" style="background:hsl(138 70% 62%)">pool 0 · 1/510</li>',
    );
    expect(html).toContain('<tr data-arena="0" data-rank="0"><td>0 · 0x4000 · #0</td><td>63 of 64</td><td><span class="pv-list-empty">empty</span> <span class="pv-list-untouched">then 63 never used</span></td></tr>');
    expect(renderPoolListsHtml(s, { allClasses: true }).match(/<tr data-class=/g)).toHaveLength(32);
  });
});
