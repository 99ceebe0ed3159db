/** Event kind: the current thread changes (`value` = thread id). */
export const KIND_THREAD = 1;
/** Event kind: an arena is allocated (`arena`, `value` = base address, `count` = pools). */
export const KIND_ARENA_ALLOC = 2;
/** Event kind: an arena is freed (`arena`). */
export const KIND_ARENA_FREE = 3;
/** Event kind: a fresh pool is carved from an arena (`arena`, `pool`, `cls`). */
export const KIND_POOL_INIT = 4;
/** Event kind: an empty pool is reused, maybe for another class (`arena`, `pool`, `cls`). */
export const KIND_POOL_REUSE = 5;
/** Event kind: a pool becomes full (`arena`, `pool`, `cls`). */
export const KIND_POOL_FULL = 6;
/** Event kind: a pool becomes empty (`arena`, `pool`, `cls`). */
export const KIND_POOL_EMPTY = 7;
/** Event kind: pymalloc malloc (`id`, `size`, `cls`, `arena`, `pool`, `block`, `stack`). */
export const KIND_MALLOC = 8;
/** Event kind: malloc routed to the large/system allocator (`id`, `size`, `stack`). */
export const KIND_MALLOC_LARGE = 9;
/** Event kind: pymalloc calloc (`id`, `count` = nelem, `value` = elsize, `size` = their product, `cls`, location, `stack`). */
export const KIND_CALLOC = 10;
/** Event kind: calloc routed to the large allocator (`id`, `count`, `value`, `size`, `stack`). */
export const KIND_CALLOC_LARGE = 11;
/** Event kind: realloc whose result is a pymalloc block (`oldId`, `oldSize`, `id`, `size`, `cls`, location, `stack`). */
export const KIND_REALLOC = 12;
/** Event kind: realloc whose result is a large block (`oldId`, `oldSize`, `id`, `size`, `stack`). */
export const KIND_REALLOC_LARGE = 13;
/** Event kind: free of a pymalloc block (`id`, `size`, `cls`). */
export const KIND_FREE = 14;
/** Event kind: free of a large block (`id`, `size`). */
export const KIND_FREE_LARGE = 15;
/** Event kind: an object is created in block `id` (`value` = type name string id, `size`). */
export const KIND_OBJ_CREATE = 16;
/** Event kind: object `id` is deallocated. */
export const KIND_OBJ_DEALLOC = 17;
/** Event kind: incref of object `id`. */
export const KIND_INCREF = 18;
/** Event kind: decref of object `id`. */
export const KIND_DECREF = 19;
/** Event kind: a gc collection starts (`count` = generation). */
export const KIND_GC_START = 20;
/** Event kind: a gc collection ends (`count` = generation, `value` = collected, `extra` = uncollectable). */
export const KIND_GC_STOP = 21;
/** Event kind: the gc's verdict on object `id` (`value` = {@link GC_OUTCOMES} index). */
export const KIND_GC_OBJECT = 22;
/** Event kind: a mark (`value` = mark id, `label` = label string id, `extra` = statistics text string id or 0). */
export const KIND_MARK = 23;
/** Event kind: a counter sample (`label` = name string id, `value` = signed value). */
export const KIND_COUNTER = 24;

/**
 * Event kind (format 1.1, `FEATURE_REALLOC_CLASS`): realloc whose result is a pymalloc block of class
 * `cls`, stored because it is not the class of `size`: pymalloc keeps a block in place when the new size
 * still fits and shrinking would save less than 25 %, so the block stays in its bigger class
 * (`oldId`, `oldSize`, `id`, `size`, `cls`, location, `stack`).
 */
export const KIND_REALLOC_CLASS = 25;

/** Per-object gc outcomes of {@link KIND_GC_OBJECT}, by `value`. */
export const GC_OUTCOMES = ['survived', 'collected', 'uncollectable'] as const;

/** The numeric columns of an event (see {@link TraceEventData}). */
export type EventColumn = 'id' | 'oldId' | 'size' | 'oldSize' | 'cls' | 'arena' | 'pool' | 'block' | 'stack' | 'domain' | 'count' | 'value' | 'extra' | 'label';

