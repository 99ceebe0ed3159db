import { TraceFormatError } from './trace-format-error.js';

/** A Python function as a capture with stacks names it. */
export interface RawFrame {
  /** The frame id (from its `OP_FRAME` record). */
  readonly id: number;
  /** The function's qualified name (`co_qualname`; `co_name` before CPython 3.11), e.g. `"Parser.parse"`. */
  readonly function: string;
  /** The file of its code (`co_filename`), e.g. `"/usr/lib/python3.11/json/decoder.py"`. */
  readonly file: string;
  /** The function's first line (`co_firstlineno`), not the line being executed. */
  readonly line: number;
}

/** A node of the stack trie: a frame called from a parent stack. */
export interface RawStackNode {
  /** The stack id. */
  readonly id: number;
  /** The caller's stack id; 0 for an outermost frame. */
  readonly parent: number;
  /** The innermost frame of this stack. */
  readonly frame: RawFrame;
  /** Number of frames, 1 for an outermost frame. */
  readonly depth: number;
}

function stackError(at: number, message: string): TraceFormatError {
  return new TraceFormatError('E_STACK', at, `${message} at byte ${at}`);
}

/**
 * The strings, frames and stacks of a capture with stacks (header flag
 * `RAW_FLAG_STACKS`), filled by the decoders as they meet the
 * `OP_STRING`, `OP_FRAME` and `OP_STACK` records. Every id
 * is defined once, before its first use; a record's `stack` field (or a
 * batch's `stack` column) names a stack of this table, or 0.
 *
 * @example
 * ```ts
 * const summary = decodeRawCapture(bytes, (r) => {
 *   if (r.op === OP_MALLOC) bytesByStack.set(r.stack, (bytesByStack.get(r.stack) ?? 0) + r.size);
 * });
 * for (const [id, n] of bytesByStack) console.log(n, summary.stacks?.resolve(id).map((f) => f.function).join(' > '));
 * ```
 */
export class RawStackTable {
  readonly #strings = new Map<number, string>();
  readonly #frames = new Map<number, RawFrame>();
  readonly #stacks = new Map<number, RawStackNode>();

  /** Number of strings defined so far. */
  get stringCount(): number {
    return this.#strings.size;
  }

  /** Number of frames defined so far. */
  get frameCount(): number {
    return this.#frames.size;
  }

  /** Number of stacks defined so far. */
  get stackCount(): number {
    return this.#stacks.size;
  }

  /** The string with this id, or `undefined`. */
  string(id: number): string | undefined {
    return this.#strings.get(id);
  }

  /** The frame with this id, or `undefined`. */
  frame(id: number): RawFrame | undefined {
    return this.#frames.get(id);
  }

  /** The stack node with this id, or `undefined` (also for 0, the empty stack). */
  stack(id: number): RawStackNode | undefined {
    return this.#stacks.get(id);
  }

  /** Every stack defined so far, in the order of their records. */
  stacks(): IterableIterator<RawStackNode> {
    return this.#stacks.values();
  }

  /**
   * The frames of a stack, outermost first (the allocating function last).
   *
   * @param id - a stack id; 0 gives `[]` (no Python frame was active)
   * @returns the frames, a new array
   * @throws RangeError if the stack is not defined
   */
  resolve(id: number): RawFrame[] {
    const out: RawFrame[] = [];
    let s = id;
    while (s !== 0) {
      const node = this.#stacks.get(s);
      if (node === undefined) throw new RangeError(`stack ${id} is not defined${s === id ? '' : ` (its ancestor ${s} is missing)`}`);
      out.push(node.frame);
      s = node.parent;
    }
    return out.reverse();
  }

  /** @internal Whether `id` is 0 or a defined stack. */
  hasStack(id: number): boolean {
    return id === 0 || this.#stacks.has(id);
  }

  /**
   * @internal Defines a string (`at`: the record's offset, for errors).
   * @throws {@link TraceFormatError} `E_STACK` for id 0 or an id defined twice
   */
  addString(id: number, text: string, at: number): void {
    if (id === 0 || this.#strings.has(id)) throw stackError(at, id === 0 ? 'string id 0' : `string ${id} defined twice`);
    this.#strings.set(id, text);
  }

  /**
   * @internal Defines a frame.
   * @throws {@link TraceFormatError} `E_STACK` for id 0, an id defined twice or an undefined string
   */
  addFrame(id: number, fn: number, file: number, line: number, at: number): void {
    if (id === 0 || this.#frames.has(id)) throw stackError(at, id === 0 ? 'frame id 0' : `frame ${id} defined twice`);
    const f = this.#strings.get(fn);
    const p = this.#strings.get(file);
    if (f === undefined || p === undefined) throw stackError(at, `frame ${id} names undefined string ${f === undefined ? fn : file}`);
    this.#frames.set(id, { id, function: f, file: p, line });
  }

  /**
   * @internal Defines a stack.
   * @throws {@link TraceFormatError} `E_STACK` for id 0, an id defined twice, an undefined parent or frame
   */
  addStack(id: number, parent: number, frame: number, at: number): void {
    if (id === 0 || this.#stacks.has(id)) throw stackError(at, id === 0 ? 'stack id 0' : `stack ${id} defined twice`);
    const f = this.#frames.get(frame);
    if (f === undefined) throw stackError(at, `stack ${id} names undefined frame ${frame}`);
    let depth = 1;
    if (parent !== 0) {
      const p = this.#stacks.get(parent);
      if (p === undefined) throw stackError(at, `stack ${id} names undefined parent stack ${parent}`);
      depth = p.depth + 1;
    }
    this.#stacks.set(id, { id, parent, frame: f, depth });
  }
}
