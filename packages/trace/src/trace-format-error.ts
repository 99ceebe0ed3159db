/**
 * The one error type of `@pymem/trace`: the input is not a valid capture
 * (or stats file). `offset` says where, `code` says what, in a stable form.
 *
 * Codes: `E_MAGIC`, `E_VERSION`, `E_POINTER_SIZE`, `E_TRUNCATED`, `E_TAG`,
 * `E_SIZE`, `E_POINTER`, `E_COUNT`, `E_TRAILING`, `E_GZIP` (raw captures) and
 * `E_STATS` (stats files).
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
   * of the offending line.
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
