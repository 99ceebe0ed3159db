/**
 * `tp_clear` of each GC type, what `delete_garbage` calls to break cycles:
 * list (`_list_clear`), dict (`PyDict_Clear`), set and frozenset
 * (`set_clear_internal`), instances (`subtype_clear`), weakrefs
 * (`clear_weakref`). Tuples and bound methods have no `tp_clear` in 3.11.
 * @internal
 * @packageDocumentation
 */
import { freeValues, keysDecref } from './dict-table.js';
import { instanceClear } from './instances.js';
import {
  DICT_KEYS,
  DICT_USED,
  DICT_VALUES,
  DK_NENTRIES,
  FIRST_CLASS_ID,
  LIST_ALLOCATED,
  LIST_ITEMS,
  OB_SIZE,
  OB_TYPE,
  SET_FILL,
  SET_HASH,
  SET_MASK,
  SET_MINSIZE,
  SET_SMALLTABLE,
  SET_TABLE,
  SET_USED,
  T_DICT,
  T_FROZENSET,
  T_LIST,
  T_SET,
  T_WEAKREF,
  T_FUNCTION,
  T_MODULE,
  T_TYPE,
} from './layout.js';
import { decref, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';
import { weakrefClear } from './weakrefs.js';
import { funcClear, moduleClear, typeClear } from './runtime-objects.js';

/** Calls the type's `tp_clear` on `a`; false when the type has none (tuple, method). */
export function tpClear(sp: SpaceState, a: number): boolean {
  const t = sp.r(a + OB_TYPE);
  switch (t) {
    case T_LIST:
      listClear(sp, a);
      return true;
    case T_DICT:
      dictClear(sp, a);
      return true;
    case T_SET:
    case T_FROZENSET:
      setClear(sp, a);
      return true;
    case T_WEAKREF:
      weakrefClear(sp, a);
      return true;
    case T_FUNCTION:
      funcClear(sp, a);
      return true;
    case T_MODULE:
      moduleClear(sp, a);
      return true;
    case T_TYPE:
      typeClear(sp, a);
      return true;
    default:
      if (t >= FIRST_CLASS_ID) {
        instanceClear(sp, a);
        return true;
      }
      return false;
  }
}

/** `_list_clear`: the list is emptied first, then its items released last to first, then the items array freed. */
export function listClear(sp: SpaceState, a: number): void {
  const items = sp.r(a + LIST_ITEMS);
  if (items === 0) return;
  const n = sp.r(a + OB_SIZE);
  const allocated = sp.r(a + LIST_ALLOCATED);
  sp.w(a + OB_SIZE, 0);
  sp.w(a + LIST_ITEMS, 0);
  sp.w(a + LIST_ALLOCATED, 0);
  for (let i = n - 1; i >= 0; i--) xdecref(sp, sp.r(items + 8 * i));
  sp.free(items, 8 * allocated);
}

/** `PyDict_Clear`: the dict gets the empty keys first; then split values are released and freed, or the keys object is released. */
export function dictClear(sp: SpaceState, a: number): void {
  const oldkeys = sp.r(a + DICT_KEYS);
  const oldvalues = sp.r(a + DICT_VALUES);
  if (oldkeys === sp.emptyKeys) return;
  sp.w(a + DICT_KEYS, sp.emptyKeys);
  sp.w(a + DICT_VALUES, 0);
  sp.w(a + DICT_USED, 0);
  if (oldvalues !== 0) {
    const n = Math.min(sp.r(oldkeys + DK_NENTRIES), sp.valuesSlots.get(oldvalues) ?? 0);
    for (let i = 0; i < n; i++) {
      const x = sp.r(oldvalues + 8 * i);
      if (x !== 0) {
        sp.w(oldvalues + 8 * i, 0);
        decref(sp, x);
      }
    }
    freeValues(sp, oldvalues);
  }
  keysDecref(sp, oldkeys);
}

/**
 * `set_clear_internal`: the set is made empty (small table) first; a
 * malloc'ed table is released after its elements, a small one is copied
 * aside before.
 */
export function setClear(sp: SpaceState, a: number): void {
  const table = sp.r(a + SET_TABLE);
  const small = a + SET_SMALLTABLE;
  const fill = sp.r(a + SET_FILL);
  let used = sp.r(a + SET_USED);
  const mask = sp.r(a + SET_MASK);
  const malloced = table !== small;
  const u32 = sp.mem.u32;
  let copy = false;
  if (malloced || fill > 0) {
    if (!malloced) {
      sp.gc.smallCopy.set(u32.subarray(small >>> 2, (small >>> 2) + 4 * SET_MINSIZE));
      copy = true;
    }
    sp.mem.u8.fill(0, small, small + 16 * SET_MINSIZE);
    sp.w(a + SET_FILL, 0);
    sp.w(a + SET_USED, 0);
    sp.w(a + SET_MASK, SET_MINSIZE - 1);
    sp.w(a + SET_TABLE, small);
    sp.ws(a + SET_HASH, -1);
  } else {
    return;
  }
  const dummy = sp.setDummy;
  if (copy) {
    const c = sp.gc.smallCopy;
    for (let i = 0; used > 0 && i < SET_MINSIZE; i++) {
      const k = c[4 * i]!;
      if (k !== 0 && k !== dummy) {
        used--;
        decref(sp, k);
      }
    }
    return;
  }
  for (let e = table; used > 0; e += 16) {
    const k = u32[e >>> 2]!;
    if (k !== 0 && k !== dummy) {
      used--;
      decref(sp, k);
    }
  }
  sp.free(table, 16 * (mask + 1));
}
