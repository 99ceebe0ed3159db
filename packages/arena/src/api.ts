import type { HeapMemory } from './memory.js';

/**
 * The C-style allocator every heap in this package offers. Addresses are
 * numbers; 0 is NULL. In linear mode an address is a byte offset into
 * `memory`; in recorded mode it is the address the real process used.
 */
export interface Allocator {
  /** `size` bytes, uninitialised; 0 when no memory can be had. */
  malloc(size: number): number;
  /** `nelem * elsize` zeroed bytes; 0 when none can be had. */
  calloc(nelem: number, elsize: number): number;
  /** Resize; may move (copying the bytes). `realloc(0, n)` is `malloc(n)`. */
  realloc(address: number, size: number): number;
  /** Releases a block; `free(0)` does nothing. */
  free(address: number): void;
}

/**
 * Where arenas come from (CPython's `PyObject_SetArenaAllocator` table).
 * Arenas are `geometry.arenaSize` bytes; the allocator asks for one only
 * when no arena has an available pool.
 */
export interface ArenaSource {
  /** The bytes arenas live in. */
  readonly memory: HeapMemory;
  /**
   * True when an address is its own offset into `memory` (linear mode). The
   * ownership test can then read the would-be pool header of any address
   * instead of looking the arena up.
   */
  readonly addressesAreOffsets?: boolean;
  /** Gets an arena; returns its address, or -1 when none can be had. */
  allocArena(size: number): number;
  /** Offset into `memory` of the first byte of the live arena at `address`. */
  offsetOf(address: number): number;
  /** Returns an arena. */
  freeArena(address: number, size: number): void;
}

/**
 * Where requests pymalloc declines go (CPython's RAW domain, libc): size 0,
 * sizes above the threshold, and reallocs of addresses it does not own.
 */
export interface FallbackAllocator {
  /**
   * Set when the fallback's addresses are offsets into this same memory (the
   * linear heap); pymalloc then copies bytes across on realloc.
   */
  readonly memory?: HeapMemory;
  malloc(size: number): number;
  calloc(size: number): number;
  realloc(address: number, size: number): number;
  free(address: number): void;
}

/** Which allocator served a request: {@link ROUTE_PYMALLOC} or {@link ROUTE_FALLBACK}. */
export type Route = 0 | 1;
/** The request was served by pymalloc (a block in a pool). */
export const ROUTE_PYMALLOC = 0;
/** The request was declined by pymalloc and served by the fallback (libc's role). */
export const ROUTE_FALLBACK = 1;

/**
 * Observer of allocator events. Every callback is optional; with no observer
 * set the allocator pays one null check per call. `pool` is a pool's address.
 */
export interface PymallocObserver {
  arenaAlloc?(address: number, slot: number, pools: number): void;
  arenaFree?(address: number, slot: number): void;
  /** A carved or re-classed pool was initialised for class `szidx`. */
  poolInit?(pool: number, szidx: number): void;
  /** An empty pool was taken again for the class it last served (no re-init). */
  poolReuse?(pool: number, szidx: number): void;
  poolFull?(pool: number, szidx: number): void;
  poolEmpty?(pool: number, szidx: number): void;
  /** A malloc (`zeroed` false) or calloc (`zeroed` true) returned `address`. */
  blockAlloc?(address: number, size: number, route: Route, zeroed: boolean): void;
  blockFree?(address: number, route: Route): void;
  /** A realloc; `oldAddress` 0 is `realloc(NULL, size)`. */
  blockRealloc?(oldAddress: number, newAddress: number, size: number, route: Route): void;
}
