import type { RawRecordCallback } from './api.js';
import { RAW_FLAG_STACKS, RAW_HEADER_SIZE } from './api.js';
import { decodeRecords } from './decode-records.js';
import type { DecodeCursor } from './decode-records.js';
import type { RawCaptureSummary } from './raw-capture-summary.js';
import { decodeRawHeader } from './raw-header.js';
import { RawRecord } from './raw-record.js';
import { RawStackTable } from './raw-record-stacks.js';
import { TraceFormatError } from './trace-format-error.js';

/**
 * Decodes a whole, already decompressed capture at full speed, calling
 * `onRecord` for every record (not for the end record) with one reused
 * struct. This is the replay hot path: nothing is allocated per record
 * except mark labels.
 *
 * @param bytes - the uncompressed capture, header included
 * @param onRecord - called once per record; the view is valid only during the call
 * @returns the header, record count and whether the end record was present
 * @throws {@link TraceFormatError} on a bad header (`E_MAGIC`, `E_VERSION`,
 *   `E_POINTER_SIZE`), a bad record (`E_TAG`, `E_POINTER`, `E_SIZE`, `E_STACK`), a wrong
 *   end count (`E_COUNT`), bytes after the end record (`E_TRAILING`) or a
 *   record cut short (`E_TRUNCATED`, at the record's first byte)
 *
 * @example
 * ```ts
 * let frees = 0;
 * const { records, ended } = decodeRawCapture(bytes, (r) => {
 *   if (r.op === OP_FREE) frees++;
 * });
 * ```
 */
export function decodeRawCapture(bytes: Uint8Array, onRecord: RawRecordCallback): RawCaptureSummary {
  const header = decodeRawHeader(bytes);
  const stacks = (header.flags & RAW_FLAG_STACKS) !== 0 ? new RawStackTable() : null;
  const cur: DecodeCursor = { pos: RAW_HEADER_SIZE, count: 0, ended: false, stack: 0, stacks };
  decodeRecords(bytes, bytes.length, 0, cur, new RawRecord(), onRecord, Infinity);
  if (cur.pos < bytes.length) {
    if (cur.ended) throw trailingError(cur.pos);
    throw truncatedError(cur.pos, cur.count, bytes.length - cur.pos);
  }
  return { header, records: cur.count, ended: cur.ended, byteLength: bytes.length, ...(stacks === null ? {} : { stacks }) };
}

/**
 * The `E_TRAILING` error for data after the end record.
 *
 * @internal
 */
export function trailingError(at: number): TraceFormatError {
  return new TraceFormatError('E_TRAILING', at, `unexpected data after the end record at byte ${at}`);
}

/**
 * The `E_TRUNCATED` error for a record cut short by the end of the input.
 *
 * @internal
 */
export function truncatedError(at: number, index: number, have: number): TraceFormatError {
  return new TraceFormatError('E_TRUNCATED', at, `truncated record at byte ${at} (record ${index}): input ends after ${have} of its bytes`);
}
