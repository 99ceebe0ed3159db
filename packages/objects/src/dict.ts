/**
 * `dict`: construction, insertion, deletion, lookup and deallocation.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { entryAddr, entryKey, entryValueAddr, findEmptySlot, getIndex, keysKind, keysLog2, setIndex } from './dict-keys.js';
import { addToInsertionOrder, deleteFromInsertionOrder, dictResize, freeValues, keysDecref, lookup, newKeys, writeEntry } from './dict-table.js';
import { ObjectModelError } from './errors.js';
import { hashInto } from './hashing.js';
import { DICT_BLOCK, DICT_FREELIST_MAX, DICT_KEYS, DICT_KEYS_GENERAL, DICT_LOG_MINSIZE, DICT_USED, DICT_VALUES, DK_NENTRIES, DK_USABLE, GC_HEAD, GC_NEXT, OB_TYPE, T_DICT, T_STR, log2KeysizeFor, usableFraction } from './layout.js';
import { decref, incref, trashBegin, trashEnd, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';

/**
 * `dict_new_presized(minused, unicode)` (`_PyDict_FromItems`, what dict
 * displays use): up to 5 entries an empty dict; more, a keys object sized
 * for them (`estimate_log2_keysize`, at most 2**17 slots) made first, then
 * the dict object.
 */
export function dictPresized(sp: SpaceState, minused: number, unicode: boolean): number {
  if (minused <= 5) return dict(sp);
  const log2 = minused > ((1 << 17) * 2) / 3 ? 17 : log2KeysizeFor((minused * 3 + 1) >> 1);
  return dict(sp, newKeys(sp, log2, unicode));
}

/**
 * `dict_merge(a, b, override=1)` of two dicts (`a.update(b)`, and
 * `DICT_UPDATE` of a display's chunks) when `a` is not empty: one resize
 * up front when `b` has more entries than `a`'s keys can hold
 * (`estimate_log2_keysize(a.used + b.used)`, a str table if `b`'s is), then
 * `b`'s entries inserted in order.
 */
export function dictMerge(sp: SpaceState, a: number, b: number): void {
  sp.expectType(a, T_DICT, 'dictMerge');
  sp.expectType(b, T_DICT, 'dictMerge other');
  const otherUsed = sp.r(b + DICT_USED);
  if (a === b || otherUsed === 0) return;
  if (sp.r(a + DICT_USED) === 0) throw new ObjectModelError('E_VALUE', 'dictMerge: into an empty dict (CPython clones the other table then), not modelled');
  const k = sp.r(a + DICT_KEYS);
  if (usableFraction(keysLog2(sp.mem, k)) < otherUsed) {
    dictResize(sp, a, log2KeysizeFor(((sp.r(a + DICT_USED) + otherUsed) * 3 + 1) >> 1), keysKind(sp.mem, sp.r(b + DICT_KEYS)) !== DICT_KEYS_GENERAL);
  }
  for (const [key, value] of dictItems(sp, b)) dictSet(sp, a, key, value);
}

/** A new empty `dict`: the 64-byte object (from the dict free list when it has one) with the shared empty keys (or `keys`); untracked. */
export function dict(sp: SpaceState, keys = sp.emptyKeys): number {
  let a: number;
  let recycled = false;
  if (sp.dictFreeCount > 0) {
    a = sp.dictFree[--sp.dictFreeCount]!;
    recycled = true;
  } else {
    a = sp.gcNew(48, GC_HEAD);
  }
  sp.w(a + DICT_USED, 0);
  sp.w(a + 24, 0);
  sp.w(a + DICT_KEYS, keys);
  sp.w(a + DICT_VALUES, 0);
  sp.born(a, T_DICT, recycled);
  return a;
}

/** `MAINTAIN_TRACKING`: an untracked dict is tracked once a key or value may be tracked. */
export function maintainTracking(sp: SpaceState, d: number, key: number, value: number): void {
  if (sp.r(d + GC_NEXT) === 0 && (sp.mayBeTracked(key) || sp.mayBeTracked(value))) sp.track(d);
}

/**
 * `d[key] = value` (`PyDict_SetItem`): both get new references. The first
 * insert allocates a keys object of log2 size 3 (unicode when the key is an
 * exact str); when `usable` runs out the table is rebuilt for `used * 3`
 * (new keys allocated, entries moved, old keys freed or kept in the keys
 * free list). Replacing a value releases the old one.
 */
