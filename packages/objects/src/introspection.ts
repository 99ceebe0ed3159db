/**
 * Introspection: refcount, type, `len`, `sys.getsizeof`, `tp_traverse` (referents).
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { keysSize } from './dict-keys.js';
import { BYTEARRAY_ALLOC, BYTES_DATA, DICT_BLOCK, DICT_KEYS, DICT_USED, DICT_VALUES, DK_NENTRIES, DK_REFCNT, DK_USABLE, FIRST_CLASS_ID, GC_NEXT, LIST_ALLOCATED, LIST_BLOCK, OB_SIZE, OB_TYPE, SET_BLOCK, SET_MASK, SET_SMALLTABLE, SET_TABLE, SET_USED, STR_LENGTH, T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_NONE, T_OBJECT, T_SET, T_STR, T_TUPLE, T_METHOD, T_WEAKREF, METHOD_BLOCK, WEAKREF_BLOCK, T_FUNCTION, T_BUILTIN_FUNCTION, T_MODULE, T_GETSET, T_MEMBER, T_TYPE, FUNC_BLOCK, CFUNC_BLOCK, MODULE_BLOCK, DESCR_BLOCK, GC_HEAD, STATIC_TYPE_SIZE, HEAP_TYPE_SIZE, HT_CACHED_KEYS, intBlockSize, strBlockSize, tupleBlockSize } from './layout.js';
import type { SpaceState } from './state.js';
import { traverse } from './traverse.js';
import { strIsAscii, strKind } from './str-data.js';
import type { ClassInfo } from './types.js';

/** `ob_refcnt`. */
export function refcount(sp: SpaceState, a: number): number {
  sp.check(a, 'refcount');
  return sp.r(a);
}

/** Type id (`ob_type`). */
export function typeOf(sp: SpaceState, a: number): number {
  sp.check(a, 'typeOf');
  return sp.r(a + OB_TYPE);
}

/** `type(obj).__name__`. */
export function typeName(sp: SpaceState, a: number): string {
  return sp.typeNameOfId(typeOf(sp, a));
}

/** The class with type id `id`, or undefined for a built-in type. */
export function classInfo(sp: SpaceState, id: number): ClassInfo | undefined {
  return sp.classes[id - FIRST_CLASS_ID];
}

/** `gc.is_tracked(obj)`: linked in a GC generation list. */
export function isTracked(sp: SpaceState, a: number): boolean {
  const t = typeOf(sp, a);
  return sp.isGcType(t) && sp.r(a + GC_NEXT) !== 0;
}

/** `len(obj)` of a str, bytes, bytearray, tuple, list, dict, set or frozenset. */
export function length(sp: SpaceState, a: number): number {
  const t = typeOf(sp, a);
  switch (t) {
    case T_STR:
      return sp.r(a + STR_LENGTH);
    case T_BYTES:
    case T_BYTEARRAY:
    case T_TUPLE:
    case T_LIST:
      return sp.r(a + OB_SIZE);
    case T_DICT:
      return sp.r(a + DICT_USED);
    case T_SET:
    case T_FROZENSET:
      return sp.r(a + SET_USED);
    default:
      throw sp.typeError(a, 'length', 'a sized object');
  }
}

/** `sys.getsizeof(obj)` of CPython 3.11 (GC pre-headers included). */
export function sizeof(sp: SpaceState, a: number): number {
  const t = typeOf(sp, a);
  switch (t) {
    case T_NONE:
      return 16;
    case T_INT:
    case T_BOOL:
      return intBlockSize(Math.abs(sp.rs(a + OB_SIZE)));
    case T_FLOAT:
      return 24;
    case T_STR:
      return strBlockSize(sp.r(a + STR_LENGTH), strKind(sp.mem, a), strIsAscii(sp.mem, a));
    case T_BYTES:
      return BYTES_DATA + sp.r(a + OB_SIZE) + 1;
    case T_BYTEARRAY:
      return 56 + sp.r(a + BYTEARRAY_ALLOC);
    case T_TUPLE:
      return tupleBlockSize(sp.r(a + OB_SIZE));
    case T_LIST:
      return LIST_BLOCK + 8 * sp.r(a + LIST_ALLOCATED);
    case T_DICT: {
      const k = sp.r(a + DICT_KEYS);
      let size = DICT_BLOCK;
      if (sp.r(a + DICT_VALUES) !== 0) size += 8 * (sp.r(k + DK_NENTRIES) + sp.r(k + DK_USABLE));
      if (k !== sp.emptyKeys && sp.r(k + DK_REFCNT) === 1) size += keysSize(sp.mem, k);
      return size;
    }
    case T_SET:
    case T_FROZENSET: {
      const table = sp.r(a + SET_TABLE);
      return SET_BLOCK + (table === a + SET_SMALLTABLE ? 0 : 16 * (sp.r(a + SET_MASK) + 1));
    }
    case T_OBJECT:
      return 16;
    case T_METHOD:
      return METHOD_BLOCK;
    case T_WEAKREF:
      return WEAKREF_BLOCK;
    case T_FUNCTION:
      return FUNC_BLOCK;
    case T_BUILTIN_FUNCTION:
      return CFUNC_BLOCK;
    case T_MODULE:
      return MODULE_BLOCK;
    case T_GETSET:
    case T_MEMBER:
      return DESCR_BLOCK;
    case T_TYPE: {
      // type.__sizeof__ (+ the GC head, which 3.11.7's getsizeof adds for static types too)
      if (sp.isStatic(a)) return GC_HEAD + STATIC_TYPE_SIZE;
      const keys = sp.r(a + HT_CACHED_KEYS);
      return GC_HEAD + HEAP_TYPE_SIZE + (keys === 0 ? 0 : keysSize(sp.mem, keys));
    }
    default: {
      const c = sp.classes[t - FIRST_CLASS_ID]!;
      return c.presize + c.basicsize;
    }
  }
}

/**
 * What `tp_traverse` visits, in its order (`gc.get_referents`): list and
 * tuple items last to first, dict values (and keys for non-str tables),
 * set elements in table order, instance slots then managed-dict values.
 */
export function referents(sp: SpaceState, a: number): number[] {
  typeOf(sp, a);
  const out: number[] = [];
  sp.gc.collectInto = out;
  traverse(sp, a, collectReferent);
  sp.gc.collectInto = null;
  return out;
}

function collectReferent(sp: SpaceState, x: number): void {
  sp.gc.collectInto?.push(x);
}
