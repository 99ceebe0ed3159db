import type { Pymalloc } from '@pymem/arena';
import type { ObjectObserver } from './events.js';
import * as refcountM from './refcount.js';
import * as scalarsM from './scalars.js';
import * as tupleM from './tuple.js';
import * as listM from './list.js';
import * as hashingM from './hashing.js';
import * as dictM from './dict.js';
import * as setM from './set.js';
import * as instancesM from './instances.js';
import * as introspectionM from './introspection.js';
import * as free_listsM from './free-lists.js';
import type { RequestRecording } from './request-recording.js';
import { recordRequests } from './request-recording.js';
import { SpaceState } from './state.js';
import { GcModule } from './gc-module.js';
import * as methodsM from './methods.js';
import * as weakrefsM from './weakrefs.js';
import * as runtimeM from './runtime-objects.js';
import * as clearM from './clear.js';
import { ObjectModelError } from './errors.js';
import { FIRST_CLASS_ID, FUNC_QUALNAME, HT_QUALNAME, MODULE_DICT, MODULE_NAME, OB_TYPE, T_DICT, T_FUNCTION, T_LIST, T_MODULE, T_SET, T_TYPE, TYPE_ID } from './layout.js';
import type { ClassInfo, ClassOpts, FreeListSizes, ObjectSpaceOpts, ScalarValue } from './types.js';

export type { ClassInfo, ClassOpts, FreeListSizes, ObjectSpaceOpts, ScalarValue } from './types.js';

/**
 * CPython 3.11's refcounted object model in allocator memory. Every object
 * is a real block of its CPython request size in a {@link Pymalloc} heap;
 * its header (`ob_refcnt`, `ob_type`) and fields are little-endian words at
 * its address in `heap.memory`; GC objects have the 16-byte `PyGC_Head`
 * before the address, managed-dict instances 16 more bytes before that.
 *
 * Objects are addressed by number (their address). Constructors return a
 * new reference; containers take their own references to what is put in
 * them (the caller keeps its own); {@link decref} to 0 deallocates at once,
 * cascading in CPython's order, through the trashcan and the free lists.
 *
 * @example
 * ```ts
 * const vm = new ObjectSpace();
 * const l = vm.list();
 * const x = vm.float(1.5);
 * vm.listAppend(l, x);
 * vm.decref(x);
 * vm.sizeof(l); // 88: 56 + 4 slots
 * vm.decref(l); // frees the items array, the float goes to its free list
 * ```
 */
export class ObjectSpace {
  /** The allocator objects live in. */
  readonly heap: Pymalloc;
  /** The cyclic garbage collector (`import gc`), see {@link GcModule}. */
  readonly gc: GcModule;
  /** Internal state shared with the type modules. */
  readonly #sp: SpaceState;

