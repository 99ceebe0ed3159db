/**
 * `weakref.ref` objects (80-byte GC objects) and the weakref lists of the
 * objects that support them (instances with `__weakref__`, sets and
 * frozensets, bound methods): creation, clearing, `PyObject_ClearWeakRefs`
 * on dealloc, and the weakref's own dealloc and `tp_clear`.
 * @internal
 * @packageDocumentation
 */
import { ObjectModelError } from './errors.js';
import { FIRST_CLASS_ID, GC_HEAD, GC_NEXT, TUPLE_ITEMS, INSTANCE_SLOTS, METHOD_WEAKREFS, OB_TYPE, SET_WEAKREFS, T_FROZENSET, T_METHOD, T_SET, T_WEAKREF, WEAKREF_BLOCK, T_FUNCTION, FUNC_WEAKREFS, T_BUILTIN_FUNCTION, CFUNC_WEAKREFS, T_MODULE, MODULE_WEAKREFS, T_TYPE, TYPE_WEAKREFS, WR_CALLBACK, WR_HASH, WR_NEXT, WR_OBJECT, WR_PREV } from './layout.js';
import { decref, incref } from './refcount.js';
import type { SpaceState } from './state.js';
import { tupleOfLength } from './tuple.js';
import { typeName } from './introspection.js';

/** Address of the weakref list slot of `a` (`_PyObject_GET_WEAKREFS_LISTPTR`), or 0 when its type has none. */
export function weakrefListPtr(sp: SpaceState, a: number): number {
  const t = sp.mem.u32[(a + OB_TYPE) >>> 2]!;
  if (t === T_SET || t === T_FROZENSET) return a + SET_WEAKREFS;
  if (t === T_METHOD) return a + METHOD_WEAKREFS;
  if (t === T_FUNCTION) return a + FUNC_WEAKREFS;
  if (t === T_BUILTIN_FUNCTION) return a + CFUNC_WEAKREFS;
  if (t === T_MODULE) return a + MODULE_WEAKREFS;
  if (t === T_TYPE) return sp.isStatic(a) ? 0 : a + TYPE_WEAKREFS;
  if (t >= FIRST_CLASS_ID) {
    const c = sp.classes[t - FIRST_CLASS_ID]!;
    return c.weakrefSlot ? a + INSTANCE_SLOTS + 8 * c.slots.length : 0;
  }
  return 0;
}

/**
 * `weakref.ref(obj, callback)`: without a callback the existing basic ref
 * is returned (new reference) when there is one; otherwise a new tracked
 * 80-byte weakref, put at the head of the list (basic ref) or after the
 * basic ref (with a callback), as `PyWeakref_NewRef` does.
 */
export function weakref(sp: SpaceState, obj: number, callback?: (wr: number) => void): number {
  sp.check(obj, 'weakref');
  const list = weakrefListPtr(sp, obj);
  if (list === 0) throw new ObjectModelError('E_TYPE', `weakref: cannot create weak reference to '${typeName(sp, obj)}' object at 0x${obj.toString(16)}`, obj, typeName(sp, obj));
  const head = sp.r(list);
  const basic = head !== 0 && sp.r(head + WR_CALLBACK) === 0 ? head : 0;
  if (callback === undefined && basic !== 0) {
    incref(sp, basic);
    return basic;
  }
  const a = sp.gcNew(WEAKREF_BLOCK - GC_HEAD, GC_HEAD);
  sp.mem.u8.fill(0, a, a + WEAKREF_BLOCK - GC_HEAD);
  sp.w(a + WR_OBJECT, obj);
  sp.ws(a + WR_HASH, -1);
  if (callback !== undefined) {
    const id = sp.wrFreeIds.length > 0 ? sp.wrFreeIds.pop()! : sp.wrCallbacks.length;
    sp.wrCallbacks[id] = callback;
    sp.w(a + WR_CALLBACK, id + 1);
  }
  sp.gc.weakrefs++;
  sp.born(a, T_WEAKREF, false);
  sp.track(a);
  const cur = sp.r(list);
  if (callback === undefined || basic === 0) {
    // insert_head
    sp.w(a + WR_NEXT, cur);
    if (cur !== 0) sp.w(cur + WR_PREV, a);
    sp.w(list, a);
  } else {
    // insert_after(basic)
    const next = sp.r(basic + WR_NEXT);
    sp.w(a + WR_PREV, basic);
    sp.w(a + WR_NEXT, next);
    if (next !== 0) sp.w(next + WR_PREV, a);
    sp.w(basic + WR_NEXT, a);
  }
  return a;
}

