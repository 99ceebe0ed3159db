/**
 * `object()`, classes (`defineClass`), instances, attributes and managed dicts.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { findEmptySlot, initKeys, setIndex } from './dict-keys.js';
import { addToInsertionOrder, freeValues, lookup, writeEntry } from './dict-table.js';
import { dict, dictGet, dictSet } from './dict.js';
import { ObjectModelError } from './errors.js';
import { hashInto } from './hashing.js';
import { DICT_KEYS, DICT_KEYS_SPLIT, DICT_USED, DICT_VALUES, DK_NENTRIES, DK_REFCNT, DK_USABLE, FIRST_CLASS_ID, GC_HEAD, GC_NEXT, INSTANCE_SLOTS, MANAGED_DICT, MANAGED_VALUES, OB_TYPE, SHARED_KEYS_LOG2, SHARED_KEYS_MAX_SIZE, T_OBJECT, keysBlockSize, valuesBlockSize, valuesPrefix, GC_FLAG_FINALIZED } from './layout.js';
import { decref, incref, trashBegin, trashEnd, xdecref } from './refcount.js';
import { intern } from './scalars.js';
import type { SpaceState } from './state.js';
import { clearRef, clearWeakRefs } from './weakrefs.js';
import type { ClassInfo, ClassOpts } from './types.js';

/** A new bare `object()` (16 bytes, not a GC object). */
export function object(sp: SpaceState): number {
  const a = sp.malloc(16);
  sp.born(a, T_OBJECT, false);
  return a;
}

/**
 * Defines a class (`class name: __slots__ = …`) and returns its info. The
 * class itself is not a heap object in this layer; a class with a managed
 * `__dict__` allocates its shared keys object (log2 size 6, 768 bytes),
 * as `type_new` does.
 */
export function defineClass(sp: SpaceState, name: string, opts: ClassOpts = {}): ClassInfo {
  const given = opts.slots;
  const managedDict = given === undefined || given.includes('__dict__');
  const weakrefSlot = given === undefined || given.includes('__weakref__');
  const slots = given === undefined ? [] : given.filter((s) => s !== '__dict__' && s !== '__weakref__').sort();
  if (new Set(slots).size !== slots.length) throw new ObjectModelError('E_VALUE', `defineClass ${name}: duplicate slot names`);
  let sharedKeys = 0;
  if (managedDict) {
    sharedKeys = sp.malloc(keysBlockSize(SHARED_KEYS_LOG2, true));
    initKeys(sp.mem, sharedKeys, SHARED_KEYS_LOG2, DICT_KEYS_SPLIT, SHARED_KEYS_MAX_SIZE);
  }
  const info: ClassInfo = {
    id: FIRST_CLASS_ID + sp.classes.length,
    name,
    slots,
    basicsize: 16 + 8 * slots.length + (weakrefSlot ? 8 : 0),
    presize: GC_HEAD + (managedDict ? 16 : 0),
    managedDict,
    weakrefSlot,
    sharedKeys,
    hasDel: opts.del !== undefined,
    hasLegacyDel: opts.legacyDel !== undefined,
  };
  sp.classes.push(info);
  sp.classDel.push(opts.del ?? null);
  if (opts.del !== undefined) sp.gc.delClasses++;
  if (opts.legacyDel !== undefined) sp.gc.legacyClasses++;
  const legacy = opts.legacyDel;
  sp.classLegacyDel.push(legacy === undefined ? null : legacy === true ? noop : legacy);
  return info;
}

/**
 * A new instance of `cls` (`object.__new__`): one block of presize +
 * basicsize (56 for `class C: pass`), zeroed and tracked; with a managed
 * dict, then a values array sized from the shared keys (whose `usable`
 * shrinks by one per instance, as in 3.11).
 */
export function instance(sp: SpaceState, cls: ClassInfo | number): number {
  const c = typeof cls === 'number' ? sp.classes[cls - FIRST_CLASS_ID] : cls;
  if (c === undefined || sp.classes[c.id - FIRST_CLASS_ID] !== c) throw new ObjectModelError('E_VALUE', `instance: not a class of this space`);
  const typeObject = sp.classObjects[c.id - FIRST_CLASS_ID] ?? 0;
  if (typeObject < 0) throw new ObjectModelError('E_DEAD', `instance: the class object of ${c.name} was deallocated`);
  const block = sp.malloc(c.presize + c.basicsize);
  sp.mem.u8.fill(0, block, block + c.presize + c.basicsize);
  const a = block + c.presize;
  sp.gcLink(a);
  sp.born(a, c.id, false);
  // a heap type's instances hold a reference to it
  if (typeObject > 0) incref(sp, typeObject);
  sp.track(a);
  if (c.managedDict) {
    const k = c.sharedKeys;
    const usable = sp.r(k + DK_USABLE);
    if (usable > 1) sp.w(k + DK_USABLE, usable - 1);
    const size = sp.r(k + DK_NENTRIES) + sp.r(k + DK_USABLE);
    const prefix = valuesPrefix(size);
    const mem = sp.malloc(valuesBlockSize(size));
    const values = mem + prefix;
    sp.mem.u8.fill(0, mem, values + 8 * size);
    sp.mem.u8[values - 1] = prefix;
    sp.mem.u8[values - 2] = 0;
    sp.valuesSlots.set(values, size);
    sp.w(a + MANAGED_VALUES, values);
  }
  return a;
}

