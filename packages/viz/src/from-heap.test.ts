import { createLinearHeap, createRecordedHeap } from '@pymem/arena';
import { describe, expect, test } from 'vitest';
import { heapStateFromPymalloc, poolDetailFromPymalloc } from './from-heap.js';

describe('heapStateFromPymalloc', () => {
  test('a linear heap: pools read from their headers, stats per class', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const a = heap.malloc(24);
    const b = heap.malloc(24);
    heap.malloc(24);
    heap.malloc(100);
    heap.free(b);
    heap.free(a);
    const s = heapStateFromPymalloc(heap);
    expect(s.geometry).toEqual({ name: 'cpython-3.11', alignment: 16, poolSize: 16384, arenaSize: 1048576, poolOverhead: 48, nClasses: 32 });
    expect(s.arenas).toHaveLength(1);
    const arena = s.arenas[0]!;
    expect(arena.slot).toBe(0);
    expect(arena.address).toBe(16384);
    expect(arena.pools).toHaveLength(64);
    expect(arena.pools.slice(0, 3)).toEqual([
      { index: 0, address: 16384, status: 'used', szidx: 1, count: 1, capacity: 510 },
      { index: 1, address: 32768, status: 'used', szidx: 6, count: 1, capacity: 145 },
      { index: 2, address: 49152, status: 'untouched', szidx: -1, count: 0, capacity: 0 },
    ]);
    expect(arena.pools.filter((p) => p.status === 'untouched')).toHaveLength(62);
    expect(s.liveBytes).toBe(32 + 112);
    expect(s.arenaBytes).toBe(1048576);
    expect(s.classes).toHaveLength(32);
    expect(s.classes[1]).toEqual({ idx: 1, size: 32, pools: 1, blocksInUse: 1, availBlocks: 509 });
  });

  test('full and empty pools', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const keep = heap.malloc(500); // another pool keeps the arena alive
    const blocks: number[] = [];
    for (let i = 0; i < 510; i++) blocks.push(heap.malloc(32));
    expect(heapStateFromPymalloc(heap).arenas[0]!.pools[1]).toEqual({ index: 1, address: 32768, status: 'full', szidx: 1, count: 510, capacity: 510 });
    for (const p of blocks) heap.free(p);
    const s = heapStateFromPymalloc(heap);
    // An empty pool keeps the class it last served.
    expect(s.arenas[0]!.pools[1]).toEqual({ index: 1, address: 32768, status: 'empty', szidx: 1, count: 0, capacity: 510 });
    expect(s.arenas[0]!.pools[0]!.status).toBe('used');
    expect(heap.owns(keep)).toBe(true);
  });

  test('a recorded heap: real addresses, a base that is not pool-aligned has 63 pools', () => {
    const { heap, source } = createRecordedHeap('cpython-3.11');
    source.offer(0x7fb59fd3d000);
    const x = heap.malloc(56);
    heap.malloc(56);
    heap.free(x);
    expect(x).toBe(0x7fb59fd40030);
    const s = heapStateFromPymalloc(heap);
    expect(s.arenas[0]!.address).toBe(0x7fb59fd3d000);
    expect(s.arenas[0]!.pools).toHaveLength(63);
    expect(s.arenas[0]!.pools[0]).toEqual({ index: 0, address: 0x7fb59fd40000, status: 'used', szidx: 3, count: 1, capacity: 255 });
  });
});

describe('poolDetailFromPymalloc', () => {
  test('free-list order from freeblock, untouched blocks after nextoffset', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const a = heap.malloc(24);
    const b = heap.malloc(24);
    heap.malloc(24);
    heap.free(b);
    heap.free(a);
    const d = poolDetailFromPymalloc(heap, 0, 0)!;
    expect(d.address).toBe(16384);
    expect(d.szidx).toBe(1);
    expect(d.blockSize).toBe(32);
    expect(d.headerBytes).toBe(48);
    expect(d.count).toBe(1);
    expect(d.blocks).toHaveLength(510);
    // a was freed last: it is the head, then b, then block 3 that CPython's
    // malloc put on the list when it carved block 2.
    expect(d.freeList).toEqual([0, 1, 3]);
    expect(d.blocks.slice(0, 5)).toEqual(['free', 'free', 'allocated', 'free', 'untouched']);
    expect(d.blocks.filter((x) => x === 'untouched')).toHaveLength(506);
    expect(heap.malloc(24)).toBe(a);
    expect(poolDetailFromPymalloc(heap, 0, 0)!.freeList).toEqual([1, 3]);
  });

  test('recorded heap: block addresses are the real ones', () => {
    const { heap, source } = createRecordedHeap('cpython-3.11');
    source.offer(0x7fb59fd3d000);
    const x = heap.malloc(56);
    heap.malloc(56);
    heap.free(x);
    const d = poolDetailFromPymalloc(heap, 0, 0)!;
    expect(d.address).toBe(0x7fb59fd40000);
    expect(d.freeList).toEqual([0, 2]);
    expect(d.address + d.headerBytes + d.freeList[0]! * d.blockSize).toBe(x);
  });

  test('a never-carved pool has no detail', () => {
    const heap = createLinearHeap();
    heap.malloc(8);
    expect(poolDetailFromPymalloc(heap, 0, 5)).toBeUndefined();
  });
});
