/**
 * Builtin functions, the `gc`, `sys` and `weakref` functions and the
 * methods of lists, dicts and sets the snippet subset supports. Arguments
 * are borrowed; results are new references.
 * @packageDocumentation
 */
import { T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_SET, T_STR, T_TUPLE } from '../layout.js';
import { pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { iterate } from './iteration.js';
import { intValue } from './operators.js';
import { hexAddress, reprOf } from './repr.js';
import type { BuiltinValue, Value } from './values.js';
import { rangeLength } from './values.js';

/** Names of the builtin functions. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set(['print', 'len', 'range', 'list', 'tuple', 'dict', 'set', 'frozenset', 'bytearray', 'bytes', 'object', 'int', 'float', 'str', 'repr', 'bool', 'id']);
/** Modules `import` accepts. */
export const MODULES: ReadonlySet<string> = new Set(['gc', 'sys', 'weakref', 'types']);
/** Functions of those modules. */
export const MODULE_FUNCTIONS: ReadonlySet<string> = new Set(['gc.collect', 'gc.disable', 'gc.enable', 'gc.isenabled', 'gc.get_count', 'gc.get_threshold', 'gc.is_tracked', 'sys.getsizeof', 'sys.getrefcount', 'weakref.ref', 'types.ModuleType']);

/** The built-in names that are types (static type objects in CPython). */
export const TYPE_NAMES: ReadonlySet<string> = new Set(['range', 'list', 'tuple', 'dict', 'set', 'frozenset', 'bytearray', 'bytes', 'object', 'int', 'float', 'str', 'bool']);

/**
 * `sys.getsizeof` and `gc.is_tracked` of what exists before a snippet runs
 * and is not in the model's heap (CPython 3.11.7's figures): builtin
 * functions and module functions (72, tracked), static types (424,
 * untracked), the imported modules (72, tracked).
 */
export function preexisting(v: Value | undefined): { size: number; tracked: boolean } | undefined {
  if (v === undefined || typeof v === 'number') return undefined;
  if (v.kind === 'builtin' && v.self === 0) return TYPE_NAMES.has(v.name) ? { size: 424, tracked: false } : { size: 72, tracked: true };
  if (v.kind === 'module') return { size: 72, tracked: true };
  return undefined;
}

function arity(name: string, args: readonly Value[], min: number, max: number, line: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `exactly ${min} argument${min === 1 ? '' : 's'}` : args.length < min ? `at least ${min} argument${min === 1 ? '' : 's'}` : `at most ${max} argument${max === 1 ? '' : 's'}`;
    throw pyError(line, 'TypeError', `${name}() takes ${want} (${args.length} given)`);
  }
}

/** `args[i]` as a heap object. */
function heap(it: Interpreter, v: Value | undefined, fn: string, line: number): number {
  if (typeof v !== 'number') throw unsupported(line, `${fn}() of a ${v === undefined ? 'missing value' : it.typeName(v)}`);
  return v;
}

function mkInt(it: Interpreter, v: bigint | number): number {
  const b = BigInt(v);
  return it.vm.int(b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b);
}

function intArg(it: Interpreter, v: Value | undefined, line: number): bigint {
  const i = typeof v === 'number' ? intValue(it.vm, v) : undefined;
  if (i === undefined) throw pyError(line, 'TypeError', `'${v === undefined ? 'NoneType' : it.typeName(v)}' object cannot be interpreted as an integer`);
  return i;
}

/** Parses `int(str)`. */
function parseIntText(s: string, line: number): bigint {
  const t = s.trim().replaceAll('_', '');
  if (!/^[+-]?\d+$/.test(t)) throw pyError(line, 'ValueError', `invalid literal for int() with base 10: ${reprOf0(s)}`);
  return BigInt(t);
}

function reprOf0(s: string): string {
  return `'${s}'`;
}