/**
 * `setattr(obj, name, value)` on an instance: a slot, or the managed dict
 * (the values array while the shared keys can take the name, else the
 * materialised dict). `value` gets a new reference; the old one is released.
 */
export function setAttr(sp: SpaceState, obj: number, name: string, value: number): void {
  const c = sp.classOf(obj, 'setAttr');
  sp.check(value, 'setAttr value');
  const si = c.slots.indexOf(name);
  if (si >= 0) {
    const p = obj + INSTANCE_SLOTS + 8 * si;
    const old = sp.r(p);
    incref(sp, value);
    sp.w(p, value);
    xdecref(sp, old);
    return;
  }
  if (!c.managedDict) throw new ObjectModelError('E_VALUE', `setAttr: '${c.name}' object at 0x${obj.toString(16)} has no attribute '${name}'`, obj, c.name);
  const nameStr = intern(sp, name);
  const values = sp.r(obj + MANAGED_VALUES);
  if (values !== 0) {
    const k = c.sharedKeys;
    hashInto(sp, nameStr);
    let ix = lookup(sp, k, nameStr);
    const slots = sp.valuesSlots.get(values) ?? 0;
    if (ix < 0 && sp.rs(k + DK_USABLE) > 0) {
      // insert_into_dictkeys
      const hLo = sp.hLo;
      const hHi = sp.hHi;
      ix = sp.r(k + DK_NENTRIES);
      incref(sp, nameStr);
      setIndex(sp.mem, k, findEmptySlot(sp.mem, k, hLo, hHi), ix);
      writeEntry(sp, k, ix, nameStr, 0, hLo, hHi);
      sp.w(k + DK_USABLE, sp.r(k + DK_USABLE) - 1);
      sp.w(k + DK_NENTRIES, ix + 1);
    }
    if (ix >= 0 && ix < slots) {
      const old = sp.r(values + 8 * ix);
      incref(sp, value);
      sp.w(values + 8 * ix, value);
      if (old === 0) addToInsertionOrder(sp, values, ix);
      else decref(sp, old);
      return;
    }
  }
  const d = instanceDict(sp, obj);
  dictSet(sp, d, nameStr, value);
  decref(sp, d);
}

/** `obj.name` on an instance (borrowed reference), or 0 when unset. */
export function getAttr(sp: SpaceState, obj: number, name: string): number {
  const c = sp.classOf(obj, 'getAttr');
  const si = c.slots.indexOf(name);
  if (si >= 0) return sp.r(obj + INSTANCE_SLOTS + 8 * si);
  if (!c.managedDict) return 0;
  const nameStr = intern(sp, name);
  const values = sp.r(obj + MANAGED_VALUES);
  if (values !== 0) {
    hashInto(sp, nameStr);
    const ix = lookup(sp, c.sharedKeys, nameStr);
    return ix >= 0 && ix < (sp.valuesSlots.get(values) ?? 0) ? sp.r(values + 8 * ix) : 0;
  }
  const d = sp.r(obj + MANAGED_DICT);
  return d === 0 ? 0 : dictGet(sp, d, nameStr);
}

/**
 * `obj.__dict__` (new reference): materialises the managed dict on first
 * request (`make_dict_from_instance_attributes`: a split dict sharing the
 * class's keys and taking over the values array).
 */
export function instanceDict(sp: SpaceState, obj: number): number {
  const c = sp.classOf(obj, 'instanceDict');
  if (!c.managedDict) throw new ObjectModelError('E_VALUE', `instanceDict: '${c.name}' object at 0x${obj.toString(16)} has no __dict__`, obj, c.name);
  let d = sp.r(obj + MANAGED_DICT);
  if (d !== 0) {
    incref(sp, d);
    return d;
  }
  const values = sp.r(obj + MANAGED_VALUES);
  d = dict(sp);
  if (values !== 0) {
    const k = c.sharedKeys;
    sp.w(k + DK_REFCNT, sp.r(k + DK_REFCNT) + 1);
    const count = sp.mem.u8[values - 2]!;
    let track = false;
    for (let i = 0; i < count; i++) if (sp.mayBeTracked(sp.r(values + 8 * sp.mem.u8[values - 3 - i]!))) track = true;
    sp.w(d + DICT_KEYS, k);
    sp.w(d + DICT_VALUES, values);
    sp.w(d + DICT_USED, count);
    if (track) sp.track(d);
    sp.w(obj + MANAGED_VALUES, 0);
  }
  sp.w(obj + MANAGED_DICT, d);
  incref(sp, d);
  return d;
}

