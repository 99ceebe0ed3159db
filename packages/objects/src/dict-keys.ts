import type { HeapMemory } from '@pymem/arena';
import { DICT_KEYS_GENERAL, DK_INDICES, DK_KIND, DK_LOG2_INDEX_BYTES, DK_LOG2_SIZE, DK_NENTRIES, DK_REFCNT, DK_USABLE, keysBlockSize, log2IndexBytes, usableFraction } from './layout.js';
import { rd, wr } from './words.js';

// `PyDictKeysObject` in heap memory: header, signed index slots, entries.

/** Initialises a keys object of `2**log2` slots: refcount 1, all index slots empty (-1), entries zeroed. */
export function initKeys(mem: HeapMemory, k: number, log2: number, kind: number, usable: number): void {
  const m = mem;
  wr(mem, k + DK_REFCNT, 1);
  m.u8[k + DK_LOG2_SIZE] = log2;
  m.u8[k + DK_LOG2_INDEX_BYTES] = log2IndexBytes(log2);
  m.u8[k + DK_KIND] = kind;
  m.u8[k + 11] = 0;
  mem.u32[(k + 12) >>> 2] = 0;
  wr(mem, k + DK_USABLE, usable);
  wr(mem, k + DK_NENTRIES, 0);
  const ib = 2 ** log2IndexBytes(log2);
  m.u8.fill(0xff, k + DK_INDICES, k + DK_INDICES + ib);
  const entries = usableFraction(log2) * (kind === DICT_KEYS_GENERAL ? 24 : 16);
  m.u8.fill(0, k + DK_INDICES + ib, k + DK_INDICES + ib + entries);
}

/** `dk_kind`: {@link DICT_KEYS_GENERAL}, unicode or split. */
export function keysKind(mem: HeapMemory, k: number): number {
  return mem.u8[k + DK_KIND]!;
}

/** `dk_log2_size`. */
export function keysLog2(mem: HeapMemory, k: number): number {
  return mem.u8[k + DK_LOG2_SIZE]!;
}

/** Address of entry 0 (after the index slots). */
export function keysEntries(mem: HeapMemory, k: number): number {
  return k + DK_INDICES + 2 ** mem.u8[k + DK_LOG2_INDEX_BYTES]!;
}

/** Request size of the keys object (`_PyDict_KeysSize`). */
export function keysSize(mem: HeapMemory, k: number): number {
  return keysBlockSize(keysLog2(mem, k), keysKind(mem, k) !== DICT_KEYS_GENERAL);
}

/** Index slot `i`: an entry index, -1 empty or -2 dummy. */
export function getIndex(mem: HeapMemory, k: number, i: number): number {
  const log2 = keysLog2(mem, k);
  const p = k + DK_INDICES;
  const dv = mem.dv;
  if (log2 < 8) return dv.getInt8(p + i);
  if (log2 < 16) return dv.getInt16(p + 2 * i, true);
  return dv.getInt32(p + 4 * i, true);
}

/** Writes index slot `i`. */
export function setIndex(mem: HeapMemory, k: number, i: number, ix: number): void {
  const log2 = keysLog2(mem, k);
  const p = k + DK_INDICES;
  const dv = mem.dv;
  if (log2 < 8) dv.setInt8(p + i, ix);
  else if (log2 < 16) dv.setInt16(p + 2 * i, ix, true);
  else dv.setInt32(p + 4 * i, ix, true);
}

/** Address of entry `ix`: unicode/split entries are (key, value), general ones (hash, key, value). */
export function entryAddr(mem: HeapMemory, k: number, ix: number): number {
  return keysEntries(mem, k) + (keysKind(mem, k) === DICT_KEYS_GENERAL ? 24 : 16) * ix;
}

/** Key of entry `ix` (0 once deleted). */
export function entryKey(mem: HeapMemory, k: number, ix: number): number {
  const e = entryAddr(mem, k, ix);
  return rd(mem, keysKind(mem, k) === DICT_KEYS_GENERAL ? e + 8 : e);
}

/** Address of the value word of entry `ix`. */
export function entryValueAddr(mem: HeapMemory, k: number, ix: number): number {
  const e = entryAddr(mem, k, ix);
  return keysKind(mem, k) === DICT_KEYS_GENERAL ? e + 16 : e + 8;
}

/** `find_empty_slot`. */
export function findEmptySlot(mem: HeapMemory, k: number, hLo: number, hHi: number): number {
  const mask = 2 ** keysLog2(mem, k) - 1;
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  while (getIndex(mem, k, i) >= 0) {
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + pLo + 1) & mask;
  }
  return i;
}
