import { describe, expect, it } from 'vitest';
import type { PymallocObserver } from './api.js';
import { createRecordedHeap } from './recorded.js';

// A 16 KiB-aligned base (64 pools) and the spec's worked example (excess 0x1000, 63 pools).
const ALIGNED = 0x7f0000000000;
const EXAMPLE = 0x7fb59fd3d000;
const POOL = 0x4000;
const MIB = 0x100000;

function heapWith(bases: number[], geometry: Parameters<typeof createRecordedHeap>[0] = 'cpython-3.11') {
  const r = createRecordedHeap(geometry);
  for (const b of bases) r.source.offer(b);
  r.fallback.expect(0x1000);
  return r;
}

describe('arena acquisition', () => {
  it('places the first block after the pool header of the first pool-aligned pool (spec §4 worked example)', () => {
    const { heap } = heapWith([EXAMPLE]);
    expect(heap.malloc(56).toString(16)).toBe('7fb59fd40030');
    const s = heap.stats();
    expect(s.unusedPools).toBe(62);
    expect(s.arenaAlignmentBytes).toBe(POOL);
    heap.check();
  });

  it('gives a pool-aligned arena 64 pools and starts at its base', () => {
    const { heap } = heapWith([ALIGNED]);
    expect(heap.malloc(1)).toBe(ALIGNED + 48);
    expect(heap.stats().unusedPools).toBe(63);
  });

  it('asks for a new arena only when no arena has an available pool', () => {
    const second = ALIGNED + 8 * MIB;
    const { heap, source } = heapWith([ALIGNED, second]);
    // 64 classes-worth of pools: one pool per request of a different class fills 32 pools...
    for (let i = 0; i < 64; i++) heap.malloc(512);
    expect(heap.arenasCurrent).toBe(1);
    expect(source.offered).toBe(1);
    // 64 pools of class 31 hold 31 blocks each: fill the arena exactly.
    for (let i = 64; i < 64 * 31; i++) heap.malloc(512);
    expect(heap.arenasCurrent).toBe(1);
    expect(heap.malloc(512)).toBe(second + 48);
    expect(heap.arenasCurrent).toBe(2);
    heap.check();
  });

  it('fails over to the fallback when no arena can be had', () => {
    const { heap, fallback } = heapWith([]);
    fallback.expect(0x5000);
    expect(heap.malloc(8)).toBe(0x5000);
    expect(heap.arenasCurrent).toBe(0);
    heap.check();
  });
});

describe('within a pool', () => {
  it('hands out virgin blocks in address order and reuses freed blocks LIFO', () => {
    const { heap } = heapWith([ALIGNED]);
    const a = heap.malloc(32);
    const b = heap.malloc(32);
    const c = heap.malloc(32);
    expect([a, b, c].map((x) => x - ALIGNED)).toEqual([48, 80, 112]);
    heap.free(a);
    heap.free(c);
    expect(heap.malloc(30)).toBe(c);
    expect(heap.malloc(17)).toBe(a);
    expect(heap.malloc(32)).toBe(ALIGNED + 144);
    heap.check();
  });

  it('unlinks a pool the moment its last block is handed out, and a freed block brings it back to the front', () => {
    const { heap } = heapWith([ALIGNED]);
    const blocks: number[] = [];
    for (let i = 0; i < 31; i++) blocks.push(heap.malloc(512));
    expect(blocks[30]).toBe(ALIGNED + 48 + 30 * 512);
    expect(heap.usedpools[31]).toBe(0); // full: on no list
    const next = heap.malloc(512); // a second pool
    expect(next).toBe(ALIGNED + POOL + 48);
    heap.free(blocks[5]!); // first pool back from full: to the front
    expect(heap.malloc(512)).toBe(blocks[5]);
    // The first pool is full again; the second pool serves.
    expect(heap.malloc(512)).toBe(ALIGNED + POOL + 48 + 512);
    heap.check();
  });

  it('serves from the first pool of usedpools: the newest pool goes in front', () => {
    const { heap } = heapWith([ALIGNED]);
    const p1 = [heap.malloc(500), heap.malloc(500)];
    for (let i = 2; i < 31; i++) heap.malloc(500);
    const p2first = heap.malloc(500); // new pool 2
    expect(p2first).toBe(ALIGNED + POOL + 48);
    heap.free(p1[0]!); // pool 1 back from full → front
    heap.malloc(16); // other class: pool 3
    expect(heap.malloc(500)).toBe(p1[0]); // pool 1 serves
    expect(heap.malloc(500)).toBe(ALIGNED + POOL + 48 + 512); // then pool 2
    heap.check();
  });
});

