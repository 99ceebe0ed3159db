/**
 * Plain data describing a pymalloc heap at one moment. The renderers only
 * read these shapes, so a state can come from a live heap
 * ({@link heapStateFromPymalloc}) or from a trace position (a replay stopped
 * at record N, a `.pymem` checkpoint) without this package depending on
 * either.
 */

/** State of one pool slot in an arena. */
export type PoolStatus = 'used' | 'full' | 'empty' | 'untouched';

/** The heap's geometry, as far as the views need it. */
export interface VizGeometry {
  /** Preset or custom name, e.g. `cpython-3.11`. */
  readonly name: string;
  /** Block size step (16 with CPython 3.8+). */
  readonly alignment: number;
  readonly poolSize: number;
  readonly arenaSize: number;
  /** Pool header bytes (48 rounded up to the alignment). */
  readonly poolOverhead: number;
  readonly nClasses: number;
}

/** One pool slot of an arena. */
export interface PoolState {
  /** Position of the pool in its arena (0 = first pool-aligned slot). */
  readonly index: number;
  /** Address of the pool (first byte of its header). */
  readonly address: number;
  readonly status: PoolStatus;
  /** Size class the pool serves (or last served, when empty); -1 when untouched. */
  readonly szidx: number;
  /** Blocks in use. */
  readonly count: number;
  /** Blocks the pool holds for its class (0 when untouched). */
  readonly capacity: number;
}

/** One live arena. */
export interface ArenaState {
  /** Descriptor slot (`arenaindex` in its pool headers). */
  readonly slot: number;
  readonly address: number;
  readonly pools: readonly PoolState[];
}

/** One row of the per-class table (the numbers of `sys._debugmallocstats()`). */
export interface ClassRow {
  readonly idx: number;
  /** Block size in bytes. */
  readonly size: number;
  /** Pools with at least one block in use. */
  readonly pools: number;
  readonly blocksInUse: number;
  /** Free blocks in those pools, never-used ones included. */
  readonly availBlocks: number;
}

/** A whole heap at one moment. */
export interface HeapState {
  readonly geometry: VizGeometry;
  /** Live arenas in descriptor slot order. */
  readonly arenas: readonly ArenaState[];
  /** Every size class, also those without pools. */
  readonly classes: readonly ClassRow[];
  /** Bytes in allocated blocks. */
  readonly liveBytes: number;
  /** Bytes of live arenas. */
  readonly arenaBytes: number;
}

/** State of one block of a pool. */
export type BlockStatus = 'allocated' | 'free' | 'untouched';

/** One pool with its blocks (what {@link poolModel} draws). */
export interface PoolDetail {
  readonly address: number;
  readonly szidx: number;
  readonly blockSize: number;
  readonly poolSize: number;
  /** Offset of block 0 from the pool start (the header size). */
  readonly headerBytes: number;
  readonly count: number;
  /** Block states in address order. */
  readonly blocks: readonly BlockStatus[];
  /**
   * The free list from its head (`freeblock`), as block indices: the next
   * `malloc` of this class returns block `freeList[0]`, then `freeList[1]`…
   * Never-used blocks (`untouched`) come after, in address order.
   */
  readonly freeList: readonly number[];
}
