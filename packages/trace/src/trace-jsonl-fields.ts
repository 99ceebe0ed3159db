import type { EventColumn, RecordKindSpec } from './trace-record-kinds.js';

/** One JSON field of an event line. */
export interface JsonEventField {
  /** Name in the JSON object. */
  readonly json: string;
  /** Column of `TraceEventData`. */
  readonly column: EventColumn;
  /** Derived from other fields (written for readers; checked, not needed, on input). */
  readonly derived: boolean;
  /** Signed. */
  readonly signed: boolean;
  /** Description. */
  readonly doc: string;
}

/**
 * The JSON fields of an event line of `spec`, after `t`, `seq` and `time`,
 * in order: the stored fields (a pool location expands to `arena`, `pool`,
 * `block`; `stack` only when the trace records stacks; `domain` only with
 * the domains feature), then the derived `size` (calloc) and `cls`
 * (pymalloc kinds whose class is not stored).
 *
 * @param spec - the record kind
 * @param stacks - whether the trace's level has `LEVEL_STACKS`
 * @param domains - whether the trace's required features have `FEATURE_DOMAINS`
 * @returns the fields
 */
export function jsonEventFields(spec: RecordKindSpec, stacks: boolean, domains = false): JsonEventField[] {
  const out: JsonEventField[] = [];
  for (const f of spec.fields) {
    if (f.op === 'stack' && !stacks) continue;
    if (f.op === 'domain' && !domains) continue;
    if (f.op === 'loc') {
      out.push({ json: 'arena', column: 'arena', derived: false, signed: false, doc: 'arena id' });
      out.push({ json: 'pool', column: 'pool', derived: false, signed: false, doc: 'pool index in the arena' });
      out.push({ json: 'block', column: 'block', derived: false, signed: false, doc: 'block index in the pool' });
    } else out.push({ json: f.json, column: f.column, derived: false, signed: f.op === 'zz', doc: f.doc });
  }
  if (spec.calloc) out.push({ json: 'size', column: 'size', derived: true, signed: false, doc: 'nelem × elsize (derived)' });
  if (spec.pymalloc && !spec.fields.some((f) => f.op === 'cls')) out.push({ json: 'cls', column: 'cls', derived: true, signed: false, doc: 'size class (derived from size and the alignment)' });
  return out;
}