describe('empty pools', () => {
  it('reuses empty pools LIFO before carving, and carves in address order', () => {
    const { heap } = heapWith([ALIGNED]);
    const a = heap.malloc(16); // pool 0
    const b = heap.malloc(32); // pool 1
    const c = heap.malloc(48); // pool 2
    expect([a, b, c].map((x) => (x - ALIGNED) / POOL | 0)).toEqual([0, 1, 2]);
    heap.free(a);
    heap.free(c); // freepools: pool 2, pool 0
    expect(heap.malloc(64) - ALIGNED).toBe(2 * POOL + 48); // most recently emptied first
    expect(heap.malloc(80) - ALIGNED).toBe(0 * POOL + 48);
    expect(heap.malloc(96) - ALIGNED).toBe(3 * POOL + 48); // then carve
    heap.check();
  });

  it('continues the old free list when an empty pool is reused for the same class', () => {
    const { heap } = heapWith([ALIGNED]);
    const x = [heap.malloc(64), heap.malloc(64), heap.malloc(64)];
    heap.free(x[1]!);
    heap.free(x[0]!);
    heap.free(x[2]!); // pool empty; free list: x2, x0, x1, virgin(48+3*64)
    const order = [heap.malloc(64), heap.malloc(64), heap.malloc(64), heap.malloc(64)];
    expect(order).toEqual([x[2], x[0], x[1], ALIGNED + 48 + 3 * 64]);
    heap.check();
  });

  it('re-initialises an empty pool taken for another class from offset 48', () => {
    const { heap } = heapWith([ALIGNED]);
    const x = [heap.malloc(64), heap.malloc(64), heap.malloc(64)];
    for (const p of x) heap.free(p);
    expect(heap.malloc(100)).toBe(ALIGNED + 48);
    expect(heap.malloc(100)).toBe(ALIGNED + 48 + 112);
    heap.check();
  });
});

describe('usable_arenas order', () => {
  /** Fills `n` arenas completely with 512-byte blocks; returns the blocks per arena. */
  function fill(heap: ReturnType<typeof heapWith>['heap'], n: number, bases: number[]): number[][] {
    const per: number[][] = bases.slice(0, n).map(() => []);
    for (let i = 0; i < n * 64 * 31; i++) {
      const p = heap.malloc(512);
      const k = bases.findIndex((b) => p >= b && p < b + MIB);
      per[k]!.push(p);
    }
    return per;
  }
  const bases = [ALIGNED, ALIGNED + 4 * MIB, ALIGNED + 8 * MIB];

  it('takes new pools from the fullest arena; on equal counts the one that changed last', () => {
    const { heap } = heapWith(bases);
    const per = fill(heap, 3, bases);
    // Empty one pool in arena 2, then one in arena 0: both have 1 free pool.
    for (const p of per[2]!.slice(0, 31)) heap.free(p);
    for (const p of per[0]!.slice(0, 31)) heap.free(p);
    // Arena 0 changed last: it is first in its group and supplies the next pool.
    const q = heap.malloc(16);
    expect(q).toBe(bases[0]! + 48);
    const r = heap.malloc(32);
    expect(r).toBe(bases[2]! + 48);
    heap.check();
  });

  it('moves an arena that gained a free pool in front of those that already had its new count', () => {
    const { heap } = heapWith(bases);
    const per = fill(heap, 3, bases);
    for (const p of per[0]!.slice(0, 31)) heap.free(p); // a0: 1
    for (const p of per[1]!.slice(0, 62)) heap.free(p); // a1: 2
    for (const p of per[2]!.slice(0, 31)) heap.free(p); // a2: 1 → order a2, a0, a1
    for (const p of per[2]!.slice(31, 62)) heap.free(p); // a2: 2 → goes after a0, before a1
    expect([heap.usableArenas, heap.aNext[heap.usableArenas], heap.aNext[heap.aNext[heap.usableArenas]!]]).toEqual([0, 2, 1]);
    heap.check();
    // Pools come from a0 first, then a2 (not a1).
    expect(heap.malloc(16)).toBe(bases[0]! + 48);
    expect(heap.malloc(32)).toBe(bases[2]! + POOL + 48); // a2's most recently emptied pool: its 2nd
  });
});

