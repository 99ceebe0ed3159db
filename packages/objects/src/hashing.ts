/**
 * Hashing (CPython 3.11's `hash()`) and the rich equality dicts and sets use.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { ObjectModelError } from './errors.js';
import { hashBigInt, hashBytesSeed0, hashDouble, hashTuple } from './hash.js';
import { readIntValue } from './int-digits.js';
import { BUILTIN_TYPE_NAMES, BYTES_DATA, BYTES_HASH, FLOAT_VALUE, OB_SIZE, OB_TYPE, STR_HASH, STR_LENGTH, TUPLE_ITEMS, TWO32, T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_INT, T_LIST, T_SET, T_STR, T_TUPLE } from './layout.js';
import type { SpaceState } from './state.js';
import { strDataAddr, strKind } from './str-data.js';

/** Hash of `a` into hLo/hHi; throws for unhashable objects. */
export function hashInto(sp: SpaceState, a: number): void {
  const t = sp.r(a + OB_TYPE);
  switch (t) {
    case T_STR: {
      let lo = sp.r(a + STR_HASH);
      let hi = sp.r(a + STR_HASH + 4);
      if (lo === 0xffffffff && hi === 0xffffffff) {
        [lo, hi] = contentHash(sp, strDataAddr(sp.mem, a), sp.r(a + STR_LENGTH) * strKind(sp.mem, a));
        sp.mem.u32[(a + STR_HASH) >>> 2] = lo;
        sp.mem.u32[((a + STR_HASH) >>> 2) + 1] = hi;
      }
      sp.hLo = lo;
      sp.hHi = hi;
      return;
    }
    case T_BYTES: {
      let lo = sp.r(a + BYTES_HASH);
      let hi = sp.r(a + BYTES_HASH + 4);
      if (lo === 0xffffffff && hi === 0xffffffff) {
        [lo, hi] = contentHash(sp, a + BYTES_DATA, sp.r(a + OB_SIZE));
        sp.mem.u32[(a + BYTES_HASH) >>> 2] = lo;
        sp.mem.u32[((a + BYTES_HASH) >>> 2) + 1] = hi;
      }
      sp.hLo = lo;
      sp.hHi = hi;
      return;
    }
    case T_INT:
    case T_BOOL: {
      const v = readIntValue(sp.mem, a);
      if (typeof v === 'number') setHashNumber(sp, v === -1 ? -2 : v);
      else setHashBig(sp, hashBigInt(v));
      return;
    }
    case T_FLOAT: {
      const v = sp.mem.dv.getFloat64(a + FLOAT_VALUE, true);
      if (Number.isNaN(v)) pointerHash(sp, a);
      else if (Number.isSafeInteger(v)) setHashNumber(sp, v === -1 ? -2 : v);
      else setHashBig(sp, hashDouble(v));
      return;
    }
    case T_TUPLE: {
      const n = sp.r(a + OB_SIZE);
      const hs: bigint[] = [];
      for (let i = 0; i < n; i++) {
        hashInto(sp, sp.r(a + TUPLE_ITEMS + 8 * i));
        hs.push(BigInt.asIntN(64, (BigInt(sp.hHi) << 32n) | BigInt(sp.hLo)));
      }
      setHashBig(sp, hashTuple(hs));
      return;
    }
    case T_LIST:
    case T_DICT:
    case T_SET:
    case T_BYTEARRAY:
      throw new ObjectModelError('E_UNHASHABLE', `unhashable type: '${BUILTIN_TYPE_NAMES[t]!}' (at 0x${a.toString(16)})`, a, BUILTIN_TYPE_NAMES[t]);
    default:
      // None (3.11 hashes it by address), object(), instances, frozenset (not modelled: identity).
      pointerHash(sp, a);
  }
}

/**
 * `hash(obj)` as CPython 3.11 computes it: ints, floats and tuples exactly;
 * str and bytes as with `PYTHONHASHSEED=0` (SipHash-1-3, zero key); None,
 * `object()` and instances from their address (`_Py_HashPointer`).
 * @throws {@link ObjectModelError} `E_UNHASHABLE` for lists, dicts, sets, bytearrays.
 */