  constructor(opts: ObjectSpaceOpts = {}) {
    this.#sp = new SpaceState(opts);
    this.heap = this.#sp.heap;
    this.gc = new GcModule(this.#sp);
  }

  /**
   * `weakref.ref(obj, callback)`: a new reference to a weakref (80 bytes,
   * tracked). Without a callback an existing basic ref is shared. The
   * callback runs with the weakref when `obj` dies (refcount or collector;
   * from the collector only when the weakref itself is reachable).
   * Instances with `__weakref__`, sets, frozensets and bound methods can be
   * weakly referenced.
   * @throws {@link ObjectModelError} `E_TYPE` for other types.
   */
  weakref(obj: number, callback?: (wr: number) => void): number {
    return weakrefsM.weakref(this.#sp, obj, callback);
  }

  /** Calls a weakref: its referent (borrowed), or None once the referent died. */
  weakrefGet(wr: number): number {
    return weakrefsM.weakrefGet(this.#sp, wr);
  }

  /**
   * A bound method `obj.method` (`PyMethod_New`, 64 bytes, tracked, no free
   * list): new references to `func` (a {@link func}, or any object standing
   * for the function) and `self`.
   */
  boundMethod(func: number, self: number): number {
    return methodsM.boundMethod(this.#sp, func, self);
  }

  /**
   * A function object (`def name`, `PyFunction_NewWithQualName`): 152 bytes,
   * tracked, holding new references to `globals` (a dict), its name and
   * qualified name (interned strs) and `__doc__` None; `__module__` is
   * `globals['__name__']` when set. Code objects are not modelled.
   */
  func(name: string, globals: number, qualname?: string): number {
    return runtimeM.func(this.#sp, name, globals, qualname);
  }

  /** A builtin function or method (`PyCFunctionObject`, 72 bytes, tracked) bound to `self` (0: none), like `len` or `[].append`. */
  builtinFunction(self = 0): number {
    return runtimeM.builtinFunction(this.#sp, self);
  }

  /** `types.ModuleType(name)`: a 72-byte tracked module and its `__dict__` (`__name__`, `__doc__`, `__package__`, `__loader__`, `__spec__`). */
  module(name: string): number {
    return runtimeM.module(this.#sp, name);
  }

  /** The `__dict__` of a module (borrowed). */
  moduleDict(m: number): number {
    this.#sp.expectType(m, T_MODULE, 'moduleDict');
    return this.#sp.r(m + MODULE_DICT);
  }

  /**
   * The class object of a class (`type_new`): a tracked heap type of
   * 16 + 904 + 40 per slot (+ a sentinel) bytes, its `tp_dict` (`__module__`,
   * `attrs` in order, member descriptors of the slots, the `__dict__` and
   * `__weakref__` getset descriptors, `__doc__`), `tp_bases` `(object,)` and
   * `tp_mro` `(cls, object)`, which refers back to it. Instances made from
   * then on hold a reference to it (and the collector sees it); when it is
   * deallocated, its cached keys go with it. Returns a new reference.
   * `sys.getsizeof` is 16 + 904 + the shared keys (1688 for `class C: pass`).
   */
  classObject(cls: ClassInfo, attrs: readonly (readonly [string, number])[] = [], module = '__main__'): number {
    return runtimeM.classObject(this.#sp, cls, attrs, module);
  }

  /** The class object of a class (borrowed), 0 when none was made (or it was deallocated). */
  classObjectOf(cls: ClassInfo | number): number {
    const id = typeof cls === 'number' ? cls : cls.id;
    return Math.max(0, this.#sp.classObjects[id - FIRST_CLASS_ID] ?? 0);
  }

  /** The class a class object stands for. @throws {@link ObjectModelError} `E_TYPE` for anything else. */
  classOfObject(typeObject: number): ClassInfo {
    const sp = this.#sp;
    sp.expectType(typeObject, T_TYPE, 'classOfObject');
    const c = sp.classes[sp.r(typeObject + TYPE_ID) - FIRST_CLASS_ID];
    if (c === undefined || sp.isStatic(typeObject)) throw sp.typeError(typeObject, 'classOfObject', 'a class object');
    return c;
  }

  /**
   * The static type object of a built-in type id (`int`, `object`…): not a
   * heap block (CPython has it in its data segment), untracked; its
   * `sys.getsizeof` is 424. Borrowed.
   */
  staticType(typeId: number): number {
    const a = this.#sp.staticTypes[typeId] ?? 0;
    if (a === 0) throw new ObjectModelError('E_VALUE', `staticType: ${typeId} is not a built-in type id`);
    return a;
  }

  /**
   * `__qualname__` of a function or class object, or `__name__` of a module
   * or a static type. @throws {@link ObjectModelError} `E_TYPE` for other objects.
   */
  qualname(a: number): string {
    const sp = this.#sp;
    sp.check(a, 'qualname');
    const t = sp.r(a + OB_TYPE);
    if (t === T_FUNCTION) return scalarsM.value(sp, sp.r(a + FUNC_QUALNAME)) as string;
    if (t === T_MODULE) return scalarsM.value(sp, sp.r(a + MODULE_NAME)) as string;
    if (t === T_TYPE) return sp.isStatic(a) ? sp.typeNameOfId(sp.r(a + TYPE_ID)) : (scalarsM.value(sp, sp.r(a + HT_QUALNAME)) as string);
    throw sp.typeError(a, 'qualname', 'a function, class or module');
  }

  /** Object-level event observer. */
  get observer(): ObjectObserver | undefined {
    return this.#sp.observer;
  }

  set observer(o: ObjectObserver | undefined) {
    this.#sp.observer = o;
  }

  /** `gc.get_count()[0]`: GC objects allocated minus GC objects freed (not below 0), as in 3.11. */
  get gcCount0(): number {
    return this.#sp.count0;
  }

  /** `None` (static; no new reference). */
  get none(): number {
    return this.#sp.noneAddr;
  }

  /** `True` (static; no new reference). */
  get true(): number {
    return this.#sp.trueAddr;
  }

  /** `False` (static; no new reference). */
  get false(): number {
    return this.#sp.falseAddr;
  }

  /** True when `address` holds a live object (created and not yet deallocated or recycled). */
  isAlive(address: number): boolean {
    return this.#sp.isAlive(address);
  }

  /** Increments the reference count of a live object. */
  incref(a: number): void {
    refcountM.incref(this.#sp, a);
  }

  /**
   * Decrements the reference count; at 0 the object is deallocated at once
   * (children first released in CPython's order, through the trashcan).
   * @throws {@link ObjectModelError} `E_REFCOUNT` for an object already
   *   deallocated (the count would go below zero), `E_STATIC` when a static
   *   object (None, a small int, …) would be deallocated.
   */
  decref(a: number): void {
    refcountM.decref(this.#sp, a);
  }

  /** `ob_refcnt`. */
  refcount(a: number): number {
    return introspectionM.refcount(this.#sp, a);
  }

  /** Type id (`ob_type`). */
  typeOf(a: number): number {
    return introspectionM.typeOf(this.#sp, a);
  }

  /** `type(obj).__name__`. */
  typeName(a: number): string {
    return introspectionM.typeName(this.#sp, a);
  }

  /** Name of a type id. */
  typeNameOfId(id: number): string {
    return this.#sp.typeNameOfId(id);
  }

  /** The class with type id `id`, or undefined for a built-in type. */
  classInfo(id: number): ClassInfo | undefined {
    return introspectionM.classInfo(this.#sp, id);
  }

  /** `gc.is_tracked(obj)`: linked in a GC generation list. */
  isTracked(a: number): boolean {
    return introspectionM.isTracked(this.#sp, a);
  }

  /** True for objects in the static block (None, bools, small ints, empty/1-char str and bytes, the empty tuple). */
  isStatic(a: number): boolean {
    return this.#sp.isStatic(a);
  }

  /** A new reference to `bool(v)` (`True`/`False` are static). */
  bool(v: boolean): number {
    return scalarsM.bool(this.#sp, v);
  }

  /** A new reference to `None`. */
  newNone(): number {
    return scalarsM.newNone(this.#sp);
  }

  /**
   * A new `int`: -5..256 are static; others are `24 + 4 * ndigits` bytes
   * (30-bit digits). Numbers must be integers; BigInts are unbounded.
   */
  int(v: number | bigint): number {
    return scalarsM.int(this.#sp, v);
  }

  /** A new `float` (24 bytes), from the float free list when it has one. */
  float(v: number): number {
    return scalarsM.float(this.#sp, v);
  }

  /**
   * A new `str` in CPython's compact form: ASCII (48 + len + 1 bytes) or
   * latin-1/UCS-2/UCS-4 (72 + (len + 1) * kind). The empty string and
   * one-character latin-1 strings are static. Characters live in the block.
   */
  str(s: string): number {
    return scalarsM.str(this.#sp, s);
  }

  /**
   * The interned `str` for `s` (what CPython does for identifiers): made on
   * first use and kept by the space for its lifetime. Borrowed reference.
   */
  intern(s: string): number {
    return scalarsM.intern(this.#sp, s);
  }

  /** A new `bytes` (33 + len bytes); empty and one-byte values are static. */
  bytes(data: ArrayLike<number>): number {
    return scalarsM.bytes(this.#sp, data);
  }

  /**
   * A new `bytearray`: a 56-byte object, and for non-empty contents a buffer
   * of len + 1 bytes (`realloc(NULL, len + 1)`, as `PyByteArray_Resize` does).
   */
  bytearray(data: ArrayLike<number> = []): number {
    return scalarsM.bytearray(this.#sp, data);
  }

  /**
   * A new `tuple` of `items` (each gets a new reference): `16 + 24 + 8n`
   * bytes, from the free list of its length (1..20) when it has one; the
   * empty tuple is a static singleton.
   */
  tuple(items: readonly number[]): number {
    return tupleM.tuple(this.#sp, items);
  }

  /**
   * A new `list` as `[a, b, …]` builds it (`PyList_New(n)`): a 56-byte object
   * (from the list free list when it has one) and, for n > 0, an items array
   * of exactly n slots (`calloc(n, 8)`). Each item gets a new reference.
   */
  list(items: readonly number[] = []): number {
    return listM.list(this.#sp, items);
  }

  /** `list.append(x)`: `list_resize(n + 1)`, then a new reference to `x` in slot n. */
  listAppend(l: number, x: number): void {
    listM.listAppend(this.#sp, l, x);
  }

  /**
   * `list.extend(seq)` of a list or tuple's items: an empty list gets
   * exactly `(n + 1) & ~1` slots (`list_preallocate_exact`), a non-empty one
   * `list_resize(m + n)`.
   */
  listExtend(l: number, items: readonly number[]): void {
    listM.listExtend(this.#sp, l, items);
  }

  /** `l[i] = x`: the old item is released after the new one is stored. */
  listSetItem(l: number, i: number, x: number): void {
    listM.listSetItem(this.#sp, l, i, x);
  }

  /**
   * `l.pop(i)` (default: the last item): returns the item (the reference the
   * list had); the tail moves down and the list is `list_resize`d to n - 1.
   */
  listPop(l: number, i = -1): number {
    return listM.listPop(this.#sp, l, i);
  }

  /** `del l[i]`: remove, `list_resize(n - 1)`, then release the item. */
  listDelItem(l: number, i: number): void {
    listM.listDelItem(this.#sp, l, i);
  }

  /** `l.insert(i, x)` (`ins1`): `list_resize(n + 1)`, move the tail up, a new reference to x at i (clamped like Python). */
  listInsert(l: number, i: number, x: number): void {
    listM.listInsert(this.#sp, l, i, x);
  }

  /**
   * `l[start:stop]` (a new list): `PyList_New(0)` plus exactly
   * `stop - start` slots (`malloc`), as `list_slice` does.
   */
  listSlice(l: number, start: number, stop: number): number {
    return listM.listSlice(this.#sp, l, start, stop);
  }

  /** Items of a list or tuple, in order (borrowed references). */
  items(seq: number): number[] {
    return listM.items(this.#sp, seq);
  }

  /** `len(obj)` of a str, bytes, bytearray, tuple, list, dict, set or frozenset. */
  length(a: number): number {
    return introspectionM.length(this.#sp, a);
  }

  /** Slots of a list's items array (`allocated`). */
  listAllocated(l: number): number {
    return listM.listAllocated(this.#sp, l);
  }

  /**
   * `hash(obj)` as CPython 3.11 computes it: ints, floats and tuples exactly;
   * str and bytes as with `PYTHONHASHSEED=0` (SipHash-1-3, zero key); None,
   * `object()` and instances from their address (`_Py_HashPointer`).
   * @throws {@link ObjectModelError} `E_UNHASHABLE` for lists, dicts, sets, bytearrays.
   */
  hashOf(a: number): bigint {
    return hashingM.hashOf(this.#sp, a);
  }

  /**
   * A dict as a display of `n` entries makes it (`_PyDict_FromItems` →
   * `dict_new_presized`): empty up to 5 entries; for more, a keys object
   * sized for `n` (str keys table when `unicode`) allocated before the dict
   * object. Insert the entries with {@link dictSet}.
   */
  dictPresized(n: number, unicode: boolean): number {
    return dictM.dictPresized(this.#sp, n, unicode);
  }

  /**
   * `a.update(b)` of two dicts into a non-empty `a` (`dict_merge`): one
   * resize up front when `b` has more entries than `a`'s keys can take,
   * then `b`'s entries in order. @throws {@link ObjectModelError} `E_VALUE`
   * for an empty `a` (CPython clones `b`'s table then: not modelled).
   */
  dictUpdate(a: number, b: number): void {
    dictM.dictMerge(this.#sp, a, b);
  }

  /** `d.clear()` (`PyDict_Clear`): the dict takes the empty keys, then the old values and keys are released. */
  dictClear(d: number): void {
    this.#sp.expectType(d, T_DICT, 'dictClear');
    clearM.dictClear(this.#sp, d);
  }

  /** `l.clear()` (`_list_clear`): emptied first, items released last to first, then one free of the items array. */
  listClear(l: number): void {
    this.#sp.expectType(l, T_LIST, 'listClear');
    clearM.listClear(this.#sp, l);
  }

  /** `s.clear()` (`set_clear_internal`): back to the smalltable, elements released, a malloc'ed table freed. */
  setClear(s: number): void {
    this.#sp.expectType(s, T_SET, 'setClear');
    clearM.setClear(this.#sp, s);
  }

  /**
   * A list as `list + list`, `list * n` and slices make it in 3.11
   * (`list_new_prealloc`): the list object, then `malloc` of exactly
   * `items.length` slots (a display uses `calloc`, see {@link list}).
   */
  listPrealloc(items: readonly number[]): number {
    return listM.listPrealloc(this.#sp, items);
  }

  /** `s.update(other)` of a set or frozenset (`set_merge`): one resize up front, then the other table's entries. */
  setUpdate(s: number, other: number): void {
    this.#sp.expectType(s, T_SET, 'setUpdate');
    this.#sp.check(other, 'setUpdate other');
    setM.setMerge(this.#sp, s, other);
  }

  /** A new empty `dict`: the 64-byte object (from the dict free list when it has one) with the shared empty keys; untracked. */
  dict(): number {
    return dictM.dict(this.#sp);
  }

  /**
   * `d[key] = value` (`PyDict_SetItem`): both get new references. The first
   * insert allocates a keys object of log2 size 3 (unicode when the key is an
   * exact str); when `usable` runs out the table is rebuilt for `used * 3`
   * (new keys allocated, entries moved, old keys freed or kept in the keys
   * free list). Replacing a value releases the old one.
   */
  dictSet(d: number, key: number, value: number): void {
    dictM.dictSet(this.#sp, d, key, value);
  }

  /**
   * `del d[key]` (`delitem_common`): the index slot becomes a dummy, the
   * entry is cleared (the keys object never shrinks), then the key and the
   * value are released. In a split dict only the value goes.
   * @returns false when the key is missing (CPython raises KeyError).
   */
  dictDel(d: number, key: number): boolean {
    return dictM.dictDel(this.#sp, d, key);
  }

  /** `d[key]` (borrowed reference), or 0 when missing. */
  dictGet(d: number, key: number): number {
    return dictM.dictGet(this.#sp, d, key);
  }

  /** `(key, value)` pairs in insertion order (borrowed references). */
  dictItems(d: number): [number, number][] {
    return dictM.dictItems(this.#sp, d);
  }

  /** A new empty `set` (216 bytes: header and the 8-entry smalltable), tracked. */
  set(items: readonly number[] = []): number {
    return setM.set(this.#sp, items);
  }

  /** A new `frozenset` of `items` (added one by one, as from an iterator). */
  frozenset(items: readonly number[] = []): number {
    return setM.frozenset(this.#sp, items);
  }

  /** `set.add(x)`: a new reference to `x` unless an equal element is present; grows at 60 % fill to `used * 4`. */
  setAdd(s: number, x: number): void {
    setM.setAdd(this.#sp, s, x);
  }

  /**
   * `set.discard(x)`: the entry becomes a dummy (the table never shrinks
   * here; dummies count toward `fill`), then `x`'s element is released.
   * @returns false when no equal element is present.
   */
  setDiscard(s: number, x: number): boolean {
    return setM.setDiscard(this.#sp, s, x);
  }

  /** True when the set or frozenset holds an element equal to `x`. */
  setContains(s: number, x: number): boolean {
    return setM.setContains(this.#sp, s, x);
  }

  /** Elements of a set or frozenset in table order (borrowed references). */
  setElements(s: number): number[] {
    return setM.setElements(this.#sp, s);
  }

  /** A new bare `object()` (16 bytes, not a GC object). */
  object(): number {
    return instancesM.object(this.#sp);
  }

  /**
   * Defines a class (`class name: __slots__ = …`) and returns its info. The
   * class itself is not a heap object in this layer; a class with a managed
   * `__dict__` allocates its shared keys object (log2 size 6, 768 bytes),
   * as `type_new` does.
   */
  defineClass(name: string, opts: ClassOpts = {}): ClassInfo {
    return instancesM.defineClass(this.#sp, name, opts);
  }

  /**
   * A new instance of `cls` (`object.__new__`): one block of presize +
   * basicsize (56 for `class C: pass`), zeroed and tracked; with a managed
   * dict, then a values array sized from the shared keys (whose `usable`
   * shrinks by one per instance, as in 3.11).
   */
  instance(cls: ClassInfo | number): number {
    return instancesM.instance(this.#sp, cls);
  }

  /**
   * `setattr(obj, name, value)` on an instance: a slot, or the managed dict
   * (the values array while the shared keys can take the name, else the
   * materialised dict). `value` gets a new reference; the old one is released.
   */
  setAttr(obj: number, name: string, value: number): void {
    instancesM.setAttr(this.#sp, obj, name, value);
  }

  /** `obj.name` on an instance (borrowed reference), or 0 when unset. */
  getAttr(obj: number, name: string): number {
    return instancesM.getAttr(this.#sp, obj, name);
  }

  /**
   * `obj.__dict__` (new reference): materialises the managed dict on first
   * request (`make_dict_from_instance_attributes`: a split dict sharing the
   * class's keys and taking over the values array).
   */
  instanceDict(obj: number): number {
    return instancesM.instanceDict(this.#sp, obj);
  }

  /** `sys.getsizeof(obj)` of CPython 3.11 (GC pre-headers included). */
  sizeof(a: number): number {
    return introspectionM.sizeof(this.#sp, a);
  }

  /**
   * What `tp_traverse` visits, in its order (`gc.get_referents`): list and
   * tuple items last to first, dict values (and keys for non-str tables),
   * set elements in table order, instance slots then managed-dict values.
   */
  referents(a: number): number[] {
    return introspectionM.referents(this.#sp, a);
  }

  /** The JS value of a scalar: None → null, bool, int (number, or bigint beyond 2**53), float, str, bytes/bytearray (a copy). */
  value(a: number): ScalarValue {
    return scalarsM.value(this.#sp, a);
  }

  /** Current sizes of the type free lists. */
  freeListSizes(): FreeListSizes {
    return free_listsM.freeListSizes(this.#sp);
  }

  /**
   * Frees everything the type free lists hold, in the order a full
   * collection does (`clear_freelists`): tuples (by length, each list from
   * its head), floats, lists, dicts, then dict keys objects.
   */
  clearFreeLists(): void {
    free_listsM.clearFreeLists(this.#sp);
  }

  /**
   * Records the allocator requests the space makes from now on, in the
   * conventions of the shared measurements (see {@link RequestEvent}), until
   * `stop()`. Uses the heap's observer, still calling any observer already
   * set. Requests other code makes on the same heap are recorded as
   * malloc/free, with the size of such frees unknown (null).
   */
  recordRequests(): RequestRecording {
    return recordRequests(this.#sp.heap, this.#sp.pending);
  }
}