describe('arena release', () => {
  it('frees an empty arena that has a successor, keeps the one at the tail (3.11)', () => {
    const a = ALIGNED;
    const b = ALIGNED + 4 * MIB;
    const { heap, source } = heapWith([a, b]);
    const inA: number[] = [];
    for (let i = 0; i < 64 * 31; i++) inA.push(heap.malloc(512));
    const inB = heap.malloc(512); // arena b, 63 free pools
    expect(inB).toBe(b + 48);
    const released: number[] = [];
    heap.observer = { arenaFree: (addr) => released.push(addr) } satisfies PymallocObserver;
    for (const p of inA) heap.free(p);
    // a emptied while b (63 free) followed it: released.
    expect(released).toEqual([a]);
    heap.free(inB); // b is empty and the tail: kept
    expect(released).toEqual([a]);
    expect(heap.arenasCurrent).toBe(1);
    expect(heap.stats().arenasReclaimed).toBe(1);
    // The released descriptor is reused first (LIFO): the next new arena gets slot 0.
    source.offer(a + 16 * MIB);
    for (let i = 0; i < 64 * 31 + 1; i++) heap.malloc(512);
    expect(heap.aAddress[0]).toBe(a + 16 * MIB);
    heap.check();
  });

  it('frees every empty arena with the 3.8 geometry', () => {
    const { heap } = heapWith([0x7f0000000000], 'cpython-3.8');
    const p = heap.malloc(100);
    expect(p).toBe(0x7f0000000000 + 48);
    heap.free(p);
    expect(heap.arenasCurrent).toBe(0);
    expect(heap.stats().arenasReclaimed).toBe(1);
    heap.check();
  });
});

