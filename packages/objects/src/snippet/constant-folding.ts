/**
 * The constant folding CPython 3.11's AST optimizer does on the subset:
 * unary and binary operations of constants (`-1`, `2 * 3.0`, `'a' * 20`,
 * `(1,) + (2,)`, `1 << 10`, `not 0`) within its size limits, and tuples of
 * constants.
 * @packageDocumentation
 */
import type { ConstValue, Expr } from './ast.js';
import { pyFloorDiv, pyMod } from './operators.js';

/** A tuple display of constants is one tuple constant. */
export function foldTuple(e: Expr & { k: 'tuple' }): Expr {
  if (!e.elts.every((x) => x.k === 'const')) return e;
  return { k: 'const', line: e.line, value: { t: 'tuple', v: e.elts.map((x) => (x).value) } };
}

// The AST optimizer's limits (3.11 ast_opt.c).
const MAX_INT_SIZE = 128; // bits
const MAX_COLLECTION_SIZE = 256; // items
const MAX_STR_SIZE = 4096; // characters
const MAX_TOTAL_ITEMS = 1024; // including nested collections

/** An int constant (bools are ints) as a bigint. */
function intOf(c: ConstValue): bigint | undefined {
  if (c.t === 'int') return c.v;
  if (c.t === 'bool') return c.v ? 1n : 0n;
  return undefined;
}

/** A number constant as a JS number (ints converted), or undefined. */
function numOf(c: ConstValue): number | undefined {
  if (c.t === 'float') return c.v;
  const i = intOf(c);
  return i === undefined ? undefined : Number(i);
}

/** `_PyLong_NumBits`: bits of |v|. */
function numBits(v: bigint): number {
  return (v < 0n ? -v : v).toString(2).length - (v === 0n ? 1 : 0);
}

/** `check_complexity`: what is left of `limit` after counting the items of nested tuples. */
function complexity(c: ConstValue, limit: number): number {
  if (c.t !== 'tuple') return limit;
  let left = limit - c.v.length;
  for (const x of c.v) {
    if (left < 0) break;
    left = complexity(x, left);
  }
  return left;
}

/** Characters of a str (code points, as `len` counts them). */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) i++;
    n++;
  }
  return n;
}

const int = (v: bigint): ConstValue => ({ t: 'int', v });
const float = (v: number): ConstValue => ({ t: 'float', v });

/** `safe_multiply`: sequence repetition within the size limits, int products within 128 bits. */
function multiply(a: ConstValue, b: ConstValue): ConstValue | undefined {
  const ia = intOf(a);
  const ib = intOf(b);
  if (ia !== undefined && ib !== undefined) return ia !== 0n && ib !== 0n && numBits(ia) + numBits(ib) > MAX_INT_SIZE ? undefined : int(ia * ib);
  const [n, seq] = ia !== undefined ? [ia, b] : ib !== undefined ? [ib, a] : [undefined, a];
  if (n !== undefined && (seq.t === 'tuple' || seq.t === 'str' || seq.t === 'bytes')) {
    const size = seq.t === 'str' ? codePoints(seq.v) : seq.v.length;
    const limit = seq.t === 'tuple' ? MAX_COLLECTION_SIZE : MAX_STR_SIZE;
    if (size > 0 && (n < 0n || n > BigInt(Math.floor(limit / size)))) return undefined;
    const k = n < 0n ? 0 : Number(n);
    if (seq.t === 'tuple' && size > 0 && k > 0 && complexity(seq, Math.floor(MAX_TOTAL_ITEMS / k)) < 0) return undefined;
    if (seq.t === 'str') return { t: 'str', v: seq.v.repeat(k) };
    if (seq.t === 'bytes') {
      const out = new Uint8Array(seq.v.length * k);
      for (let i = 0; i < k; i++) out.set(seq.v, i * seq.v.length);
      return { t: 'bytes', v: out };
    }
    return { t: 'tuple', v: Array.from({ length: k }, () => seq.v).flat() };
  }
  const x = numOf(a);
  const y = numOf(b);
  return x !== undefined && y !== undefined ? float(x * y) : undefined;
}

