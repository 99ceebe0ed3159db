import type { RawRecordCallback } from './api.js';
import { RAW_FLAG_STACKS, RAW_HEADER_SIZE, RAW_MAX_RECORD_SIZE } from './api.js';
import { trailingError, truncatedError } from './decode-raw-capture.js';
import { decodeRecords } from './decode-records.js';
import type { DecodeCursor } from './decode-records.js';
import type { RawCaptureSummary } from './raw-capture-summary.js';
import { checkRawMagic, decodeRawHeader } from './raw-header.js';
import type { RawHeader } from './raw-header.js';
import { RawRecord } from './raw-record.js';
import { RawStackTable } from './raw-record-stacks.js';

/** Reads the flag through a call: decodeRecords sets it, which flow analysis cannot see. */
function hasEnded(cur: DecodeCursor): boolean {
  return cur.ended;
}

/**
 * A push decoder for uncompressed captures that arrive in chunks of any size.
 * Records split across chunks are carried in a small buffer that never holds
 * more than one record (at most {@link RAW_MAX_RECORD_SIZE} bytes), so memory
 * stays bounded whatever the capture's size. Records go to a callback with
 * one reused struct, as in {@link decodeRawCapture}, and come out identical.
 *
 * @example
 * ```ts
 * const decoder = new RawRecordDecoder();
 * for await (const chunk of chunks) decoder.push(chunk, (r) => replay(r));
 * const { records, ended } = decoder.finish();
 * ```
 */
export class RawRecordDecoder {
  readonly #record = new RawRecord();
  readonly #cur: DecodeCursor = { pos: 0, count: 0, ended: false, stack: 0, stacks: null };
  #header: RawHeader | undefined;
  #carry = new Uint8Array(64);
  #carryLen = 0;
  #carryBase = 0;
  #received = 0;

  /** The header, once its 40 bytes have arrived. */
  get header(): RawHeader | undefined {
    return this.#header;
  }

  /**
   * The strings, frames and stacks decoded so far, once the header has
   * arrived, when it has the stacks flag ({@link RAW_FLAG_STACKS}); else `undefined`.
   */
  get stacks(): RawStackTable | undefined {
    return this.#cur.stacks ?? undefined;
  }

  /** Records decoded so far (the end record not counted). */
  get recordCount(): number {
    return this.#cur.count;
  }

  /** Whether the end record has been decoded. */
  get ended(): boolean {
    return this.#cur.ended;
  }

  /** Uncompressed bytes pushed so far. */
  get bytesRead(): number {
    return this.#received;
  }

  /**
   * Decodes every record completed by `chunk`, calling `onRecord` for each.
   * The chunk is not retained (a partial record at its end is copied).
   *
   * @param chunk - the next bytes of the uncompressed capture
   * @param onRecord - called once per record; the view is valid only during the call
   * @throws {@link TraceFormatError} as {@link decodeRawCapture} does, except
   *   `E_TRUNCATED` for records, which only {@link RawRecordDecoder.finish} can know
   */
  push(chunk: Uint8Array, onRecord: RawRecordCallback): void {
    const n = chunk.length;
    if (n === 0) return;
    const base = this.#received;
    this.#received += n;
    let start = 0;
    if (this.#header === undefined) {
      start = Math.min(RAW_HEADER_SIZE - this.#carryLen, n);
      this.#append(chunk, start);
      if (this.#carryLen < RAW_HEADER_SIZE) {
        checkRawMagic(this.#carry.subarray(0, this.#carryLen));
        return;
      }
      this.#header = decodeRawHeader(this.#carry);
      if ((this.#header.flags & RAW_FLAG_STACKS) !== 0) this.#cur.stacks = new RawStackTable();
      this.#carryLen = 0;
      if (start === n) return;
    }
    const cur = this.#cur;
    if (cur.ended) throw trailingError(base + start);
    if (this.#carryLen > 0) {
      // Complete the record that straddles the previous chunk boundary.
      const held = this.#carryLen;
      const take = Math.min(n, RAW_MAX_RECORD_SIZE);
      this.#append(chunk, take);
      cur.pos = 0;
      decodeRecords(this.#carry, held + take, this.#carryBase, cur, this.#record, onRecord, cur.count + 1);
      if (cur.pos === 0) return; // still incomplete: the whole chunk is carried
      start = cur.pos - held;
      this.#carryLen = 0;
      if (start < n && hasEnded(cur)) throw trailingError(base + start);
    }
    if (start === n) return;
    cur.pos = start;
    decodeRecords(chunk, n, base, cur, this.#record, onRecord, Infinity);
    if (cur.pos < n) {
      if (hasEnded(cur)) throw trailingError(base + cur.pos);
      this.#carryLen = 0;
      this.#carryBase = base + cur.pos;
      this.#append(chunk.subarray(cur.pos), n - cur.pos);
    }
  }

  /**
   * Declares the end of the input.
   *
   * @returns the summary (header, record count, whether the end record was seen)
   * @throws {@link TraceFormatError} `E_TRUNCATED` if the header or the last
   *   record is incomplete (offset: its first byte), `E_MAGIC` if the input
   *   was too short to hold a header and did not start like one
   */
  finish(): RawCaptureSummary {
    const header = this.#header ?? decodeRawHeader(this.#carry.subarray(0, this.#carryLen));
    if (this.#carryLen > 0) throw truncatedError(this.#carryBase, this.#cur.count, this.#carryLen);
    const stacks = this.#cur.stacks;
    return { header, records: this.#cur.count, ended: this.#cur.ended, byteLength: this.#received, ...(stacks === null ? {} : { stacks }) };
  }

  #append(src: Uint8Array, len: number): void {
    const need = this.#carryLen + len;
    if (need > this.#carry.length) {
      const grown = new Uint8Array(Math.max(need, this.#carry.length * 2));
      grown.set(this.#carry.subarray(0, this.#carryLen));
      this.#carry = grown;
    }
    this.#carry.set(src.subarray(0, len), this.#carryLen);
    this.#carryLen = need;
  }
}
