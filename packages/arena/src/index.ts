export type { Allocator, ArenaSource, FallbackAllocator, PymallocObserver, Route } from './api.js';
export { ROUTE_FALLBACK, ROUTE_PYMALLOC } from './api.js';
export { checkHeap } from './check.js';
export { GeometryError, HeapCorruptionError, InvalidAddressError, OutOfMemoryError, PymemArenaError, hex } from './errors.js';
export type { Geometry, GeometryOpts, PresetName } from './geometry.js';
export { PRESETS, blocksPerPool, classToSize, geometryForPython, resolveGeometry, sizeToClass } from './geometry.js';
export {
  DUMMY_SIZE_IDX,
  POOL_ARENAINDEX,
  POOL_COUNT,
  POOL_FREEBLOCK,
  POOL_MAXNEXTOFFSET,
  POOL_NEXT,
  POOL_NEXTOFFSET,
  POOL_PREV,
  POOL_SZIDX,
} from './layout.js';
export type { HeapMemoryOpts, MemoryBacking } from './memory.js';
export { HeapMemory } from './memory.js';
export type { PymallocOpts } from './pymalloc.js';
export { Pymalloc } from './pymalloc.js';
export type { RecordedHeap } from './recorded.js';
export { RecordedArenaSource, RecordedFallback, createRecordedHeap } from './recorded.js';
export type { SimulatedArenaOpts, SimulatedHeap } from './simulated.js';
export { SIMULATED_LIBC_BASE, SIMULATED_MMAP_FLOOR, SIMULATED_MMAP_TOP, SimulatedArenaSource, SimulatedFallback, createSimulatedHeap } from './simulated.js';
export type { ArenaFreepools, ListedPool, PoolLists } from './lists.js';
export { collectLists } from './lists.js';
export type { ArenaInfo, ArenaMapStats, ClassStats, PymallocStats } from './stats.js';
export { collectArenas, collectStats, commas, formatStats } from './stats.js';
export type { LinearHeapOpts } from './heap.js';
export { createDebugHeap, createLinearHeap } from './heap.js';
export type { TlsfOpts, TlsfStats } from './tlsf.js';
export { TLSF_GRANULE, TLSF_HEADER, TLSF_MAX_ALIGN, TLSF_MIN_BLOCK, Tlsf } from './tlsf.js';
export type { LinearArenaSourceOpts } from './linear-source.js';
export { LinearArenaSource } from './linear-source.js';
export { API_ID_OBJECT, CLEANBYTE, DEADBYTE, DEBUG_HEAD, DEBUG_TAIL, DebugAllocator, FORBIDDENBYTE } from './debug.js';
