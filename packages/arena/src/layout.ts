/**
 * Pool header layout in memory, as 32-bit word indices from the pool's start
 * (CPython's `struct pool_header` on 64-bit: 48 bytes). Pointers are stored
 * as 32-bit memory offsets in the low word of each 8-byte field.
 *
 * | byte | word | field |
 * |---|---|---|
 * | 0  | 0  | `count`: allocated blocks (union padded to 8 bytes) |
 * | 8  | 2  | `freeblock`: offset of the first free block, 0 if none |
 * | 16 | 4  | `nextpool` |
 * | 24 | 6  | `prevpool` |
 * | 32 | 8  | `arenaindex`: descriptor slot of the pool's arena |
 * | 36 | 9  | `szidx`: size class, 0xFFFF when just carved |
 * | 40 | 10 | `nextoffset`: offset of the next never-used block |
 * | 44 | 11 | `maxnextoffset`: `poolSize - blockSize` |
 *
 * A free block's first word holds the offset of the next free block (0 ends
 * the list).
 */
export const POOL_COUNT = 0;
/** Word index of `freeblock`. */
export const POOL_FREEBLOCK = 2;
/** Word index of `nextpool`. */
export const POOL_NEXT = 4;
/** Word index of `prevpool`. */
export const POOL_PREV = 6;
/** Word index of `arenaindex`. */
export const POOL_ARENAINDEX = 8;
/** Word index of `szidx`. */
export const POOL_SZIDX = 9;
/** Word index of `nextoffset`. */
export const POOL_NEXTOFFSET = 10;
/** Word index of `maxnextoffset`. */
export const POOL_MAXNEXTOFFSET = 11;
/** Size of the pool header fields in bytes (before rounding to the alignment). */
export const POOL_HEADER_BYTES = 48;
/** `szidx` of a freshly carved pool (CPython's DUMMY_SIZE_IDX). */
export const DUMMY_SIZE_IDX = 0xffff;
/** Descriptor initial count (CPython's INITIAL_ARENA_OBJECTS). */
export const INITIAL_ARENA_OBJECTS = 16;
