import { blocksPerPool } from './geometry.js';
import { DUMMY_SIZE_IDX, POOL_ARENAINDEX, POOL_COUNT, POOL_NEXT, POOL_SZIDX } from './layout.js';
import type { Pymalloc } from './pymalloc.js';

/** One pool on one of the allocator's lists. */
export interface ListedPool {
  /** Descriptor slot of its arena. */
  readonly slot: number;
  /** Position of the pool in its arena (0 = the first pool). */
  readonly index: number;
  readonly address: number;
  /** Class it serves, or last served when empty; -1 for a pool no class ever used. */
  readonly szidx: number;
  /** Blocks in use. */
  readonly count: number;
  /** Blocks the pool holds in its class (0 when `szidx` is -1). */
  readonly capacity: number;
}

/** One live arena's empty pools. */
export interface ArenaFreepools {
  readonly slot: number;
  readonly address: number;
  /** Pools the arena holds. */
  readonly totalPools: number;
  /** `nfreepools`: cached empty pools plus never-carved ones. */
  readonly freePools: number;
  /** Pools never carved: taken in address order once `freepools` is used up. */
  readonly untouchedPools: number;
  /** The arena's `freepools` LIFO, head first: the next pool it gives out is the first. */
  readonly freepools: readonly ListedPool[];
}

/** The lists pymalloc keeps, as its state holds them at one moment. */
export interface PoolLists {
  /** `usedpools` of each class (index = class), head first: the head serves the next request of that class. */
  readonly usedpools: readonly (readonly ListedPool[])[];
  /** `usable_arenas`: slots of the arenas with a free pool, head first (fewest free pools first). */
  readonly usableArenas: readonly number[];
  /** Every live arena in slot order, with its `freepools` LIFO. */
  readonly arenas: readonly ArenaFreepools[];
}

/**
 * Walks the list of pool headers that starts at memory offset `head`
 * through their `nextpool` words. At most `limit` pools: a broken link
 * cannot make it loop (`check()` is the place that reports one).
 */
function walk(heap: Pymalloc, head: number, limit: number): ListedPool[] {
  const g = heap.geometry;
  const words = heap.words;
  const out: ListedPool[] = [];
  for (let p = head; p !== 0 && out.length < limit; p = words[(p >>> 2) + POOL_NEXT]!) {
    const w = p >>> 2;
    const slot = words[w + POOL_ARENAINDEX]!;
    const sz = words[w + POOL_SZIDX]!;
    const szidx = sz === DUMMY_SIZE_IDX ? -1 : sz;
    out.push({
      slot,
      index: (p - heap.aFirstPool[slot]!) / g.poolSize,
      address: p + heap.aDelta[slot]!,
      szidx,
      count: words[w + POOL_COUNT]!,
      capacity: szidx < 0 ? 0 : blocksPerPool(g, szidx),
    });
  }
  return out;
}

/** The `usedpools` lists, `usable_arenas` and each arena's `freepools` of a heap (see `Pymalloc.lists`). */
export function collectLists(heap: Pymalloc): PoolLists {
  const g = heap.geometry;
  const perArena = g.arenaSize / g.poolSize;
  const arenas: ArenaFreepools[] = [];
  for (let slot = 0; slot < heap.maxarenas; slot++) {
    const address = heap.aAddress[slot]!;
    if (address === 0) continue;
    const totalPools = heap.aNtotalpools[slot]!;
    const carved = (heap.aPoolAddress[slot]! - heap.aFirstPool[slot]!) / g.poolSize;
    arenas.push({ slot, address, totalPools, freePools: heap.aNfreepools[slot]!, untouchedPools: totalPools - carved, freepools: walk(heap, heap.aFreepools[slot]!, perArena) });
  }
  const usedpools: ListedPool[][] = [];
  const limit = perArena * Math.max(1, arenas.length);
  for (let idx = 0; idx < g.nClasses; idx++) usedpools.push(walk(heap, heap.usedpools[idx]!, limit));
  const usableArenas: number[] = [];
  for (let a = heap.usableArenas; a >= 0 && usableArenas.length < arenas.length; a = heap.aNext[a]!) usableArenas.push(a);
  return { usedpools, usableArenas, arenas };
}