export function dictSet(sp: SpaceState, d: number, key: number, value: number): void {
  sp.expectType(d, T_DICT, 'dictSet');
  sp.check(key, 'dictSet key');
  sp.check(value, 'dictSet value');
  hashInto(sp, key);
  incref(sp, key);
  incref(sp, value);
  insertDict(sp, d, key, value);
}

/** `insertdict`, stealing the references to key and value; hLo/hHi hold the key's hash. */
export function insertDict(sp: SpaceState, d: number, key: number, value: number): void {
  const hLo = sp.hLo;
  const hHi = sp.hHi;
  const isStr = sp.r(key + OB_TYPE) === T_STR;
  let k = sp.r(d + DICT_KEYS);
  if (k === sp.emptyKeys) {
    // insert_to_emptydict
    k = newKeys(sp, DICT_LOG_MINSIZE, isStr);
    sp.w(d + DICT_KEYS, k);
    sp.w(d + DICT_VALUES, 0);
    maintainTracking(sp, d, key, value);
    setIndex(sp.mem, k, hLo & 7, 0);
    writeEntry(sp, k, 0, key, value, hLo, hHi);
    sp.w(d + DICT_USED, 1);
    sp.w(k + DK_USABLE, sp.r(k + DK_USABLE) - 1);
    sp.w(k + DK_NENTRIES, 1);
    return;
  }
  if (sp.r(d + DICT_VALUES) !== 0 && isStr) {
    // Split table (a materialised instance dict) and a str key.
    const values = sp.r(d + DICT_VALUES);
    sp.hLo = hLo;
    sp.hHi = hHi;
    let ix = lookup(sp, k, key);
    if (ix < 0 && sp.rs(k + DK_USABLE) > 0) {
      // A new key goes into the shared keys (which take the key's reference), its value into this dict's values.
      ix = sp.r(k + DK_NENTRIES);
      setIndex(sp.mem, k, findEmptySlot(sp.mem, k, hLo, hHi), ix);
      writeEntry(sp, k, ix, key, 0, hLo, hHi);
      sp.w(k + DK_USABLE, sp.r(k + DK_USABLE) - 1);
      sp.w(k + DK_NENTRIES, ix + 1);
      maintainTracking(sp, d, key, value);
      sp.w(values + 8 * ix, value);
      addToInsertionOrder(sp, values, ix);
      sp.w(d + DICT_USED, sp.r(d + DICT_USED) + 1);
      return;
    }
    if (ix >= 0) {
      maintainTracking(sp, d, key, value);
      const old = sp.r(values + 8 * ix);
      sp.w(values + 8 * ix, value);
      if (old === 0) {
        addToInsertionOrder(sp, values, ix);
        sp.w(d + DICT_USED, sp.r(d + DICT_USED) + 1);
      } else {
        decref(sp, old);
      }
      decref(sp, key);
      return;
    }
    // The shared keys are full: insertion_resize combines the table.
    dictResize(sp, d, log2KeysizeFor(sp.r(d + DICT_USED) * 3), true);
    k = sp.r(d + DICT_KEYS);
  }
  if (keysKind(sp.mem, k) !== DICT_KEYS_GENERAL && !isStr) {
    dictResize(sp, d, log2KeysizeFor(sp.r(d + DICT_USED) * 3), false);
    k = sp.r(d + DICT_KEYS);
  }
  sp.hLo = hLo;
  sp.hHi = hHi;
  const ix = lookup(sp, k, key);
  maintainTracking(sp, d, key, value);
  if (ix === -1) {
    if (sp.rs(k + DK_USABLE) <= 0) {
      dictResize(sp, d, log2KeysizeFor(sp.r(d + DICT_USED) * 3), true);
      k = sp.r(d + DICT_KEYS);
    }
    const n = sp.r(k + DK_NENTRIES);
    setIndex(sp.mem, k, findEmptySlot(sp.mem, k, hLo, hHi), n);
    writeEntry(sp, k, n, key, value, hLo, hHi);
    sp.w(d + DICT_USED, sp.r(d + DICT_USED) + 1);
    sp.w(k + DK_USABLE, sp.r(k + DK_USABLE) - 1);
    sp.w(k + DK_NENTRIES, n + 1);
    return;
  }
  const va = entryValueAddr(sp.mem, k, ix);
  const old = sp.r(va);
  sp.w(va, value);
  xdecref(sp, old);
  decref(sp, key);
}

