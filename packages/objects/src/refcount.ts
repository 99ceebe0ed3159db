/**
 * Reference counting: incref/decref, the deallocator dispatch and the trashcan (`Py_TRASHCAN_BEGIN/END`).
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { dictDealloc } from './dict.js';
import { ObjectModelError } from './errors.js';
import { instanceDealloc } from './instances.js';
import { typeName } from './introspection.js';
import { BYTEARRAY_ALLOC, BYTEARRAY_BYTES, BYTES_DATA, FLOAT_FREELIST_MAX, GC_PREV, OB_SIZE, OB_TYPE, STR_LENGTH, TRASHCAN_UNWIND_LEVEL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_OBJECT, T_SET, T_STR, T_TUPLE, intBlockSize, strBlockSize, T_METHOD, T_WEAKREF, T_FUNCTION, T_BUILTIN_FUNCTION, T_MODULE, T_TYPE, T_GETSET, T_MEMBER } from './layout.js';
import { listDealloc } from './list.js';
import { setDealloc } from './set.js';
import { methodDealloc } from './methods.js';
import type { SpaceState } from './state.js';
import { weakrefDealloc } from './weakrefs.js';
import { builtinFunctionDealloc, descriptorDealloc, funcDealloc, moduleDealloc, typeDealloc } from './runtime-objects.js';
import { strIsAscii, strKind } from './str-data.js';
import { tupleDealloc } from './tuple.js';

/** Increments the reference count of a live object. */
export function incref(sp: SpaceState, a: number): void {
  sp.check(a, 'incref');
  const i = a >>> 2;
  const u32 = sp.mem.u32;
  u32[i] = u32[i]! + 1;
  if (sp.refObserver !== null && !sp.isStatic(a)) sp.refObserver.incref!(a);
}

/**
 * Decrements the reference count; at 0 the object is deallocated at once
 * (children first released in CPython's order, through the trashcan).
 * @throws {@link ObjectModelError} `E_REFCOUNT` for an object already
 *   deallocated (the count would go below zero), `E_STATIC` when a static
 *   object (None, a small int, …) would be deallocated.
 */
export function decref(sp: SpaceState, a: number): void {
  if (!sp.isAlive(a)) throw sp.deadError(a, 'decref', 'E_REFCOUNT');
  const u32 = sp.mem.u32;
  const i = a >>> 2;
  const rc = u32[i]!;
  if (rc === 0) throw sp.deadError(a, 'decref', 'E_REFCOUNT');
  if (sp.refObserver !== null && !sp.isStatic(a)) sp.refObserver.decref!(a);
  if (rc === 1) {
    if (a >= sp.staticBase && a < sp.staticEnd) {
      throw new ObjectModelError('E_STATIC', `decref: would deallocate the static ${typeName(sp, a)} at 0x${a.toString(16)}`, a, typeName(sp, a));
    }
    u32[i] = 0;
    dealloc(sp, a);
  } else {
    u32[i] = rc - 1;
  }
}

/** Py_XDECREF inside deallocators. */
export function xdecref(sp: SpaceState, a: number): void {
  if (a !== 0) decref(sp, a);
}

/** `_Py_Dealloc`: the type's deallocator. */
export function dealloc(sp: SpaceState, a: number): void {
  const t = sp.r(a + OB_TYPE);
  switch (t) {
    case T_INT:
      sp.objFree(a, intBlockSize(Math.abs(sp.rs(a + OB_SIZE))), t);
      return;
    case T_FLOAT:
      if (sp.floatFreeCount < FLOAT_FREELIST_MAX) {
        sp.floatFreeCount++;
        sp.w(a + OB_TYPE, sp.floatFree);
        sp.floatFree = a;
        sp.died(a, t, true);
      } else {
        sp.objFree(a, 24, t);
      }
      return;
    case T_STR:
      sp.objFree(a, strBlockSize(sp.r(a + STR_LENGTH), strKind(sp.mem, a), strIsAscii(sp.mem, a)), t);
      return;
    case T_BYTES:
      sp.objFree(a, BYTES_DATA + sp.r(a + OB_SIZE) + 1, t);
      return;
    case T_BYTEARRAY: {
      const p = sp.r(a + BYTEARRAY_BYTES);
      if (p !== 0) sp.free(p, sp.r(a + BYTEARRAY_ALLOC));
      sp.objFree(a, 56, t);
      return;
    }
    case T_OBJECT:
      sp.objFree(a, 16, t);
      return;
    case T_TUPLE:
      tupleDealloc(sp, a);
      return;
    case T_LIST:
      listDealloc(sp, a);
      return;
    case T_DICT:
      dictDealloc(sp, a);
      return;
    case T_SET:
    case T_FROZENSET:
      setDealloc(sp, a);
      return;
    case T_METHOD:
      methodDealloc(sp, a);
      return;
    case T_WEAKREF:
      weakrefDealloc(sp, a);
      return;
    case T_FUNCTION:
      funcDealloc(sp, a);
      return;
    case T_BUILTIN_FUNCTION:
      builtinFunctionDealloc(sp, a);
      return;
    case T_MODULE:
      moduleDealloc(sp, a);
      return;
    case T_TYPE:
      typeDealloc(sp, a);
      return;
    case T_GETSET:
    case T_MEMBER:
      descriptorDealloc(sp, a);
      return;
    default:
      instanceDealloc(sp, a);
  }
}

/** `Py_TRASHCAN_BEGIN`: true when the object was deferred (nesting at the limit). */
export function trashBegin(sp: SpaceState, a: number): boolean {
  if (sp.trashNesting >= TRASHCAN_UNWIND_LEVEL) {
    sp.w(a + GC_PREV, sp.trashLater);
    sp.trashLater = a;
    return true;
  }
  sp.trashNesting++;
  return false;
}

/** `Py_TRASHCAN_END`: back at the outermost level, run the deferred deallocators, last deposited first. */
export function trashEnd(sp: SpaceState): void {
  sp.trashNesting--;
  if (sp.trashLater !== 0 && sp.trashNesting <= 0) {
    sp.trashNesting++;
    while (sp.trashLater !== 0) {
      const op = sp.trashLater;
      sp.trashLater = sp.r(op + GC_PREV);
      sp.w(op + GC_PREV, 0);
      dealloc(sp, op);
    }
    sp.trashNesting--;
  }
}
