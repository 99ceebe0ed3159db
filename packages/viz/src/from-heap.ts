import type { BlockStatus, HeapState, PoolDetail, PoolState, PoolStatus, VizGeometry } from './state.js';

/**
 * What the adapter reads from a `Pymalloc` heap of `@pymem/arena`
 * (`createLinearHeap()`, `createRecordedHeap().heap`, …), structurally, so
 * that this package does not depend on the allocator. The `a*` arrays are the
 * heap's arena descriptors (internal, but public fields).
 */
export interface PymallocLike {
  readonly geometry: VizGeometry;
  /** The 32-bit view of the arena memory: pool headers and free lists. */
  readonly words: Uint32Array;
  /** Address minus memory offset, per descriptor slot. */
  readonly aDelta: ArrayLike<number>;
  /** Memory offset of the first pool, per slot. */
  readonly aFirstPool: ArrayLike<number>;
  /** Memory offset of the next pool to carve, per slot. */
  readonly aPoolAddress: ArrayLike<number>;
  stats(): {
    readonly classes: readonly { readonly idx: number; readonly size: number; readonly pools: number; readonly blocksInUse: number; readonly availBlocks: number }[];
    readonly bytesInAllocatedBlocks: number;
    readonly arenaBytes: number;
  };
  arenas(): readonly { readonly slot: number; readonly address: number; readonly totalPools: number }[];
}

// Word indices of the pool header fields (as @pymem/arena's POOL_* constants).
const POOL_COUNT = 0;
const POOL_FREEBLOCK = 2;
const POOL_SZIDX = 9;
const POOL_NEXTOFFSET = 10;
const DUMMY_SIZE_IDX = 0xffff;

function capacityOf(g: VizGeometry, szidx: number): number {
  return Math.floor((g.poolSize - g.poolOverhead) / ((szidx + 1) * g.alignment));
}

function copyGeometry(g: VizGeometry): VizGeometry {
  return { name: g.name, alignment: g.alignment, poolSize: g.poolSize, arenaSize: g.arenaSize, poolOverhead: g.poolOverhead, nClasses: g.nClasses };
}

/**
 * The view state of a live heap: every live arena's pools read from their
 * headers in `heap.words` (carved pools are used, full or empty, the rest
 * untouched) and the per-class numbers of `heap.stats()`.
 */
export function heapStateFromPymalloc(heap: PymallocLike): HeapState {
  const g = heap.geometry;
  const words = heap.words;
  const stats = heap.stats();
  const arenas = heap.arenas().map((info) => {
    const first = heap.aFirstPool[info.slot]!;
    const carvedEnd = heap.aPoolAddress[info.slot]!;
    const delta = heap.aDelta[info.slot]!;
    const pools: PoolState[] = [];
    for (let i = 0; i < info.totalPools; i++) {
      const offset = first + i * g.poolSize;
      const address = offset + delta;
      if (offset >= carvedEnd) {
        pools.push({ index: i, address, status: 'untouched', szidx: -1, count: 0, capacity: 0 });
        continue;
      }
      const w = offset >>> 2;
      const count = words[w + POOL_COUNT]!;
      const sz = words[w + POOL_SZIDX]!;
      const szidx = sz === DUMMY_SIZE_IDX ? -1 : sz;
      const capacity = szidx < 0 ? 0 : capacityOf(g, szidx);
      const status: PoolStatus = count === 0 ? 'empty' : count === capacity ? 'full' : 'used';
      pools.push({ index: i, address, status, szidx, count, capacity });
    }
    return { slot: info.slot, address: info.address, pools };
  });
  return {
    geometry: copyGeometry(g),
    arenas,
    classes: stats.classes.map((c) => ({ idx: c.idx, size: c.size, pools: c.pools, blocksInUse: c.blocksInUse, availBlocks: c.availBlocks })),
    liveBytes: stats.bytesInAllocatedBlocks,
    arenaBytes: stats.arenaBytes,
  };
}

/**
 * One pool's blocks and free-list order, read from its header and the free
 * blocks' link words. `slot` is the arena's descriptor slot, `index` the
 * pool's position in it (as in {@link PoolState}).
 * @returns undefined for a pool that was never carved.
 */
export function poolDetailFromPymalloc(heap: PymallocLike, slot: number, index: number): PoolDetail | undefined {
  const g = heap.geometry;
  const offset = heap.aFirstPool[slot]! + index * g.poolSize;
  if (!(offset < heap.aPoolAddress[slot]!)) return undefined;
  const words = heap.words;
  const w = offset >>> 2;
  const sz = words[w + POOL_SZIDX]!;
  if (sz === DUMMY_SIZE_IDX) return undefined;
  const size = (sz + 1) * g.alignment;
  const capacity = capacityOf(g, sz);
  const header = g.poolOverhead;
  const nextoffset = words[w + POOL_NEXTOFFSET]!;
  const blocks: BlockStatus[] = [];
  for (let b = 0; b < capacity; b++) blocks.push(header + b * size < nextoffset ? 'allocated' : 'untouched');
  const freeList: number[] = [];
  // Follow freeblock → next → … (memory offsets; 0 ends the list), bounded by capacity.
  let p = words[w + POOL_FREEBLOCK]!;
  while (p !== 0 && freeList.length < capacity) {
    const b = (p - offset - header) / size;
    if (!Number.isInteger(b) || b < 0 || b >= capacity) break;
    blocks[b] = 'free';
    freeList.push(b);
    p = words[p >>> 2]!;
  }
  return { address: offset + heap.aDelta[slot]!, szidx: sz, blockSize: size, poolSize: g.poolSize, headerBytes: header, count: words[w + POOL_COUNT]!, blocks, freeList };
}
