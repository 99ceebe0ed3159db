/**
 * The snippet runner's entry points: run a snippet in a fresh space and
 * collect what it printed and the allocator requests it made.
 * @packageDocumentation
 */
import type { RequestEvent } from '../events.js';
import { ObjectSpace } from '../space.js';
import type { ObjectSpaceOpts } from '../types.js';
import { CodeConstants } from './constants.js';
import { preexisting } from './builtins.js';
import { unsupported } from './errors.js';
import { Interpreter } from './interpreter.js';
import { parseExpression } from './parser.js';

/** Options of {@link runSnippet}. */
export interface RunSnippetOpts {
  /** The space to run in (a new `ObjectSpace(spaceOpts)` when omitted). */
  space?: ObjectSpace;
  /** Options of the new space (observer, heap). */
  spaceOpts?: ObjectSpaceOpts;
  /** Record the allocator requests made while the snippet runs (after its constants were made). @defaultValue true */
  recordRequests?: boolean;
}

/** What {@link runSnippet} returns. */
export interface SnippetResult {
  /** What the snippet printed. */
  readonly output: string;
  /** The allocator requests of the run, in the conventions of `../shared/objects` (empty when not recorded). */
  readonly requests: RequestEvent[];
  /** Exceptions ignored in `__del__` methods and weakref callbacks, as CPython reports them on stderr. */
  readonly ignored: readonly string[];
  /** The space, with the snippet's objects still alive. */
  readonly space: ObjectSpace;
  /** The interpreter (its namespace, to run more code in it). */
  readonly interpreter: Interpreter;
}

/**
 * Runs a snippet of the documented Python subset. The snippet is parsed and
 * compiled first (its code constants are made then), then run; the
 * allocator requests of the run are recorded.
 * @throws {@link SnippetError} for a syntax error, an unsupported construct
 *   (naming it and its line) or a Python exception the snippet raised. To
 *   keep the output printed before a runtime error, run the snippet with an
 *   {@link Interpreter} (its `output`), as `pymem run` does.
 */
export function runSnippet(src: string, opts: RunSnippetOpts = {}): SnippetResult {
  const space = opts.space ?? new ObjectSpace(opts.spaceOpts);
  const it = new Interpreter(space);
  const rec = opts.recordRequests !== false;
  let recording: ReturnType<ObjectSpace['recordRequests']> | undefined;
  it.beforeRun = () => {
    if (rec) recording = space.recordRequests();
  };
  try {
    it.run(src);
  } finally {
    recording?.stop();
  }
  return { output: it.output, requests: recording === undefined ? [] : [...recording.events], ignored: it.ignored, space, interpreter: it };
}

/**
 * `sys.getsizeof(EXPR)` of an expression evaluated in a fresh space, as a
 * snippet's constants and operations would make it.
 * `gc`, `sys`, `types` and `weakref` are imported. A builtin (`len`,
 * `int`) or a module of those, which exist before any
 * snippet runs, has CPython 3.11.7's size (72, 424, 72).
 * @throws {@link SnippetError} when the value is neither a heap object nor one of those (a range…).
 */
export function sizeofExpression(expr: string, space: ObjectSpace = new ObjectSpace()): { size: number; type: string } {
  const e = parseExpression(expr);
  const it = new Interpreter(space);
  // the modules of the subset are there to be named (`types.ModuleType('m')`, `sys.getsizeof`)
  it.run('import gc, sys, types, weakref\n');
  const consts = new CodeConstants(space);
  consts.compileExpr(e);
  it.consts = consts;
  const v = it.eval(e);
  try {
    if (typeof v !== 'number') {
      const pre = preexisting(v);
      if (pre === undefined) throw unsupported(e.line, `sys.getsizeof of a ${it.typeName(v)} (not a heap object in the model)`);
      return { size: pre.size, type: it.typeName(v) };
    }
    return { size: space.sizeof(v), type: space.typeName(v) };
  } finally {
    it.release(v);
  }
}
