import { describe, expect, it } from 'vitest';
import { createRecordedHeap } from './recorded.js';

const ALIGNED = 0x7f0000000000;
const POOL = 0x4000;
const MIB = 0x100000;

function heapWith(bases: number[]) {
  const r = createRecordedHeap('cpython-3.11');
  for (const b of bases) r.source.offer(b);
  return r.heap;
}

/** [address, class, count] of each pool of a list, head first. */
const short = (pools: readonly { address: number; szidx: number; count: number }[]) => pools.map((p) => [p.address - ALIGNED, p.szidx, p.count]);

describe('lists(): usedpools, usable_arenas and freepools as the allocator keeps them', () => {
  it('a new heap has empty lists and no arena', () => {
    const heap = heapWith([ALIGNED]);
    const l = heap.lists();
    expect(l.usedpools).toHaveLength(32);
    expect(l.usedpools.every((u) => u.length === 0)).toBe(true);
    expect(l.usableArenas).toEqual([]);
    expect(l.arenas).toEqual([]);
  });

  it('a used pool heads its class list; a full one leaves it; an emptied one goes to freepools and serves the next class from there', () => {
    const heap = heapWith([ALIGNED]);
    const a = heap.malloc(8);
    const b = heap.malloc(8);
    heap.malloc(32);
    // 31 blocks of 512 bytes fill a 16 KiB pool (48-byte header): the pool is full and on no list.
    for (let i = 0; i < 31; i++) heap.malloc(512);
    let l = heap.lists();
    expect(short(l.usedpools[0]!)).toEqual([[0, 0, 2]]);
    expect(short(l.usedpools[1]!)).toEqual([[POOL, 1, 1]]);
    expect(l.usedpools[31]).toEqual([]);
    expect(l.usableArenas).toEqual([0]);
    expect(l.arenas).toEqual([{ slot: 0, address: ALIGNED, totalPools: 64, freePools: 61, untouchedPools: 61, freepools: [] }]);

    heap.malloc(512);
    l = heap.lists();
    expect(short(l.usedpools[31]!)).toEqual([[3 * POOL, 31, 1]]);
    expect(l.usedpools[31]![0]).toMatchObject({ slot: 0, index: 3, capacity: 31 });

    heap.free(a);
    heap.free(b);
    l = heap.lists();
    expect(l.usedpools[0]).toEqual([]);
    expect(short(l.arenas[0]!.freepools)).toEqual([[0, 0, 0]]);
    expect(l.arenas[0]).toMatchObject({ freePools: 61, untouchedPools: 60 });

    // Any class takes the cached empty pool before a never-carved one.
    expect(heap.malloc(48)).toBe(ALIGNED + 48);
    l = heap.lists();
    expect(short(l.usedpools[2]!)).toEqual([[0, 2, 1]]);
    expect(l.arenas[0]!.freepools).toEqual([]);
    heap.check();
  });

  it('freepools is LIFO, and usable_arenas puts the arena with the fewest free pools first', () => {
    const second = ALIGNED + 8 * MIB;
    const heap = heapWith([ALIGNED, second]);
    // Fill the first arena with class-31 pools (64 pools of 31 blocks), then one block in the second.
    const blocks: number[] = [];
    for (let i = 0; i < 64 * 31; i++) blocks.push(heap.malloc(512));
    const inSecond = heap.malloc(512);
    expect(inSecond).toBe(second + 48);
    // Empty pools 5 then 9 of the first arena: 9 is the head of its freepools.
    for (const pool of [5, 9]) for (let i = 0; i < 31; i++) heap.free(blocks[pool * 31 + i]!);
    const l = heap.lists();
    expect(l.arenas.map((x) => x.slot)).toEqual([0, 1]);
    expect(l.arenas[0]!.freepools.map((p) => p.index)).toEqual([9, 5]);
    expect(l.arenas[0]!.freepools.every((p) => p.count === 0 && p.szidx === 31)).toBe(true);
    // The first arena has 2 free pools, the second 63: the first heads usable_arenas.
    expect(l.usableArenas).toEqual([0, 1]);
    expect(l.arenas.map((x) => x.freePools)).toEqual([2, 63]);
    heap.check();
  });

  it('agrees with arenas() and stats(): every pool with blocks in use but not full is on its class list once', () => {
    const heap = heapWith([ALIGNED, ALIGNED + 8 * MIB, ALIGNED + 16 * MIB]);
    const live: number[] = [];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 20_000; i++) {
      if (live.length > 0 && rnd(3) === 0) heap.free(live.splice(rnd(live.length), 1)[0]!);
      else live.push(heap.malloc(1 + rnd(512)));
    }
    const l = heap.lists();
    const stats = heap.stats();
    const listed = l.usedpools.flat();
    expect(new Set(listed.map((p) => p.address)).size).toBe(listed.length);
    expect(listed.every((p) => p.count > 0 && p.count < p.capacity)).toBe(true);
    l.usedpools.forEach((u, idx) => expect(u.every((p) => p.szidx === idx)).toBe(true));
    // The pools of a class not on its list are full: they hold capacity blocks each.
    for (const c of stats.classes) {
      const onList = l.usedpools[c.idx]!;
      const full = c.pools - onList.length;
      expect(full).toBeGreaterThanOrEqual(0);
      const capacity = onList[0]?.capacity ?? Math.floor((POOL - 48) / c.size);
      expect(onList.reduce((n, p) => n + p.count, 0) + full * capacity).toBe(c.blocksInUse);
    }
    expect(l.arenas.map((x) => x.slot)).toEqual(heap.arenas().map((x) => x.slot));
    expect(l.arenas.reduce((n, x) => n + x.freePools, 0)).toBe(stats.unusedPools);
  });
});
