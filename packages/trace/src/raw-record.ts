import type { RawRecordData, RawRecordView } from './api.js';

/**
 * The reusable struct the decoders write every record into: one instance per
 * decoder, overwritten for each record, so decoding allocates nothing per
 * record (marks allocate their label string).
 */
export class RawRecord implements RawRecordView {
  /** One of the `OP_*` constants. */
  op = 0;
  /** One of the `DOMAIN_*` constants. */
  domain = 0;
  /** Request size (calloc: element count). */
  size = 0;
  /** calloc's element size. */
  size2 = 0;
  /** Input pointer (realloc old pointer, free pointer, arena_free base). */
  ptr = 0;
  /** Output pointer (malloc/calloc/realloc result, arena_alloc base). */
  result = 0;
  /** Mark id. */
  markId = 0;
  /** Mark label. */
  markLabel = '';
  /** 0-based record index. */
  index = 0;
  /** Byte offset of the record's tag. */
  offset = 0;
  /** Stack id in force (0: none, or no stacks in the capture). */
  stack = 0;
}

/**
 * Copies the data fields of a record view into a new plain object, for
 * callers that keep records (tests, tools). Allocates: not for hot paths.
 *
 * @param record - the view a decoder passed to its callback
 * @returns a plain {@link RawRecordData}
 */
export function copyRawRecord(record: RawRecordView): RawRecordData {
  return {
    op: record.op,
    domain: record.domain,
    size: record.size,
    size2: record.size2,
    ptr: record.ptr,
    result: record.result,
    markId: record.markId,
    markLabel: record.markLabel,
  };
}