export function hashOf(sp: SpaceState, a: number): bigint {
  sp.check(a, 'hashOf');
  hashInto(sp, a);
  return BigInt.asIntN(64, (BigInt(sp.hHi) << 32n) | BigInt(sp.hLo));
}

/** `_Py_HashPointer`: the address rotated right by 4 bits. */
export function pointerHash(sp: SpaceState, a: number): void {
  sp.hLo = (a >>> 4) >>> 0;
  sp.hHi = ((a & 15) << 28) >>> 0;
}

/** Sets the scratch hash to a safe integer. */
export function setHashNumber(sp: SpaceState, v: number): void {
  sp.hLo = v >>> 0;
  sp.hHi = Math.floor(v / TWO32) >>> 0;
}

/** Sets the scratch hash to a 64-bit BigInt. */
export function setHashBig(sp: SpaceState, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  sp.hLo = Number(u & 0xffffffffn);
  sp.hHi = Number(u >> 32n);
}

/** Hash of str/bytes contents: CPython's SipHash-1-3 with the `PYTHONHASHSEED=0` key. */
export function contentHash(sp: SpaceState, d: number, nbytes: number): [number, number] {
  hashBytesSeed0(sp.mem.u8, d, nbytes, sp.hashOut);
  return [sp.hashOut[1]!, sp.hashOut[0]!];
}

/** Rich equality as dicts and sets use it (identity, then by value for str, bytes, numbers, tuples). */
export function eq(sp: SpaceState, a: number, b: number): boolean {
  if (a === b) return true;
  const ta = sp.r(a + OB_TYPE);
  const tb = sp.r(b + OB_TYPE);
  if (ta === T_STR && tb === T_STR) {
    const n = sp.r(a + STR_LENGTH);
    if (n !== sp.r(b + STR_LENGTH) || strKind(sp.mem, a) !== strKind(sp.mem, b)) return false;
    return bytesEqual(sp, strDataAddr(sp.mem, a), strDataAddr(sp.mem, b), n * strKind(sp.mem, a));
  }
  if (ta === T_BYTES && tb === T_BYTES) {
    const n = sp.r(a + OB_SIZE);
    return n === sp.r(b + OB_SIZE) && bytesEqual(sp, a + BYTES_DATA, b + BYTES_DATA, n);
  }
  const na = ta === T_INT || ta === T_BOOL || ta === T_FLOAT;
  const nb = tb === T_INT || tb === T_BOOL || tb === T_FLOAT;
  if (na && nb) {
    const va = ta === T_FLOAT ? sp.mem.dv.getFloat64(a + FLOAT_VALUE, true) : readIntValue(sp.mem, a);
    const vb = tb === T_FLOAT ? sp.mem.dv.getFloat64(b + FLOAT_VALUE, true) : readIntValue(sp.mem, b);
    if (typeof va === typeof vb) return va === vb;
    const f = typeof va === 'number' ? va : (vb as number);
    const i = typeof va === 'bigint' ? va : (vb as bigint);
    return Number.isInteger(f) && BigInt(f) === i;
  }
  if (ta === T_TUPLE && tb === T_TUPLE) {
    const n = sp.r(a + OB_SIZE);
    if (n !== sp.r(b + OB_SIZE)) return false;
    for (let i = 0; i < n; i++) if (!eq(sp, sp.r(a + TUPLE_ITEMS + 8 * i), sp.r(b + TUPLE_ITEMS + 8 * i))) return false;
    return true;
  }
  return false;
}

/** Byte-wise equality of `n` bytes at `p` and `q`. */
export function bytesEqual(sp: SpaceState, p: number, q: number, n: number): boolean {
  const u8 = sp.mem.u8;
  for (let i = 0; i < n; i++) if (u8[p + i] !== u8[q + i]) return false;
  return true;
}