/**
 * How a field is stored after the tag byte (delta bases reset at the start
 * of every events chunk):
 * - `uv`: unsigned varint; `zz`: zigzag varint (signed);
 * - `str`: unsigned varint, a string id (0 = none);
 * - `new`: zigzag of `id − nextId` (nextId starts at 0; becomes id + 1; lastRef becomes id);
 * - `ref`: zigzag of `id − lastRef` (lastRef starts at 0; becomes id);
 * - `arena`: zigzag of `arena − lastArena` (starts at 0);
 * - `base`: zigzag of `base − lastBase` (starts at 0);
 * - `type`: zigzag of `type − lastType` (starts at 0);
 * - `loc`: pool location of a pymalloc block of class `cls` (derived from `size`):
 *   zigzag of `key − lastKey[cls]` with `key = arena × poolsPerArena + pool`,
 *   then zigzag of `block − lastBlock[cls] − 1` (lastKey starts at 0, lastBlock at −1);
 * - `stack`: present only at level `LEVEL_STACKS`: zigzag of `stack − lastStack` (starts at 0);
 * - `cls` (format 1.1): unsigned varint, the block's size class, at least the class of `size`
 *   and below the class count; `loc` then uses this class;
 * - `domain` (format 1.1): present only with the `FEATURE_DOMAINS` header bit: unsigned varint,
 *   0 unknown, 1 MEM, 2 OBJ, 3 RAW.
 */
export type FieldOp = 'uv' | 'zz' | 'str' | 'new' | 'ref' | 'arena' | 'base' | 'type' | 'loc' | 'stack' | 'cls' | 'domain';

/** One field of a record kind: its JSON name, the column it fills and how it is stored. */
export interface RecordFieldSpec {
  /** Name in the JSONL form. */
  readonly json: string;
  /** Column of {@link TraceEventData} (for `loc`: `arena`, with `pool` and `block` alongside). */
  readonly column: EventColumn;
  /** Storage. */
  readonly op: FieldOp;
  /** What it means. */
  readonly doc: string;
}

/** One event record kind: the single source of truth for the encoder, the decoder, the JSONL form and its schema. */
export interface RecordKindSpec {
  /** Kind number: the tag byte is `kind << 2 | timeCode`. */
  readonly kind: number;
  /** Name (the JSONL `t` value). */
  readonly name: string;
  /** The block is pymalloc's: `size` must not exceed the threshold, and `cls` is derived from it (unless a `cls` field stores it). */
  readonly pymalloc: boolean;
  /** `size` is derived as `count × value` (calloc). */
  readonly calloc: boolean;
  /** Whether the kind changes live bytes: +1 allocation, −1 free, 0 none; realloc is `2` (+size − oldSize). */
  readonly live: -1 | 0 | 1 | 2;
  /** Fields in storage order. */
  readonly fields: readonly RecordFieldSpec[];
  /** What it records. */
  readonly doc: string;
}

const f = (json: string, column: EventColumn, op: FieldOp, doc: string): RecordFieldSpec => ({ json, column, op, doc });
const ID_NEW = f('id', 'id', 'new', 'logical id of the new block');
const ID_REF = f('id', 'id', 'ref', 'logical id of the block or object');
const SIZE = f('size', 'size', 'uv', 'requested size in bytes');
const LOC = f('arena', 'arena', 'loc', 'arena id, with pool (index in the arena) and block (index in the pool)');
const STACK = f('stack', 'stack', 'stack', 'stack id (0 = unknown); only at level stacks');
const DOMAIN = f('domain', 'domain', 'domain', 'allocation domain: 0 unknown, 1 MEM, 2 OBJ, 3 RAW; only with the domains feature');
const POOL = [f('arena', 'arena', 'arena', 'arena id'), f('pool', 'pool', 'uv', 'pool index in the arena'), f('cls', 'cls', 'uv', 'size class')];
const CALLOC = [f('nelem', 'count', 'uv', 'element count'), f('elsize', 'value', 'uv', 'element size')];
const REALLOC = [f('oldId', 'oldId', 'ref', 'id of the block resized'), f('oldSize', 'oldSize', 'uv', 'its size')];

const k = (kind: number, name: string, doc: string, fields: RecordFieldSpec[], opts: Partial<Pick<RecordKindSpec, 'pymalloc' | 'calloc' | 'live'>> = {}): RecordKindSpec => ({
  kind,
  name,
  doc,
  fields,
  pymalloc: opts.pymalloc ?? false,
  calloc: opts.calloc ?? false,
  live: opts.live ?? 0,
});

