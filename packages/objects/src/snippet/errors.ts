/**
 * The error of the snippet runner.
 * @packageDocumentation
 */

/**
 * Kinds of {@link SnippetError}: `syntax` (the tokenizer or parser refused
 * the text), `unsupported` (valid Python outside the documented subset),
 * `runtime` (what CPython raises as an exception: NameError, TypeError, …).
 */
export type SnippetErrorKind = 'syntax' | 'unsupported' | 'runtime';

/**
 * Every error the snippet runner throws; the message starts with the line
 * (`line 3: 'lambda' is not supported by the snippet runner`).
 */
export class SnippetError extends Error {
  /** What went wrong. */
  readonly kind: SnippetErrorKind;
  /** 1-based line of the snippet. */
  readonly line: number;
  /** The construct (`lambda`, `try`…) for `unsupported`, the Python exception name for `runtime`. */
  readonly construct: string | undefined;
  constructor(kind: SnippetErrorKind, line: number, message: string, construct?: string) {
    super(`line ${line}: ${message}`);
    this.name = 'SnippetError';
    this.kind = kind;
    this.line = line;
    this.construct = construct;
  }
}

/** `line N: 'what' is not supported by the snippet runner`. */
export function unsupported(line: number, what: string): SnippetError {
  return new SnippetError('unsupported', line, `'${what}' is not supported by the snippet runner`, what);
}

/** A Python exception raised by the snippet, as `line N: Name: message`. */
export function pyError(line: number, exc: string, message: string): SnippetError {
  return new SnippetError('runtime', line, `${exc}: ${message}`, exc);
}
