import { describe, expect, test } from 'vitest';
import { poolModel, renderPoolSvg } from './pool.js';
import type { BlockStatus, PoolDetail } from './state.js';

const blocks: BlockStatus[] = ['free', 'free', 'allocated', 'free', ...Array<BlockStatus>(506).fill('untouched')];
const detail: PoolDetail = { address: 0x4000, szidx: 1, blockSize: 32, poolSize: 16384, headerBytes: 48, count: 1, blocks, freeList: [0, 1, 3] };

describe('poolModel', () => {
  test('blocks in address order, numbered by free-list position', () => {
    const m = poolModel(detail);
    expect(m.summary).toBe('pool 0x4000 · class 1 (32-byte blocks) · 1 of 510 in use · free list 0 → 1 → 3 → untouched');
    expect(m.counts).toEqual({ allocated: 1, free: 3, untouched: 506 });
    expect(m.blocks.slice(0, 4).map((b) => [b.index, b.x, b.y, b.status, b.freeOrder])).toEqual([
      [0, 0, 18, 'free', 0],
      [1, 13, 18, 'free', 1],
      [2, 26, 18, 'allocated', -1],
      [3, 39, 18, 'free', 2],
    ]);
    expect(m.blocks[32]!.y).toBe(31);
    expect(m.blocks[3]!.label).toBe('block 3 at 0x4090: free, free-list position 2');
    expect(m.height).toBe(18 + 16 * 13 + 18);
    expect(m.next).toBe(0);
    expect(m.freeListText).toBe('free list: 0 → 1 → 3 → then untouched blocks from 4');
  });

  test('a long free list is shortened in the summary', () => {
    const list = Array.from({ length: 10 }, (_, i) => i);
    const m = poolModel({ ...detail, count: 0, blocks: Array<BlockStatus>(10).fill('free'), freeList: list });
    expect(m.summary).toBe('pool 0x4000 · class 1 (32-byte blocks) · 0 of 10 in use · free list 0 → 1 → 2 → 3 → 4 → 5 → 6 → 7 → …');
  });

  test('the next block: the free list head, else the first untouched block, else none', () => {
    const fresh = poolModel({ ...detail, count: 2, blocks: ['allocated', 'allocated', 'untouched'], freeList: [] });
    expect(fresh.next).toBe(2);
    expect(fresh.freeListText).toBe('free list: empty, then untouched blocks from 2');
    const full = poolModel({ ...detail, count: 3, blocks: ['allocated', 'allocated', 'allocated'], freeList: [] });
    expect(full.next).toBe(-1);
    expect(full.freeListText).toBe('free list: empty, the pool is full');
    expect(renderPoolSvg(full)).not.toContain('pv-next');
    const long = poolModel({ ...detail, count: 0, blocks: Array<BlockStatus>(20).fill('free'), freeList: Array.from({ length: 20 }, (_, i) => 19 - i) });
    expect(long.freeListText).toBe('free list: 19 → 18 → 17 → 16 → 15 → 14 → 13 → 12 → 11 → 10 → 9 → 8 → 7 → 6 → 5 → 4 → … (20 in all)');
  });
});

describe('renderPoolSvg', () => {
  test('one rect per block, free-list positions as text', () => {
    const svg = renderPoolSvg(poolModel(detail));
    expect(svg.match(/<rect class="pv-block /g)).toHaveLength(510);
    expect(svg).toContain('<rect class="pv-next" x="-1" y="17" width="14" height="14" fill="none" stroke="#c62828" stroke-width="2"><title>the next malloc returns block 0</title></rect>');
    expect(svg).toContain(`<text class="pv-free-list" x="0" y="${18 + 16 * 13 + 14}" font-size="12" font-family="system-ui, sans-serif">free list: 0 → 1 → 3 → then untouched blocks from 4</text>`);
    expect(svg).toContain('<text x="0" y="12" font-size="12" font-family="system-ui, sans-serif">1 allocated · 3 free · 506 untouched</text>');
    expect(svg).toContain('<rect class="pv-block pv-free" x="39" y="18" width="12" height="12" fill="#f2c14e" data-block="3" data-status="free"><title>block 3 at 0x4090: free, free-list position 2</title></rect>');
    expect(svg).toContain('aria-hidden="true">2</text>');
  });
});
