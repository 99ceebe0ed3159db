/**
 * The interpreter's own objects as far as `sys.getsizeof` and the collector
 * see them: functions (`PyFunctionObject`), builtin functions
 * (`PyCFunctionObject`), modules (`PyModuleObject`), class objects (heap
 * types, with their `__dict__`, bases and mro tuples and their getset and
 * member descriptors) and the static built-in types. Code objects, frames
 * and the interpreter's caches are not modelled.
 * @internal
 * @packageDocumentation
 */
import { keysDecref } from './dict-table.js';
import { dict, dictGet, dictSet } from './dict.js';
import { ObjectModelError } from './errors.js';
import {
  CFUNC_BLOCK,
  CFUNC_MODULE,
  CFUNC_SELF,
  CFUNC_WEAKREFS,
  DESCR_BLOCK,
  DESCR_NAME,
  DESCR_TYPE,
  FIRST_CLASS_ID,
  FUNC_ANNOTATIONS,
  FUNC_BLOCK,
  FUNC_BUILTINS,
  FUNC_CLOSURE,
  FUNC_CODE,
  FUNC_DEFAULTS,
  FUNC_DICT,
  FUNC_DOC,
  FUNC_GLOBALS,
  FUNC_KWDEFAULTS,
  FUNC_MODULE,
  FUNC_NAME,
  FUNC_QUALNAME,
  FUNC_WEAKREFS,
  GC_HEAD,
  GC_NEXT,
  HEAP_TYPE_SIZE,
  HT_CACHED_KEYS,
  HT_NAME,
  HT_QUALNAME,
  HT_SLOTS,
  MODULE_BLOCK,
  MODULE_DICT,
  MODULE_NAME,
  MODULE_WEAKREFS,
  OB_SIZE,
  OB_TYPE,
  TYPE_BASE,
  TYPE_BASES,
  TYPE_DICT,
  TYPE_ID,
  TYPE_ITEM_SIZE,
  TYPE_MRO,
  TYPE_WEAKREFS,
  T_BUILTIN_FUNCTION,
  T_DICT,
  T_FUNCTION,
  T_GETSET,
  T_MEMBER,
  T_MODULE,
  T_OBJECT,
  T_TYPE,
} from './layout.js';
import { decref, incref, xdecref } from './refcount.js';
import { intern, str } from './scalars.js';
import type { SpaceState } from './state.js';
import { tuple } from './tuple.js';
import type { ClassInfo } from './types.js';
import { clearWeakRefs } from './weakrefs.js';
import { dictClear } from './clear.js';

function zeroed(sp: SpaceState, block: number): number {
  const a = sp.gcNew(block - GC_HEAD, GC_HEAD);
  sp.mem.u8.fill(0, a, a + block - GC_HEAD);
  return a;
}

function setRef(sp: SpaceState, p: number, x: number): void {
  incref(sp, x);
  sp.w(p, x);
}

/** Releases the reference at `p` and zeroes it (`Py_CLEAR`). */
function clearRef(sp: SpaceState, p: number): void {
  const x = sp.r(p);
  if (x === 0) return;
  sp.w(p, 0);
  decref(sp, x);
}

/**
 * `PyFunction_NewWithQualName`: a 152-byte tracked function holding its
 * globals, its name and qualified name (interned strs, as the code object's
 * are), `__doc__` None and `__module__` from `globals['__name__']`.
 */
export function func(sp: SpaceState, name: string, globals: number, qualname = name): number {
  sp.expectType(globals, T_DICT, 'func globals');
  const a = zeroed(sp, FUNC_BLOCK);
  setRef(sp, a + FUNC_GLOBALS, globals);
  setRef(sp, a + FUNC_NAME, intern(sp, name));
  setRef(sp, a + FUNC_QUALNAME, intern(sp, qualname));
  setRef(sp, a + FUNC_DOC, sp.noneAddr);
  const modName = sp.interned.get('__name__');
  if (modName !== undefined) {
    const m = dictGet(sp, globals, modName);
    if (m !== 0) setRef(sp, a + FUNC_MODULE, m);
  }
  sp.born(a, T_FUNCTION, false);
  sp.track(a);
  return a;
}

