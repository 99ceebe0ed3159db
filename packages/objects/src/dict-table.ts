/**
 * Dict keys objects and split-dict values arrays: allocation, lookup, resize, release.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { entryAddr, entryKey, entryValueAddr, getIndex, initKeys, keysKind, keysLog2, keysSize, setIndex } from './dict-keys.js';
import { eq, hashInto } from './hashing.js';
import { DICT_FREELIST_MAX, DICT_KEYS, DICT_KEYS_GENERAL, DICT_KEYS_UNICODE, DICT_LOG_MINSIZE, DICT_USED, DICT_VALUES, DKIX_EMPTY, DK_NENTRIES, DK_REFCNT, DK_USABLE, keysBlockSize, usableFraction, valuesBlockSize } from './layout.js';
import { incref, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';

/** `new_keys_object`: from the keys free list for log2 3 with unicode keys. */
export function newKeys(sp: SpaceState, log2: number, unicode: boolean): number {
  let k: number;
  if (log2 === DICT_LOG_MINSIZE && unicode && sp.keysFreeCount > 0) k = sp.keysFree[--sp.keysFreeCount]!;
  else k = sp.malloc(keysBlockSize(log2, unicode));
  initKeys(sp.mem, k, log2, unicode ? DICT_KEYS_UNICODE : DICT_KEYS_GENERAL, usableFraction(log2));
  return k;
}

/** Hash of the key stored in entry ix, into hLo/hHi. */
export function entryHash(sp: SpaceState, k: number, ix: number): void {
  if (keysKind(sp.mem, k) === DICT_KEYS_GENERAL) {
    const e = entryAddr(sp.mem, k, ix);
    sp.hLo = sp.r(e);
    sp.hHi = sp.r(e + 4);
  } else {
    hashInto(sp, entryKey(sp.mem, k, ix));
  }
}

/** `_Py_dict_lookup` on a keys object: the entry index of `key`, or -1. hLo/hHi must hold its hash. */
export function lookup(sp: SpaceState, k: number, key: number): number {
  const hLo = sp.hLo;
  const hHi = sp.hHi;
  const mask = 2 ** keysLog2(sp.mem, k) - 1;
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  for (;;) {
    const ix = getIndex(sp.mem, k, i);
    if (ix >= 0) {
      const ek = entryKey(sp.mem, k, ix);
      if (ek === key) return ix;
      entryHash(sp, k, ix);
      if (sp.hLo === hLo && sp.hHi === hHi && eq(sp, ek, key)) {
        return ix;
      }
      sp.hLo = hLo;
      sp.hHi = hHi;
    } else if (ix === DKIX_EMPTY) {
      return -1;
    }
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + pLo + 1) & mask;
  }
}

/** `free_keys_object`: release entries (key then value, first to last), then the keys free list or PyObject_Free. */
export function freeKeys(sp: SpaceState, k: number): void {
  const n = sp.r(k + DK_NENTRIES);
  const kind = keysKind(sp.mem, k);
  for (let i = 0; i < n; i++) {
    const e = entryAddr(sp.mem, k, i);
    if (kind === DICT_KEYS_GENERAL) {
      xdecref(sp, sp.r(e + 8));
      xdecref(sp, sp.r(e + 16));
    } else {
      xdecref(sp, sp.r(e));
      xdecref(sp, sp.r(e + 8));
    }
  }
  releaseKeysBlock(sp, k);
}

/** Frees a keys object block, or keeps it in the keys free list (log2 size 3, str keys). */
export function releaseKeysBlock(sp: SpaceState, k: number): void {
  const kind = keysKind(sp.mem, k);
  if (keysLog2(sp.mem, k) === DICT_LOG_MINSIZE && kind === DICT_KEYS_UNICODE && sp.keysFreeCount < DICT_FREELIST_MAX) {
    sp.keysFree[sp.keysFreeCount++] = k;
    return;
  }
  sp.free(k, keysSize(sp.mem, k));
}

/** `dictkeys_decref`: at 0 the entries are released and the block freed (`free_keys_object`); the static empty keys are never freed. */
export function keysDecref(sp: SpaceState, k: number): void {
  if (k === sp.emptyKeys) return;
  const rc = sp.r(k + DK_REFCNT) - 1;
  sp.w(k + DK_REFCNT, rc);
  if (rc === 0) freeKeys(sp, k);
}

