/**
 * CPython 3.11's numeric hashes (`Python/pyhash.c`, `Objects/longobject.c`,
 * `Objects/tupleobject.c`) as signed 64-bit BigInts. The common case (an int
 * below 2**53 in magnitude) never reaches here: its hash is the value itself.
 */

/** `_PyHASH_BITS`. */
const HASH_BITS = 61n;
/** `_PyHASH_MODULUS` = 2**61 - 1. */
export const HASH_MODULUS = (1n << HASH_BITS) - 1n;
/** `_PyHASH_INF`. */
export const HASH_INF = 314159n;

/** `long_hash` of an arbitrary int: sign * (|v| mod 2**61-1), -1 mapped to -2. */
export function hashBigInt(v: bigint): bigint {
  const neg = v < 0n;
  let x = (neg ? -v : v) % HASH_MODULUS;
  if (neg) x = -x;
  return x === -1n ? -2n : x;
}

/** `_Py_HashDouble` for a finite or infinite (not NaN) double. */
export function hashDouble(v: number): bigint {
  if (!Number.isFinite(v)) return v > 0 ? HASH_INF : -HASH_INF;
  if (Number.isInteger(v)) return hashBigInt(BigInt(v));
  // v = m * 2**e with 0.5 <= |m| < 1 (frexp), then 28 bits of m at a time.
  let m = Math.abs(v);
  let e = 0;
  while (m >= 1) {
    m /= 2;
    e++;
  }
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  let x = 0n;
  while (m !== 0) {
    x = ((x << 28n) & HASH_MODULUS) | (x >> (HASH_BITS - 28n));
    m *= 268435456;
    e -= 28;
    const y = Math.floor(m);
    m -= y;
    x += BigInt(y);
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  const eb = BigInt(e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61));
  x = ((x << eb) & HASH_MODULUS) | (x >> (HASH_BITS - eb));
  if (v < 0) x = -x;
  return x === -1n ? -2n : x;
}

const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;
const U64 = (1n << 64n) - 1n;

/** `tuplehash` (3.8+, xxHash-based) of item hashes given as signed 64-bit values. */
export function hashTuple(itemHashes: readonly bigint[]): bigint {
  let acc = XXPRIME_5;
  for (const h of itemHashes) {
    const lane = BigInt.asUintN(64, h);
    acc = (acc + lane * XXPRIME_2) & U64;
    acc = ((acc << 31n) | (acc >> 33n)) & U64;
    acc = (acc * XXPRIME_1) & U64;
  }
  acc = (acc + (BigInt(itemHashes.length) ^ (XXPRIME_5 ^ 3527539n))) & U64;
  if (acc === U64) return 1546275796n;
  return BigInt.asIntN(64, acc);
}
