import type { EventColumn } from './trace-record-kinds.js';

/**
 * One event, in the columns every kind shares (see `RECORD_KINDS` for which
 * column each kind uses; unused columns are 0). Reused structs and batch
 * rows have this shape.
 */
export interface TraceEventData {
  /** `KIND_*`. */
  kind: number;
  /** Time in the header's clock unit (non-decreasing). */
  time: number;
  /** Logical block or object id. */
  id: number;
  /** realloc: id of the block resized. */
  oldId: number;
  /** Size in bytes (calloc: nelem × elsize). */
  size: number;
  /** realloc: size of the block resized. */
  oldSize: number;
  /** pymalloc size class. */
  cls: number;
  /** Arena id. */
  arena: number;
  /** Pool index in the arena. */
  pool: number;
  /** Block index in the pool. */
  block: number;
  /** Stack id (0 = unknown). */
  stack: number;
  /** Allocation domain of an allocation record (`FEATURE_DOMAINS`): 0 unknown, 1 MEM, 2 OBJ, 3 RAW (`DOMAIN_*`). */
  domain: number;
  /** arena_alloc: pools; calloc: nelem; gc: generation. */
  count: number;
  /** thread id, base address, elsize, type string id, collected, outcome, mark id, counter value. */
  value: number;
  /** gc_stop: uncollectable; mark: statistics text string id. */
  extra: number;
  /** mark: label string id; counter: name string id. */
  label: number;
}

/** An event to append: `kind` plus the fields of that kind; the rest default to 0 (and `time` to the sequence number on an `"event"` clock, else the previous time). */
export type TraceEventInit = Pick<TraceEventData, 'kind'> & Partial<Omit<TraceEventData, 'kind'>>;

/** The numeric columns of a batch, in a fixed order. */
export const EVENT_COLUMNS: readonly EventColumn[] = ['id', 'oldId', 'size', 'oldSize', 'cls', 'arena', 'pool', 'block', 'stack', 'domain', 'count', 'value', 'extra', 'label'];

/**
 * The events of one chunk in columns (struct of arrays): row `i` is the event
 * with sequence number `firstSeq + i`. Column meanings per kind are those of
 * {@link TraceEventData}; unused cells are 0.
 */
export class TraceEventBatch {
  /** Number of events. */
  length = 0;
  /** Sequence number of row 0. */
  firstSeq = 0;
  /** `KIND_*` per event. */
  kind: Uint8Array;
  /** Time per event. */
  time: Float64Array;
  /** See {@link TraceEventData.id}. */
  id: Float64Array;
  /** See {@link TraceEventData.oldId}. */
  oldId: Float64Array;
  /** See {@link TraceEventData.size}. */
  size: Float64Array;
  /** See {@link TraceEventData.oldSize}. */
  oldSize: Float64Array;
  /** See {@link TraceEventData.cls}. */
  cls: Float64Array;
  /** See {@link TraceEventData.arena}. */
  arena: Float64Array;
  /** See {@link TraceEventData.pool}. */
  pool: Float64Array;
  /** See {@link TraceEventData.block}. */
  block: Float64Array;
  /** See {@link TraceEventData.stack}. */
  stack: Float64Array;
  /** See {@link TraceEventData.domain}. */
  domain: Uint8Array;
  /** See {@link TraceEventData.count}. */
  count: Float64Array;
  /** See {@link TraceEventData.value}. */
  value: Float64Array;
  /** See {@link TraceEventData.extra}. */
  extra: Float64Array;
  /** See {@link TraceEventData.label}. */
  label: Float64Array;
  /**
   * Rows whose sparse columns (`count`, `value`, `extra`, `label`) the last
   * fill may have written, so that a refill clears only those.
   * @internal
   */
  sparseRows: Int32Array;
  /** @internal */
  sparseLength = 0;
  /** Whether the last fill wrote the stack column (a refill clears it). @internal */
  denseStack = false;
  /** Whether the last fill wrote the domain column (a refill clears it). @internal */
  denseDomain = false;

  /** @param capacity - rows to allocate */
  constructor(capacity = 0) {
    this.kind = new Uint8Array(capacity);
    this.time = new Float64Array(capacity);
    this.id = new Float64Array(capacity);
    this.oldId = new Float64Array(capacity);
    this.size = new Float64Array(capacity);
    this.oldSize = new Float64Array(capacity);
    this.cls = new Float64Array(capacity);
    this.arena = new Float64Array(capacity);
    this.pool = new Float64Array(capacity);
    this.block = new Float64Array(capacity);
    this.stack = new Float64Array(capacity);
    this.domain = new Uint8Array(capacity);
    this.count = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.extra = new Float64Array(capacity);
    this.label = new Float64Array(capacity);
    this.sparseRows = new Int32Array(capacity);
  }

  /** Rows allocated. */
  get capacity(): number {
    return this.kind.length;
  }

  /**
   * Copies row `i` into `out` (a reused struct: no allocation).
   *
   * @param i - row
   * @param out - the struct to fill
   * @returns `out`
   */
  read(i: number, out: TraceEventData): TraceEventData {
    out.kind = this.kind[i]!;
    out.time = this.time[i]!;
    for (const c of EVENT_COLUMNS) out[c] = this[c][i]!;
    return out;
  }

  /**
   * Row `i` as a new object (convenient, allocates: not for hot paths).
   *
   * @param i - row
   * @returns the event
   */
  at(i: number): TraceEventData {
    return this.read(i, emptyEvent());
  }
}

/**
 * A zeroed event struct, to reuse with {@link TraceEventBatch.read}.
 *
 * @param kind - its kind
 * @returns a struct with every field 0
 */
export function emptyEvent(kind = 0): TraceEventData {
  return { kind, time: 0, id: 0, oldId: 0, size: 0, oldSize: 0, cls: 0, arena: 0, pool: 0, block: 0, stack: 0, domain: 0, count: 0, value: 0, extra: 0, label: 0 };
}
