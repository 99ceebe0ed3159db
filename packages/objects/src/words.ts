import type { HeapMemory } from '@pymem/arena';

const TWO32 = 4294967296;

/** Reads the low 32 bits of the 64-bit word at `a` (pointers, counts below 2**32). */
export function rd(mem: HeapMemory, a: number): number {
  return mem.u32[a >>> 2]!;
}

/** Writes an unsigned value below 2**32 as the 64-bit word at `a`. */
export function wr(mem: HeapMemory, a: number, v: number): void {
  const u32 = mem.u32;
  u32[a >>> 2] = v;
  u32[(a >>> 2) + 1] = 0;
}

/** Writes a signed safe integer as the 64-bit word at `a`. */
export function wrs(mem: HeapMemory, a: number, v: number): void {
  const u32 = mem.u32;
  u32[a >>> 2] = v >>> 0;
  u32[(a >>> 2) + 1] = Math.floor(v / TWO32) >>> 0;
}

/** Reads the signed 64-bit word at `a` as a number (exact below 2**53). */
export function rds(mem: HeapMemory, a: number): number {
  const u32 = mem.u32;
  return (u32[(a >>> 2) + 1]! | 0) * TWO32 + u32[a >>> 2]!;
}