/** `fold_binop` of two constants, or undefined where CPython does not fold (an error, a size limit, `%` of a str). */
function binary(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  if (op === '*') return multiply(a, b);
  if (op === '+' && a.t === b.t) {
    if (a.t === 'str' && b.t === 'str') return { t: 'str', v: a.v + b.v };
    if (a.t === 'bytes' && b.t === 'bytes') return { t: 'bytes', v: new Uint8Array([...a.v, ...b.v]) };
    if (a.t === 'tuple' && b.t === 'tuple') return { t: 'tuple', v: [...a.v, ...b.v] };
  }
  const ia = intOf(a);
  const ib = intOf(b);
  if (ia !== undefined && ib !== undefined) {
    switch (op) {
      case '+':
        return int(ia + ib);
      case '-':
        return int(ia - ib);
      case '/':
        return ib === 0n ? undefined : float(Number(ia) / Number(ib));
      case '//':
        return ib === 0n ? undefined : int(pyFloorDiv(ia, ib));
      case '%':
        return ib === 0n ? undefined : int(ia - ib * pyFloorDiv(ia, ib));
      case '**':
        if (ib < 0n) return ia === 0n ? undefined : float(Number(ia) ** Number(ib));
        return ia !== 0n && ib > 0n && numBits(ia) > MAX_INT_SIZE / Number(ib) ? undefined : int(ia ** ib);
      case '<<':
        if (ib < 0n) return undefined;
        return ia !== 0n && ib !== 0n && (ib > BigInt(MAX_INT_SIZE) || numBits(ia) > MAX_INT_SIZE - Number(ib)) ? undefined : int(ia << ib);
      case '>>':
        return ib < 0n ? undefined : int(ia >> ib);
      case '&':
        return int(ia & ib);
      case '|':
        return int(ia | ib);
      case '^':
        return int(ia ^ ib);
      default:
        return undefined;
    }
  }
  const x = numOf(a);
  const y = numOf(b);
  if (x === undefined || y === undefined) return undefined;
  switch (op) {
    case '+':
      return float(x + y);
    case '-':
      return float(x - y);
    case '/':
      return y === 0 ? undefined : float(x / y);
    case '//':
      return y === 0 ? undefined : float(Math.floor(x / y));
    case '%':
      return y === 0 ? undefined : float(pyMod(x, y));
    case '**':
      // 0.0 ** -1 raises; a negative base to a fractional power is complex: neither is folded
      if ((x === 0 && y < 0) || (x < 0 && !Number.isInteger(y))) return undefined;
      return float(x ** y);
    default:
      return undefined;
  }
}

/** `fold_unaryop`: `-`, `+`, `~` of numbers (bools as ints), `not` of any constant. */
export function foldUnary(e: Expr & { k: 'unary' }): Expr {
  if (e.operand.k !== 'const') return e;
  const c = e.operand.value;
  const fold = (value: ConstValue): Expr => ({ k: 'const', line: e.line, value });
  if (e.op === 'not') return fold({ t: 'bool', v: !truthy(c) });
  const i = intOf(c);
  if (i !== undefined) return e.op === '-' ? fold(int(-i)) : e.op === '+' ? fold(int(i)) : e.op === '~' ? fold(int(~i)) : e;
  if (c.t === 'float') return e.op === '-' ? fold(float(-c.v)) : e.op === '+' ? fold(c) : e;
  return e;
}

function truthy(c: ConstValue): boolean {
  switch (c.t) {
    case 'int':
      return c.v !== 0n;
    case 'float':
      return c.v !== 0;
    case 'bool':
      return c.v;
    case 'none':
      return false;
    default:
      return c.v.length > 0;
  }
}

/** `fold_binop`: a binary operation of two constants becomes their result where CPython's optimizer folds it. */
export function foldBinary(e: Expr & { k: 'binop' }): Expr {
  if (e.left.k !== 'const' || e.right.k !== 'const') return e;
  const r = binary(e.op, e.left.value, e.right.value);
  return r === undefined ? e : { k: 'const', line: e.line, value: r };
}
