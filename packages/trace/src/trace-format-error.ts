/**
 * The one error type of `@pymem/trace`: the input is not a valid capture
 * (or stats file). `offset` says where, `code` says what, in a stable form.
 *
 * Codes: `E_MAGIC`, `E_VERSION`, `E_POINTER_SIZE`, `E_TRUNCATED`, `E_TAG`,
 * `E_SIZE`, `E_POINTER`, `E_COUNT`, `E_TRAILING`, `E_GZIP` (raw captures),
 * `E_STATS` (stats files), and for pymem traces (`docs/format.md` §11) also
 * `E_HEADER`, `E_FEATURE`, `E_CRC`, `E_SYNC`, `E_VARINT`, `E_CHUNK_SIZE`,
 * `E_CHUNK`, `E_CODEC`, `E_INFLATE`, `E_RANGE`, `E_DICT`, `E_SEQ`, `E_INDEX`
 * and `E_JSONL` (JSONL form: the offset is a character offset).
 *
 * @example
 * ```ts
 * try {
 *   decodeRawCapture(bytes, () => {});
 * } catch (e) {
 *   if (e instanceof TraceFormatError) console.log(e.code, e.offset);
 * }
 * ```
 */
export class TraceFormatError extends Error {
  /**
   * Byte offset in the uncompressed capture where the problem is (the start
   * of the offending record or field). For stats files: the character offset
   * of the offending line. For pymem traces: the byte offset in the file (for
   * data inside a compressed chunk payload, the offset of that payload).
   */
  readonly offset: number;
  /** A stable machine-readable code, e.g. `"E_TRUNCATED"`. */
  readonly code: string;

  /**
   * @param code - stable code, e.g. `"E_TAG"`
   * @param offset - byte offset of the problem
   * @param message - what and where, for humans
   */
  constructor(code: string, offset: number, message: string) {
    super(message);
    this.name = 'TraceFormatError';
    this.code = code;
    this.offset = offset;
  }
}