/** Calling the weakref: its referent (borrowed), or None once cleared. */
export function weakrefGet(sp: SpaceState, wr: number): number {
  sp.expectType(wr, T_WEAKREF, 'weakrefGet');
  return sp.r(wr + WR_OBJECT);
}

/** `_PyWeakref_ClearRef`: unlink from the referent's list, `wr_object` = None; the callback stays. */
export function clearRef(sp: SpaceState, wr: number): void {
  const obj = sp.r(wr + WR_OBJECT);
  if (obj === sp.noneAddr) return;
  const list = weakrefListPtr(sp, obj);
  const prev = sp.r(wr + WR_PREV);
  const next = sp.r(wr + WR_NEXT);
  if (sp.r(list) === wr) sp.w(list, next);
  sp.w(wr + WR_OBJECT, sp.noneAddr);
  if (prev !== 0) sp.w(prev + WR_NEXT, next);
  if (next !== 0) sp.w(next + WR_PREV, prev);
  sp.w(wr + WR_PREV, 0);
  sp.w(wr + WR_NEXT, 0);
}

/** Drops the callback of a weakref (`Py_CLEAR(wr_callback)`). */
export function dropCallback(sp: SpaceState, wr: number): void {
  const id = sp.r(wr + WR_CALLBACK);
  if (id === 0) return;
  sp.w(wr + WR_CALLBACK, 0);
  sp.wrCallbacks[id - 1] = null;
  sp.wrFreeIds.push(id - 1);
}

/** `clear_weakref`: `tp_clear` of a weakref. */
export function weakrefClear(sp: SpaceState, wr: number): void {
  clearRef(sp, wr);
  dropCallback(sp, wr);
}

/** `weakref_dealloc`. */
export function weakrefDealloc(sp: SpaceState, wr: number): void {
  if (sp.r(wr + GC_NEXT) !== 0) sp.untrack(wr);
  weakrefClear(sp, wr);
  sp.gc.weakrefs--;
  sp.gcDel(wr, GC_HEAD, WEAKREF_BLOCK, T_WEAKREF);
}

/**
 * `PyObject_ClearWeakRefs` (the referent is being deallocated): basic refs
 * are cleared; one ref with a callback is cleared and its callback run;
 * several are collected in a tuple of 2n first (a real tuple request, with
 * None standing for each callback object), cleared, then their callbacks run.
 */
export function clearWeakRefs(sp: SpaceState, obj: number): void {
  const list = weakrefListPtr(sp, obj);
  if (list === 0) return;
  let head = sp.r(list);
  if (head !== 0 && sp.r(head + WR_CALLBACK) === 0) {
    weakrefClear(sp, head);
    head = sp.r(list);
    if (head !== 0 && sp.r(head + WR_CALLBACK) === 0) weakrefClear(sp, head);
  }
  head = sp.r(list);
  if (head === 0) return;
  let count = 0;
  for (let w = head; w !== 0; w = sp.r(w + WR_NEXT)) count++;
  if (count === 1) {
    const id = sp.r(head + WR_CALLBACK);
    const cb = id === 0 ? null : (sp.wrCallbacks[id - 1] ?? null);
    sp.w(head + WR_CALLBACK, 0);
    clearRef(sp, head);
    if (id !== 0) {
      sp.wrCallbacks[id - 1] = null;
      sp.wrFreeIds.push(id - 1);
      if (cb !== null && sp.r(head) > 0) cb(head);
    }
    return;
  }
  const tuple = tupleOfLength(sp, count * 2);
  const ids: number[] = [];
  let cur = head;
  for (let i = 0; i < count; i++) {
    const next = sp.r(cur + WR_NEXT);
    const id = sp.r(cur + WR_CALLBACK);
    if (sp.r(cur) > 0) {
      incref(sp, cur);
      sp.w(tuple + TUPLE_ITEMS + 16 * i, cur);
      if (id !== 0) {
        incref(sp, sp.noneAddr);
        sp.w(tuple + TUPLE_ITEMS + 16 * i + 8, sp.noneAddr);
      }
      ids.push(id);
    } else {
      ids.push(0);
      if (id !== 0) {
        sp.wrCallbacks[id - 1] = null;
        sp.wrFreeIds.push(id - 1);
      }
    }
    sp.w(cur + WR_CALLBACK, 0);
    clearRef(sp, cur);
    cur = next;
  }
  for (let i = 0; i < count; i++) {
    const wr = sp.r(tuple + TUPLE_ITEMS + 16 * i);
    const id = ids[i]!;
    if (wr !== 0 && id !== 0) {
      const cb = (sp.wrCallbacks[id - 1] ?? null);
      sp.wrCallbacks[id - 1] = null;
      sp.wrFreeIds.push(id - 1);
      if (cb !== null) cb(wr);
    }
  }
  decref(sp, tuple);
}
