import type { RawRecordView } from './api.js';
import { OP_MARK } from './api.js';

/** A mark record, as listed in a {@link RawRecordBatch}. */
export interface RawMark {
  /** 0-based index of the mark record in the capture. */
  index: number;
  /** Byte offset of the mark record in the uncompressed capture. */
  offset: number;
  /** The mark id (matches `### MARK <id>` in the stats file). */
  id: number;
  /** The mark label. */
  label: string;
}

/**
 * A run of consecutive records in columns (struct of arrays). Column `i`
 * holds record `firstIndex + i`; the meaning of each column per op is the
 * one of {@link RawRecordData}. Marks appear in the columns (op 7, other
 * fields 0) and, with their id and label, in `marks`.
 */
export interface RawRecordBatch {
  /** Number of records in this batch. */
  readonly length: number;
  /** Capture-wide index of the first record. */
  readonly firstIndex: number;
  /** `OP_*` per record. */
  readonly op: Uint8Array;
  /** `DOMAIN_*` per record. */
  readonly domain: Uint8Array;
  /** Size per record (calloc: element count). */
  readonly size: Float64Array;
  /** calloc element size per record. */
  readonly size2: Float64Array;
  /** Input pointer per record. */
  readonly ptr: Float64Array;
  /** Output pointer per record. */
  readonly result: Float64Array;
  /** Stack id in force per record (0: none; see `RawCaptureReader.stacks`). */
  readonly stack: Float64Array;
  /** The marks among these records. */
  readonly marks: readonly RawMark[];
}

/**
 * Fills batches from decoder callbacks. Internal.
 */
export class BatchBuilder {
  /** Full batches waiting to be handed out; the consumer empties it. */
  readonly ready: RawRecordBatch[] = [];
  readonly #capacity: number;
  #op: Uint8Array;
  #domain: Uint8Array;
  #size: Float64Array;
  #size2: Float64Array;
  #ptr: Float64Array;
  #result: Float64Array;
  #stack: Float64Array;
  #marks: RawMark[] = [];
  #length = 0;
  #first = 0;

  /** Records go here; bound to this builder. */
  readonly add = (r: RawRecordView): void => {
    const i = this.#length;
    if (i === 0) this.#first = r.index;
    this.#op[i] = r.op;
    this.#domain[i] = r.domain;
    this.#size[i] = r.size;
    this.#size2[i] = r.size2;
    this.#ptr[i] = r.ptr;
    this.#result[i] = r.result;
    this.#stack[i] = r.stack;
    if (r.op === OP_MARK) this.#marks.push({ index: r.index, offset: r.offset, id: r.markId, label: r.markLabel });
    this.#length = i + 1;
    if (i + 1 === this.#capacity) this.flush();
  };

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#op = new Uint8Array(capacity);
    this.#domain = new Uint8Array(capacity);
    this.#size = new Float64Array(capacity);
    this.#size2 = new Float64Array(capacity);
    this.#ptr = new Float64Array(capacity);
    this.#result = new Float64Array(capacity);
    this.#stack = new Float64Array(capacity);
  }

  /** Moves the records gathered so far, if any, into `ready` as one batch. */
  flush(): void {
    const n = this.#length;
    if (n === 0) return;
    const full = n === this.#capacity;
    this.ready.push({
      length: n,
      firstIndex: this.#first,
      op: full ? this.#op : this.#op.slice(0, n),
      domain: full ? this.#domain : this.#domain.slice(0, n),
      size: full ? this.#size : this.#size.slice(0, n),
      size2: full ? this.#size2 : this.#size2.slice(0, n),
      ptr: full ? this.#ptr : this.#ptr.slice(0, n),
      result: full ? this.#result : this.#result.slice(0, n),
      stack: full ? this.#stack : this.#stack.slice(0, n),
      marks: this.#marks,
    });
    this.#marks = [];
    this.#length = 0;
    if (full) {
      const c = this.#capacity;
      this.#op = new Uint8Array(c);
      this.#domain = new Uint8Array(c);
      this.#size = new Float64Array(c);
      this.#size2 = new Float64Array(c);
      this.#ptr = new Float64Array(c);
      this.#result = new Float64Array(c);
      this.#stack = new Float64Array(c);
    }
  }
}
