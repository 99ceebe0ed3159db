import type { HeapMemory } from '@pymem/arena';
import { STR_ASCII_DATA, STR_COMPACT_DATA, STR_HASH, STR_LENGTH, STR_STATE } from './layout.js';
import { rd, wr, wrs } from './words.js';

// Compact `str` contents (`PyASCIIObject` / `PyCompactUnicodeObject`) in heap memory.

/** Writes a compact str: length, hash -1, state bits, then the characters in `kind` bytes each and a NUL. */
export function writeStr(mem: HeapMemory, a: number, s: string, len: number, kind: number, ascii: boolean): void {
  wr(mem, a + STR_LENGTH, len);
  wrs(mem, a + STR_HASH, -1);
  // interned:2 | kind:3 | compact:1 | ascii:1 | ready:1
  wr(mem, a + STR_STATE, (kind << 2) | (1 << 5) | ((ascii ? 1 : 0) << 6) | (1 << 7));
  wr(mem, a + 40, 0);
  let d = a + STR_ASCII_DATA;
  if (!ascii) {
    wr(mem, a + 48, 0);
    wr(mem, a + 56, 0);
    wr(mem, a + 64, 0);
    d = a + STR_COMPACT_DATA;
  }
  const m = mem;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (kind === 1) m.u8[d + j] = c;
    else if (kind === 2) m.dv.setUint16(d + 2 * j, c, true);
    else m.dv.setUint32(d + 4 * j, c, true);
    j++;
  }
  if (kind === 1) m.u8[d + len] = 0;
  else if (kind === 2) m.dv.setUint16(d + 2 * len, 0, true);
  else m.dv.setUint32(d + 4 * len, 0, true);
}

/** Bytes per character: 1, 2 or 4. */
export function strKind(mem: HeapMemory, a: number): number {
  return (rd(mem, a + STR_STATE) >>> 2) & 7;
}

/** The `ascii` state bit (data at offset 48 instead of 72). */
export function strIsAscii(mem: HeapMemory, a: number): boolean {
  return ((rd(mem, a + STR_STATE) >>> 6) & 1) === 1;
}

/** Address of the first character. */
export function strDataAddr(mem: HeapMemory, a: number): number {
  return a + (strIsAscii(mem, a) ? STR_ASCII_DATA : STR_COMPACT_DATA);
}

/** The JS string of a str object. */
export function readStr(mem: HeapMemory, a: number): string {
  const len = rd(mem, a + STR_LENGTH);
  const kind = strKind(mem, a);
  const d = strDataAddr(mem, a);
  const m = mem;
  let out = '';
  for (let i = 0; i < len; i++) {
    const c = kind === 1 ? m.u8[d + i]! : kind === 2 ? m.dv.getUint16(d + 2 * i, true) : m.dv.getUint32(d + 4 * i, true);
    out += String.fromCodePoint(c);
  }
  return out;
}
