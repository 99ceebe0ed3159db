/**
 * `list`: construction, `list_resize` over-allocation, mutation and deallocation.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { ObjectModelError } from './errors.js';
import { GC_HEAD, GC_NEXT, LIST_ALLOCATED, LIST_BLOCK, LIST_FREELIST_MAX, LIST_ITEMS, OB_SIZE, OB_TYPE, TUPLE_ITEMS, T_LIST, T_TUPLE, listCapacity } from './layout.js';
import { decref, incref, trashBegin, trashEnd, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';

/** PyList_New(0) without items: the list object, from the free list when it has one. */
export function newListObject(sp: SpaceState): number {
  let a: number;
  let recycled = false;
  if (sp.listFreeCount > 0) {
    a = sp.listFree[--sp.listFreeCount]!;
    recycled = true;
  } else {
    a = sp.gcNew(40, GC_HEAD);
  }
  sp.w(a + OB_SIZE, 0);
  sp.w(a + LIST_ITEMS, 0);
  sp.w(a + LIST_ALLOCATED, 0);
  sp.born(a, T_LIST, recycled);
  return a;
}

/** Makes the n-slot array `p` the items of list `a`, holding a new reference to each of `items`. */
function setItems(sp: SpaceState, a: number, p: number, items: readonly number[]): void {
  const n = items.length;
  sp.w(a + LIST_ITEMS, p);
  sp.w(a + LIST_ALLOCATED, n);
  sp.w(a + OB_SIZE, n);
  for (let i = 0; i < n; i++) {
    incref(sp, items[i]!);
    sp.w(p + 8 * i, items[i]!);
  }
}

/**
 * A new `list` as `[a, b, …]` builds it (`PyList_New(n)`): a 56-byte object
 * (from the list free list when it has one) and, for n > 0, an items array
 * of exactly n slots (`calloc(n, 8)`). Each item gets a new reference.
 */
export function list(sp: SpaceState, items: readonly number[] = []): number {
  for (const x of items) sp.check(x, 'list item');
  const a = newListObject(sp);
  const n = items.length;
  if (n > 0) {
    setItems(sp, a, sp.calloc(n, 8), items);
  }
  sp.track(a);
  return a;
}

/** `list_resize` (3.11): keep the array when it fits and is at least half used, else realloc with over-allocation. */
export function listResize(sp: SpaceState, a: number, newsize: number): void {
  const allocated = sp.r(a + LIST_ALLOCATED);
  if (allocated >= newsize && newsize >= allocated >>> 1) {
    sp.w(a + OB_SIZE, newsize);
    return;
  }
  const cap = listCapacity(newsize, sp.r(a + OB_SIZE));
  const items = sp.r(a + LIST_ITEMS);
  const p = sp.realloc(items, 8 * allocated, 8 * cap);
  sp.w(a + LIST_ITEMS, p);
  sp.w(a + OB_SIZE, newsize);
  sp.w(a + LIST_ALLOCATED, cap);
}

/** `list.append(x)`: `list_resize(n + 1)`, then a new reference to `x` in slot n. */
export function listAppend(sp: SpaceState, l: number, x: number): void {
  sp.expectType(l, T_LIST, 'listAppend');
  sp.check(x, 'listAppend item');
  const n = sp.r(l + OB_SIZE);
  listResize(sp, l, n + 1);
  incref(sp, x);
  sp.w(sp.r(l + LIST_ITEMS) + 8 * n, x);
}

/**
 * `list.extend(seq)` of a list or tuple's items: an empty list gets
 * exactly `(n + 1) & ~1` slots (`list_preallocate_exact`), a non-empty one
 * `list_resize(m + n)`.
 */
export function listExtend(sp: SpaceState, l: number, items: readonly number[]): void {
  sp.expectType(l, T_LIST, 'listExtend');
  for (const x of items) sp.check(x, 'listExtend item');
  const n = items.length;
  if (n === 0) return;
  const m = sp.r(l + OB_SIZE);
  if (sp.r(l + LIST_ITEMS) === 0) {
    const cap = (n + 1) & ~1;
    sp.w(l + LIST_ITEMS, sp.malloc(8 * cap));
    sp.w(l + LIST_ALLOCATED, cap);
    sp.w(l + OB_SIZE, n);
  } else {
    listResize(sp, l, m + n);
  }
  const p = sp.r(l + LIST_ITEMS);
  for (let i = 0; i < n; i++) {
    incref(sp, items[i]!);
    sp.w(p + 8 * (m + i), items[i]!);
  }
}

/** `l[i] = x`: the old item is released after the new one is stored. */
export function listSetItem(sp: SpaceState, l: number, i: number, x: number): void {
  sp.expectType(l, T_LIST, 'listSetItem');
  sp.check(x, 'listSetItem item');
  i = listIndex(sp, l, i, sp.r(l + OB_SIZE), 'listSetItem');
  const slot = sp.r(l + LIST_ITEMS) + 8 * i;
  const old = sp.r(slot);
  incref(sp, x);
  sp.w(slot, x);
  decref(sp, old);
}

/** A list index normalised like Python (negative from the end); `E_INDEX` when out of range. */
export function listIndex(sp: SpaceState, l: number, i: number, n: number, what: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new ObjectModelError('E_INDEX', `${what}: index ${i} out of range for a list of ${n} at 0x${l.toString(16)}`, l, 'list');
  return i < 0 ? i + n : i;
}