/** `subtype_dealloc` (no finalizers or weakrefs in this layer): slots, then the dict or values, then the block. */
export function instanceDealloc(sp: SpaceState, a: number): void {
  const t = sp.r(a + OB_TYPE);
  const ci = t - FIRST_CLASS_ID;
  const c = sp.classes[ci]!;
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (trashBegin(sp, a)) return;
  const del = (sp.classDel[ci] ?? null);
  if (del !== null) {
    // PyObject_CallFinalizerFromDealloc, tracked around the call
    sp.track(a);
    if (finalizeFromDealloc(sp, a, del)) {
      trashEnd(sp);
      return;
    }
    sp.untrack(a);
  }
  const wl = c.weakrefSlot ? a + INSTANCE_SLOTS + 8 * c.slots.length : 0;
  if (wl !== 0 && sp.r(wl) !== 0) clearWeakRefs(sp, a);
  const legacy = (sp.classLegacyDel[ci] ?? null);
  if (legacy !== null) {
    sp.track(a);
    sp.w(a, 1);
    legacy(a);
    const rc = sp.r(a) - 1;
    sp.w(a, rc);
    if (rc > 0) {
      trashEnd(sp);
      return;
    }
    sp.untrack(a);
  }
  if ((del !== null || legacy !== null) && wl !== 0) {
    // _PyWeakref_ClearWeakRefsExceptCallbacks: refs made by the finalizer
    while (sp.r(wl) !== 0) clearRef(sp, sp.r(wl));
  }
  for (let i = 0; i < c.slots.length; i++) {
    const p = a + INSTANCE_SLOTS + 8 * i;
    const x = sp.r(p);
    if (x !== 0) {
      sp.w(p, 0);
      decref(sp, x);
    }
  }
  if (c.managedDict) {
    const d = sp.r(a + MANAGED_DICT);
    if (d !== 0) {
      sp.w(a + MANAGED_DICT, 0);
      decref(sp, d);
    } else {
      const values = sp.r(a + MANAGED_VALUES);
      if (values !== 0) {
        sp.w(a + MANAGED_VALUES, 0);
        const n = sp.r(c.sharedKeys + DK_NENTRIES);
        const slots = sp.valuesSlots.get(values) ?? 0;
        for (let i = 0; i < n && i < slots; i++) xdecref(sp, sp.r(values + 8 * i));
        freeValues(sp, values);
      }
    }
  }
  sp.gcDel(a, c.presize, c.presize + c.basicsize, t);
  // subtype_dealloc: the type's reference goes last
  const cls = sp.classObjects[ci] ?? 0;
  if (cls > 0) decref(sp, cls);
  trashEnd(sp);
}

function noop(): void {
  // a legacy finalizer declared with `true`: only its presence matters
}

/**
 * `PyObject_CallFinalizerFromDealloc`: resurrect to 1, call `__del__` once
 * (the finalized flag in the GC head), undo; true when the finalizer
 * resurrected the object (its count stays, the dealloc stops).
 */
export function finalizeFromDealloc(sp: SpaceState, a: number, del: (self: number) => void): boolean {
  sp.w(a, 1);
  callFinalizer(sp, a, del);
  const rc = sp.r(a) - 1;
  sp.w(a, rc);
  return rc > 0;
}

/** `PyObject_CallFinalizer`: runs `__del__` unless the GC head says it already ran, then sets that flag. */
export function callFinalizer(sp: SpaceState, a: number, del: (self: number) => void): void {
  const fi = (a - GC_HEAD + 12) >>> 2;
  const u32 = sp.mem.u32;
  if ((u32[fi]! & GC_FLAG_FINALIZED) !== 0) return;
  del(a);
  u32[fi] = u32[fi]! | GC_FLAG_FINALIZED;
}

/**
 * `subtype_clear`: `__slots__` (each set to NULL, then released), then the
 * managed-dict values (`_PyObject_ClearInstanceAttributes`, first to last;
 * the array stays until dealloc), then the materialised `__dict__`.
 */
export function instanceClear(sp: SpaceState, a: number): void {
  const c = sp.classes[sp.r(a + OB_TYPE) - FIRST_CLASS_ID]!;
  for (let i = 0; i < c.slots.length; i++) {
    const p = a + INSTANCE_SLOTS + 8 * i;
    const x = sp.r(p);
    if (x !== 0) {
      sp.w(p, 0);
      decref(sp, x);
    }
  }
  if (!c.managedDict) return;
  const values = sp.r(a + MANAGED_VALUES);
  if (values !== 0) {
    const slots = sp.valuesSlots.get(values) ?? 0;
    for (let i = 0; i < sp.r(c.sharedKeys + DK_NENTRIES) && i < slots; i++) {
      const x = sp.r(values + 8 * i);
      if (x !== 0) {
        sp.w(values + 8 * i, 0);
        decref(sp, x);
      }
    }
  }
  const d = sp.r(a + MANAGED_DICT);
  if (d !== 0) {
    sp.w(a + MANAGED_DICT, 0);
    decref(sp, d);
  }
}