function parseFloatText(s: string, line: number): number {
  const t = s.trim().replaceAll('_', '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) throw pyError(line, 'ValueError', `could not convert string to float: ${reprOf0(s)}`);
  return Number(t);
}

/** Calls a builtin or module function. */
export function callBuiltin(it: Interpreter, f: BuiltinValue, args: readonly Value[], kwargs: readonly (readonly [string, Value])[], line: number): Value {
  const vm = it.vm;
  const name = f.name;
  if (kwargs.length > 0 && name !== 'print') throw unsupported(line, `keyword arguments to ${name}()`);
  switch (name) {
    case 'print': {
      let sep = ' ';
      let end = '\n';
      for (const [k, v] of kwargs) {
        if (k !== 'sep' && k !== 'end') throw unsupported(line, `print(${k}=...)`);
        const s = v === vm.none ? undefined : typeof v === 'number' && vm.typeOf(v) === T_STR ? (vm.value(v) as string) : undefined;
        if (s === undefined && v !== vm.none) throw pyError(line, 'TypeError', `${k} must be None or a string, not ${it.typeName(v)}`);
        if (s !== undefined) {
          if (k === 'sep') sep = s;
          else end = s;
        }
      }
      it.output += args.map((a) => it.str(a)).join(sep) + end;
      return vm.newNone();
    }
    case 'len': {
      arity(name, args, 1, 1, line);
      const a = args[0]!;
      if (typeof a !== 'number') {
        if (a.kind === 'range') return mkInt(it, rangeLength(a));
        if (a.kind === 'keys') return mkInt(it, vm.length(a.dict));
        throw pyError(line, 'TypeError', `object of type '${it.typeName(a)}' has no len()`);
      }
      return it.guard(line, () => {
        try {
          return mkInt(it, vm.length(a));
        } catch {
          throw pyError(line, 'TypeError', `object of type '${vm.typeName(a)}' has no len()`);
        }
      });
    }
    case 'range': {
      arity(name, args, 1, 3, line);
      const n = args.map((a) => intArg(it, a, line));
      const [start, stop, step] = n.length === 1 ? [0n, n[0]!, 1n] : [n[0]!, n[1]!, n[2] ?? 1n];
      if (step === 0n) throw pyError(line, 'ValueError', 'range() arg 3 must not be zero');
      return { kind: 'range', start, stop, step };
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'frozenset': {
      arity(name, args, 0, 1, line);
      const src = args[0];
      if (src === undefined) return name === 'list' ? vm.list() : name === 'tuple' ? (vm.incref(vm.tuple([])), vm.tuple([])) : name === 'set' ? vm.set() : vm.frozenset();
      if ((name === 'tuple' && typeof src === 'number' && vm.typeOf(src) === T_TUPLE) || (name === 'frozenset' && typeof src === 'number' && vm.typeOf(src) === T_FROZENSET)) {
        vm.incref(src);
        return src;
      }
      const items = iterate(it, src, line);
      try {
        if (name === 'list') {
          const l = vm.list();
          vm.listExtend(l, items);
          return l;
        }
        if (name === 'tuple') return vm.tuple(items);
        return it.guard(line, () => (name === 'set' ? vm.set(items) : vm.frozenset(items)));
      } finally {
        for (const x of items) vm.decref(x);
      }
    }
    case 'dict': {
      arity(name, args, 0, 1, line);
      const d = vm.dict();
      const src = args[0];
      if (src === undefined) return d;
      try {
        const h = heap(it, src, name, line);
        if (vm.typeOf(h) === T_DICT) {
          for (const [k, v] of vm.dictItems(h)) vm.dictSet(d, k, v);
        } else {
          const pairs = iterate(it, h, line);
          try {
            for (const p of pairs) {
              const kv = typeof p === 'number' && (vm.typeOf(p) === T_TUPLE || vm.typeOf(p) === T_LIST) ? vm.items(p) : [];
              if (kv.length !== 2) throw pyError(line, 'ValueError', 'dictionary update sequence element has the wrong length');
              it.guard(line, () => vm.dictSet(d, kv[0]!, kv[1]!));
            }
          } finally {
            for (const p of pairs) vm.decref(p);
          }
        }
      } catch (e) {
        vm.decref(d);
        throw e;
      }
      return d;
    }
    case 'bytearray':
    case 'bytes': {
      arity(name, args, 0, 1, line);
      const src = args[0];
      let data: number[] = [];
      if (src !== undefined) {
        const h = heap(it, src, name, line);
        const t = vm.typeOf(h);
        if (t === T_INT || t === T_BOOL) data = new Array<number>(Number(intValue(vm, h))).fill(0);
        else if (t === T_BYTES || t === T_BYTEARRAY) data = [...(vm.value(h) as Uint8Array)];
        else if (t === T_STR) throw pyError(line, 'TypeError', 'string argument without an encoding');
        else {
          const items = iterate(it, h, line);
          data = items.map((x) => Number(intArg(it, x, line)));
          for (const x of items) vm.decref(x);
        }
        if (name === 'bytes' && t === T_BYTES) {
          vm.incref(h);
          return h;
        }
      }
      return name === 'bytes' ? vm.bytes(data) : vm.bytearray(data);
    }
    case 'object':
      arity(name, args, 0, 0, line);
      return vm.object();
    case 'int': {
      arity(name, args, 0, 1, line);
      const a = args[0];
      if (a === undefined) return vm.int(0);
      const h = heap(it, a, name, line);
      const t = vm.typeOf(h);
      if (t === T_INT) {
        vm.incref(h);
        return h;
      }
      if (t === T_BOOL) return mkInt(it, intValue(vm, h)!);
      if (t === T_FLOAT) {
        const x = vm.value(h) as number;
        if (!Number.isFinite(x)) throw pyError(line, Number.isNaN(x) ? 'ValueError' : 'OverflowError', Number.isNaN(x) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
        return mkInt(it, BigInt(Math.trunc(x)));
      }
      if (t === T_STR) return mkInt(it, parseIntText(vm.value(h) as string, line));
      throw pyError(line, 'TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${vm.typeName(h)}'`);
    }
    case 'float': {
      arity(name, args, 0, 1, line);
      const a = args[0];
      if (a === undefined) return vm.float(0);
      const h = heap(it, a, name, line);
      const t = vm.typeOf(h);
      if (t === T_FLOAT) {
        vm.incref(h);
        return h;
      }
      if (t === T_INT || t === T_BOOL) return vm.float(Number(intValue(vm, h)));
      if (t === T_STR) return vm.float(parseFloatText(vm.value(h) as string, line));
      throw pyError(line, 'TypeError', `float() argument must be a string or a real number, not '${vm.typeName(h)}'`);
    }
    case 'str':
    case 'repr': {
      arity(name, args, name === 'str' ? 0 : 1, 1, line);
      const a = args[0];
      if (a === undefined) return vm.str('');
      if (name === 'str' && typeof a === 'number' && vm.typeOf(a) === T_STR) {
        vm.incref(a);
        return a;
      }
      return vm.str(name === 'str' ? it.str(a) : it.repr(a));
    }
    case 'bool':
      arity(name, args, 0, 1, line);
      return vm.bool(args[0] !== undefined && it.truth(args[0]));
    case 'id':
      arity(name, args, 1, 1, line);
      return mkInt(it, heap(it, args[0], name, line));
    case 'gc.collect': {
      arity(name, args, 0, 1, line);
      const g = args[0] === undefined ? 2 : Number(intArg(it, args[0], line));
      if (g < 0 || g > 2) throw pyError(line, 'ValueError', 'invalid generation');
      return mkInt(it, vm.gc.collect(g));
    }
    case 'gc.disable':
    case 'gc.enable':
      arity(name, args, 0, 0, line);
      if (name === 'gc.disable') vm.gc.disable();
      else vm.gc.enable();
      return vm.newNone();
    case 'gc.isenabled':
      arity(name, args, 0, 0, line);
      return vm.bool(vm.gc.isEnabled());
    case 'gc.get_count':
    case 'gc.get_threshold': {
      arity(name, args, 0, 0, line);
      const ns = (name === 'gc.get_count' ? vm.gc.getCount() : vm.gc.getThreshold()).map((x) => mkInt(it, x));
      const t = vm.tuple(ns);
      for (const x of ns) vm.decref(x);
      return t;
    }
    case 'gc.is_tracked': {
      arity(name, args, 1, 1, line);
      const pre = preexisting(args[0]);
      return vm.bool(pre !== undefined ? pre.tracked : vm.gc.isTracked(heap(it, args[0], name, line)));
    }
    case 'sys.getsizeof': {
      arity(name, args, 1, 1, line);
      const pre = preexisting(args[0]);
      return mkInt(it, pre !== undefined ? pre.size : vm.sizeof(heap(it, args[0], name, line)));
    }
    case 'types.ModuleType': {
      arity(name, args, 1, 1, line);
      const n = args[0]!;
      if (typeof n !== 'number' || vm.typeOf(n) !== T_STR) throw pyError(line, 'TypeError', `module.__init__() argument 'name' must be str, not ${typeof n === 'number' ? vm.typeName(n) : it.typeName(n)}`);
      return vm.module(vm.value(n) as string);
    }
    case 'sys.getrefcount':
      arity(name, args, 1, 1, line);
      // the argument's reference from the call is counted, as in CPython
      return mkInt(it, vm.refcount(heap(it, args[0], name, line)));
    case 'weakref.ref': {
      arity(name, args, 1, 2, line);
      const obj = heap(it, args[0], name, line);
      const cb = args[1];
      const cbv = cb === undefined || cb === vm.none ? undefined : it.resolve(cb);
      if (cbv !== undefined && (typeof cbv === 'number' || cbv.kind !== 'func')) throw unsupported(line, 'a weakref callback that is not a def function');
      const what = cbv !== undefined ? `<function ${cbv.qualname} at ${hexAddress(cbv.addr)}>` : '';
      return it.guard(line, () => {
        try {
          return cbv !== undefined ? vm.weakref(obj, (wr) => it.callback(cbv, wr, what)) : vm.weakref(obj);
        } catch {
          throw pyError(line, 'TypeError', `cannot create weak reference to '${vm.typeName(obj)}' object`);
        }
      });
    }
    default:
      throw unsupported(line, `${name}()`);
  }
}

/** Calls a method of a builtin type (`l.append(x)`), `f.self` borrowed. */
export function callMethod(it: Interpreter, f: BuiltinValue, args: readonly Value[], kwargs: readonly (readonly [string, Value])[], line: number): Value {
  const vm = it.vm;
  const self = f.self;
  const t = vm.typeOf(self);
  const meth = f.name.slice(f.name.indexOf('.') + 1);
  if (kwargs.length > 0) throw unsupported(line, `keyword arguments to ${f.name}()`);
  const noAttr = (): never => {
    throw pyError(line, 'AttributeError', `'${vm.typeName(self)}' object has no attribute '${meth}'`);
  };
  if (t === T_LIST) {
    it.listWrites++;
    switch (meth) {
      case 'append':
        arity(f.name, args, 1, 1, line);
        vm.listAppend(self, heap(it, args[0], f.name, line));
        return vm.newNone();
      case 'pop': {
        arity(f.name, args, 0, 1, line);
        if (vm.length(self) === 0) throw pyError(line, 'IndexError', 'pop from empty list');
        const i = args[0] === undefined ? -1 : Number(intArg(it, args[0], line));
        return it.guard(line, () => vm.listPop(self, i));
      }
      case 'extend': {
        arity(f.name, args, 1, 1, line);
        const items = iterate(it, args[0]!, line);
        vm.listExtend(self, items);
        for (const x of items) vm.decref(x);
        return vm.newNone();
      }
      case 'insert':
        arity(f.name, args, 2, 2, line);
        vm.listInsert(self, Number(intArg(it, args[0], line)), heap(it, args[1], f.name, line));
        return vm.newNone();
      case 'clear':
        arity(f.name, args, 0, 0, line);
        vm.listClear(self);
        return vm.newNone();
      default:
        return noAttr();
    }
  }
  if (t === T_DICT) {
    switch (meth) {
      case 'get': {
        arity(f.name, args, 1, 2, line);
        const v = it.guard(line, () => vm.dictGet(self, heap(it, args[0], f.name, line)));
        const r = v !== 0 ? v : args[1] === undefined ? vm.none : heap(it, args[1], f.name, line);
        vm.incref(r);
        return r;
      }
      case 'keys':
        arity(f.name, args, 0, 0, line);
        vm.incref(self);
        return { kind: 'keys', dict: self };
      case 'pop': {
        arity(f.name, args, 1, 2, line);
        const k = heap(it, args[0], f.name, line);
        const v = it.guard(line, () => vm.dictGet(self, k));
        if (v === 0) {
          if (args[1] === undefined) throw pyError(line, 'KeyError', reprOf(vm, k));
          const d = heap(it, args[1], f.name, line);
          vm.incref(d);
          return d;
        }
        vm.incref(v);
        vm.dictDel(self, k);
        return v;
      }
      case 'clear':
        arity(f.name, args, 0, 0, line);
        vm.dictClear(self);
        return vm.newNone();
      default:
        return noAttr();
    }
  }
  if (t === T_SET) {
    switch (meth) {
      case 'add':
        arity(f.name, args, 1, 1, line);
        it.guard(line, () => vm.setAdd(self, heap(it, args[0], f.name, line)));
        return vm.newNone();
      case 'discard':
        arity(f.name, args, 1, 1, line);
        it.guard(line, () => vm.setDiscard(self, heap(it, args[0], f.name, line)));
        return vm.newNone();
      case 'pop': {
        arity(f.name, args, 0, 0, line);
        const e = vm.setElements(self)[0];
        if (e === undefined) throw pyError(line, 'KeyError', "'pop from an empty set'");
        vm.incref(e);
        vm.setDiscard(self, e);
        return e;
      }
      case 'clear':
        arity(f.name, args, 0, 0, line);
        vm.setClear(self);
        return vm.newNone();
      default:
        return noAttr();
    }
  }
  return noAttr();
}