/** Writes entry `ix` of a keys object: (key, value) for str-key tables, (hash, key, value) otherwise. */
export function writeEntry(sp: SpaceState, k: number, ix: number, key: number, value: number, hLo: number, hHi: number): void {
  const e = entryAddr(sp.mem, k, ix);
  if (keysKind(sp.mem, k) === DICT_KEYS_GENERAL) {
    sp.mem.u32[e >>> 2] = hLo;
    sp.mem.u32[(e >>> 2) + 1] = hHi;
    sp.w(e + 8, key);
    sp.w(e + 16, value);
  } else {
    sp.w(e, key);
    sp.w(e + 8, value);
  }
}

/**
 * `dictresize`: allocate the new keys object, move the entries in order,
 * build the indices, then release the old keys (free list or free), or for
 * a split table free the values array and drop the shared keys.
 */
export function dictResize(sp: SpaceState, d: number, log2: number, unicode: boolean): void {
  const oldk = sp.r(d + DICT_KEYS);
  const oldValues = sp.r(d + DICT_VALUES);
  if (keysKind(sp.mem, oldk) === DICT_KEYS_GENERAL) unicode = false;
  const nk = newKeys(sp, log2, unicode);
  const used = sp.r(d + DICT_USED);
  let j = 0;
  if (oldValues !== 0) {
    const count = sp.mem.u8[oldValues - 2]!;
    for (let i = 0; i < count; i++) {
      const ix = sp.mem.u8[oldValues - 3 - i]!;
      const key = entryKey(sp.mem, oldk, ix);
      incref(sp, key);
      hashInto(sp, key);
      writeEntry(sp, nk, j++, key, sp.r(oldValues + 8 * ix), sp.hLo, sp.hHi);
    }
  } else {
    const n = sp.r(oldk + DK_NENTRIES);
    for (let i = 0; i < n; i++) {
      const v = sp.r(entryValueAddr(sp.mem, oldk, i));
      if (v === 0) continue;
      const key = entryKey(sp.mem, oldk, i);
      entryHash(sp, oldk, i);
      writeEntry(sp, nk, j++, key, v, sp.hLo, sp.hHi);
    }
  }
  // build_indices
  const mask = 2 ** log2 - 1;
  for (let ix = 0; ix < j; ix++) {
    entryHash(sp, nk, ix);
    let i = sp.hLo & mask;
    let pLo = sp.hLo;
    let pHi = sp.hHi;
    while (getIndex(sp.mem, nk, i) !== DKIX_EMPTY) {
      pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
      pHi = pHi >>> 5;
      i = (i * 5 + pLo + 1) & mask;
    }
    setIndex(sp.mem, nk, i, ix);
  }
  sp.w(nk + DK_USABLE, sp.r(nk + DK_USABLE) - used);
  sp.w(nk + DK_NENTRIES, used);
  sp.w(d + DICT_KEYS, nk);
  if (oldValues !== 0) {
    sp.w(d + DICT_VALUES, 0);
    freeValues(sp, oldValues);
    keysDecref(sp, oldk);
  } else if (oldk !== sp.emptyKeys) {
    releaseKeysBlock(sp, oldk);
  }
}

/** Removes slot `ix` from a values array's insertion-order prefix. */
export function deleteFromInsertionOrder(sp: SpaceState, values: number, ix: number): void {
  const u8 = sp.mem.u8;
  const sizePtr = values - 2;
  const size = u8[sizePtr]!;
  let i = 1;
  while (u8[sizePtr - i] !== ix) i++;
  for (; i < size; i++) u8[sizePtr - i] = u8[sizePtr - i - 1]!;
  u8[sizePtr] = size - 1;
}

/** Appends slot `ix` to a values array's insertion-order prefix. */
export function addToInsertionOrder(sp: SpaceState, values: number, ix: number): void {
  const u8 = sp.mem.u8;
  const size = u8[values - 2]! + 1;
  u8[values - 2 - size] = ix;
  u8[values - 2] = size;
}

/** `free_values`: PyMem_Free of the block that starts at the prefix. */
export function freeValues(sp: SpaceState, values: number): void {
  const prefix = sp.mem.u8[values - 1]!;
  const slots = sp.valuesSlots.get(values) ?? 0;
  sp.valuesSlots.delete(values);
  sp.free(values - prefix, valuesBlockSize(slots));
}