/** `func_clear` (tp_clear): globals, builtins, module, defaults, kwdefaults, doc, dict, closure, annotations. */
export function funcClear(sp: SpaceState, a: number): void {
  for (const off of [FUNC_GLOBALS, FUNC_BUILTINS, FUNC_MODULE, FUNC_DEFAULTS, FUNC_KWDEFAULTS, FUNC_DOC, FUNC_DICT, FUNC_CLOSURE, FUNC_ANNOTATIONS]) clearRef(sp, a + off);
}

/** `func_dealloc`: untrack, clear weakrefs, `func_clear`, then the code, name and qualname, free. */
export function funcDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (sp.r(a + FUNC_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  funcClear(sp, a);
  xdecref(sp, sp.r(a + FUNC_CODE));
  xdecref(sp, sp.r(a + FUNC_NAME));
  xdecref(sp, sp.r(a + FUNC_QUALNAME));
  sp.gcDel(a, GC_HEAD, FUNC_BLOCK, T_FUNCTION);
}

/** A builtin function or method (`PyCFunction_New`): 72 bytes, tracked, holding `self` (0: none). */
export function builtinFunction(sp: SpaceState, self = 0): number {
  if (self !== 0) sp.check(self, 'builtinFunction self');
  const a = zeroed(sp, CFUNC_BLOCK);
  if (self !== 0) setRef(sp, a + CFUNC_SELF, self);
  sp.born(a, T_BUILTIN_FUNCTION, false);
  sp.track(a);
  return a;
}

/** `meth_dealloc`: untrack, weakrefs, `m_self`, `m_module`, free. */
export function builtinFunctionDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (sp.r(a + CFUNC_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  xdecref(sp, sp.r(a + CFUNC_SELF));
  xdecref(sp, sp.r(a + CFUNC_MODULE));
  sp.gcDel(a, GC_HEAD, CFUNC_BLOCK, T_BUILTIN_FUNCTION);
}

/**
 * `types.ModuleType(name)`: a 72-byte tracked module, then its `__dict__`
 * with `__name__`, `__doc__`, `__package__`, `__loader__` and `__spec__`.
 */
export function module(sp: SpaceState, name: string): number {
  const a = zeroed(sp, MODULE_BLOCK);
  sp.born(a, T_MODULE, false);
  const d = dict(sp);
  sp.w(a + MODULE_DICT, d);
  const n = str(sp, name);
  dictSet(sp, d, intern(sp, '__name__'), n);
  for (const k of ['__doc__', '__package__', '__loader__', '__spec__']) dictSet(sp, d, intern(sp, k), sp.noneAddr);
  sp.w(a + MODULE_NAME, n);
  sp.track(a);
  return a;
}

/** `module_dealloc`: untrack, weakrefs, the dict, the name, free. */
export function moduleDealloc(sp: SpaceState, a: number): void {
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (sp.r(a + MODULE_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  xdecref(sp, sp.r(a + MODULE_DICT));
  xdecref(sp, sp.r(a + MODULE_NAME));
  sp.gcDel(a, GC_HEAD, MODULE_BLOCK, T_MODULE);
}

/** `module_clear`: the dict. */
export function moduleClear(sp: SpaceState, a: number): void {
  clearRef(sp, a + MODULE_DICT);
}

/** A getset or member descriptor of a class: 64 bytes, tracked, holding the class and its name. */
function descriptor(sp: SpaceState, t: number, cls: number, name: string): number {
  const a = zeroed(sp, DESCR_BLOCK);
  setRef(sp, a + DESCR_TYPE, cls);
  setRef(sp, a + DESCR_NAME, intern(sp, name));
  sp.born(a, t, false);
  sp.track(a);
  return a;
}

/** `descr_dealloc`: untrack, the type, the name, free. */
export function descriptorDealloc(sp: SpaceState, a: number): void {
  const t = sp.r(a + OB_TYPE);
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  xdecref(sp, sp.r(a + DESCR_TYPE));
  xdecref(sp, sp.r(a + DESCR_NAME));
  sp.gcDel(a, GC_HEAD, DESCR_BLOCK, t);
}

/**
 * The class object of `info` (a heap type, `type_new`): a tracked block of
 * 16 + 904 + 40 per slot and a sentinel, `tp_bases` `(object,)`, `tp_dict`
 * with `__module__`, the given attributes (functions) in order, a member
 * descriptor per slot, the `__dict__` and `__weakref__` getset descriptors
 * and `__doc__`, then `tp_mro` `(cls, object)`. Its `ht_cached_keys` are
 * the class's shared keys; instances of the class hold a reference to it
 * from now on. `sys.getsizeof` is 16 + 904 + the cached keys (1688 for
 * `class C: pass`).
 * @throws {@link ObjectModelError} `E_VALUE` when the class already has one.
 */
export function classObject(sp: SpaceState, info: ClassInfo, attrs: readonly (readonly [string, number])[] = [], module = '__main__'): number {
  const idx = info.id - FIRST_CLASS_ID;
  if (sp.classes[idx] !== info) throw new ObjectModelError('E_VALUE', `classObject: ${info.name} is not a class of this space`);
  if ((sp.classObjects[idx] ?? 0) !== 0) throw new ObjectModelError('E_VALUE', `classObject: ${info.name} already has its class object`);
  const object = sp.staticTypes[T_OBJECT]!;
  const bases = tuple(sp, [object]);
  const nslots = info.slots.length;
  const block = GC_HEAD + HEAP_TYPE_SIZE + TYPE_ITEM_SIZE * (nslots + 1);
  const a = zeroed(sp, block);
  sp.w(a + OB_SIZE, nslots);
  sp.w(a + TYPE_ID, info.id);
  sp.w(a + HT_CACHED_KEYS, info.sharedKeys);
  sp.born(a, T_TYPE, false);
  setRef(sp, a + TYPE_BASE, object);
  sp.w(a + TYPE_BASES, bases);
  setRef(sp, a + HT_NAME, intern(sp, info.name));
  setRef(sp, a + HT_QUALNAME, intern(sp, info.name));
  const d = dict(sp);
  sp.w(a + TYPE_DICT, d);
  const set = (k: string, v: number): void => dictSet(sp, d, intern(sp, k), v);
  const modStr = str(sp, module);
  set('__module__', modStr);
  decref(sp, modStr);
  if (info.slots.length > 0) {
    const names = tuple(sp, info.slots.map((s) => intern(sp, s)));
    sp.w(a + HT_SLOTS, names);
  }
  for (const [k, v] of attrs) set(k, v);
  const put = (t: number, name: string): void => {
    const x = descriptor(sp, t, a, name);
    set(name, x);
    decref(sp, x);
  };
  for (const s of info.slots) put(T_MEMBER, s);
  if (info.managedDict) put(T_GETSET, '__dict__');
  if (info.weakrefSlot) put(T_GETSET, '__weakref__');
  set('__doc__', sp.noneAddr);
  incref(sp, a);
  const mro = tuple(sp, [a, object]);
  decref(sp, a);
  sp.w(a + TYPE_MRO, mro);
  sp.classObjects[idx] = a;
  sp.track(a);
  return a;
}

/** `type_clear`: the dict is emptied, the mro released. */
export function typeClear(sp: SpaceState, a: number): void {
  const d = sp.r(a + TYPE_DICT);
  if (d !== 0) dictClear(sp, d);
  clearRef(sp, a + TYPE_MRO);
}

/**
 * `type_dealloc` of a class object: untrack, weakrefs, base, dict, bases,
 * mro, names and slots, the cached keys, free. The class can make no more
 * instances afterwards.
 */
export function typeDealloc(sp: SpaceState, a: number): void {
  if (sp.isStatic(a)) throw new ObjectModelError('E_STATIC', `decref: would deallocate the static type at 0x${a.toString(16)}`, a, 'type');
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (sp.r(a + TYPE_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  const id = sp.r(a + TYPE_ID);
  sp.classObjects[id - FIRST_CLASS_ID] = -1;
  for (const off of [TYPE_BASE, TYPE_DICT, TYPE_BASES, TYPE_MRO, HT_NAME, HT_QUALNAME, HT_SLOTS]) xdecref(sp, sp.r(a + off));
  const keys = sp.r(a + HT_CACHED_KEYS);
  if (keys !== 0) keysDecref(sp, keys);
  const n = sp.r(a + OB_SIZE);
  sp.gcDel(a, GC_HEAD, GC_HEAD + HEAP_TYPE_SIZE + TYPE_ITEM_SIZE * (n + 1), T_TYPE);
}
