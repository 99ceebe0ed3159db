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

/** SipHash state: v0..v3 as (high, low) 32-bit halves. */
const V = new Uint32Array(8);

function add(a: number, b: number): void {
  const lo = V[a + 1]! + V[b + 1]!;
  V[a] = V[a]! + V[b]! + (lo > 0xffffffff ? 1 : 0);
  V[a + 1] = lo;
}

function rotl(a: number, s: number): void {
  const hi = V[a]!;
  const lo = V[a + 1]!;
  if (s === 32) {
    V[a] = lo;
    V[a + 1] = hi;
    return;
  }
  V[a] = (hi << s) | (lo >>> (32 - s));
  V[a + 1] = (lo << s) | (hi >>> (32 - s));
}

function xor(a: number, b: number): void {
  V[a] = V[a]! ^ V[b]!;
  V[a + 1] = V[a + 1]! ^ V[b + 1]!;
}

function halfRound(a: number, b: number, c: number, d: number, s: number, t: number): void {
  add(a, b);
  add(c, d);
  rotl(b, s);
  xor(b, a);
  rotl(d, t);
  xor(d, c);
  rotl(a, 32);
}

function sipRound(): void {
  halfRound(0, 2, 4, 6, 13, 16);
  halfRound(4, 2, 0, 6, 17, 21);
}

/**
 * `_Py_HashBytes` of CPython 3.11 with SipHash-1-3 and the key of
 * `PYTHONHASHSEED=0` (all zero bits): the hash of `n` bytes of `u8` at
 * `p`, as (high, low) 32-bit halves of the signed 64-bit value; 0 for no
 * bytes, -1 mapped to -2. A str hashes its kind-sized characters.
 */
export function hashBytesSeed0(u8: Uint8Array, p: number, n: number, out: Uint32Array): void {
  if (n === 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  // k0 = k1 = 0: v0..v3 are the constants themselves.
  V[0] = 0x736f6d65;
  V[1] = 0x70736575;
  V[2] = 0x646f7261;
  V[3] = 0x6e646f6d;
  V[4] = 0x6c796765;
  V[5] = 0x6e657261;
  V[6] = 0x74656462;
  V[7] = 0x79746573;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const mlo = (u8[p + i]! | (u8[p + i + 1]! << 8) | (u8[p + i + 2]! << 16) | (u8[p + i + 3]! << 24)) >>> 0;
    const mhi = (u8[p + i + 4]! | (u8[p + i + 5]! << 8) | (u8[p + i + 6]! << 16) | (u8[p + i + 7]! << 24)) >>> 0;
    V[6] = V[6] ^ mhi;
    V[7] = V[7] ^ mlo;
    sipRound();
    V[0] = V[0] ^ mhi;
    V[1] = V[1] ^ mlo;
  }
  // last 0..7 bytes, length in the top byte
  let tlo = 0;
  let thi = (n & 0xff) << 24;
  for (let j = 0; i + j < n; j++) {
    const byte = u8[p + i + j]!;
    if (j < 4) tlo |= byte << (8 * j);
    else thi |= byte << (8 * (j - 4));
  }
  tlo >>>= 0;
  thi >>>= 0;
  V[6] = V[6] ^ thi;
  V[7] = V[7] ^ tlo;
  sipRound();
  V[0] = V[0] ^ thi;
  V[1] = V[1] ^ tlo;
  V[5] = V[5] ^ 0xff;
  sipRound();
  sipRound();
  sipRound();
  let hi = (V[0] ^ V[2] ^ V[4] ^ V[6]) >>> 0;
  let lo = (V[1] ^ V[3] ^ V[5] ^ V[7]) >>> 0;
  if (hi === 0xffffffff && lo === 0xffffffff) {
    hi = 0xffffffff;
    lo = 0xfffffffe;
  }
  out[0] = hi;
  out[1] = lo;
}
