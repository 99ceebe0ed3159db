import fc from 'fast-check';

/**
 * The fields of a random damage to a byte string, for the fuzz tests: up to
 * `maxPatches` bytes overwritten, an optional splice (bytes removed and
 * others inserted) and an optional cut. Spread it into an `fc.record` with
 * the test's own fields.
 */
export function byteMutationFields(maxPatches: number) {
  return {
    patches: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: maxPatches }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    splice: fc.option(fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.uint8Array({ maxLength: 12 }) }), { nil: undefined }),
  };
}

/** A damage drawn from {@link byteMutationFields}. */
export interface ByteMutation {
  readonly patches: readonly { readonly at: number; readonly value: number }[];
  readonly cut: number | undefined;
  readonly splice: { readonly at: number; readonly remove: number; readonly insert: Uint8Array } | undefined;
}

/** A damaged copy of `base`: the splice, then the patches, then the cut (positions wrap around the length). */
export function mutate(base: Uint8Array, m: ByteMutation): Uint8Array {
  let bytes = base.slice();
  if (m.splice !== undefined && bytes.length > 0) {
    const at = m.splice.at % bytes.length;
    const out = new Uint8Array(bytes.length - Math.min(m.splice.remove, bytes.length - at) + m.splice.insert.length);
    out.set(bytes.subarray(0, at));
    out.set(m.splice.insert, at);
    out.set(bytes.subarray(at + m.splice.remove), at + m.splice.insert.length);
    bytes = out;
  }
  for (const p of m.patches) if (bytes.length > 0) bytes[p.at % bytes.length] = p.value;
  return m.cut === undefined ? bytes : bytes.subarray(0, m.cut % (bytes.length + 1));
}
