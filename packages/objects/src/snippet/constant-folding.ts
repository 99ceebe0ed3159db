/**
 * The constant folding CPython's AST optimizer does on the subset: `-1`,
 * `2 * 3.0`, tuples of constants.
 * @packageDocumentation
 */
import type { ConstValue, Expr } from './ast.js';

/** A tuple display of constants is one tuple constant. */
export function foldTuple(e: Expr & { k: 'tuple' }): Expr {
  if (!e.elts.every((x) => x.k === 'const')) return e;
  return { k: 'const', line: e.line, value: { t: 'tuple', v: e.elts.map((x) => (x).value) } };
}

function num(c: ConstValue): number | bigint | undefined {
  if (c.t === 'int' || c.t === 'float') return c.v;
  return undefined;
}

export function foldUnary(e: Expr & { k: 'unary' }): Expr {
  if (e.operand.k !== 'const') return e;
  const v = num(e.operand.value);
  if (v === undefined) return e;
  if (e.op === '+') return { k: 'const', line: e.line, value: e.operand.value };
  if (e.op === '-') return { k: 'const', line: e.line, value: typeof v === 'bigint' ? { t: 'int', v: -v } : { t: 'float', v: -v } };
  return typeof v === 'bigint' ? { k: 'const', line: e.line, value: { t: 'int', v: ~v } } : e;
}

/** Folds `+ - *` (and `/` by a non-zero number) of two numeric constants. */
export function foldBinary(e: Expr & { k: 'binop' }): Expr {
  if (e.left.k !== 'const' || e.right.k !== 'const') return e;
  const a = num(e.left.value);
  const b = num(e.right.value);
  if (a === undefined || b === undefined) return e;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : undefined;
    if (r !== undefined) return { k: 'const', line: e.line, value: { t: 'int', v: r } };
    if (e.op === '/' && b !== 0n) return { k: 'const', line: e.line, value: { t: 'float', v: Number(a) / Number(b) } };
    return e;
  }
  const x = Number(a);
  const y = Number(b);
  const r = e.op === '+' ? x + y : e.op === '-' ? x - y : e.op === '*' ? x * y : e.op === '/' && y !== 0 ? x / y : undefined;
  return r === undefined ? e : { k: 'const', line: e.line, value: { t: 'float', v: r } };
}
