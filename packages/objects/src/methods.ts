/**
 * Bound methods (`PyMethodObject`, 64-byte GC objects, no free list in
 * 3.11): `obj.method` makes one holding the function and `self`.
 * @internal
 * @packageDocumentation
 */
import { GC_HEAD, GC_NEXT, METHOD_BLOCK, METHOD_FUNC, METHOD_SELF, METHOD_WEAKREFS, T_METHOD } from './layout.js';
import { decref, incref, xdecref } from './refcount.js';
import type { SpaceState } from './state.js';
import { clearWeakRefs } from './weakrefs.js';

/**
 * `PyMethod_New(func, self)`: a new tracked bound method holding new
 * references to both. Functions are not heap objects in this layer: pass
 * any object standing for the function (None, a str …).
 */
export function boundMethod(sp: SpaceState, func: number, self: number): number {
  sp.check(func, 'boundMethod func');
  sp.check(self, 'boundMethod self');
  const a = sp.gcNew(METHOD_BLOCK - GC_HEAD, GC_HEAD);
  sp.mem.u8.fill(0, a, a + METHOD_BLOCK - GC_HEAD);
  incref(sp, func);
  sp.w(a + METHOD_FUNC, func);
  incref(sp, self);
  sp.w(a + METHOD_SELF, self);
  sp.born(a, T_METHOD, false);
  sp.track(a);
  return a;
}

/** `method_dealloc`: untrack, clear weakrefs, release the function then self, free. */
export function methodDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (sp.r(a + METHOD_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  decref(sp, sp.r(a + METHOD_FUNC));
  xdecref(sp, sp.r(a + METHOD_SELF));
  sp.gcDel(a, GC_HEAD, METHOD_BLOCK, T_METHOD);
}
