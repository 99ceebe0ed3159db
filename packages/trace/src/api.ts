/** The 8 magic bytes that open every raw capture: ASCII `PYMTRC01`. */
export const RAW_MAGIC = 'PYMTRC01';
/** Size in bytes of the raw capture header. */
export const RAW_HEADER_SIZE = 40;
/** The only raw capture format version this package reads. */
export const RAW_FORMAT_VERSION = 1;
/** A `size` field with this u32 value is followed by a u64 holding the real size. */
export const RAW_SIZE_ESCAPE = 0xffffffff;
/**
 * The largest record in bytes: a mark with a 65,535-byte label
 * (tag, u32 id, u16 length, label).
 */
export const RAW_MAX_RECORD_SIZE = 1 + 4 + 2 + 0xffff;

/** Record op: `malloc(size) -> result`. */
export const OP_MALLOC = 1;
/** Record op: `calloc(size = nelem, size2 = elsize) -> result`. */
export const OP_CALLOC = 2;
/** Record op: `realloc(ptr, size) -> result`. */
export const OP_REALLOC = 3;
/** Record op: `free(ptr)`; `ptr` may be 0. */
export const OP_FREE = 4;
/** Record op: the arena allocator returned `result` (the base) for `size` bytes. */
export const OP_ARENA_ALLOC = 5;
/** Record op: the arena allocator released `ptr` (the base) of `size` bytes. */
export const OP_ARENA_FREE = 6;
/** Record op: a mark (`markId`, `markLabel`), where a stats dump was taken. */
export const OP_MARK = 7;
/** Record op: the end record (`endCount` = records before it). Never passed to callbacks. */
export const OP_END = 8;
/**
 * Header flag (bit 2): the capture has stacks. Ops {@link OP_STRING},
 * {@link OP_FRAME}, {@link OP_STACK} and {@link OP_STACK_SWITCH} are valid
 * only in such captures (elsewhere they are unknown tags, `E_TAG`).
 */
export const RAW_FLAG_STACKS = 4;
/**
 * Stack op (flag {@link RAW_FLAG_STACKS}): an interned string, `id u32,
 * length u16, UTF-8 bytes`. Stack ops are not records: they are not counted
 * nor passed to callbacks, and fill the decoder's `RawStackTable`.
 */
export const OP_STRING = 9;
/** Stack op: a frame, `id u32, function string id u32, file string id u32, first line u32`. */
export const OP_FRAME = 10;
/** Stack op: a stack (a trie node), `id u32, parent stack id u32 (0: outermost), frame id u32`. */
export const OP_STACK = 11;
/** Stack op: `stack id u32` in force for the records that follow (0: no Python frame). */
export const OP_STACK_SWITCH = 12;

/** Record domain: none (marks and the end record). */
export const DOMAIN_NONE = 0;
/** Record domain: `PYMEM_DOMAIN_MEM` (`PyMem_Malloc` and friends). */
export const DOMAIN_MEM = 1;
/** Record domain: `PYMEM_DOMAIN_OBJ` (`PyObject_Malloc` and friends). */
export const DOMAIN_OBJ = 2;
/** Record domain: the arena allocator (`PyObject_SetArenaAllocator`). */
export const DOMAIN_ARENA = 3;

/**
 * One record as plain data. Fields an op does not use are 0 (`markLabel`: `''`).
 *
 * | op | size | size2 | ptr | result |
 * |---|---|---|---|---|
 * | malloc | size | | | result |
 * | calloc | nelem | elsize | | result |
 * | realloc | new size | | old ptr | result |
 * | free | | | ptr | |
 * | arena_alloc | size | | | base |
 * | arena_free | size | | base | |
 *
 * Marks use `markId` and `markLabel`.
 */
export interface RawRecordData {
  /** One of the `OP_*` constants. */
  op: number;
  /** One of the `DOMAIN_*` constants (0..3). */
  domain: number;
  /** The request size (calloc: element count). */
  size: number;
  /** calloc's element size; 0 otherwise. */
  size2: number;
  /** The input pointer: realloc's old pointer, free's pointer, arena_free's base. */
  ptr: number;
  /** The output pointer: malloc/calloc/realloc's result, arena_alloc's base. */
  result: number;
  /** A mark's id; 0 otherwise. */
  markId: number;
  /** A mark's label; `''` otherwise. */
  markLabel: string;
}

/** Called once per decoded record with the decoder's reused {@link RawRecord}; copy what you keep. */
export type RawRecordCallback = (record: RawRecordView) => void;

/**
 * The read-only view of the reused record struct that callbacks receive.
 * Valid only during the callback.
 */
export interface RawRecordView extends Readonly<RawRecordData> {
  /** 0-based index of this record in the capture. */
  readonly index: number;
  /** Byte offset of this record's tag in the uncompressed capture. */
  readonly offset: number;
  /**
   * The stack id in force (the last {@link OP_STACK_SWITCH} before this
   * record; see `RawStackTable.resolve`); 0 without stacks.
   */
  readonly stack: number;
}
