/**
 * Public option and result types of `ObjectSpace`.
 * @packageDocumentation
 */
import type { Pymalloc } from '@pymem/arena';
import type { ObjectObserver } from './events.js';

/** Options of {@link ObjectSpace}. */
export interface ObjectSpaceOpts {
  /**
   * The allocator objects live in. It must be a linear heap (addresses are
   * byte offsets into `heap.memory`, large blocks in the same memory), e.g.
   * `createLinearHeap({ ... })` with any geometry or backing.
   * @defaultValue `createLinearHeap()`
   */
  heap?: Pymalloc;
  /** Object-level event observer; can also be set later. @defaultValue none */
  observer?: ObjectObserver;
}

/** Options of {@link ObjectSpace.defineClass}. */
export interface ClassOpts {
  /**
   * `__slots__`. Omitted: instances get a managed `__dict__` and a
   * `__weakref__` slot, like `class C: pass`. Given: only these slots, plus a
   * managed dict if it names `'__dict__'` and a weakref slot if it names
   * `'__weakref__'`.
   */
  slots?: readonly string[];
  /**
   * `__del__` (PEP 442 `tp_finalize`): called with the instance once per
   * object (a flag in its GC head), from dealloc or from the collector;
   * it may resurrect the object (incref it, store it somewhere).
   */
  del?: (self: number) => void;
  /**
   * A legacy finalizer (`tp_del`, what C types had before PEP 442): `true`
   * or a callback run from dealloc. The collector never breaks a cycle
   * holding such an object: it and what it reaches are uncollectable and
   * the object goes to `gc.garbage`.
   */
  legacyDel?: true | ((self: number) => void);
}

/** A class made with {@link ObjectSpace.defineClass}. */
export interface ClassInfo {
  /** Type id, stored in `ob_type` of its instances. */
  readonly id: number;
  /** `__name__`. */
  readonly name: string;
  /** Slot names in member order (CPython sorts `__slots__`), without `__dict__`/`__weakref__`. */
  readonly slots: readonly string[];
  /** `tp_basicsize`: 16 + 8 per slot + 8 for a `__weakref__` slot. */
  readonly basicsize: number;
  /** Bytes before the object: 16 (GC head), + 16 with a managed dict. */
  readonly presize: number;
  /** Instances have a managed `__dict__` (values array, materialised on request). */
  readonly managedDict: boolean;
  /** Instances have a `__weakref__` slot. */
  readonly weakrefSlot: boolean;
  /** Address of the class's shared keys object (`ht_cached_keys`), 0 without a managed dict. */
  readonly sharedKeys: number;
  /** The class declares `__del__` ({@link ClassOpts.del}). */
  readonly hasDel: boolean;
  /** The class has a legacy finalizer ({@link ClassOpts.legacyDel}). */
  readonly hasLegacyDel: boolean;
}

/** Sizes of the type free lists (what a full collection empties). */
export interface FreeListSizes {
  readonly float: number;
  /** Index i: tuples of length i + 1. */
  readonly tuple: readonly number[];
  readonly list: number;
  readonly dict: number;
  readonly dictKeys: number;
}


/** A JS value of a scalar object, see {@link ObjectSpace.value}. */
export type ScalarValue = null | boolean | number | bigint | string | Uint8Array;

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
