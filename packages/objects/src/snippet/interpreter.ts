/**
 * The snippet interpreter: a module namespace that is a heap dict, code
 * constants, statements, functions and classes over an {@link ObjectSpace}.
 * @packageDocumentation
 */
import { ObjectModelError } from '../errors.js';
import { T_FUNCTION, T_LIST, T_TYPE } from '../layout.js';
import type { ObjectSpace } from '../space.js';
import type { Expr, Stmt } from './ast.js';
import { BUILTIN_NAMES, MODULES } from './builtins.js';
import { callValue } from './calls.js';
import { defineClass } from './classes.js';
import { CodeConstants } from './constants.js';
import { SnippetError, pyError, unsupported } from './errors.js';
import { binaryValues, evalExpr } from './expressions.js';
import { iterate } from './iteration.js';
import { truthy } from './operators.js';
import { parseSnippet } from './parser.js';
import { assignTarget, checkedIndex, deleteTarget } from './targets.js';
import { reprOfValue, strOfValue, typeNameOf } from './value-text.js';
import type { ClassValue, FuncValue, NonHeap, Value } from './values.js';
import { rangeLength } from './values.js';

type Flow = undefined | 'break' | 'continue' | { readonly ret: Value };

/** What {@link Interpreter.onStep} is told after a statement ran. */
export interface InterpreterStep {
  /** The 1-based source line of the statement that just finished. */
  readonly line: number;
}

/** The type of {@link Interpreter.onStep}. */
export type InterpreterStepHook = (step: InterpreterStep) => void;

const MAX_DEPTH = 200;

/**
 * Runs snippets in one module namespace. Every value a snippet names is an
 * object of {@link vm} (or, for functions, classes, modules, builtins,
 * ranges and dict views, a JS value: they are not heap objects here);
 * references are counted as CPython counts them, temporaries are released
 * after the expression or statement that used them.
 */
export class Interpreter {
  readonly vm: ObjectSpace;
  /** The module namespace (`globals()`), a heap dict. */
  readonly namespace: number;
  /** Module-level names bound to values that are not heap objects. */
  readonly #globalsJs = new Map<string, NonHeap>();
  /** Local scopes of running functions and comprehensions, innermost last. */
  readonly scopes: Map<string, Value>[] = [];
  /** Which of {@link scopes} are list comprehensions (they see the enclosing function's names). */
  readonly comprehensionScopes = new WeakSet<Map<string, Value>>();
  /** Functions of the bound method objects made by `obj.method` (keyed by the method's address). */
  readonly methods = new Map<number, { func: FuncValue; self: number }>();
  /** Snippet classes by type id. */
  readonly classes = new Map<number, ClassValue>();
  /** The code of the snippet's function objects, by address. */
  readonly functions = new Map<number, FuncValue>();
  /** What `print` wrote. */
  output = '';
  /** Exceptions ignored in `__del__` and weakref callbacks (CPython prints them to stderr). */
  readonly ignored: string[] = [];
  #depth = 0;
  /** Counts list item stores (`l[i] = x`), so a running `for` re-reads its list. */
  listWrites = 0;
  /** Line of the statement running (for errors raised in callbacks). */
  line = 0;

  constructor(vm: ObjectSpace) {
    this.vm = vm;
    this.namespace = vm.dict();
  }

  /** Parses, compiles (code constants) and runs a snippet in this namespace. @throws {@link SnippetError} */
  run(src: string): void {
    const body = parseSnippet(src);
    const consts = new CodeConstants(this.vm);
    consts.compile(body);
    this.consts = consts;
    this.beforeRun?.();
    this.execBlock(body);
  }

  /** Called after a snippet is compiled, before it runs (where request recording starts). */
  beforeRun: (() => void) | undefined;

  /**
   * Called after each statement has run, at every nesting level: a statement
   * in a loop body reports once per iteration, a function's statements report
   * when it is called, and a compound statement (`if`, `for`, `while`, `def`,
   * `class`) reports after its body, once it is finished. A statement that
   * raises does not report. The heap may be inspected in the hook (the
   * statement's temporaries are already released); it must not run code in
   * this interpreter.
   */
  onStep?: InterpreterStepHook;