/** Every event record kind of format 1.1 (kind 25 is new in 1.1), by kind number order. */
export const RECORD_KINDS: readonly RecordKindSpec[] = [
  k(KIND_THREAD, 'thread', 'the current thread changes; later events belong to it', [f('tid', 'value', 'uv', 'thread id')]),
  k(KIND_ARENA_ALLOC, 'arena_alloc', 'an arena is allocated', [f('arena', 'arena', 'arena', 'arena id'), f('base', 'value', 'base', 'base address'), f('pools', 'count', 'uv', 'pools it holds')]),
  k(KIND_ARENA_FREE, 'arena_free', 'an arena is released', [f('arena', 'arena', 'arena', 'arena id')]),
  k(KIND_POOL_INIT, 'pool_init', 'a fresh pool is carved from an arena', POOL),
  k(KIND_POOL_REUSE, 'pool_reuse', 'an empty pool is reused', POOL),
  k(KIND_POOL_FULL, 'pool_full', 'a pool becomes full', POOL),
  k(KIND_POOL_EMPTY, 'pool_empty', 'a pool becomes empty', POOL),
  k(KIND_MALLOC, 'malloc', 'pymalloc allocation', [ID_NEW, SIZE, LOC, STACK, DOMAIN], { pymalloc: true, live: 1 }),
  k(KIND_MALLOC_LARGE, 'malloc_large', 'allocation routed to the large allocator', [ID_NEW, SIZE, STACK, DOMAIN], { live: 1 }),
  k(KIND_CALLOC, 'calloc', 'pymalloc zeroed allocation', [ID_NEW, ...CALLOC, LOC, STACK, DOMAIN], { pymalloc: true, calloc: true, live: 1 }),
  k(KIND_CALLOC_LARGE, 'calloc_large', 'zeroed allocation routed to the large allocator', [ID_NEW, ...CALLOC, STACK, DOMAIN], { calloc: true, live: 1 }),
  k(KIND_REALLOC, 'realloc', 'resize whose result is a pymalloc block', [...REALLOC, ID_NEW, SIZE, LOC, STACK, DOMAIN], { pymalloc: true, live: 2 }),
  k(KIND_REALLOC_LARGE, 'realloc_large', 'resize whose result is a large block', [...REALLOC, ID_NEW, SIZE, STACK, DOMAIN], { live: 2 }),
  k(KIND_FREE, 'free', 'pymalloc block freed', [ID_REF, SIZE, DOMAIN], { pymalloc: true, live: -1 }),
  k(KIND_FREE_LARGE, 'free_large', 'large block freed', [ID_REF, SIZE, DOMAIN], { live: -1 }),
  k(KIND_OBJ_CREATE, 'obj_create', 'an object is created in block id', [ID_REF, f('type', 'value', 'type', 'type name string id'), SIZE]),
  k(KIND_OBJ_DEALLOC, 'obj_dealloc', 'an object is deallocated', [ID_REF]),
  k(KIND_INCREF, 'incref', 'reference count incremented', [ID_REF]),
  k(KIND_DECREF, 'decref', 'reference count decremented', [ID_REF]),
  k(KIND_GC_START, 'gc_start', 'a collection starts', [f('generation', 'count', 'uv', 'generation collected')]),
  k(KIND_GC_STOP, 'gc_stop', 'a collection ends', [f('generation', 'count', 'uv', 'generation collected'), f('collected', 'value', 'uv', 'objects collected'), f('uncollectable', 'extra', 'uv', 'objects found uncollectable')]),
  k(KIND_GC_OBJECT, 'gc_object', "the collector's verdict on one object", [ID_REF, f('outcome', 'value', 'uv', '0 survived, 1 collected, 2 uncollectable')]),
  k(KIND_MARK, 'mark', 'a mark (e.g. where a statistics dump was taken)', [f('mark', 'value', 'uv', 'mark id'), f('label', 'label', 'str', 'label string id'), f('stats', 'extra', 'str', 'statistics text string id, 0 = none')]),
  k(KIND_COUNTER, 'counter', 'a counter sample', [f('name', 'label', 'str', 'counter name string id'), f('value', 'value', 'zz', 'value (signed)')]),
  k(
    KIND_REALLOC_CLASS,
    'realloc_class',
    "resize whose result is a pymalloc block of a class other than its size's (kept in place, format 1.1)",
    [...REALLOC, ID_NEW, SIZE, f('cls', 'cls', 'cls', "the block's size class (at least the class of size)"), LOC, STACK, DOMAIN],
    { pymalloc: true, live: 2 },
  ),
];

/** Record kind specs indexed by kind number (undefined: not a kind of format 1.1). */
export const KIND_BY_NUMBER: readonly (RecordKindSpec | undefined)[] = (() => {
  const out: (RecordKindSpec | undefined)[] = new Array<RecordKindSpec | undefined>(64).fill(undefined);
  for (const s of RECORD_KINDS) out[s.kind] = s;
  return out;
})();

/** Record kind specs by name. */
export const KIND_BY_NAME: ReadonlyMap<string, RecordKindSpec> = new Map(RECORD_KINDS.map((s) => [s.name, s]));
