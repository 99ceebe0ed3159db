import { HeapCorruptionError, hex } from './errors.js';
import { blocksPerPool, classToSize } from './geometry.js';
import {
  POOL_ARENAINDEX,
  POOL_COUNT,
  POOL_FREEBLOCK,
  POOL_MAXNEXTOFFSET,
  POOL_NEXT,
  POOL_NEXTOFFSET,
  POOL_PREV,
  POOL_SZIDX,
} from './layout.js';
import type { Pymalloc } from './pymalloc.js';

const NONE = -1;
const STATE_NONE = 0;
const STATE_USED = 1;
const STATE_FREE = 2;

/**
 * Verifies every invariant of a {@link Pymalloc} heap and throws
 * {@link HeapCorruptionError} naming the first one broken: free lists inside
 * their pools, block counts, list membership, `usable_arenas` order and
 * links, the `nfp2lasta` fingers, the unused-descriptor list and counters.
 * It walks every pool and free block: O(heap size).
 */
export function checkHeap(heap: Pymalloc): void {
  const g = heap.geometry;
  const w = heap.words;
  const fail = (msg: string): never => {
    throw new HeapCorruptionError(msg);
  };
  const poolName = (a: number, pool: number): string =>
    `pool ${hex(pool + heap.aDelta[a]!)} (arena slot ${a})`;

  // Per-pool membership, keyed by memory offset.
  const membership = new Map<number, number>();

  // usedpools: each list well linked, pools partly used, of the right class.
  for (let idx = 0; idx < g.nClasses; idx++) {
    let prev = 0;
    let steps = 0;
    for (let pool = heap.usedpools[idx]!; pool !== 0; pool = w[(pool >>> 2) + POOL_NEXT]!) {
      const h = pool >>> 2;
      const a = w[h + POOL_ARENAINDEX]!;
      if (a >= heap.maxarenas || heap.aAddress[a] === 0) fail(`usedpools[${idx}] holds a pool at offset ${pool} of no live arena`);
      const name = poolName(a, pool);
      if (w[h + POOL_PREV] !== prev) fail(`${name}: prevpool does not point back along usedpools[${idx}]`);
      if (w[h + POOL_SZIDX] !== idx) fail(`${name} is in usedpools[${idx}] but has szidx ${w[h + POOL_SZIDX]}`);
      const count = w[h + POOL_COUNT]!;
      if (count === 0 || count >= blocksPerPool(g, idx)) fail(`${name} in usedpools[${idx}] has count ${count}`);
      if (w[h + POOL_FREEBLOCK] === 0) fail(`${name} in usedpools[${idx}] has no free block`);
      if (membership.has(pool)) fail(`${name} appears twice in usedpools`);
      membership.set(pool, STATE_USED);
      prev = pool;
      if (++steps > 1e7) fail(`usedpools[${idx}] does not end`);
    }
  }

  // Arenas: freepools, carved pools, counts.
  let live = 0;
  for (let a = 0; a < heap.maxarenas; a++) {
    if (heap.aAddress[a] === 0) continue;
    live++;
    const address = heap.aAddress[a]!;
    const first = heap.aFirstPool[a]!;
    const carvedEnd = heap.aPoolAddress[a]!;
    const total = heap.aNtotalpools[a]!;
    const expectTotal = g.maxPoolsInArena - (address % g.poolSize === 0 ? 0 : 1);
    if (total !== expectTotal) fail(`arena slot ${a} at ${hex(address)}: ntotalpools ${total}, expected ${expectTotal}`);
    const carved = (carvedEnd - first) / g.poolSize;
    if (!Number.isInteger(carved) || carved < 0 || carved > total) fail(`arena slot ${a}: pool_address out of range`);
    if (carved > 0) {
      const firstByte = first + heap.aDelta[a]!;
      const lastByte = carvedEnd - 1 + heap.aDelta[a]!;
      if (heap.slotOf(firstByte) !== a || heap.slotOf(lastByte) !== a) fail(`arena slot ${a} at ${hex(address)}: its pools are not found by the ownership test`);
    }
    let cached = 0;
    for (let pool = heap.aFreepools[a]!; pool !== 0; pool = w[(pool >>> 2) + POOL_NEXT]!) {
      if (pool < first || pool >= carvedEnd || (pool - first) % g.poolSize !== 0) fail(`arena slot ${a}: freepools holds offset ${pool}, not a carved pool of this arena`);
      const name = poolName(a, pool);
      if (w[(pool >>> 2) + POOL_COUNT] !== 0) fail(`${name} is in freepools with count ${w[(pool >>> 2) + POOL_COUNT]}`);
      if (membership.has(pool)) fail(`${name} is in freepools and another list`);
      membership.set(pool, STATE_FREE);
      if (++cached > total) fail(`arena slot ${a}: freepools does not end`);
    }
    if (heap.aNfreepools[a] !== cached + (total - carved)) {
      fail(`arena slot ${a}: nfreepools ${heap.aNfreepools[a]} but ${cached} cached + ${total - carved} never carved`);
    }
    for (let pool = first; pool < carvedEnd; pool += g.poolSize) checkPool(heap, a, pool, membership.get(pool) ?? STATE_NONE, fail);
  }
  if (live !== heap.arenasCurrent) fail(`${live} live arenas but arenasCurrent is ${heap.arenasCurrent}`);
  if (heap.arenasHighwater < live || heap.arenasAllocatedTotal < heap.arenasHighwater) fail('arena counters out of order');

  // usable_arenas: linked both ways, sorted ascending, exactly the arenas with free pools.
  let onList = 0;
  let prev = NONE;
  const rightmost = new Int32Array(g.maxPoolsInArena + 1).fill(NONE);
  for (let a = heap.usableArenas; a !== NONE; a = heap.aNext[a]!) {
    if (heap.aAddress[a] === 0) fail(`usable_arenas holds unused slot ${a}`);
    if (heap.aPrev[a] !== prev) fail(`usable_arenas: slot ${a} prevarena is ${heap.aPrev[a]}, expected ${prev}`);
    const nf = heap.aNfreepools[a]!;
    if (nf === 0) fail(`usable_arenas holds slot ${a} with no free pool`);
    if (prev !== NONE && heap.aNfreepools[prev]! > nf) fail(`usable_arenas not sorted: slot ${prev} (${heap.aNfreepools[prev]}) before slot ${a} (${nf})`);
    if (nf === heap.aNtotalpools[a] && heap.aNext[a] !== NONE && g.keepEmptyArena) fail(`wholly empty arena slot ${a} is not the tail of usable_arenas`);
    rightmost[nf] = a;
    prev = a;
    if (++onList > heap.maxarenas) fail('usable_arenas does not end');
  }
  let withFree = 0;
  for (let a = 0; a < heap.maxarenas; a++) if (heap.aAddress[a] !== 0 && heap.aNfreepools[a]! > 0) withFree++;
  if (withFree !== onList) fail(`${withFree} arenas have free pools but ${onList} are on usable_arenas`);
  for (let n = 0; n <= g.maxPoolsInArena; n++) {
    if (heap.nfp2lasta[n] !== rightmost[n]) fail(`nfp2lasta[${n}] is ${heap.nfp2lasta[n]}, rightmost arena with ${n} free pools is ${rightmost[n]}`);
  }

  // Unused descriptors.
  let unused = 0;
  for (let a = heap.unusedArenaObjects; a !== NONE; a = heap.aNext[a]!) {
    if (heap.aAddress[a] !== 0) fail(`unused_arena_objects holds live slot ${a}`);
    if (++unused > heap.maxarenas) fail('unused_arena_objects does not end');
  }
  if (unused + live !== heap.maxarenas) fail(`${unused} unused + ${live} live descriptors != ${heap.maxarenas}`);
}