  /** The constants of the snippet being run. */
  consts: CodeConstants | undefined;

  /** Releases an owned value. */
  release(v: Value): void {
    if (typeof v === 'number') this.vm.decref(v);
    else if (v.kind === 'keys') this.vm.decref(v.dict);
  }

  /** A new reference to the same value. */
  retain(v: Value): Value {
    if (typeof v === 'number') this.vm.incref(v);
    else if (v.kind === 'keys') this.vm.incref(v.dict);
    return v;
  }

  /** Converts a model error of a snippet operation to the Python exception. */
  guard<T>(line: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ObjectModelError)) throw e;
      const exc = e.code === 'E_INDEX' ? 'IndexError' : e.code === 'E_UNHASHABLE' ? 'TypeError' : e.code === 'E_TYPE' ? 'TypeError' : e.code === 'E_VALUE' ? 'ValueError' : 'SystemError';
      throw pyError(line, exc, e.message);
    }
  }

  // ---- names

  /** A new reference to the value of a name. @throws SnippetError NameError */
  loadName(id: string, line: number): Value {
    // the innermost function's locals (through the comprehensions running in it), then the module
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i]!;
      const v = scope.get(id);
      if (v !== undefined) return this.retain(v);
      if (!this.comprehensionScopes.has(scope)) break;
    }
    const a = this.vm.dictGet(this.namespace, this.vm.intern(id));
    if (a !== 0) {
      this.vm.incref(a);
      return a;
    }
    const js = this.#globalsJs.get(id);
    if (js !== undefined) return js;
    if (BUILTIN_NAMES.has(id)) return { kind: 'builtin', name: id, self: 0 };
    throw pyError(line, 'NameError', `name '${id}' is not defined`);
  }

  /** Binds a name to an owned value (the binding takes the reference; the old value is released). */
  storeName(id: string, v: Value): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope !== undefined) {
      const old = scope.get(id);
      scope.set(id, v);
      if (old !== undefined) this.release(old);
      return;
    }
    const key = this.vm.intern(id);
    if (typeof v === 'number') {
      this.#globalsJs.delete(id);
      this.vm.dictSet(this.namespace, key, v);
      this.vm.decref(v);
      return;
    }
    if (this.vm.dictGet(this.namespace, key) !== 0) this.vm.dictDel(this.namespace, key);
    const old = this.#globalsJs.get(id);
    this.#globalsJs.set(id, v);
    if (old !== undefined) this.release(old);
  }

  /** `del name`. @throws SnippetError NameError, UnboundLocalError */
  deleteName(id: string, line: number): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope !== undefined) {
      const old = scope.get(id);
      if (old === undefined) throw pyError(line, 'UnboundLocalError', `local variable '${id}' referenced before assignment`);
      scope.delete(id);
      this.release(old);
      return;
    }
    if (this.vm.dictDel(this.namespace, this.vm.intern(id))) return;
    if (!this.#globalsJs.delete(id)) throw pyError(line, 'NameError', `name '${id}' is not defined`);
  }

  // ---- statements

  /** Runs statements; returns the control flow that leaves them. */
  execBlock(body: readonly Stmt[]): Flow {
    for (const s of body) {
      const f = this.exec(s);
      if (f !== undefined) return f;
    }
    return undefined;
  }

  /** Runs one statement, then tells {@link onStep}. */
  exec(s: Stmt): Flow {
    const flow = this.#exec(s);
    this.onStep?.({ line: s.line });
    return flow;
  }

  #exec(s: Stmt): Flow {
    this.line = s.line;
    switch (s.k) {
      case 'expr':
        this.release(this.eval(s.value));
        return undefined;
      case 'assign': {
        const v = this.eval(s.value);
        for (let i = 0; i < s.targets.length; i++) this.assign(s.targets[i]!, i === s.targets.length - 1 ? v : this.retain(v));
        return undefined;
      }
      case 'augassign': {
        const t = s.target;
        const cur = this.eval(t);
        const rhs = this.eval(s.value);
        let result: Value;
        if (s.op === '+' && typeof cur === 'number' && typeof rhs === 'number' && this.vm.typeOf(cur) === T_LIST) {
          // list_inplace_concat: extend in place, the same object
          const items = iterate(this, rhs, s.line);
          try {
            this.guard(s.line, () => this.vm.listExtend(cur, items));
          } finally {
            for (const x of items) this.vm.decref(x);
          }
          result = cur;
        } else {
          result = binaryValues(this, s.op, cur, rhs, s.line);
          this.release(cur);
        }
        this.release(rhs);
        this.assign(t, result);
        return undefined;
      }
      case 'del':
        for (const t of s.targets) deleteTarget(this, t);
        return undefined;
      case 'if': {
        const c = this.eval(s.test);
        const yes = this.truth(c);
        this.release(c);
        return this.execBlock(yes ? s.body : s.orelse);
      }
      case 'while':
        for (;;) {
          const c = this.eval(s.test);
          const yes = this.truth(c);
          this.release(c);
          if (!yes) return undefined;
          const f = this.execBlock(s.body);
          if (f === 'break') return undefined;
          if (f !== undefined && f !== 'continue') return f;
        }
      case 'for':
        return this.#for(s);
      case 'break':
      case 'continue':
        return s.k;
      case 'pass':
        return undefined;
      case 'return':
        if (this.scopes.length === 0) throw new SnippetError('syntax', s.line, "'return' outside function");
        return { ret: s.value === null ? this.vm.newNone() : this.eval(s.value) };
      case 'def':
        if (this.scopes.length > 0) throw unsupported(s.line, 'def inside a function');
        this.storeName(s.name, this.makeFunction(s.name, s.name, s.params, s.body).addr);
        return undefined;
      case 'class':
        if (this.scopes.length > 0) throw unsupported(s.line, 'class inside a function');
        this.storeName(s.name, defineClass(this, s).addr);
        return undefined;
      case 'import':
        for (const n of s.names) {
          if (!MODULES.has(n)) throw unsupported(s.line, `import ${n}`);
          this.storeName(n, { kind: 'module', name: n });
        }
        return undefined;
    }
  }

  #for(s: Stmt & { k: 'for' }): Flow {
    const it = this.eval(s.iter);
    try {
      return this.forEach(it, s.line, (item) => {
        this.assign(s.target, item);
        const f = this.execBlock(s.body);
        if (f === 'continue') return undefined;
        return f;
      });
    } finally {
      this.release(it);
    }
  }

  /**
   * Iterates a value (borrowed), calling `body` with a new reference to each
   * item; a list is read live (items appended during the loop are seen).
   */
  forEach(it: Value, line: number, body: (item: number) => Flow): Flow {
    const vm = this.vm;
    if (typeof it === 'number' && vm.typeOf(it) === T_LIST) {
      // a list iterator reads the list live: items are re-read when the list changed
      let items = vm.items(it);
      let writes = this.listWrites;
      for (let i = 0; i < vm.length(it); i++) {
        if (items.length !== vm.length(it) || writes !== this.listWrites) {
          items = vm.items(it);
          writes = this.listWrites;
        }
        const item = items[i]!;
        vm.incref(item);
        const f = body(item);
        if (f === 'break') return undefined;
        if (f !== undefined) return f;
      }
      return undefined;
    }
    if (typeof it !== 'number' && it.kind === 'range') {
      const n = rangeLength(it);
      for (let i = 0n; i < n; i++) {
        const v = it.start + i * it.step;
        const f = body(vm.int(v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v));
        if (f === 'break') return undefined;
        if (f !== undefined) return f;
      }
      return undefined;
    }
    const items = iterate(this, it, line);
    for (let i = 0; i < items.length; i++) {
      const f = body(items[i]!);
      if (f !== undefined && f !== 'break') {
        for (let j = i + 1; j < items.length; j++) vm.decref(items[j]!);
        return f;
      }
      if (f === 'break') {
        for (let j = i + 1; j < items.length; j++) vm.decref(items[j]!);
        return undefined;
      }
    }
    return undefined;
  }

  /** Assigns an owned value to a target (name, attribute, subscript, tuple/list unpacking). */
  assign(t: Expr, v: Value): void {
    assignTarget(this, t, v);
  }

  /** A Python index (int, negative from the end) checked against `n`. */
  index(idx: number, n: number, line: number, what: string): number {
    return checkedIndex(this, idx, n, line, what);
  }

  /** Truth of a value (non-heap values are true). */
  truth(v: Value): boolean {
    if (typeof v === 'number') return truthy(this.vm, v);
    if (v.kind === 'range') return rangeLength(v) > 0n;
    if (v.kind === 'keys') return this.vm.length(v.dict) > 0;
    return true;
  }

  /** Evaluates an expression to an owned value. */
  eval(e: Expr): Value {
    return evalExpr(this, e);
  }

  // ---- functions and classes

  /** MAKE_FUNCTION: a new function object (owned by the caller) and its code. */
  makeFunction(name: string, qualname: string, params: readonly string[], body: readonly Stmt[]): FuncValue {
    const addr = this.vm.func(name, this.namespace, qualname);
    const f: FuncValue = { kind: 'func', addr, name, params, body, qualname };
    this.functions.set(addr, f);
    return f;
  }

  /**
   * What the interpreter knows of a value: the code of a function object,
   * the class of a class object; anything else as it is.
   */
  resolve(v: Value): Value {
    if (typeof v !== 'number') return v;
    const t = this.vm.typeOf(v);
    if (t === T_FUNCTION) return this.functions.get(v) ?? v;
    if (t === T_TYPE && !this.vm.isStatic(v)) return this.classes.get(this.vm.classOfObject(v).id) ?? v;
    return v;
  }

  /** Calls a snippet function; the arguments are borrowed, or `moved` into its frame; returns an owned result. */
  callFunction(f: FuncValue, args: readonly Value[], line: number, moved = false): Value {
    if (args.length !== f.params.length) {
      if (moved) for (const a of args) this.release(a);
      throw pyError(line, 'TypeError', `${f.qualname}() takes ${f.params.length} positional argument${f.params.length === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`);
    }
    if (this.#depth >= MAX_DEPTH) {
      if (moved) for (const a of args) this.release(a);
      throw pyError(line, 'RecursionError', 'maximum recursion depth exceeded');
    }
    const locals = new Map<string, Value>();
    f.params.forEach((p, i) => locals.set(p, moved ? args[i]! : this.retain(args[i]!)));
    this.scopes.push(locals);
    this.#depth++;
    const saved = this.line;
    let result: Value | undefined;
    try {
      const flow = this.execBlock(f.body);
      result = flow !== undefined && typeof flow === 'object' ? flow.ret : this.vm.newNone();
    } finally {
      this.#depth--;
      this.line = saved;
      this.scopes.pop();
      // the frame's locals are released in order when it is cleared
      for (const v of locals.values()) this.release(v);
    }
    return result;
  }

  /** Runs a `__del__` or weakref callback from the model; an exception is ignored as CPython does (and recorded). */
  callback(f: FuncValue, arg: number, what: string): void {
    try {
      this.release(this.callFunction(f, [arg], this.line));
    } catch (e) {
      if (!(e instanceof SnippetError) || e.kind !== 'runtime') throw e;
      this.ignored.push(`Exception ignored in: ${what}: ${e.message}`);
    }
  }

  /** Calls any callable value (borrowed) with borrowed arguments; returns an owned result. */
  call(f: Value, args: readonly Value[], kwargs: readonly (readonly [string, Value])[], line: number): Value {
    return callValue(this, f, args, kwargs, line);
  }

  /** `type(v).__name__`. */
  typeName(v: Value): string {
    return typeNameOf(this, v);
  }

  /** `str(v)`. */
  str(v: Value): string {
    return strOfValue(this, v);
  }

  /** `repr(v)`. */
  repr(v: Value): string {
    return reprOfValue(this, v);
  }

  /** The qualified name of a bound method object's function. */
  methodName = (m: number): string => this.methods.get(m)?.func.qualname ?? '?';
}