/**
 * `del d[key]` (`delitem_common`): the index slot becomes a dummy, the
 * entry is cleared (the keys object never shrinks), then the key and the
 * value are released. In a split dict only the value goes.
 * @returns false when the key is missing (CPython raises KeyError).
 */
export function dictDel(sp: SpaceState, d: number, key: number): boolean {
  sp.expectType(d, T_DICT, 'dictDel');
  sp.check(key, 'dictDel key');
  hashInto(sp, key);
  const hLo = sp.hLo;
  const hHi = sp.hHi;
  const k = sp.r(d + DICT_KEYS);
  const ix = lookup(sp, k, key);
  if (ix < 0) return false;
  const values = sp.r(d + DICT_VALUES);
  sp.w(d + DICT_USED, sp.r(d + DICT_USED) - 1);
  if (values !== 0) {
    const old = sp.r(values + 8 * ix);
    if (old === 0) {
      sp.w(d + DICT_USED, sp.r(d + DICT_USED) + 1);
      return false;
    }
    sp.w(values + 8 * ix, 0);
    deleteFromInsertionOrder(sp, values, ix);
    decref(sp, old);
    return true;
  }
  // lookdict_index: the slot that holds ix
  const mask = 2 ** keysLog2(sp.mem, k) - 1;
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  while (getIndex(sp.mem, k, i) !== ix) {
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + pLo + 1) & mask;
  }
  setIndex(sp.mem, k, i, -2);
  const e = entryAddr(sp.mem, k, ix);
  const general = keysKind(sp.mem, k) === DICT_KEYS_GENERAL;
  const oldKey = sp.r(general ? e + 8 : e);
  const oldValue = sp.r(general ? e + 16 : e + 8);
  sp.mem.u8.fill(0, e, e + (general ? 24 : 16));
  decref(sp, oldKey);
  decref(sp, oldValue);
  return true;
}

/** `d[key]` (borrowed reference), or 0 when missing. */
export function dictGet(sp: SpaceState, d: number, key: number): number {
  sp.expectType(d, T_DICT, 'dictGet');
  sp.check(key, 'dictGet key');
  hashInto(sp, key);
  const k = sp.r(d + DICT_KEYS);
  const ix = lookup(sp, k, key);
  if (ix < 0) return 0;
  const values = sp.r(d + DICT_VALUES);
  return values !== 0 ? sp.r(values + 8 * ix) : sp.r(entryValueAddr(sp.mem, k, ix));
}

/** `(key, value)` pairs in insertion order (borrowed references). */
export function dictItems(sp: SpaceState, d: number): [number, number][] {
  sp.expectType(d, T_DICT, 'dictItems');
  const k = sp.r(d + DICT_KEYS);
  const values = sp.r(d + DICT_VALUES);
  const out: [number, number][] = [];
  if (values !== 0) {
    const count = sp.mem.u8[values - 2]!;
    for (let i = 0; i < count; i++) {
      const ix = sp.mem.u8[values - 3 - i]!;
      out.push([entryKey(sp.mem, k, ix), sp.r(values + 8 * ix)]);
    }
    return out;
  }
  const n = sp.r(k + DK_NENTRIES);
  for (let i = 0; i < n; i++) {
    const v = sp.r(entryValueAddr(sp.mem, k, i));
    if (v !== 0) out.push([entryKey(sp.mem, k, i), v]);
  }
  return out;
}

/** `dict_dealloc`: untrack, trashcan, release the values or the keys, then the dict free list or PyObject_GC_Del. */
export function dictDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (trashBegin(sp, a)) return;
  const values = sp.r(a + DICT_VALUES);
  const k = sp.r(a + DICT_KEYS);
  if (values !== 0) {
    const n = Math.min(sp.r(k + DK_NENTRIES), sp.valuesSlots.get(values) ?? 0);
    for (let i = 0; i < n; i++) xdecref(sp, sp.r(values + 8 * i));
    freeValues(sp, values);
    keysDecref(sp, k);
  } else {
    keysDecref(sp, k);
  }
  if (sp.dictFreeCount < DICT_FREELIST_MAX) {
    sp.dictFree[sp.dictFreeCount++] = a;
    sp.died(a, T_DICT, true);
  } else {
    sp.gcDel(a, GC_HEAD, DICT_BLOCK, T_DICT);
  }
  trashEnd(sp);
}
