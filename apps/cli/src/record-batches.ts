import type { RawRecordBatch } from '@pymem/trace';

/**
 * Records `from` (inclusive) to `to` (exclusive) of a batch, as a batch of
 * their own: views of the same columns, the marks among them. Lets a replay
 * stop at any record, not only at batch ends.
 */
export function sliceBatch(b: RawRecordBatch, from: number, to: number): RawRecordBatch {
  if (from === 0 && to === b.length) return b;
  const first = b.firstIndex + from;
  const last = b.firstIndex + to;
  return {
    length: to - from,
    firstIndex: first,
    op: b.op.subarray(from, to),
    domain: b.domain.subarray(from, to),
    size: b.size.subarray(from, to),
    size2: b.size2.subarray(from, to),
    ptr: b.ptr.subarray(from, to),
    result: b.result.subarray(from, to),
    stack: b.stack.subarray(from, to),
    marks: b.marks.filter((m) => m.index >= first && m.index < last),
  };
}