/** Removes item i (moving the tail down) and `list_resize(n - 1)`; returns the removed reference. */
export function listRemoveAt(sp: SpaceState, l: number, i: number): number {
  const n = sp.r(l + OB_SIZE);
  const p = sp.r(l + LIST_ITEMS);
  const v = sp.r(p + 8 * i);
  sp.mem.u8.copyWithin(p + 8 * i, p + 8 * (i + 1), p + 8 * n);
  listResize(sp, l, n - 1);
  return v;
}

/**
 * `l.pop(i)` (default: the last item): returns the item (the reference the
 * list had); the tail moves down and the list is `list_resize`d to n - 1.
 */
export function listPop(sp: SpaceState, l: number, i = -1): number {
  sp.expectType(l, T_LIST, 'listPop');
  const n = sp.r(l + OB_SIZE);
  if (n === 0) throw new ObjectModelError('E_INDEX', `listPop: pop from the empty list at 0x${l.toString(16)}`, l, 'list');
  return listRemoveAt(sp, l, listIndex(sp, l, i, n, 'listPop'));
}

/** `del l[i]`: remove, `list_resize(n - 1)`, then release the item. */
export function listDelItem(sp: SpaceState, l: number, i: number): void {
  sp.expectType(l, T_LIST, 'listDelItem');
  const n = sp.r(l + OB_SIZE);
  decref(sp, listRemoveAt(sp, l, listIndex(sp, l, i, n, 'listDelItem')));
}

/** `l.insert(i, x)` (`ins1`): `list_resize(n + 1)`, move the tail up, a new reference to x at i (clamped like Python). */
export function listInsert(sp: SpaceState, l: number, i: number, x: number): void {
  sp.expectType(l, T_LIST, 'listInsert');
  sp.check(x, 'listInsert item');
  const n = sp.r(l + OB_SIZE);
  let where = Math.trunc(i);
  if (where < 0) where = Math.max(0, where + n);
  if (where > n) where = n;
  listResize(sp, l, n + 1);
  const p = sp.r(l + LIST_ITEMS);
  sp.mem.u8.copyWithin(p + 8 * (where + 1), p + 8 * where, p + 8 * n);
  incref(sp, x);
  sp.w(p + 8 * where, x);
}

/**
 * `l[start:stop]` (a new list): `PyList_New(0)` plus exactly
 * `stop - start` slots (`malloc`), as `list_slice` does.
 */
export function listSlice(sp: SpaceState, l: number, start: number, stop: number): number {
  sp.expectType(l, T_LIST, 'listSlice');
  const n = sp.r(l + OB_SIZE);
  const lo = Math.max(0, Math.min(n, start < 0 ? start + n : start));
  const hi = Math.max(0, Math.min(n, stop < 0 ? stop + n : stop));
  const len = hi - lo;
  const a = newListObject(sp);
  if (len > 0) {
    const p = sp.malloc(8 * len);
    sp.w(a + LIST_ITEMS, p);
    sp.w(a + LIST_ALLOCATED, len);
    sp.w(a + OB_SIZE, len);
    const src = sp.r(l + LIST_ITEMS);
    for (let i = 0; i < len; i++) {
      const x = sp.r(src + 8 * (lo + i));
      incref(sp, x);
      sp.w(p + 8 * i, x);
    }
  }
  sp.track(a);
  return a;
}

/**
 * A list as `list_new_prealloc` builds it for `list + list`, `list * n`
 * and slices (3.11): `PyList_New(0)` (tracked), then for n > 0 an items
 * array of exactly n slots by `malloc` (not `calloc`). Each item gets a new
 * reference.
 */
export function listPrealloc(sp: SpaceState, items: readonly number[]): number {
  for (const x of items) sp.check(x, 'list item');
  const a = newListObject(sp);
  sp.track(a);
  const n = items.length;
  if (n > 0) {
    setItems(sp, a, sp.malloc(8 * n), items);
  }
  return a;
}

/** Items of a list or tuple, in order (borrowed references). */
export function items(sp: SpaceState, seq: number): number[] {
  sp.check(seq, 'items');
  const t = sp.r(seq + OB_TYPE);
  const n = sp.r(seq + OB_SIZE);
  let p: number;
  if (t === T_LIST) p = sp.r(seq + LIST_ITEMS);
  else if (t === T_TUPLE) p = seq + TUPLE_ITEMS;
  else throw sp.typeError(seq, 'items', 'list or tuple');
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(sp.r(p + 8 * i));
  return out;
}

/** Slots of a list's items array (`allocated`). */
export function listAllocated(sp: SpaceState, l: number): number {
  sp.expectType(l, T_LIST, 'listAllocated');
  return sp.r(l + LIST_ALLOCATED);
}

/** `list_dealloc`: untrack, trashcan, items last to first, the items array, then the list free list or PyObject_GC_Del. */
export function listDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (trashBegin(sp, a)) return;
  const items = sp.r(a + LIST_ITEMS);
  if (items !== 0) {
    for (let i = sp.r(a + OB_SIZE) - 1; i >= 0; i--) xdecref(sp, sp.r(items + 8 * i));
    sp.free(items, 8 * sp.r(a + LIST_ALLOCATED));
  }
  if (sp.listFreeCount < LIST_FREELIST_MAX) {
    sp.listFree[sp.listFreeCount++] = a;
    sp.died(a, T_LIST, true);
  } else {
    sp.gcDel(a, GC_HEAD, LIST_BLOCK, T_LIST);
  }
  trashEnd(sp);
}
