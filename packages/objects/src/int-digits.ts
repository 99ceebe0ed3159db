import type { HeapMemory } from '@pymem/arena';
import { INT_DIGITS, OB_SIZE } from './layout.js';
import { rds, wrs } from './words.js';

// `PyLongObject` contents: 30-bit digits in 32-bit words at offset 24, signed digit count at 16.

/** Writes `|v|` as 30-bit digits and the signed digit count (the block must have room for them). */
export function writeIntDigits(mem: HeapMemory, a: number, v: number | bigint): void {
  const u32 = mem.u32;
  let n = 0;
  const neg = v < 0;
  if (typeof v === 'number') {
    let m = Math.abs(v);
    while (m > 0) {
      u32[((a + INT_DIGITS) >>> 2) + n] = m % 1073741824;
      m = Math.floor(m / 1073741824);
      n++;
    }
  } else {
    let m = neg ? -v : v;
    while (m > 0n) {
      u32[((a + INT_DIGITS) >>> 2) + n] = Number(m & 0x3fffffffn);
      m >>= 30n;
      n++;
    }
  }
  if (n === 0) u32[(a + INT_DIGITS) >>> 2] = 0;
  wrs(mem, a + OB_SIZE, neg ? -n : n);
}

/** The value of an int object: a number below 2**53 in magnitude, else a bigint. */
export function readIntValue(mem: HeapMemory, a: number): number | bigint {
  const size = rds(mem, a + OB_SIZE);
  const n = Math.abs(size);
  const u32 = mem.u32;
  const d = (a + INT_DIGITS) >>> 2;
  if (n <= 1) return n === 0 ? 0 : size < 0 ? -u32[d]! : u32[d]!;
  if (n === 2 && u32[d + 1]! < 2 ** 23) {
    // below 2**53: exact as a number
    const v = u32[d + 1]! * 1073741824 + u32[d]!;
    return size < 0 ? -v : v;
  }
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 30n) | BigInt(u32[d + i]!);
  return size < 0 ? -v : v;
}

/** Number of 30-bit digits of `|v|` (0 for 0). */
export function digitCount(v: number | bigint): number {
  let n = 0;
  if (typeof v === 'number') {
    let m = Math.abs(v);
    while (m > 0) {
      m = Math.floor(m / 1073741824);
      n++;
    }
  } else {
    let m = v < 0n ? -v : v;
    while (m > 0n) {
      m >>= 30n;
      n++;
    }
  }
  return n;
}
