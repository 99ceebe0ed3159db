/**
 * Expression evaluation: every result is a new reference; operands and
 * arguments are released right after the operation that used them, in
 * CPython's order.
 * @packageDocumentation
 */
import { FIRST_CLASS_ID, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_INT, T_BOOL, T_LIST, T_STR, T_TUPLE, T_MODULE } from '../layout.js';
import type { Expr } from './ast.js';
import { MODULE_FUNCTIONS, callMethod } from './builtins.js';
import { SnippetError, pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { binaryOp, contains, equals, intValue, lessThan } from './operators.js';
import { reprOf } from './repr.js';
import type { Value } from './values.js';
import { rangeLength } from './values.js';

/** A binary arithmetic operation on two values (borrowed); a new reference. */
export function binaryValues(it: Interpreter, op: string, a: Value, b: Value, line: number): Value {
  if (typeof a !== 'number' || typeof b !== 'number') throw pyError(line, 'TypeError', `unsupported operand type(s) for ${op}: '${it.typeName(a)}' and '${it.typeName(b)}'`);
  return binaryOp(it.vm, op, a, b, line);
}

function compare(it: Interpreter, op: string, a: Value, b: Value, line: number): boolean {
  const vm = it.vm;
  switch (op) {
    case 'is':
      return a === b;
    case 'is not':
      return a !== b;
    case 'in':
    case 'not in': {
      let r: boolean;
      if (typeof b !== 'number' && b.kind === 'range') {
        const v = typeof a === 'number' ? intValue(vm, a) : undefined;
        r = v !== undefined && (b.step > 0n ? v >= b.start && v < b.stop : v <= b.start && v > b.stop) && (v - b.start) % b.step === 0n && rangeLength(b) > 0n;
      } else if (typeof b !== 'number' && b.kind === 'keys') {
        r = typeof a === 'number' && vm.dictGet(b.dict, a) !== 0;
      } else {
        if (typeof b !== 'number' || typeof a !== 'number') throw pyError(line, 'TypeError', `argument of type '${it.typeName(b)}' is not iterable`);
        r = it.guard(line, () => contains(vm, b, a, line));
      }
      return op === 'in' ? r : !r;
    }
    default:
  }
  if (typeof a !== 'number' || typeof b !== 'number') {
    if (op === '==') return a === b;
    if (op === '!=') return a !== b;
    throw pyError(line, 'TypeError', `'${op}' not supported between instances of '${it.typeName(a)}' and '${it.typeName(b)}'`);
  }
  switch (op) {
    case '==':
      return equals(vm, a, b);
    case '!=':
      return !equals(vm, a, b);
    case '<':
      return lessThan(vm, a, b, true, line, op);
    case '<=':
      return lessThan(vm, a, b, false, line, op);
    case '>':
      return lessThan(vm, b, a, true, line, op);
    default:
      return lessThan(vm, b, a, false, line, op);
  }
}

/** Evaluates `e` to a new reference. */
export function evalExpr(it: Interpreter, e: Expr): Value {
  const vm = it.vm;
  switch (e.k) {
    case 'const': {
      const a = it.consts?.ofNode(e);
      if (a === undefined) throw new SnippetError('syntax', e.line, 'constant not compiled');
      vm.incref(a);
      return a;
    }
    case 'name':
      return it.loadName(e.id, e.line);
    case 'attr': {
      const obj = it.eval(e.obj);
      try {
        return loadAttr(it, obj, e.name, e.line, false);
      } finally {
        it.release(obj);
      }
    }
    case 'subscript':
      return subscript(it, e);
    case 'slice':
      throw unsupported(e.line, 'slice outside a subscript');
    case 'call':
      return evalCall(it, e);
    case 'binop': {
      const a = it.eval(e.left);
      try {
        const b = it.eval(e.right);
        try {
          return binaryValues(it, e.op, a, b, e.line);
        } finally {
          it.release(b);
        }
      } finally {
        it.release(a);
      }
    }
    case 'unary': {
      const a = it.eval(e.operand);
      try {
        if (e.op === 'not') return vm.bool(!it.truth(a));
        if (typeof a === 'number') {
          const t = vm.typeOf(a);
          if (t === T_FLOAT && e.op !== '~') return vm.float(e.op === '-' ? -(vm.value(a) as number) : (vm.value(a) as number));
          if (t === T_INT || t === T_BOOL) {
            const v = intValue(vm, a)!;
            const r = e.op === '-' ? -v : e.op === '~' ? ~v : v;
            return vm.int(r >= -(2n ** 53n) && r <= 2n ** 53n ? Number(r) : r);
          }
        }
        throw pyError(e.line, 'TypeError', `bad operand type for unary ${e.op}: '${it.typeName(a)}'`);
      } finally {
        it.release(a);
      }
    }
    case 'boolop': {
      for (let i = 0; i < e.values.length - 1; i++) {
        const v = it.eval(e.values[i]!);
        if (it.truth(v) === (e.op === 'or')) return v;
        it.release(v);
      }
      return it.eval(e.values[e.values.length - 1]!);
    }
    case 'compare': {
      let left = it.eval(e.left);
      try {
        for (let i = 0; i < e.ops.length; i++) {
          const right = it.eval(e.rights[i]!);
          let ok: boolean;
          try {
            ok = compare(it, e.ops[i]!, left, right, e.line);
          } catch (err) {
            it.release(right);
            throw err;
          }
          it.release(left);
          left = right;
          if (!ok) return vm.bool(false);
        }
        return vm.bool(true);
      } finally {
        it.release(left);
      }
    }
    case 'ifexp': {
      const c = it.eval(e.test);
      const yes = it.truth(c);
      it.release(c);
      return it.eval(yes ? e.body : e.orelse);
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const folded = it.consts?.ofNode(e);
      if (folded !== undefined) {
        if (e.k === 'list') {
          const l = vm.list();
          vm.listExtend(l, vm.items(folded));
          return l;
        }
        // BUILD_SET 0; SET_UPDATE of the frozenset constant (set_merge)
        const s = vm.set();
        vm.setUpdate(s, folded);
        return s;
      }
      const items = evalAll(it, e.elts);
      try {
        if (items.length > STACK_USE_GUIDELINE && e.k !== 'set') {
          // a big display: BUILD_LIST 0 and LIST_APPEND per item (a tuple: then LIST_TO_TUPLE)
          const l = vm.list();
          for (const x of items) vm.listAppend(l, x);
          if (e.k === 'list') return l;
          const t = vm.tuple(vm.items(l));
          vm.decref(l);
          return t;
        }
        if (e.k === 'list') return vm.list(items);
        if (e.k === 'tuple') return vm.tuple(items);
        return it.guard(e.line, () => vm.set(items));
      } finally {
        for (const x of items) vm.decref(x);
      }
    }
    case 'dict':
      return dictDisplay(it, e);
    case 'listcomp':
      return listComp(it, e);
  }
}

/** The compiler's `STACK_USE_GUIDELINE`: displays with more items are built item by item. */
const STACK_USE_GUIDELINE = 30;

/**
 * A dict display as 3.11 compiles it (`compiler_dict`): chunks of 17
 * entries while more follow, then the rest; each chunk evaluated then built
 * (more than 15 entries: `BUILD_MAP 0` and `MAP_ADD` per entry; else
 * `BUILD_MAP n` or `BUILD_CONST_KEY_MAP n`, presized by `_PyDict_FromItems`),
 * every chunk after the first merged into the first (`DICT_UPDATE`) and
 * released.
 */
function dictDisplay(it: Interpreter, e: Expr & { k: 'dict' }): number {
  const vm = it.vm;
  const n = e.keys.length;
  const chunks: [number, number][] = [];
  let elements = 0;
  for (let i = 0; i < n; i++) {
    if (elements * 2 > STACK_USE_GUIDELINE) {
      chunks.push([i - elements, i + 1]);
      elements = 0;
    } else {
      elements++;
    }
  }
  if (elements > 0 || chunks.length === 0) chunks.push([n - elements, n]);
  let target = 0;
  try {
    for (const [lo, hi] of chunks) {
      const parts = evalAll(it, e.keys.slice(lo, hi).flatMap((k, i) => [k, e.values[lo + i]!]));
      let d = 0;
      try {
        const m = hi - lo;
        d = 2 * m > STACK_USE_GUIDELINE ? vm.dict() : vm.dictPresized(m, parts.every((x, i) => i % 2 === 1 || vm.typeOf(x) === T_STR));
        for (let i = 0; i < parts.length; i += 2) {
          const k = parts[i]!;
          const v = parts[i + 1]!;
          it.guard(e.line, () => vm.dictSet(d, k, v));
        }
      } catch (err) {
        if (d !== 0) vm.decref(d);
        throw err;
      } finally {
        for (const x of parts) vm.decref(x);
      }
      if (target === 0) {
        target = d;
      } else {
        try {
          vm.dictUpdate(target, d);
        } finally {
          vm.decref(d);
        }
      }
    }
  } catch (err) {
    if (target !== 0) vm.decref(target);
    throw err;
  }
  return target;
}

/** Evaluates expressions left to right to heap objects (new references). */
function evalAll(it: Interpreter, es: readonly Expr[]): number[] {
  const out: number[] = [];
  try {
    for (const x of es) {
      const v = it.eval(x);
      if (typeof v !== 'number') {
        it.release(v);
        throw unsupported(x.line, `a ${it.typeName(v)} inside a container (not a heap object here)`);
      }
      out.push(v);
    }
  } catch (err) {
    for (const v of out) it.vm.decref(v);
    throw err;
  }
  return out;
}

function listComp(it: Interpreter, e: Expr & { k: 'listcomp' }): Value {
  const vm = it.vm;
  const iterable = it.eval(e.iter);
  const result = vm.list();
  const scope = new Map<string, Value>();
  it.comprehensionScopes.add(scope);
  it.scopes.push(scope);
  try {
    it.forEach(iterable, e.line, (item) => {
      it.assign(e.target, item);
      for (const c of e.ifs) {
        const t = it.eval(c);
        const yes = it.truth(t);
        it.release(t);
        if (!yes) return undefined;
      }
      const v = it.eval(e.elt);
      if (typeof v !== 'number') {
        it.release(v);
        throw unsupported(e.line, 'a non-heap value in a list');
      }
      vm.listAppend(result, v);
      vm.decref(v);
      return undefined;
    });
  } catch (err) {
    vm.decref(result);
    throw err;
  } finally {
    it.scopes.pop();
    for (const v of scope.values()) it.release(v);
    it.release(iterable);
  }
  return result;
}

/** `obj.name` (obj borrowed); `forCall`: a method of a class is returned without a bound method object (`LOAD_METHOD`). */
export function loadAttr(it: Interpreter, obj: Value, name: string, line: number, forCall: boolean): Value {
  const vm = it.vm;
  if (typeof obj !== 'number') {
    if (obj.kind === 'module') {
      const full = `${obj.name}.${name}`;
      if (MODULE_FUNCTIONS.has(full)) return { kind: 'builtin', name: full, self: 0 };
      throw pyError(line, 'AttributeError', `module '${obj.name}' has no attribute '${name}'`);
    }
    throw pyError(line, 'AttributeError', `'${it.typeName(obj)}' object has no attribute '${name}'`);
  }
  if (vm.typeOf(obj) >= FIRST_CLASS_ID) {
    const cls = it.classes.get(vm.typeOf(obj));
    if (name === '__dict__') return it.guard(line, () => vm.instanceDict(obj));
    const a = vm.getAttr(obj, name);
    if (a !== 0) {
      vm.incref(a);
      return a;
    }
    const f = cls?.methods.get(name);
    if (f !== undefined) {
      // LOAD_METHOD: the object itself is the first argument (borrowed from the caller's reference)
      if (forCall) return { kind: 'methodcall', func: f, self: obj };
      // a bound method object (PyMethod_New) of the function in the class's __dict__
      const m = vm.boundMethod(f.addr, obj);
      it.methods.set(m, { func: f, self: obj });
      return m;
    }
    throw pyError(line, 'AttributeError', `'${vm.typeName(obj)}' object has no attribute '${name}'`);
  }
  if (vm.typeOf(obj) === T_MODULE) {
    const x = vm.dictGet(vm.moduleDict(obj), vm.intern(name));
    if (x === 0) throw pyError(line, 'AttributeError', `module '${vm.qualname(obj)}' has no attribute '${name}'`);
    vm.incref(x);
    return x;
  }
  if (forCall) return { kind: 'builtin', name: `${vm.typeName(obj)}.${name}`, self: obj };
  throw unsupported(line, `'${vm.typeName(obj)}.${name}' outside a call`);
}

function evalCall(it: Interpreter, e: Expr & { k: 'call' }): Value {
  let func: Value;
  let self: Value | undefined;
  if (e.func.k === 'attr') {
    self = it.eval(e.func.obj);
    try {
      func = loadAttr(it, self, e.func.name, e.line, true);
    } catch (err) {
      it.release(self);
      throw err;
    }
  } else {
    func = it.eval(e.func);
  }
  const args: Value[] = [];
  const kwargs: [string, Value][] = [];
  let moved = false;
  try {
    for (const a of e.args) args.push(it.eval(a));
    for (const [k, v] of e.kwargs) kwargs.push([k, it.eval(v)]);
    if (typeof func !== 'number' && func.kind === 'builtin' && func.self !== 0) return callMethod(it, func, args, kwargs, e.line);
    const code = it.resolve(func);
    if (typeof code !== 'number' && (code.kind === 'func' || code.kind === 'methodcall') && kwargs.length === 0) {
      // a Python function's frame takes the call's stack references (self included)
      moved = true;
      if (code.kind === 'func') return it.callFunction(code, args, e.line, true);
      const s = self!;
      self = undefined;
      return it.callFunction(code.func, [s, ...args], e.line, true);
    }
    return it.call(func, args, kwargs, e.line);
  } finally {
    if (!moved) for (const a of args) it.release(a);
    for (const [, v] of kwargs) it.release(v);
    it.release(func);
    if (self !== undefined) it.release(self);
  }
}

function subscript(it: Interpreter, e: Expr & { k: 'subscript' }): Value {
  const vm = it.vm;
  const obj = it.eval(e.obj);
  try {
    if (typeof obj !== 'number') throw pyError(e.line, 'TypeError', `'${it.typeName(obj)}' object is not subscriptable`);
    const t = vm.typeOf(obj);
    if (e.index.k === 'slice') {
      const n = vm.length(obj);
      const bound = (x: Expr | null, dflt: number): number => {
        if (x === null) return dflt;
        const v = it.eval(x);
        const i = typeof v === 'number' ? intValue(vm, v) : undefined;
        it.release(v);
        if (i === undefined) throw pyError(e.line, 'TypeError', 'slice indices must be integers or None');
        const j = Number(i);
        return Math.min(n, Math.max(0, j < 0 ? j + n : j));
      };
      const lo = bound(e.index.lower, 0);
      const hi = Math.max(lo, bound(e.index.upper, n));
      if (t === T_LIST) return vm.listSlice(obj, lo, hi);
      if (t === T_TUPLE) return lo === 0 && hi === n ? (vm.incref(obj), obj) : vm.tuple(vm.items(obj).slice(lo, hi));
      if (t === T_STR) return lo === 0 && hi === n ? (vm.incref(obj), obj) : vm.str(Array.from(vm.value(obj) as string).slice(lo, hi).join(''));
      if (t === T_BYTES) return lo === 0 && hi === n ? (vm.incref(obj), obj) : vm.bytes((vm.value(obj) as Uint8Array).slice(lo, hi));
      throw pyError(e.line, 'TypeError', `'${vm.typeName(obj)}' object is not subscriptable`);
    }
    const idx = it.eval(e.index);
    try {
      if (typeof idx !== 'number') throw pyError(e.line, 'TypeError', 'unhashable index');
      if (t === T_DICT) {
        const v = it.guard(e.line, () => vm.dictGet(obj, idx));
        if (v === 0) throw pyError(e.line, 'KeyError', reprOf(vm, idx));
        vm.incref(v);
        return v;
      }
      const what = `${vm.typeName(obj)} index`;
      if (t === T_LIST || t === T_TUPLE) {
        const v = vm.items(obj)[it.index(idx, vm.length(obj), e.line, what)]!;
        vm.incref(v);
        return v;
      }
      if (t === T_STR) {
        const chars = Array.from(vm.value(obj) as string);
        return vm.str(chars[it.index(idx, chars.length, e.line, 'string index')]!);
      }
      if (t === T_BYTES || t === T_BYTEARRAY) {
        const b = vm.value(obj) as Uint8Array;
        return vm.int(b[it.index(idx, b.length, e.line, what)]!);
      }
      throw pyError(e.line, 'TypeError', `'${vm.typeName(obj)}' object is not subscriptable`);
    } finally {
      it.release(idx);
    }
  } finally {
    it.release(obj);
  }
}