describe('realloc', () => {
  it('stays in place when n <= size and 4n > 3*size', () => {
    const { heap } = heapWith([ALIGNED]);
    const p = heap.malloc(64);
    expect(heap.realloc(p, 49)).toBe(p);
    expect(heap.realloc(p, 64)).toBe(p);
  });

  it('moves on a shrink by 25% or more, within the same class, malloc before free', () => {
    const { heap } = heapWith([ALIGNED]);
    const p = heap.malloc(16);
    const q = heap.realloc(p, 12); // 48 > 48 is false: moves
    expect(q).toBe(ALIGNED + 48 + 16);
    expect(heap.malloc(16)).toBe(p); // p was freed after q was taken
  });

  it('moves to a bigger class, copying the bytes', () => {
    const { heap } = heapWith([ALIGNED]);
    const p = heap.malloc(20);
    const u8 = heap.memory.u8;
    const off = heap.offsetOf(p);
    u8.set([1, 2, 3, 4, 5], off);
    const q = heap.realloc(p, 100);
    expect(q).toBe(ALIGNED + POOL + 48);
    const qo = heap.offsetOf(q);
    expect([...heap.memory.u8.subarray(qo, qo + 5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('sends growth past the threshold and n == 0 to the fallback, freeing the block', () => {
    const { heap, fallback } = heapWith([ALIGNED]);
    const p = heap.malloc(100);
    fallback.expect(0x9000);
    expect(heap.realloc(p, 513)).toBe(0x9000);
    expect(heap.stats().classes[6]!.pools).toBe(0);
    const r = heap.malloc(100);
    fallback.expect(0xa000);
    expect(heap.realloc(r, 0)).toBe(0xa000);
    heap.check();
  });

  it('keeps a fallback block with the fallback even when it shrinks', () => {
    const { heap, fallback } = heapWith([ALIGNED]);
    fallback.expect(0x9000);
    const p = heap.malloc(1000);
    fallback.expect(0x9000);
    expect(heap.realloc(p, 8)).toBe(0x9000);
    expect(fallback.served).toBe(2);
    expect(heap.arenasCurrent).toBe(0);
  });
});

describe('calloc and declined sizes', () => {
  it('zeroes a reused block', () => {
    const { heap } = heapWith([ALIGNED]);
    const p = heap.malloc(40);
    heap.memory.u8.fill(0xab, heap.offsetOf(p), heap.offsetOf(p) + 40);
    heap.free(p);
    const q = heap.calloc(5, 8);
    expect(q).toBe(p);
    const o = heap.offsetOf(q);
    expect([...heap.memory.u8.subarray(o, o + 40)].every((b) => b === 0)).toBe(true);
  });

  it('routes 0 bytes and sizes above 512 to the fallback', () => {
    const { heap, fallback } = heapWith([ALIGNED]);
    fallback.expect(0x7000);
    expect(heap.malloc(0)).toBe(0x7000);
    expect(heap.calloc(0, 8)).toBe(0x7000);
    expect(heap.malloc(513)).toBe(0x7000);
    expect(heap.malloc(512)).toBe(ALIGNED + 48);
    expect(fallback.served).toBe(3);
  });
});

describe('descriptors', () => {
  it('grows the descriptor vector 16 → 32 and reports an arena per slot', () => {
    const bases = Array.from({ length: 17 }, (_, i) => ALIGNED + i * 2 * MIB);
    const { heap } = heapWith(bases);
    for (let i = 0; i < 17 * 64 * 31; i++) heap.malloc(512);
    expect(heap.maxarenas).toBe(32);
    expect(heap.arenasCurrent).toBe(17);
    expect(heap.aAddress[16]).toBe(bases[16]);
    heap.check();
  });
});

describe('observer', () => {
  it('reports arena, pool and block events in order', () => {
    const { heap } = heapWith([ALIGNED]);
    const log: string[] = [];
    heap.observer = {
      arenaAlloc: (a, slot, pools) => log.push(`arena+ ${a - ALIGNED} ${slot} ${pools}`),
      poolInit: (p, i) => log.push(`init ${p - ALIGNED} ${i}`),
      poolReuse: (p, i) => log.push(`reuse ${p - ALIGNED} ${i}`),
      poolEmpty: (p, i) => log.push(`empty ${p - ALIGNED} ${i}`),
      blockAlloc: (a, n, r) => log.push(`alloc ${a - ALIGNED} ${n} ${r}`),
      blockFree: (a, r) => log.push(`free ${a - ALIGNED} ${r}`),
    };
    const p = heap.malloc(10);
    heap.free(p);
    heap.malloc(10);
    expect(log).toEqual(['arena+ 0 0 64', 'init 0 0', 'alloc 48 10 0', 'empty 0 0', 'free 48 0', 'reuse 0 0', 'alloc 48 10 0']);
  });

  it('tells calloc from malloc, and reports realloc(NULL, n) as a realloc', () => {
    const { heap, fallback } = heapWith([ALIGNED]);
    const log: string[] = [];
    heap.observer = {
      blockAlloc: (a, n, r, zeroed) => log.push(`${zeroed ? 'calloc' : 'malloc'} ${a - ALIGNED} ${n} ${r}`),
      blockRealloc: (from, to, n, r) => log.push(`realloc ${from} ${to - ALIGNED} ${n} ${r}`),
    };
    heap.malloc(8);
    heap.calloc(2, 8);
    heap.realloc(0, 32);
    fallback.expect(ALIGNED - 0x1000);
    heap.realloc(0, 600);
    expect(log).toEqual(['malloc 48 8 0', 'calloc 64 16 0', 'realloc 0 16432 32 0', 'realloc 0 -4096 600 1']);
  });
});
