/**
 * `tuple`: construction from the per-length free lists and deallocation.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { GC_HEAD, GC_NEXT, OB_SIZE, TUPLE_FREELIST_MAX, TUPLE_ITEMS, TUPLE_NFREELISTS, T_TUPLE, tupleBlockSize } from './layout.js';
import { incref, trashBegin, trashEnd, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';

/**
 * A new `tuple` of `items` (each gets a new reference): `16 + 24 + 8n`
 * bytes, from the free list of its length (1..20) when it has one; the
 * empty tuple is a static singleton.
 */
export function tuple(sp: SpaceState, items: readonly number[]): number {
  const n = items.length;
  for (const x of items) sp.check(x, 'tuple item');
  if (n === 0) return sp.staticRef(sp.emptyTuple);
  const a = tupleOfLength(sp, n);
  for (let i = 0; i < n; i++) {
    incref(sp, items[i]!);
    sp.w(a + TUPLE_ITEMS + 8 * i, items[i]!);
  }
  return a;
}

/** `PyTuple_New(n)` for n > 0: from the free list of its length or a new GC block, items NULL, tracked. */
export function tupleOfLength(sp: SpaceState, n: number): number {
  let a: number;
  let recycled = false;
  if (n <= TUPLE_NFREELISTS && sp.tupleFree[n - 1] !== 0) {
    a = sp.tupleFree[n - 1]!;
    sp.tupleFree[n - 1] = sp.r(a + TUPLE_ITEMS);
    sp.tupleFreeCount[n - 1]!--;
    recycled = true;
  } else {
    a = sp.gcNew(24 + 8 * n, GC_HEAD);
  }
  sp.w(a + OB_SIZE, n);
  sp.mem.u8.fill(0, a + TUPLE_ITEMS, a + TUPLE_ITEMS + 8 * n);
  sp.born(a, T_TUPLE, recycled);
  sp.track(a);
  return a;
}

/** `tupledealloc`: untrack, trashcan, items last to first, then the free list of its length or PyObject_GC_Del. */
export function tupleDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (trashBegin(sp, a)) return;
  const n = sp.r(a + OB_SIZE);
  for (let i = n - 1; i >= 0; i--) xdecref(sp, sp.r(a + TUPLE_ITEMS + 8 * i));
  if (n <= TUPLE_NFREELISTS && sp.tupleFreeCount[n - 1]! < TUPLE_FREELIST_MAX) {
    sp.w(a + TUPLE_ITEMS, sp.tupleFree[n - 1]!);
    sp.tupleFree[n - 1] = a;
    sp.tupleFreeCount[n - 1]!++;
    sp.died(a, T_TUPLE, true);
  } else {
    sp.gcDel(a, GC_HEAD, tupleBlockSize(n), T_TUPLE);
  }
  trashEnd(sp);
}