function checkPool(heap: Pymalloc, a: number, pool: number, state: number, fail: (m: string) => never): void {
  const g = heap.geometry;
  const w = heap.words;
  const h = pool >>> 2;
  const name = `pool ${hex(pool + heap.aDelta[a]!)} (arena slot ${a})`;
  if (w[h + POOL_ARENAINDEX] !== a) fail(`${name}: arenaindex ${w[h + POOL_ARENAINDEX]}`);
  const idx = w[h + POOL_SZIDX]!;
  if (idx >= g.nClasses) fail(`${name}: szidx ${idx}`);
  const size = classToSize(g, idx);
  const nblocks = blocksPerPool(g, idx);
  const count = w[h + POOL_COUNT]!;
  const nextoffset = w[h + POOL_NEXTOFFSET]!;
  if (w[h + POOL_MAXNEXTOFFSET] !== g.poolSize - size) fail(`${name}: maxnextoffset ${w[h + POOL_MAXNEXTOFFSET]}`);
  if ((nextoffset - g.poolOverhead) % size !== 0 || nextoffset < g.poolOverhead + size) fail(`${name}: nextoffset ${nextoffset}`);
  const virgin = nextoffset <= g.poolSize - size ? Math.floor((g.poolSize - size - nextoffset) / size) + 1 : 0;
  let free = 0;
  for (let b = w[h + POOL_FREEBLOCK]!; b !== 0; b = w[b >>> 2]!) {
    const rel = b - pool;
    if (rel < g.poolOverhead || rel >= nextoffset || (rel - g.poolOverhead) % size !== 0) {
      fail(`${name}: free list holds ${hex(b + heap.aDelta[a]!)}, not a handed-out block of this pool`);
    }
    if (++free > nblocks) fail(`${name}: free list has a cycle`);
  }
  if (count + free + virgin !== nblocks) fail(`${name}: count ${count} + free ${free} + virgin ${virgin} != ${nblocks} blocks`);
  if (count === 0 && state !== STATE_FREE) fail(`${name} is empty but not in its arena's freepools`);
  if (count > 0 && free === 0 && state !== STATE_NONE) fail(`${name} is full but on a list`);
  if (count > 0 && free > 0 && state !== STATE_USED) fail(`${name} is partly used but not in usedpools[${idx}]`);
}
