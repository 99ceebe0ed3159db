/**
 * Arithmetic, comparison and truth of heap objects (int, float, str,
 * bytes, list, tuple…), with Python's semantics. Operands are borrowed;
 * results are new references.
 * @packageDocumentation
 */
import type { ObjectSpace } from '../space.js';
import { T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_NONE, T_SET, T_STR, T_TUPLE } from '../layout.js';
import { pyError } from './errors.js';

/** `type(x).__name__` for messages. */
function tn(vm: ObjectSpace, a: number): string {
  return vm.typeName(a);
}

/** The int value of an int or bool, else undefined. */
export function intValue(vm: ObjectSpace, a: number): bigint | undefined {
  const t = vm.typeOf(a);
  if (t === T_BOOL) return a === vm.true ? 1n : 0n;
  if (t !== T_INT) return undefined;
  const v = vm.value(a) as number | bigint;
  return BigInt(v);
}

/** The float value of an int, bool or float, else undefined. */
function numValue(vm: ObjectSpace, a: number): number | undefined {
  if (vm.typeOf(a) === T_FLOAT) return vm.value(a) as number;
  const i = intValue(vm, a);
  return i === undefined ? undefined : Number(i);
}

/** Python's `a // b` of ints. */
export function pyFloorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Python's `a % b` of floats (the sign of `b`). */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r === 0 ? (b < 0 ? -0 : 0) : r;
}

/** Creates the result of an int operation. */
function mkInt(vm: ObjectSpace, v: bigint): number {
  return vm.int(v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);
}

function seqRepeat<T>(items: T[], n: bigint): T[] {
  const out: T[] = [];
  for (let i = 0n; i < n; i++) out.push(...items);
  return out;
}

/** `a op b` for `+ - * / // % ** & | ^ << >>`. @throws SnippetError (TypeError, ZeroDivisionError) */
export function binaryOp(vm: ObjectSpace, op: string, a: number, b: number, line: number): number {
  const ia = intValue(vm, a);
  const ib = intValue(vm, b);
  const zero = (): never => {
    throw pyError(line, 'ZeroDivisionError', op === '/' ? 'division by zero' : op === '%' ? 'integer modulo by zero' : 'integer division or modulo by zero');
  };
  if (ia !== undefined && ib !== undefined) {
    switch (op) {
      case '+': return mkInt(vm, ia + ib);
      case '-': return mkInt(vm, ia - ib);
      case '*': return mkInt(vm, ia * ib);
      case '/': if (ib === 0n) zero(); return vm.float(Number(ia) / Number(ib));
      case '//': if (ib === 0n) zero(); return mkInt(vm, pyFloorDiv(ia, ib));
      case '%': if (ib === 0n) zero(); return mkInt(vm, ia - ib * pyFloorDiv(ia, ib));
      case '**': return ib < 0n ? vm.float(Number(ia) ** Number(ib)) : mkInt(vm, ia ** ib);
      case '&': return mkInt(vm, ia & ib);
      case '|': return mkInt(vm, ia | ib);
      case '^': return mkInt(vm, ia ^ ib);
      case '<<': return mkInt(vm, ia << ib);
      case '>>': return mkInt(vm, ia >> ib);
      default:
    }
  }
  const fa = numValue(vm, a);
  const fb = numValue(vm, b);
  if (fa !== undefined && fb !== undefined && (op === '+' || op === '-' || op === '*' || op === '/' || op === '//' || op === '%' || op === '**')) {
    if ((op === '/' || op === '//' || op === '%') && fb === 0) throw pyError(line, 'ZeroDivisionError', op === '/' ? 'float division by zero' : op === '%' ? 'float modulo' : 'float floor division by zero');
    switch (op) {
      case '+': return vm.float(fa + fb);
      case '-': return vm.float(fa - fb);
      case '*': return vm.float(fa * fb);
      case '/': return vm.float(fa / fb);
      case '//': return vm.float(Math.floor(fa / fb));
      case '%': return vm.float(pyMod(fa, fb));
      default: return vm.float(fa ** fb);
    }
  }
  const ta = vm.typeOf(a);
  const tb = vm.typeOf(b);
  if (op === '+' && ta === tb) {
    if (ta === T_STR) return vm.str((vm.value(a) as string) + (vm.value(b) as string));
    if (ta === T_BYTES) return vm.bytes([...(vm.value(a) as Uint8Array), ...(vm.value(b) as Uint8Array)]);
    if (ta === T_LIST) return vm.listPrealloc([...vm.items(a), ...vm.items(b)]); // list_concat: list_new_prealloc
    if (ta === T_TUPLE) return vm.tuple([...vm.items(a), ...vm.items(b)]);
  }
  if (op === '*' && (ia !== undefined || ib !== undefined)) {
    const [s, n] = ia !== undefined && ib === undefined ? [b, ia] : [a, ib!];
    const ts = vm.typeOf(s);
    const k = n < 0n ? 0n : n;
    if (ts === T_STR) return vm.str((vm.value(s) as string).repeat(Number(k)));
    if (ts === T_BYTES) return vm.bytes(seqRepeat([...(vm.value(s) as Uint8Array)], k));
    if (ts === T_LIST) return vm.listPrealloc(seqRepeat(vm.items(s), k)); // list_repeat: list_new_prealloc
    if (ts === T_TUPLE) return vm.tuple(seqRepeat(vm.items(s), k));
  }
  throw pyError(line, 'TypeError', `unsupported operand type(s) for ${op}: '${tn(vm, a)}' and '${tn(vm, b)}'`);
}

