/**
 * Atomic objects: bool, None, int, float, str, bytes, bytearray, and their JS values.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { ObjectModelError } from './errors.js';
import { digitCount, readIntValue, writeIntDigits } from './int-digits.js';
import { typeOf } from './introspection.js';
import { BYTEARRAY_ALLOC, BYTEARRAY_BYTES, BYTES_DATA, FLOAT_VALUE, MAX_SMALL_INT, MIN_SMALL_INT, OB_SIZE, OB_TYPE, STR_STATE, T_BOOL, T_BYTEARRAY, T_BYTES, T_FLOAT, T_INT, T_NONE, T_STR, intBlockSize, strBlockSize } from './layout.js';
import type { SpaceState } from './state.js';
import { readStr, writeStr } from './str-data.js';
import type { ScalarValue } from './types.js';

/** A new reference to `bool(v)` (`True`/`False` are static). */
export function bool(sp: SpaceState, v: boolean): number {
  return sp.staticRef(v ? sp.trueAddr : sp.falseAddr);
}

/** A new reference to `None`. */
export function newNone(sp: SpaceState): number {
  return sp.staticRef(sp.noneAddr);
}

/**
 * A new `int`: -5..256 are static; others are `24 + 4 * ndigits` bytes
 * (30-bit digits). Numbers must be integers; BigInts are unbounded.
 */
export function int(sp: SpaceState, v: number | bigint): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new ObjectModelError('E_VALUE', `int(${v}): not an integer`);
    if (v >= MIN_SMALL_INT && v <= MAX_SMALL_INT) return sp.staticRef(sp.smallInts + 32 * (v - MIN_SMALL_INT));
    if (!Number.isSafeInteger(v)) v = BigInt(v);
  } else if (v >= BigInt(MIN_SMALL_INT) && v <= BigInt(MAX_SMALL_INT)) {
    return int(sp, Number(v));
  }
  const n = digitCount(v);
  const a = sp.malloc(intBlockSize(n));
  writeIntDigits(sp.mem, a, v);
  sp.born(a, T_INT, false);
  return a;
}

/** A new `float` (24 bytes), from the float free list when it has one. */
export function float(sp: SpaceState, v: number): number {
  let a = sp.floatFree;
  let recycled = false;
  if (a !== 0) {
    sp.floatFree = sp.r(a + OB_TYPE);
    sp.floatFreeCount--;
    recycled = true;
  } else {
    a = sp.malloc(24);
  }
  sp.mem.dv.setFloat64(a + FLOAT_VALUE, v, true);
  sp.born(a, T_FLOAT, recycled);
  return a;
}

/**
 * A new `str` in CPython's compact form: ASCII (48 + len + 1 bytes) or
 * latin-1/UCS-2/UCS-4 (72 + (len + 1) * kind). The empty string and
 * one-character latin-1 strings are static. Characters live in the block.
 */
export function str(sp: SpaceState, s: string): number {
  let len = 0;
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c > max) max = c;
    len++;
  }
  if (len === 0) return sp.staticRef(sp.emptyStr);
  if (len === 1 && max < 256) return sp.staticRef(sp.charStrs[max]!);
  const ascii = max < 128;
  const kind = max < 256 ? 1 : max < 65536 ? 2 : 4;
  const a = sp.malloc(strBlockSize(len, kind, ascii));
  writeStr(sp.mem, a, s, len, kind, ascii);
  sp.born(a, T_STR, false);
  return a;
}

/**
 * The interned `str` for `s` (what CPython does for identifiers): made on
 * first use and kept by the space for its lifetime. Borrowed reference.
 */
export function intern(sp: SpaceState, s: string): number {
  let a = sp.interned.get(s);
  if (a === undefined) {
    a = str(sp, s);
    if (!sp.isStatic(a)) sp.w(a + STR_STATE, sp.r(a + STR_STATE) | 1);
    sp.interned.set(s, a);
  }
  return a;
}

/** A new `bytes` (33 + len bytes); empty and one-byte values are static. */
export function bytes(sp: SpaceState, data: ArrayLike<number>): number {
  const n = data.length;
  if (n === 0) return sp.staticRef(sp.emptyBytes);
  if (n === 1) return sp.staticRef(sp.charBytes[data[0]! & 255]!);
  const a = sp.malloc(BYTES_DATA + n + 1);
  sp.writeBytesHeader(a, n);
  const u8 = sp.mem.u8;
  for (let i = 0; i < n; i++) u8[a + BYTES_DATA + i] = data[i]!;
  sp.born(a, T_BYTES, false);
  return a;
}

/**
 * A new `bytearray`: a 56-byte object, and for non-empty contents a buffer
 * of len + 1 bytes (`realloc(NULL, len + 1)`, as `PyByteArray_Resize` does).
 */
export function bytearray(sp: SpaceState, data: ArrayLike<number> = []): number {
  const a = sp.malloc(56);
  sp.mem.u8.fill(0, a, a + 56);
  const n = data.length;
  if (n > 0) {
    const buf = sp.realloc(0, 0, n + 1);
    const u8 = sp.mem.u8;
    for (let i = 0; i < n; i++) u8[buf + i] = data[i]!;
    u8[buf + n] = 0;
    sp.w(a + OB_SIZE, n);
    sp.w(a + BYTEARRAY_ALLOC, n + 1);
    sp.w(a + BYTEARRAY_BYTES, buf);
    sp.w(a + 40, buf);
  }
  sp.born(a, T_BYTEARRAY, false);
  return a;
}

/** The JS value of a scalar: None → null, bool, int (number, or bigint beyond 2**53), float, str, bytes/bytearray (a copy). */
export function value(sp: SpaceState, a: number): ScalarValue {
  const t = typeOf(sp, a);
  switch (t) {
    case T_NONE:
      return null;
    case T_BOOL:
      return a === sp.trueAddr;
    case T_INT:
      return readIntValue(sp.mem, a);
    case T_FLOAT:
      return sp.mem.dv.getFloat64(a + FLOAT_VALUE, true);
    case T_STR:
      return readStr(sp.mem, a);
    case T_BYTES:
      return sp.mem.u8.slice(a + BYTES_DATA, a + BYTES_DATA + sp.r(a + OB_SIZE));
    case T_BYTEARRAY: {
      const p = sp.r(a + BYTEARRAY_BYTES);
      return sp.mem.u8.slice(p, p + sp.r(a + OB_SIZE));
    }
    default:
      throw sp.typeError(a, 'value', 'a scalar (None, bool, int, float, str, bytes, bytearray)');
  }
}
