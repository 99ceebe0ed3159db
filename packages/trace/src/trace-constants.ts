/**
 * The 8 bytes that open every pymem trace: `89 50 59 4D 0D 0A 1A 0A`
 * (a high-bit byte, `PYM`, CR LF, EOF, LF — PNG's trick: a text-mode or
 * 7-bit transfer mangles at least one of them).
 */
export const TRACE_MAGIC: readonly number[] = [0x89, 0x50, 0x59, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a];
/** Format major version this package writes and reads. */
export const TRACE_VERSION_MAJOR = 1;
/**
 * Newest format minor version this package writes (it reads any minor of
 * major 1). A file gets minor 1 only when it uses a feature of 1.1
 * ({@link FEATURE_DOMAINS}, {@link FEATURE_REALLOC_CLASS}); otherwise it is a 1.0 file.
 */
export const TRACE_VERSION_MINOR = 1;
/** The 4 bytes that open every chunk, to re-find chunk boundaries after damage: `9E 50 43 4B`. */
export const TRACE_SYNC: readonly number[] = [0x9e, 0x50, 0x43, 0x4b];
/** The 4 bytes that close the 16-byte trailer: ASCII `PYIX`. */
export const TRACE_TRAILER_MAGIC: readonly number[] = [0x50, 0x59, 0x49, 0x58];
/** Size in bytes of the fixed trailer that locates the index chunk. */
export const TRACE_TRAILER_SIZE = 16;

/** Chunk type: dictionary (strings, frames, stacks). */
export const CHUNK_DICTIONARY = 1;
/** Chunk type: event records. */
export const CHUNK_EVENTS = 2;
/** Chunk type: checkpoint of the full live state. */
export const CHUNK_CHECKPOINT = 3;
/** Chunk type: the footer index. */
export const CHUNK_INDEX = 4;

/** Chunk codec: payload stored as is. */
export const CODEC_NONE = 0;
/** Chunk codec: payload compressed with raw deflate (RFC 1951). */
export const CODEC_DEFLATE_RAW = 1;
/** Chunk codec id reserved for zstd (not written or read by 1.0). */
export const CODEC_ZSTD_RESERVED = 2;

/** Required-feature bit: some chunk uses codec 1 (deflate-raw). */
export const FEATURE_DEFLATE_RAW = 1;
/** Required-feature bit (format 1.1): every allocation record ends with its allocation domain (`domain: uv`, 0 unknown, 1 MEM, 2 OBJ, 3 RAW). */
export const FEATURE_DOMAINS = 2;
/** Required-feature bit (format 1.1): the trace may hold `realloc_class` records (kind 25: a pymalloc realloc whose block's class is stored, not derived from the size). */
export const FEATURE_REALLOC_CLASS = 4;
/** Required-feature bits that make a file a 1.1 file. */
export const FEATURES_1_1 = FEATURE_DOMAINS | FEATURE_REALLOC_CLASS;
/** The required features a 1.x reader of this package understands. */
export const KNOWN_REQUIRED_FEATURES = FEATURE_DEFLATE_RAW | FEATURE_DOMAINS | FEATURE_REALLOC_CLASS;
/** Largest allocation domain a record may carry (3 = RAW). */
export const MAX_DOMAIN = 3;

/** Recording-level bit: allocator events (arenas, pools, malloc/free). */
export const LEVEL_ALLOCATOR = 1;
/** Recording-level bit: object create/dealloc. */
export const LEVEL_OBJECTS = 2;
/** Recording-level bit: every incref/decref. */
export const LEVEL_REFCOUNTS = 4;
/** Recording-level bit: gc phases and per-object gc outcomes. */
export const LEVEL_GC = 8;
/** Recording-level bit: allocation records carry a stack id. */
export const LEVEL_STACKS = 16;

/** Largest payload (stored or uncompressed) of one chunk: 16 MiB. */
export const MAX_CHUNK_PAYLOAD = 1 << 24;
/** Largest header TLV block: 64 KiB. */
export const MAX_HEADER_LENGTH = 1 << 16;
/** Largest integer any field may hold: 2^52 − 1, so every delta fits a zigzag varint of at most 8 bytes. */
export const MAX_FIELD_VALUE = 2 ** 52 - 1;