/** `a == b` with Python's semantics (numbers across types, containers element-wise, identity otherwise). */
export function equals(vm: ObjectSpace, a: number, b: number): boolean {
  if (a === b) return vm.typeOf(a) !== T_FLOAT || !Number.isNaN(vm.value(a));
  const na = numValue(vm, a);
  const nb = numValue(vm, b);
  if (na !== undefined && nb !== undefined) {
    const ia = intValue(vm, a);
    const ib = intValue(vm, b);
    return ia !== undefined && ib !== undefined ? ia === ib : na === nb;
  }
  const ta = vm.typeOf(a);
  const tb = vm.typeOf(b);
  const setLike = (t: number): boolean => t === T_SET || t === T_FROZENSET;
  if (ta !== tb && !(setLike(ta) && setLike(tb)) && !((ta === T_BYTES || ta === T_BYTEARRAY) && (tb === T_BYTES || tb === T_BYTEARRAY))) return false;
  switch (ta) {
    case T_STR:
      return vm.value(a) === vm.value(b);
    case T_BYTES:
    case T_BYTEARRAY: {
      const x = vm.value(a) as Uint8Array;
      const y = vm.value(b) as Uint8Array;
      return x.length === y.length && x.every((c, i) => c === y[i]);
    }
    case T_LIST:
    case T_TUPLE: {
      const x = vm.items(a);
      const y = vm.items(b);
      return x.length === y.length && x.every((e, i) => equals(vm, e, y[i]!));
    }
    case T_DICT: {
      if (vm.length(a) !== vm.length(b)) return false;
      return vm.dictItems(a).every(([k, v]) => {
        const w = vm.dictGet(b, k);
        return w !== 0 && equals(vm, v, w);
      });
    }
    case T_SET:
    case T_FROZENSET:
      return vm.length(a) === vm.length(b) && vm.setElements(a).every((e) => vm.setContains(b, e));
    default:
      return false;
  }
}

/** `a < b` (`strict`) or `a <= b` of numbers, strs, bytes, lists and tuples. @throws SnippetError TypeError */
export function lessThan(vm: ObjectSpace, a: number, b: number, strict: boolean, line: number, op: string): boolean {
  const na = numValue(vm, a);
  const nb = numValue(vm, b);
  if (na !== undefined && nb !== undefined) {
    const ia = intValue(vm, a);
    const ib = intValue(vm, b);
    if (ia !== undefined && ib !== undefined) return strict ? ia < ib : ia <= ib;
    return strict ? na < nb : na <= nb;
  }
  const ta = vm.typeOf(a);
  if (ta === vm.typeOf(b)) {
    if (ta === T_STR) {
      const x = vm.value(a) as string;
      const y = vm.value(b) as string;
      return strict ? x < y : x <= y;
    }
    if (ta === T_LIST || ta === T_TUPLE) {
      const x = vm.items(a);
      const y = vm.items(b);
      for (let i = 0; i < x.length && i < y.length; i++) {
        if (!equals(vm, x[i]!, y[i]!)) return lessThan(vm, x[i]!, y[i]!, true, line, op);
      }
      return strict ? x.length < y.length : x.length <= y.length;
    }
  }
  throw pyError(line, 'TypeError', `'${op}' not supported between instances of '${tn(vm, a)}' and '${tn(vm, b)}'`);
}

/** `x in c` for list, tuple, dict, set, frozenset, str, bytes. */
export function contains(vm: ObjectSpace, c: number, x: number, line: number): boolean {
  switch (vm.typeOf(c)) {
    case T_LIST:
    case T_TUPLE:
      return vm.items(c).some((e) => equals(vm, e, x));
    case T_DICT:
      return vm.dictGet(c, x) !== 0;
    case T_SET:
    case T_FROZENSET:
      return vm.setContains(c, x);
    case T_STR:
      if (vm.typeOf(x) !== T_STR) throw pyError(line, 'TypeError', `'in <string>' requires string as left operand, not ${tn(vm, x)}`);
      return (vm.value(c) as string).includes(vm.value(x) as string);
    default:
      throw pyError(line, 'TypeError', `argument of type '${tn(vm, c)}' is not iterable`);
  }
}

/** `bool(x)`. */
export function truthy(vm: ObjectSpace, a: number): boolean {
  switch (vm.typeOf(a)) {
    case T_NONE:
      return false;
    case T_BOOL:
      return a === vm.true;
    case T_INT:
      return intValue(vm, a) !== 0n;
    case T_FLOAT:
      return (vm.value(a) as number) !== 0;
    case T_STR:
    case T_BYTES:
    case T_BYTEARRAY:
    case T_LIST:
    case T_TUPLE:
    case T_DICT:
    case T_SET:
    case T_FROZENSET:
      return vm.length(a) > 0;
    default:
      return true;
  }
}
