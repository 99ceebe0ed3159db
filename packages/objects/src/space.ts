import type { Pymalloc } from '@pymem/arena';
import { createLinearHeap } from '@pymem/arena';
import { entryAddr, entryKey, entryValueAddr, findEmptySlot, getIndex, initKeys, keysKind, keysLog2, keysSize, setIndex } from './dict-keys.js';
import { ObjectModelError } from './errors.js';
import type { ObjectObserver } from './events.js';
import { hashBigInt, hashBytesSeed0, hashDouble, hashTuple } from './hash.js';
import { digitCount, readIntValue, writeIntDigits } from './int-digits.js';
import {
  BUILTIN_TYPE_NAMES,
  BYTEARRAY_ALLOC,
  BYTEARRAY_BYTES,
  BYTES_DATA,
  BYTES_HASH,
  DICT_BLOCK,
  DICT_FREELIST_MAX,
  DICT_KEYS,
  DICT_KEYS_GENERAL,
  DICT_KEYS_SPLIT,
  DICT_KEYS_UNICODE,
  DICT_LOG_MINSIZE,
  DICT_USED,
  DICT_VALUES,
  DK_INDICES,
  DK_NENTRIES,
  DK_REFCNT,
  DK_USABLE,
  FIRST_CLASS_ID,
  FLOAT_FREELIST_MAX,
  FLOAT_VALUE,
  GC_HEAD,
  GC_NEXT,
  GC_PREV,
  INSTANCE_SLOTS,
  LIST_ALLOCATED,
  LIST_BLOCK,
  LIST_FREELIST_MAX,
  LIST_ITEMS,
  MANAGED_DICT,
  MANAGED_VALUES,
  OB_SIZE,
  OB_TYPE,
  SET_BLOCK,
  SET_FILL,
  SET_HASH,
  SET_MASK,
  SET_MINSIZE,
  SET_SMALLTABLE,
  SET_TABLE,
  SET_USED,
  SHARED_KEYS_LOG2,
  SHARED_KEYS_MAX_SIZE,
  STR_HASH,
  STR_LENGTH,
  STR_STATE,
  TRASHCAN_UNWIND_LEVEL,
  TUPLE_FREELIST_MAX,
  TUPLE_ITEMS,
  TUPLE_NFREELISTS,
  T_BOOL,
  T_BYTEARRAY,
  T_BYTES,
  T_DICT,
  T_FLOAT,
  T_FROZENSET,
  T_INT,
  T_LIST,
  T_NONE,
  T_OBJECT,
  T_SET,
  T_STR,
  T_TUPLE,
  intBlockSize,
  keysBlockSize,
  listCapacity,
  log2KeysizeFor,
  strBlockSize,
  tupleBlockSize,
  usableFraction,
  valuesBlockSize,
  valuesPrefix,
} from './layout.js';
import type { PendingRequest, RequestRecording } from './request-recording.js';
import { OP_CALLOC, OP_FREE, OP_MALLOC, OP_NONE, OP_REALLOC, recordRequests } from './request-recording.js';
import { readStr, strDataAddr, strIsAscii, strKind, writeStr } from './str-data.js';
import { rd, rds, wr, wrs } from './words.js';

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

const MAX_SMALL_INT = 256;
const MIN_SMALL_INT = -5;
const DKIX_EMPTY = -1;
const LINEAR_PROBES = 9;
const TWO32 = 4294967296;

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
export class ObjectSpace {
  /** The allocator objects live in. */
  readonly heap: Pymalloc;
  /** Object-level event observer. */
  observer: ObjectObserver | undefined;

  private readonly mem: Pymalloc['memory'];
  // Static objects: one block holding what CPython has in its data segment.
  private readonly staticBase: number;
  private readonly staticEnd: number;
  private readonly gen0: number;
  private readonly emptyKeys: number;
  /** The set `dummy` (a deleted entry's key). */
  private readonly setDummy: number;
  private readonly noneAddr: number;
  private readonly trueAddr: number;
  private readonly falseAddr: number;
  private readonly smallInts: number;
  private readonly emptyTuple: number;
  private readonly emptyStr: number;
  private readonly charStrs: Uint32Array;
  private readonly emptyBytes: number;
  private readonly charBytes: Uint32Array;

  /** Liveness bitmap: one bit per 16 bytes of memory. */
  private live = new Uint8Array(1024);
  private readonly classes: ClassInfo[] = [];
  private readonly interned = new Map<string, number>();
  /** Slot count of each live values array (its request size is not recoverable from its prefix). */
  private readonly valuesSlots = new Map<number, number>();

  // Free lists (3.11 constants).
  private floatFree = 0;
  private floatFreeCount = 0;
  private readonly tupleFree = new Uint32Array(TUPLE_NFREELISTS);
  private readonly tupleFreeCount = new Uint32Array(TUPLE_NFREELISTS);
  private readonly listFree = new Uint32Array(LIST_FREELIST_MAX);
  private listFreeCount = 0;
  private readonly dictFree = new Uint32Array(DICT_FREELIST_MAX);
  private dictFreeCount = 0;
  private readonly keysFree = new Uint32Array(DICT_FREELIST_MAX);
  private keysFreeCount = 0;

  // Trashcan.
  private trashNesting = 0;
  private trashLater = 0;
  /** `generations[0].count`. */
  private count0 = 0;

  // Pending request, read by the request recorder's arena observer.
  private readonly pending: PendingRequest = { op: OP_NONE, size: -1 };
  // Scratch hash (signed 64-bit as two 32-bit halves).
  private hLo = 0;
  private hHi = 0;
  private readonly hashOut = new Uint32Array(2);

  constructor(opts: ObjectSpaceOpts = {}) {
    const heap = opts.heap ?? createLinearHeap();
    if (heap.source.addressesAreOffsets !== true || heap.fallback.memory !== heap.source.memory) {
      throw new ObjectModelError('E_HEAP', 'ObjectSpace needs a linear heap (addresses are offsets into heap.memory, large blocks in the same memory), e.g. createLinearHeap()');
    }
    this.heap = heap;
    this.mem = heap.memory;
    this.observer = opts.observer;

    // Lay out the static objects in one block.
    let off = 0;
    const place = (size: number, gc: boolean): number => {
      const a = off + (gc ? GC_HEAD : 0);
      off = (a + size + 15) & ~15;
      return a;
    };
    const gen0 = place(16, false);
    const emptyKeys = place(DK_INDICES + 8, false);
    const dummy = place(16, false);
    const none = place(16, false);
    const f = place(28, false);
    const t = place(28, false);
    const smallInts = place(32 * (MAX_SMALL_INT - MIN_SMALL_INT + 1), false);
    const emptyTuple = place(24, true);
    const emptyStr = place(strBlockSize(0, 1, true), false);
    const chars: number[] = [];
    for (let c = 0; c < 256; c++) chars.push(place(strBlockSize(1, 1, c < 128), false));
    const emptyBytes = place(BYTES_DATA + 1, false);
    const bchars: number[] = [];
    for (let c = 0; c < 256; c++) bchars.push(place(BYTES_DATA + 2, false));
    const base = this.malloc(off);
    this.staticBase = base;
    this.staticEnd = base + off;
    this.mem.u8.fill(0, base, base + off);
    this.gen0 = base + gen0;
    this.w(this.gen0, this.gen0);
    this.w(this.gen0 + 8, this.gen0);
    this.emptyKeys = base + emptyKeys;
    this.setDummy = base + dummy;
    this.initStatic(this.setDummy, T_OBJECT);
    initKeys(this.mem, this.emptyKeys, DICT_LOG_MINSIZE, DICT_KEYS_UNICODE, 0);
    this.w(this.emptyKeys + DK_REFCNT, 1);
    this.noneAddr = base + none;
    this.initStatic(this.noneAddr, T_NONE);
    this.falseAddr = base + f;
    this.initStatic(this.falseAddr, T_BOOL);
    writeIntDigits(this.mem, this.falseAddr, 0);
    this.trueAddr = base + t;
    this.initStatic(this.trueAddr, T_BOOL);
    writeIntDigits(this.mem, this.trueAddr, 1);
    this.smallInts = base + smallInts;
    for (let v = MIN_SMALL_INT; v <= MAX_SMALL_INT; v++) {
      const a = this.smallInts + 32 * (v - MIN_SMALL_INT);
      this.initStatic(a, T_INT);
      writeIntDigits(this.mem, a, v);
    }
    this.emptyTuple = base + emptyTuple;
    this.initStatic(this.emptyTuple, T_TUPLE);
    this.emptyStr = base + emptyStr;
    this.initStatic(this.emptyStr, T_STR);
    writeStr(this.mem, this.emptyStr, '', 0, 1, true);
    this.charStrs = new Uint32Array(256);
    for (let c = 0; c < 256; c++) {
      const a = base + chars[c]!;
      this.charStrs[c] = a;
      this.initStatic(a, T_STR);
      writeStr(this.mem, a, String.fromCharCode(c), 1, 1, c < 128);
    }
    this.emptyBytes = base + emptyBytes;
    this.initStatic(this.emptyBytes, T_BYTES);
    this.writeBytesHeader(this.emptyBytes, 0);
    this.charBytes = new Uint32Array(256);
    for (let c = 0; c < 256; c++) {
      const a = base + bchars[c]!;
      this.charBytes[c] = a;
      this.initStatic(a, T_BYTES);
      this.writeBytesHeader(a, 1);
      this.mem.u8[a + BYTES_DATA] = c;
    }
  }

  // ------------------------------------------------------------ memory words

  /** Writes an unsigned value below 2**32 as a 64-bit word. */
  private w(a: number, v: number): void {
    wr(this.mem, a, v);
  }

  /** Reads the low 32 bits of a 64-bit word (pointers, counts). */
  private r(a: number): number {
    return rd(this.mem, a);
  }

  /** Writes a signed safe integer as a 64-bit word. */
  private ws(a: number, v: number): void {
    wrs(this.mem, a, v);
  }

  /** Reads a signed 64-bit word as a number (exact below 2**53). */
  private rs(a: number): number {
    return rds(this.mem, a);
  }

  private initStatic(a: number, type: number): void {
    this.w(a, 1);
    this.w(a + OB_TYPE, type);
    this.setLive(a);
  }

  // ------------------------------------------------------------ allocator calls

  private malloc(size: number): number {
    this.pending.op = OP_MALLOC;
    const p = this.heap.malloc(size);
    this.pending.op = OP_NONE;
    if (p === 0) throw new ObjectModelError('E_OOM', `malloc(${size}) failed`);
    return p;
  }

  private calloc(n: number, el: number): number {
    this.pending.op = OP_CALLOC;
    const p = this.heap.calloc(n, el);
    this.pending.op = OP_NONE;
    if (p === 0) throw new ObjectModelError('E_OOM', `calloc(${n}, ${el}) failed`);
    return p;
  }

  private realloc(p: number, oldSize: number, size: number): number {
    this.pending.op = OP_REALLOC;
    this.pending.size = p === 0 ? -1 : oldSize;
    const q = this.heap.realloc(p, size);
    this.pending.op = OP_NONE;
    if (q === 0 && size !== 0) throw new ObjectModelError('E_OOM', `realloc(${size}) failed`);
    return q;
  }

  private free(p: number, size: number): void {
    this.pending.op = OP_FREE;
    this.pending.size = size;
    this.heap.free(p);
    this.pending.op = OP_NONE;
  }

  // ------------------------------------------------------------ liveness

  private setLive(a: number): void {
    const i = a >>> 7;
    if (i >= this.live.length) {
      const next = new Uint8Array(Math.max(i + 1, this.live.length * 2));
      next.set(this.live);
      this.live = next;
    }
    this.live[i]! |= 1 << ((a >>> 4) & 7);
  }

  private clearLive(a: number): void {
    this.live[a >>> 7]! &= ~(1 << ((a >>> 4) & 7));
  }

  /** True when `address` holds a live object (created and not yet deallocated or recycled). */
  isAlive(address: number): boolean {
    if (!Number.isInteger(address) || address <= 0 || (address & 15) !== 0) return false;
    const i = address >>> 7;
    return i < this.live.length && (this.live[i]! & (1 << ((address >>> 4) & 7))) !== 0;
  }

  private check(a: number, what: string): void {
    if (!this.isAlive(a)) throw this.deadError(a, what, 'E_DEAD');
  }

  private deadError(a: number, what: string, code: 'E_DEAD' | 'E_REFCOUNT'): ObjectModelError {
    let last: string | undefined;
    if (Number.isInteger(a) && a > 0 && a + 16 <= this.mem.byteLength) {
      const t = this.r(a + OB_TYPE);
      if (t >= 1 && (t < BUILTIN_TYPE_NAMES.length || (t >= FIRST_CLASS_ID && t < FIRST_CLASS_ID + this.classes.length))) last = this.typeNameOfId(t);
    }
    const desc = last === undefined ? `0x${a.toString(16)}` : `${last} at 0x${a.toString(16)}`;
    const msg =
      code === 'E_REFCOUNT'
        ? `${what}: reference count of ${desc} would go below zero (it was already deallocated)`
        : `${what}: no live object at ${desc} (deallocated, recycled into a free list, or never an object)`;
    return new ObjectModelError(code, msg, a, last);
  }

  private typeError(a: number, what: string, expected: string): ObjectModelError {
    const t = this.typeName(a);
    return new ObjectModelError('E_TYPE', `${what}: expected ${expected}, got ${t} at 0x${a.toString(16)}`, a, t);
  }

  // ------------------------------------------------------------ object life

  private born(a: number, type: number, recycled: boolean): void {
    this.w(a, 1);
    this.w(a + OB_TYPE, type);
    this.setLive(a);
    if (this.observer?.objectCreate !== undefined) this.observer.objectCreate(a, type, this.sizeof(a), recycled);
  }

  private died(a: number, type: number, recycled: boolean): void {
    this.clearLive(a);
    if (this.observer?.objectDealloc !== undefined) this.observer.objectDealloc(a, type, recycled);
  }

  /** PyObject_GC_New: block = GC head + basicsize; counts toward `generations[0].count`. */
  private gcNew(basicsize: number, presize: number): number {
    const block = this.malloc(presize + basicsize);
    const a = block + presize;
    this.w(a + GC_NEXT, 0);
    this.w(a + GC_PREV, 0);
    this.count0++;
    return a;
  }

  /** PyObject_GC_Del. */
  private gcDel(a: number, presize: number, blockSize: number, type: number): void {
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.count0 > 0) this.count0--;
    this.died(a, type, false);
    this.free(a - presize, blockSize);
  }

  /** PyObject_Free of a non-GC object. */
  private objFree(a: number, size: number, type: number): void {
    this.died(a, type, false);
    this.free(a, size);
  }

  /** `_PyObject_GC_TRACK`: link at the end of generation 0 (in the GC heads). */
  private track(a: number): void {
    const g = a - GC_HEAD;
    const head = this.gen0;
    const last = this.r(head + 8);
    this.w(last, g);
    this.w(g + 8, last);
    this.w(g, head);
    this.w(head + 8, g);
  }

  /** `_PyObject_GC_UNTRACK`. */
  private untrack(a: number): void {
    const g = a - GC_HEAD;
    const prev = this.r(g + 8);
    const next = this.r(g);
    this.w(prev, next);
    this.w(next + 8, prev);
    this.w(g, 0);
    this.w(g + 8, 0);
  }

  /** Increments the reference count of a live object. */
  incref(a: number): void {
    this.check(a, 'incref');
    const i = a >>> 2;
    const u32 = this.mem.u32;
    u32[i] = u32[i]! + 1;
  }

  /**
   * Decrements the reference count; at 0 the object is deallocated at once
   * (children first released in CPython's order, through the trashcan).
   * @throws {@link ObjectModelError} `E_REFCOUNT` for an object already
   *   deallocated (the count would go below zero), `E_STATIC` when a static
   *   object (None, a small int, …) would be deallocated.
   */
  decref(a: number): void {
    if (!this.isAlive(a)) throw this.deadError(a, 'decref', 'E_REFCOUNT');
    const u32 = this.mem.u32;
    const i = a >>> 2;
    const rc = u32[i]!;
    if (rc === 0) throw this.deadError(a, 'decref', 'E_REFCOUNT');
    if (rc === 1) {
      if (a >= this.staticBase && a < this.staticEnd) {
        throw new ObjectModelError('E_STATIC', `decref: would deallocate the static ${this.typeName(a)} at 0x${a.toString(16)}`, a, this.typeName(a));
      }
      u32[i] = 0;
      this.dealloc(a);
    } else {
      u32[i] = rc - 1;
    }
  }

  /** Py_XDECREF inside deallocators. */
  private xdecref(a: number): void {
    if (a !== 0) this.decref(a);
  }

  /** `ob_refcnt`. */
  refcount(a: number): number {
    this.check(a, 'refcount');
    return this.r(a);
  }

  /** Type id (`ob_type`). */
  typeOf(a: number): number {
    this.check(a, 'typeOf');
    return this.r(a + OB_TYPE);
  }

  /** `type(obj).__name__`. */
  typeName(a: number): string {
    return this.typeNameOfId(this.typeOf(a));
  }

  /** Name of a type id. */
  typeNameOfId(id: number): string {
    if (id < FIRST_CLASS_ID) return BUILTIN_TYPE_NAMES[id] ?? `<type ${id}>`;
    return this.classes[id - FIRST_CLASS_ID]?.name ?? `<type ${id}>`;
  }

  /** The class with type id `id`, or undefined for a built-in type. */
  classInfo(id: number): ClassInfo | undefined {
    return this.classes[id - FIRST_CLASS_ID];
  }

  private isGcType(t: number): boolean {
    return t === T_TUPLE || t === T_LIST || t === T_DICT || t === T_SET || t === T_FROZENSET || t >= FIRST_CLASS_ID;
  }

  /** `gc.is_tracked(obj)`: linked in a GC generation list. */
  isTracked(a: number): boolean {
    const t = this.typeOf(a);
    return this.isGcType(t) && this.r(a + GC_NEXT) !== 0;
  }

  /** `_PyObject_GC_MAY_BE_TRACKED`. */
  private mayBeTracked(a: number): boolean {
    const t = this.r(a + OB_TYPE);
    if (!this.isGcType(t)) return false;
    return t !== T_TUPLE || this.r(a + GC_NEXT) !== 0;
  }

  /** `gc.get_count()[0]`: GC objects allocated minus GC objects freed (not below 0), as in 3.11. */
  get gcCount0(): number {
    return this.count0;
  }

  // ------------------------------------------------------------ statics

  /** `None` (static; no new reference). */
  get none(): number {
    return this.noneAddr;
  }

  /** `True` (static; no new reference). */
  get true(): number {
    return this.trueAddr;
  }

  /** `False` (static; no new reference). */
  get false(): number {
    return this.falseAddr;
  }

  /** True for objects in the static block (None, bools, small ints, empty/1-char str and bytes, the empty tuple). */
  isStatic(a: number): boolean {
    return a >= this.staticBase && a < this.staticEnd;
  }

  private staticRef(a: number): number {
    const u32 = this.mem.u32;
    u32[a >>> 2] = u32[a >>> 2]! + 1;
    return a;
  }

  // ------------------------------------------------------------ int, float

  /** A new reference to `bool(v)` (`True`/`False` are static). */
  bool(v: boolean): number {
    return this.staticRef(v ? this.trueAddr : this.falseAddr);
  }

  /** A new reference to `None`. */
  newNone(): number {
    return this.staticRef(this.noneAddr);
  }

  /**
   * A new `int`: -5..256 are static; others are `24 + 4 * ndigits` bytes
   * (30-bit digits). Numbers must be integers; BigInts are unbounded.
   */
  int(v: number | bigint): number {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new ObjectModelError('E_VALUE', `int(${v}): not an integer`);
      if (v >= MIN_SMALL_INT && v <= MAX_SMALL_INT) return this.staticRef(this.smallInts + 32 * (v - MIN_SMALL_INT));
      if (!Number.isSafeInteger(v)) v = BigInt(v);
    } else if (v >= BigInt(MIN_SMALL_INT) && v <= BigInt(MAX_SMALL_INT)) {
      return this.int(Number(v));
    }
    const n = digitCount(v);
    const a = this.malloc(intBlockSize(n));
    writeIntDigits(this.mem, a, v);
    this.born(a, T_INT, false);
    return a;
  }

  /** A new `float` (24 bytes), from the float free list when it has one. */
  float(v: number): number {
    let a = this.floatFree;
    let recycled = false;
    if (a !== 0) {
      this.floatFree = this.r(a + OB_TYPE);
      this.floatFreeCount--;
      recycled = true;
    } else {
      a = this.malloc(24);
    }
    this.mem.dv.setFloat64(a + FLOAT_VALUE, v, true);
    this.born(a, T_FLOAT, recycled);
    return a;
  }

  // ------------------------------------------------------------ str, bytes

  /**
   * A new `str` in CPython's compact form: ASCII (48 + len + 1 bytes) or
   * latin-1/UCS-2/UCS-4 (72 + (len + 1) * kind). The empty string and
   * one-character latin-1 strings are static. Characters live in the block.
   */
  str(s: string): number {
    let len = 0;
    let max = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.codePointAt(i)!;
      if (c > 0xffff) i++;
      if (c > max) max = c;
      len++;
    }
    if (len === 0) return this.staticRef(this.emptyStr);
    if (len === 1 && max < 256) return this.staticRef(this.charStrs[max]!);
    const ascii = max < 128;
    const kind = max < 256 ? 1 : max < 65536 ? 2 : 4;
    const a = this.malloc(strBlockSize(len, kind, ascii));
    writeStr(this.mem, a, s, len, kind, ascii);
    this.born(a, T_STR, false);
    return a;
  }

  /**
   * The interned `str` for `s` (what CPython does for identifiers): made on
   * first use and kept by the space for its lifetime. Borrowed reference.
   */
  intern(s: string): number {
    let a = this.interned.get(s);
    if (a === undefined) {
      a = this.str(s);
      if (!this.isStatic(a)) this.w(a + STR_STATE, this.r(a + STR_STATE) | 1);
      this.interned.set(s, a);
    }
    return a;
  }

  /** A new `bytes` (33 + len bytes); empty and one-byte values are static. */
  bytes(data: ArrayLike<number>): number {
    const n = data.length;
    if (n === 0) return this.staticRef(this.emptyBytes);
    if (n === 1) return this.staticRef(this.charBytes[data[0]! & 255]!);
    const a = this.malloc(BYTES_DATA + n + 1);
    this.writeBytesHeader(a, n);
    const u8 = this.mem.u8;
    for (let i = 0; i < n; i++) u8[a + BYTES_DATA + i] = data[i]!;
    this.born(a, T_BYTES, false);
    return a;
  }

  private writeBytesHeader(a: number, n: number): void {
    this.w(a + OB_SIZE, n);
    this.ws(a + BYTES_HASH, -1);
    this.mem.u8[a + BYTES_DATA + n] = 0;
  }

  /**
   * A new `bytearray`: a 56-byte object, and for non-empty contents a buffer
   * of len + 1 bytes (`realloc(NULL, len + 1)`, as `PyByteArray_Resize` does).
   */
  bytearray(data: ArrayLike<number> = []): number {
    const a = this.malloc(56);
    this.mem.u8.fill(0, a, a + 56);
    const n = data.length;
    if (n > 0) {
      const buf = this.realloc(0, 0, n + 1);
      const u8 = this.mem.u8;
      for (let i = 0; i < n; i++) u8[buf + i] = data[i]!;
      u8[buf + n] = 0;
      this.w(a + OB_SIZE, n);
      this.w(a + BYTEARRAY_ALLOC, n + 1);
      this.w(a + BYTEARRAY_BYTES, buf);
      this.w(a + 40, buf);
    }
    this.born(a, T_BYTEARRAY, false);
    return a;
  }

  // ------------------------------------------------------------ tuple

  /**
   * A new `tuple` of `items` (each gets a new reference): `16 + 24 + 8n`
   * bytes, from the free list of its length (1..20) when it has one; the
   * empty tuple is a static singleton.
   */
  tuple(items: readonly number[]): number {
    const n = items.length;
    for (const x of items) this.check(x, 'tuple item');
    if (n === 0) return this.staticRef(this.emptyTuple);
    let a: number;
    let recycled = false;
    if (n <= TUPLE_NFREELISTS && this.tupleFree[n - 1] !== 0) {
      a = this.tupleFree[n - 1]!;
      this.tupleFree[n - 1] = this.r(a + TUPLE_ITEMS);
      this.tupleFreeCount[n - 1]!--;
      recycled = true;
    } else {
      a = this.gcNew(24 + 8 * n, GC_HEAD);
    }
    this.w(a + OB_SIZE, n);
    for (let i = 0; i < n; i++) {
      this.incref(items[i]!);
      this.w(a + TUPLE_ITEMS + 8 * i, items[i]!);
    }
    this.born(a, T_TUPLE, recycled);
    this.track(a);
    return a;
  }

  // ------------------------------------------------------------ list

  /** PyList_New(0) without items: the list object, from the free list when it has one. */
  private newListObject(): number {
    let a: number;
    let recycled = false;
    if (this.listFreeCount > 0) {
      a = this.listFree[--this.listFreeCount]!;
      recycled = true;
    } else {
      a = this.gcNew(40, GC_HEAD);
    }
    this.w(a + OB_SIZE, 0);
    this.w(a + LIST_ITEMS, 0);
    this.w(a + LIST_ALLOCATED, 0);
    this.born(a, T_LIST, recycled);
    return a;
  }

  /**
   * A new `list` as `[a, b, …]` builds it (`PyList_New(n)`): a 56-byte object
   * (from the list free list when it has one) and, for n > 0, an items array
   * of exactly n slots (`calloc(n, 8)`). Each item gets a new reference.
   */
  list(items: readonly number[] = []): number {
    for (const x of items) this.check(x, 'list item');
    const a = this.newListObject();
    const n = items.length;
    if (n > 0) {
      const p = this.calloc(n, 8);
      this.w(a + LIST_ITEMS, p);
      this.w(a + LIST_ALLOCATED, n);
      this.w(a + OB_SIZE, n);
      for (let i = 0; i < n; i++) {
        this.incref(items[i]!);
        this.w(p + 8 * i, items[i]!);
      }
    }
    this.track(a);
    return a;
  }

  private expectType(a: number, t: number, what: string): void {
    this.check(a, what);
    if (this.r(a + OB_TYPE) !== t) throw this.typeError(a, what, BUILTIN_TYPE_NAMES[t]!);
  }

  /** `list_resize` (3.11): keep the array when it fits and is at least half used, else realloc with over-allocation. */
  private listResize(a: number, newsize: number): void {
    const allocated = this.r(a + LIST_ALLOCATED);
    if (allocated >= newsize && newsize >= allocated >>> 1) {
      this.w(a + OB_SIZE, newsize);
      return;
    }
    const cap = listCapacity(newsize, this.r(a + OB_SIZE));
    const items = this.r(a + LIST_ITEMS);
    const p = this.realloc(items, 8 * allocated, 8 * cap);
    this.w(a + LIST_ITEMS, p);
    this.w(a + OB_SIZE, newsize);
    this.w(a + LIST_ALLOCATED, cap);
  }

  /** `list.append(x)`: `list_resize(n + 1)`, then a new reference to `x` in slot n. */
  listAppend(l: number, x: number): void {
    this.expectType(l, T_LIST, 'listAppend');
    this.check(x, 'listAppend item');
    const n = this.r(l + OB_SIZE);
    this.listResize(l, n + 1);
    this.incref(x);
    this.w(this.r(l + LIST_ITEMS) + 8 * n, x);
  }

  /**
   * `list.extend(seq)` of a list or tuple's items: an empty list gets
   * exactly `(n + 1) & ~1` slots (`list_preallocate_exact`), a non-empty one
   * `list_resize(m + n)`.
   */
  listExtend(l: number, items: readonly number[]): void {
    this.expectType(l, T_LIST, 'listExtend');
    for (const x of items) this.check(x, 'listExtend item');
    const n = items.length;
    if (n === 0) return;
    const m = this.r(l + OB_SIZE);
    if (this.r(l + LIST_ITEMS) === 0) {
      const cap = (n + 1) & ~1;
      this.w(l + LIST_ITEMS, this.malloc(8 * cap));
      this.w(l + LIST_ALLOCATED, cap);
      this.w(l + OB_SIZE, n);
    } else {
      this.listResize(l, m + n);
    }
    const p = this.r(l + LIST_ITEMS);
    for (let i = 0; i < n; i++) {
      this.incref(items[i]!);
      this.w(p + 8 * (m + i), items[i]!);
    }
  }

  /** `l[i] = x`: the old item is released after the new one is stored. */
  listSetItem(l: number, i: number, x: number): void {
    this.expectType(l, T_LIST, 'listSetItem');
    this.check(x, 'listSetItem item');
    i = this.listIndex(l, i, this.r(l + OB_SIZE), 'listSetItem');
    const slot = this.r(l + LIST_ITEMS) + 8 * i;
    const old = this.r(slot);
    this.incref(x);
    this.w(slot, x);
    this.decref(old);
  }

  private listIndex(l: number, i: number, n: number, what: string): number {
    if (!Number.isInteger(i) || i < -n || i >= n) throw new ObjectModelError('E_INDEX', `${what}: index ${i} out of range for a list of ${n} at 0x${l.toString(16)}`, l, 'list');
    return i < 0 ? i + n : i;
  }

  /** Removes item i (moving the tail down) and `list_resize(n - 1)`; returns the removed reference. */
  private listRemoveAt(l: number, i: number): number {
    const n = this.r(l + OB_SIZE);
    const p = this.r(l + LIST_ITEMS);
    const v = this.r(p + 8 * i);
    this.mem.u8.copyWithin(p + 8 * i, p + 8 * (i + 1), p + 8 * n);
    this.listResize(l, n - 1);
    return v;
  }

  /**
   * `l.pop(i)` (default: the last item): returns the item (the reference the
   * list had); the tail moves down and the list is `list_resize`d to n - 1.
   */
  listPop(l: number, i = -1): number {
    this.expectType(l, T_LIST, 'listPop');
    const n = this.r(l + OB_SIZE);
    if (n === 0) throw new ObjectModelError('E_INDEX', `listPop: pop from the empty list at 0x${l.toString(16)}`, l, 'list');
    return this.listRemoveAt(l, this.listIndex(l, i, n, 'listPop'));
  }

  /** `del l[i]`: remove, `list_resize(n - 1)`, then release the item. */
  listDelItem(l: number, i: number): void {
    this.expectType(l, T_LIST, 'listDelItem');
    const n = this.r(l + OB_SIZE);
    this.decref(this.listRemoveAt(l, this.listIndex(l, i, n, 'listDelItem')));
  }

  /** `l.insert(i, x)` (`ins1`): `list_resize(n + 1)`, move the tail up, a new reference to x at i (clamped like Python). */
  listInsert(l: number, i: number, x: number): void {
    this.expectType(l, T_LIST, 'listInsert');
    this.check(x, 'listInsert item');
    const n = this.r(l + OB_SIZE);
    let where = Math.trunc(i);
    if (where < 0) where = Math.max(0, where + n);
    if (where > n) where = n;
    this.listResize(l, n + 1);
    const p = this.r(l + LIST_ITEMS);
    this.mem.u8.copyWithin(p + 8 * (where + 1), p + 8 * where, p + 8 * n);
    this.incref(x);
    this.w(p + 8 * where, x);
  }

  /**
   * `l[start:stop]` (a new list): `PyList_New(0)` plus exactly
   * `stop - start` slots (`malloc`), as `list_slice` does.
   */
  listSlice(l: number, start: number, stop: number): number {
    this.expectType(l, T_LIST, 'listSlice');
    const n = this.r(l + OB_SIZE);
    const lo = Math.max(0, Math.min(n, start < 0 ? start + n : start));
    const hi = Math.max(0, Math.min(n, stop < 0 ? stop + n : stop));
    const len = hi - lo;
    const a = this.newListObject();
    if (len > 0) {
      const p = this.malloc(8 * len);
      this.w(a + LIST_ITEMS, p);
      this.w(a + LIST_ALLOCATED, len);
      this.w(a + OB_SIZE, len);
      const src = this.r(l + LIST_ITEMS);
      for (let i = 0; i < len; i++) {
        const x = this.r(src + 8 * (lo + i));
        this.incref(x);
        this.w(p + 8 * i, x);
      }
    }
    this.track(a);
    return a;
  }

  /** Items of a list or tuple, in order (borrowed references). */
  items(seq: number): number[] {
    this.check(seq, 'items');
    const t = this.r(seq + OB_TYPE);
    const n = this.r(seq + OB_SIZE);
    let p: number;
    if (t === T_LIST) p = this.r(seq + LIST_ITEMS);
    else if (t === T_TUPLE) p = seq + TUPLE_ITEMS;
    else throw this.typeError(seq, 'items', 'list or tuple');
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.r(p + 8 * i));
    return out;
  }

  /** `len(obj)` of a str, bytes, bytearray, tuple, list, dict, set or frozenset. */
  length(a: number): number {
    const t = this.typeOf(a);
    switch (t) {
      case T_STR:
        return this.r(a + STR_LENGTH);
      case T_BYTES:
      case T_BYTEARRAY:
      case T_TUPLE:
      case T_LIST:
        return this.r(a + OB_SIZE);
      case T_DICT:
        return this.r(a + DICT_USED);
      case T_SET:
      case T_FROZENSET:
        return this.r(a + SET_USED);
      default:
        throw this.typeError(a, 'length', 'a sized object');
    }
  }

  /** Slots of a list's items array (`allocated`). */
  listAllocated(l: number): number {
    this.expectType(l, T_LIST, 'listAllocated');
    return this.r(l + LIST_ALLOCATED);
  }

  // ------------------------------------------------------------ hashing

  /** Hash of `a` into hLo/hHi; throws for unhashable objects. */
  private hashInto(a: number): void {
    const t = this.r(a + OB_TYPE);
    switch (t) {
      case T_STR: {
        let lo = this.r(a + STR_HASH);
        let hi = this.r(a + STR_HASH + 4);
        if (lo === 0xffffffff && hi === 0xffffffff) {
          [lo, hi] = this.contentHash(strDataAddr(this.mem, a), this.r(a + STR_LENGTH) * strKind(this.mem, a));
          this.mem.u32[(a + STR_HASH) >>> 2] = lo;
          this.mem.u32[((a + STR_HASH) >>> 2) + 1] = hi;
        }
        this.hLo = lo;
        this.hHi = hi;
        return;
      }
      case T_BYTES: {
        let lo = this.r(a + BYTES_HASH);
        let hi = this.r(a + BYTES_HASH + 4);
        if (lo === 0xffffffff && hi === 0xffffffff) {
          [lo, hi] = this.contentHash(a + BYTES_DATA, this.r(a + OB_SIZE));
          this.mem.u32[(a + BYTES_HASH) >>> 2] = lo;
          this.mem.u32[((a + BYTES_HASH) >>> 2) + 1] = hi;
        }
        this.hLo = lo;
        this.hHi = hi;
        return;
      }
      case T_INT:
      case T_BOOL: {
        const v = readIntValue(this.mem, a);
        if (typeof v === 'number') this.setHashNumber(v === -1 ? -2 : v);
        else this.setHashBig(hashBigInt(v));
        return;
      }
      case T_FLOAT: {
        const v = this.mem.dv.getFloat64(a + FLOAT_VALUE, true);
        if (Number.isNaN(v)) this.pointerHash(a);
        else if (Number.isSafeInteger(v)) this.setHashNumber(v === -1 ? -2 : v);
        else this.setHashBig(hashDouble(v));
        return;
      }
      case T_TUPLE: {
        const n = this.r(a + OB_SIZE);
        const hs: bigint[] = [];
        for (let i = 0; i < n; i++) {
          this.hashInto(this.r(a + TUPLE_ITEMS + 8 * i));
          hs.push(BigInt.asIntN(64, (BigInt(this.hHi) << 32n) | BigInt(this.hLo)));
        }
        this.setHashBig(hashTuple(hs));
        return;
      }
      case T_LIST:
      case T_DICT:
      case T_SET:
      case T_BYTEARRAY:
        throw new ObjectModelError('E_UNHASHABLE', `unhashable type: '${BUILTIN_TYPE_NAMES[t]!}' (at 0x${a.toString(16)})`, a, BUILTIN_TYPE_NAMES[t]);
      default:
        // None (3.11 hashes it by address), object(), instances, frozenset (not modelled: identity).
        this.pointerHash(a);
    }
  }

  /**
   * `hash(obj)` as CPython 3.11 computes it: ints, floats and tuples exactly;
   * str and bytes as with `PYTHONHASHSEED=0` (SipHash-1-3, zero key); None,
   * `object()` and instances from their address (`_Py_HashPointer`).
   * @throws {@link ObjectModelError} `E_UNHASHABLE` for lists, dicts, sets, bytearrays.
   */
  hashOf(a: number): bigint {
    this.check(a, 'hashOf');
    this.hashInto(a);
    return BigInt.asIntN(64, (BigInt(this.hHi) << 32n) | BigInt(this.hLo));
  }

  /** `_Py_HashPointer`: the address rotated right by 4 bits. */
  private pointerHash(a: number): void {
    this.hLo = (a >>> 4) >>> 0;
    this.hHi = ((a & 15) << 28) >>> 0;
  }

  private setHashNumber(v: number): void {
    this.hLo = v >>> 0;
    this.hHi = Math.floor(v / TWO32) >>> 0;
  }

  private setHashBig(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.hLo = Number(u & 0xffffffffn);
    this.hHi = Number(u >> 32n);
  }

  /** Hash of str/bytes contents: CPython's SipHash-1-3 with the `PYTHONHASHSEED=0` key. */
  private contentHash(d: number, nbytes: number): [number, number] {
    hashBytesSeed0(this.mem.u8, d, nbytes, this.hashOut);
    return [this.hashOut[1]!, this.hashOut[0]!];
  }

  /** Rich equality as dicts and sets use it (identity, then by value for str, bytes, numbers, tuples). */
  private eq(a: number, b: number): boolean {
    if (a === b) return true;
    const ta = this.r(a + OB_TYPE);
    const tb = this.r(b + OB_TYPE);
    if (ta === T_STR && tb === T_STR) {
      const n = this.r(a + STR_LENGTH);
      if (n !== this.r(b + STR_LENGTH) || strKind(this.mem, a) !== strKind(this.mem, b)) return false;
      return this.bytesEqual(strDataAddr(this.mem, a), strDataAddr(this.mem, b), n * strKind(this.mem, a));
    }
    if (ta === T_BYTES && tb === T_BYTES) {
      const n = this.r(a + OB_SIZE);
      return n === this.r(b + OB_SIZE) && this.bytesEqual(a + BYTES_DATA, b + BYTES_DATA, n);
    }
    const na = ta === T_INT || ta === T_BOOL || ta === T_FLOAT;
    const nb = tb === T_INT || tb === T_BOOL || tb === T_FLOAT;
    if (na && nb) {
      const va = ta === T_FLOAT ? this.mem.dv.getFloat64(a + FLOAT_VALUE, true) : readIntValue(this.mem, a);
      const vb = tb === T_FLOAT ? this.mem.dv.getFloat64(b + FLOAT_VALUE, true) : readIntValue(this.mem, b);
      if (typeof va === typeof vb) return va === vb;
      const f = typeof va === 'number' ? va : (vb as number);
      const i = typeof va === 'bigint' ? va : (vb as bigint);
      return Number.isInteger(f) && BigInt(f) === i;
    }
    if (ta === T_TUPLE && tb === T_TUPLE) {
      const n = this.r(a + OB_SIZE);
      if (n !== this.r(b + OB_SIZE)) return false;
      for (let i = 0; i < n; i++) if (!this.eq(this.r(a + TUPLE_ITEMS + 8 * i), this.r(b + TUPLE_ITEMS + 8 * i))) return false;
      return true;
    }
    return false;
  }

  private bytesEqual(p: number, q: number, n: number): boolean {
    const u8 = this.mem.u8;
    for (let i = 0; i < n; i++) if (u8[p + i] !== u8[q + i]) return false;
    return true;
  }

  // ------------------------------------------------------------ dict keys objects

  /** `new_keys_object`: from the keys free list for log2 3 with unicode keys. */
  private newKeys(log2: number, unicode: boolean): number {
    let k: number;
    if (log2 === DICT_LOG_MINSIZE && unicode && this.keysFreeCount > 0) k = this.keysFree[--this.keysFreeCount]!;
    else k = this.malloc(keysBlockSize(log2, unicode));
    initKeys(this.mem, k, log2, unicode ? DICT_KEYS_UNICODE : DICT_KEYS_GENERAL, usableFraction(log2));
    return k;
  }

  /** Hash of the key stored in entry ix, into hLo/hHi. */
  private entryHash(k: number, ix: number): void {
    if (keysKind(this.mem, k) === DICT_KEYS_GENERAL) {
      const e = entryAddr(this.mem, k, ix);
      this.hLo = this.r(e);
      this.hHi = this.r(e + 4);
    } else {
      this.hashInto(entryKey(this.mem, k, ix));
    }
  }

  /** `_Py_dict_lookup` on a keys object: the entry index of `key`, or -1. hLo/hHi must hold its hash. */
  private lookup(k: number, key: number): number {
    const hLo = this.hLo;
    const hHi = this.hHi;
    const mask = 2 ** keysLog2(this.mem, k) - 1;
    let i = hLo & mask;
    let pLo = hLo;
    let pHi = hHi;
    for (;;) {
      const ix = getIndex(this.mem, k, i);
      if (ix >= 0) {
        const ek = entryKey(this.mem, k, ix);
        if (ek === key) return ix;
        this.entryHash(k, ix);
        if (this.hLo === hLo && this.hHi === hHi && this.eq(ek, key)) {
          return ix;
        }
        this.hLo = hLo;
        this.hHi = hHi;
      } else if (ix === DKIX_EMPTY) {
        return -1;
      }
      pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
      pHi = pHi >>> 5;
      i = (i * 5 + pLo + 1) & mask;
    }
  }

  /** `free_keys_object`: release entries (key then value, first to last), then the keys free list or PyObject_Free. */
  private freeKeys(k: number): void {
    const n = this.r(k + DK_NENTRIES);
    const kind = keysKind(this.mem, k);
    for (let i = 0; i < n; i++) {
      const e = entryAddr(this.mem, k, i);
      if (kind === DICT_KEYS_GENERAL) {
        this.xdecref(this.r(e + 8));
        this.xdecref(this.r(e + 16));
      } else {
        this.xdecref(this.r(e));
        this.xdecref(this.r(e + 8));
      }
    }
    this.releaseKeysBlock(k);
  }

  private releaseKeysBlock(k: number): void {
    const kind = keysKind(this.mem, k);
    if (keysLog2(this.mem, k) === DICT_LOG_MINSIZE && kind === DICT_KEYS_UNICODE && this.keysFreeCount < DICT_FREELIST_MAX) {
      this.keysFree[this.keysFreeCount++] = k;
      return;
    }
    this.free(k, keysSize(this.mem, k));
  }

  private keysDecref(k: number): void {
    if (k === this.emptyKeys) return;
    const rc = this.r(k + DK_REFCNT) - 1;
    this.w(k + DK_REFCNT, rc);
    if (rc === 0) this.freeKeys(k);
  }

  // ------------------------------------------------------------ dict

  /** A new empty `dict`: the 64-byte object (from the dict free list when it has one) with the shared empty keys; untracked. */
  dict(): number {
    let a: number;
    let recycled = false;
    if (this.dictFreeCount > 0) {
      a = this.dictFree[--this.dictFreeCount]!;
      recycled = true;
    } else {
      a = this.gcNew(48, GC_HEAD);
    }
    this.w(a + DICT_USED, 0);
    this.w(a + 24, 0);
    this.w(a + DICT_KEYS, this.emptyKeys);
    this.w(a + DICT_VALUES, 0);
    this.born(a, T_DICT, recycled);
    return a;
  }

  private maintainTracking(d: number, key: number, value: number): void {
    if (this.r(d + GC_NEXT) === 0 && (this.mayBeTracked(key) || this.mayBeTracked(value))) this.track(d);
  }

  /**
   * `d[key] = value` (`PyDict_SetItem`): both get new references. The first
   * insert allocates a keys object of log2 size 3 (unicode when the key is an
   * exact str); when `usable` runs out the table is rebuilt for `used * 3`
   * (new keys allocated, entries moved, old keys freed or kept in the keys
   * free list). Replacing a value releases the old one.
   */
  dictSet(d: number, key: number, value: number): void {
    this.expectType(d, T_DICT, 'dictSet');
    this.check(key, 'dictSet key');
    this.check(value, 'dictSet value');
    this.hashInto(key);
    this.incref(key);
    this.incref(value);
    this.insertDict(d, key, value);
  }

  /** `insertdict`, stealing the references to key and value; hLo/hHi hold the key's hash. */
  private insertDict(d: number, key: number, value: number): void {
    const hLo = this.hLo;
    const hHi = this.hHi;
    const isStr = this.r(key + OB_TYPE) === T_STR;
    let k = this.r(d + DICT_KEYS);
    if (k === this.emptyKeys) {
      // insert_to_emptydict
      k = this.newKeys(DICT_LOG_MINSIZE, isStr);
      this.w(d + DICT_KEYS, k);
      this.w(d + DICT_VALUES, 0);
      this.maintainTracking(d, key, value);
      setIndex(this.mem, k, hLo & 7, 0);
      this.writeEntry(k, 0, key, value, hLo, hHi);
      this.w(d + DICT_USED, 1);
      this.w(k + DK_USABLE, this.r(k + DK_USABLE) - 1);
      this.w(k + DK_NENTRIES, 1);
      return;
    }
    if (this.r(d + DICT_VALUES) !== 0 && isStr) {
      // Split table (a materialised instance dict) and a str key.
      const values = this.r(d + DICT_VALUES);
      this.hLo = hLo;
      this.hHi = hHi;
      let ix = this.lookup(k, key);
      if (ix < 0 && this.rs(k + DK_USABLE) > 0) {
        // A new key goes into the shared keys (which take the key's reference), its value into this dict's values.
        ix = this.r(k + DK_NENTRIES);
        setIndex(this.mem, k, findEmptySlot(this.mem, k, hLo, hHi), ix);
        this.writeEntry(k, ix, key, 0, hLo, hHi);
        this.w(k + DK_USABLE, this.r(k + DK_USABLE) - 1);
        this.w(k + DK_NENTRIES, ix + 1);
        this.maintainTracking(d, key, value);
        this.w(values + 8 * ix, value);
        this.addToInsertionOrder(values, ix);
        this.w(d + DICT_USED, this.r(d + DICT_USED) + 1);
        return;
      }
      if (ix >= 0) {
        this.maintainTracking(d, key, value);
        const old = this.r(values + 8 * ix);
        this.w(values + 8 * ix, value);
        if (old === 0) {
          this.addToInsertionOrder(values, ix);
          this.w(d + DICT_USED, this.r(d + DICT_USED) + 1);
        } else {
          this.decref(old);
        }
        this.decref(key);
        return;
      }
      // The shared keys are full: insertion_resize combines the table.
      this.dictResize(d, log2KeysizeFor(this.r(d + DICT_USED) * 3), true);
      k = this.r(d + DICT_KEYS);
    }
    if (keysKind(this.mem, k) !== DICT_KEYS_GENERAL && !isStr) {
      this.dictResize(d, log2KeysizeFor(this.r(d + DICT_USED) * 3), false);
      k = this.r(d + DICT_KEYS);
    }
    this.hLo = hLo;
    this.hHi = hHi;
    const ix = this.lookup(k, key);
    this.maintainTracking(d, key, value);
    if (ix === -1) {
      if (this.rs(k + DK_USABLE) <= 0) {
        this.dictResize(d, log2KeysizeFor(this.r(d + DICT_USED) * 3), true);
        k = this.r(d + DICT_KEYS);
      }
      const n = this.r(k + DK_NENTRIES);
      setIndex(this.mem, k, findEmptySlot(this.mem, k, hLo, hHi), n);
      this.writeEntry(k, n, key, value, hLo, hHi);
      this.w(d + DICT_USED, this.r(d + DICT_USED) + 1);
      this.w(k + DK_USABLE, this.r(k + DK_USABLE) - 1);
      this.w(k + DK_NENTRIES, n + 1);
      return;
    }
    const va = entryValueAddr(this.mem, k, ix);
    const old = this.r(va);
    this.w(va, value);
    this.xdecref(old);
    this.decref(key);
  }

  private writeEntry(k: number, ix: number, key: number, value: number, hLo: number, hHi: number): void {
    const e = entryAddr(this.mem, k, ix);
    if (keysKind(this.mem, k) === DICT_KEYS_GENERAL) {
      this.mem.u32[e >>> 2] = hLo;
      this.mem.u32[(e >>> 2) + 1] = hHi;
      this.w(e + 8, key);
      this.w(e + 16, value);
    } else {
      this.w(e, key);
      this.w(e + 8, value);
    }
  }

  /**
   * `dictresize`: allocate the new keys object, move the entries in order,
   * build the indices, then release the old keys (free list or free), or for
   * a split table free the values array and drop the shared keys.
   */
  private dictResize(d: number, log2: number, unicode: boolean): void {
    const oldk = this.r(d + DICT_KEYS);
    const oldValues = this.r(d + DICT_VALUES);
    if (keysKind(this.mem, oldk) === DICT_KEYS_GENERAL) unicode = false;
    const nk = this.newKeys(log2, unicode);
    const used = this.r(d + DICT_USED);
    let j = 0;
    if (oldValues !== 0) {
      const count = this.mem.u8[oldValues - 2]!;
      for (let i = 0; i < count; i++) {
        const ix = this.mem.u8[oldValues - 3 - i]!;
        const key = entryKey(this.mem, oldk, ix);
        this.incref(key);
        this.hashInto(key);
        this.writeEntry(nk, j++, key, this.r(oldValues + 8 * ix), this.hLo, this.hHi);
      }
    } else {
      const n = this.r(oldk + DK_NENTRIES);
      for (let i = 0; i < n; i++) {
        const v = this.r(entryValueAddr(this.mem, oldk, i));
        if (v === 0) continue;
        const key = entryKey(this.mem, oldk, i);
        this.entryHash(oldk, i);
        this.writeEntry(nk, j++, key, v, this.hLo, this.hHi);
      }
    }
    // build_indices
    const mask = 2 ** log2 - 1;
    for (let ix = 0; ix < j; ix++) {
      this.entryHash(nk, ix);
      let i = this.hLo & mask;
      let pLo = this.hLo;
      let pHi = this.hHi;
      while (getIndex(this.mem, nk, i) !== DKIX_EMPTY) {
        pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
        pHi = pHi >>> 5;
        i = (i * 5 + pLo + 1) & mask;
      }
      setIndex(this.mem, nk, i, ix);
    }
    this.w(nk + DK_USABLE, this.r(nk + DK_USABLE) - used);
    this.w(nk + DK_NENTRIES, used);
    this.w(d + DICT_KEYS, nk);
    if (oldValues !== 0) {
      this.w(d + DICT_VALUES, 0);
      this.freeValues(oldValues);
      this.keysDecref(oldk);
    } else if (oldk !== this.emptyKeys) {
      this.releaseKeysBlock(oldk);
    }
  }

  /**
   * `del d[key]` (`delitem_common`): the index slot becomes a dummy, the
   * entry is cleared (the keys object never shrinks), then the key and the
   * value are released. In a split dict only the value goes.
   * @returns false when the key is missing (CPython raises KeyError).
   */
  dictDel(d: number, key: number): boolean {
    this.expectType(d, T_DICT, 'dictDel');
    this.check(key, 'dictDel key');
    this.hashInto(key);
    const hLo = this.hLo;
    const hHi = this.hHi;
    const k = this.r(d + DICT_KEYS);
    const ix = this.lookup(k, key);
    if (ix < 0) return false;
    const values = this.r(d + DICT_VALUES);
    this.w(d + DICT_USED, this.r(d + DICT_USED) - 1);
    if (values !== 0) {
      const old = this.r(values + 8 * ix);
      if (old === 0) {
        this.w(d + DICT_USED, this.r(d + DICT_USED) + 1);
        return false;
      }
      this.w(values + 8 * ix, 0);
      this.deleteFromInsertionOrder(values, ix);
      this.decref(old);
      return true;
    }
    // lookdict_index: the slot that holds ix
    const mask = 2 ** keysLog2(this.mem, k) - 1;
    let i = hLo & mask;
    let pLo = hLo;
    let pHi = hHi;
    while (getIndex(this.mem, k, i) !== ix) {
      pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
      pHi = pHi >>> 5;
      i = (i * 5 + pLo + 1) & mask;
    }
    setIndex(this.mem, k, i, -2);
    const e = entryAddr(this.mem, k, ix);
    const general = keysKind(this.mem, k) === DICT_KEYS_GENERAL;
    const oldKey = this.r(general ? e + 8 : e);
    const oldValue = this.r(general ? e + 16 : e + 8);
    this.mem.u8.fill(0, e, e + (general ? 24 : 16));
    this.decref(oldKey);
    this.decref(oldValue);
    return true;
  }

  private deleteFromInsertionOrder(values: number, ix: number): void {
    const u8 = this.mem.u8;
    const sizePtr = values - 2;
    const size = u8[sizePtr]!;
    let i = 1;
    while (u8[sizePtr - i] !== ix) i++;
    for (; i < size; i++) u8[sizePtr - i] = u8[sizePtr - i - 1]!;
    u8[sizePtr] = size - 1;
  }

  /** `d[key]` (borrowed reference), or 0 when missing. */
  dictGet(d: number, key: number): number {
    this.expectType(d, T_DICT, 'dictGet');
    this.check(key, 'dictGet key');
    this.hashInto(key);
    const k = this.r(d + DICT_KEYS);
    const ix = this.lookup(k, key);
    if (ix < 0) return 0;
    const values = this.r(d + DICT_VALUES);
    return values !== 0 ? this.r(values + 8 * ix) : this.r(entryValueAddr(this.mem, k, ix));
  }

  /** `(key, value)` pairs in insertion order (borrowed references). */
  dictItems(d: number): [number, number][] {
    this.expectType(d, T_DICT, 'dictItems');
    const k = this.r(d + DICT_KEYS);
    const values = this.r(d + DICT_VALUES);
    const out: [number, number][] = [];
    if (values !== 0) {
      const count = this.mem.u8[values - 2]!;
      for (let i = 0; i < count; i++) {
        const ix = this.mem.u8[values - 3 - i]!;
        out.push([entryKey(this.mem, k, ix), this.r(values + 8 * ix)]);
      }
      return out;
    }
    const n = this.r(k + DK_NENTRIES);
    for (let i = 0; i < n; i++) {
      const v = this.r(entryValueAddr(this.mem, k, i));
      if (v !== 0) out.push([entryKey(this.mem, k, i), v]);
    }
    return out;
  }

  private addToInsertionOrder(values: number, ix: number): void {
    const u8 = this.mem.u8;
    const size = u8[values - 2]! + 1;
    u8[values - 2 - size] = ix;
    u8[values - 2] = size;
  }

  /** `free_values`: PyMem_Free of the block that starts at the prefix. */
  private freeValues(values: number): void {
    const prefix = this.mem.u8[values - 1]!;
    const slots = this.valuesSlots.get(values) ?? 0;
    this.valuesSlots.delete(values);
    this.free(values - prefix, valuesBlockSize(slots));
  }

  // ------------------------------------------------------------ set

  /** A new empty `set` (216 bytes: header and the 8-entry smalltable), tracked. */
  set(items: readonly number[] = []): number {
    return this.makeSet(T_SET, items);
  }

  /** A new `frozenset` of `items` (added one by one, as from an iterator). */
  frozenset(items: readonly number[] = []): number {
    return this.makeSet(T_FROZENSET, items);
  }

  private makeSet(t: number, items: readonly number[]): number {
    for (const x of items) this.check(x, 'set item');
    const a = this.gcNew(SET_BLOCK - GC_HEAD, GC_HEAD);
    this.mem.u8.fill(0, a + OB_SIZE, a + SET_BLOCK - GC_HEAD);
    this.w(a + SET_MASK, SET_MINSIZE - 1);
    this.w(a + SET_TABLE, a + SET_SMALLTABLE);
    this.ws(a + SET_HASH, -1);
    this.born(a, t, false);
    this.track(a);
    for (const x of items) this.setAddEntry(a, x);
    return a;
  }

  /** `set.add(x)`: a new reference to `x` unless an equal element is present; grows at 60 % fill to `used * 4`. */
  setAdd(s: number, x: number): void {
    this.expectType(s, T_SET, 'setAdd');
    this.check(x, 'setAdd item');
    this.setAddEntry(s, x);
  }

  private setAddEntry(s: number, key: number): void {
    this.hashInto(key);
    const hLo = this.hLo;
    const hHi = this.hHi;
    this.incref(key);
    const mask = this.r(s + SET_MASK);
    const table = this.r(s + SET_TABLE);
    let i = hLo & mask;
    let pLo = hLo;
    let pHi = hHi;
    let freeslot = 0;
    for (;;) {
      let e = table + 16 * i;
      let probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      do {
        const ek = this.r(e);
        const eLo = this.r(e + 8);
        const eHi = this.r(e + 12);
        if (ek === 0 && eLo === 0 && eHi === 0) {
          if (freeslot !== 0) {
            // found_unused_or_dummy: reuse the dummy
            this.w(s + SET_USED, this.r(s + SET_USED) + 1);
            this.w(freeslot, key);
            this.mem.u32[(freeslot + 8) >>> 2] = hLo;
            this.mem.u32[(freeslot + 12) >>> 2] = hHi;
            return;
          }
          this.w(s + SET_FILL, this.r(s + SET_FILL) + 1);
          const used = this.r(s + SET_USED) + 1;
          this.w(s + SET_USED, used);
          this.w(e, key);
          this.mem.u32[(e + 8) >>> 2] = hLo;
          this.mem.u32[(e + 12) >>> 2] = hHi;
          if (this.r(s + SET_FILL) * 5 < mask * 3) return;
          this.setTableResize(s, used > 50000 ? used * 2 : used * 4);
          return;
        }
        if (eLo === hLo && eHi === hHi && (ek === key || this.eq(ek, key))) {
          this.decref(key);
          return;
        }
        // 3.11 keeps the last dummy seen before the empty slot
        if (eLo === 0xffffffff && eHi === 0xffffffff) freeslot = e;
        e += 16;
      } while (probes-- > 0);
      pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
      pHi = pHi >>> 5;
      i = (i * 5 + 1 + pLo) & mask;
    }
  }

  /** `set_table_resize`: the smallest power of two > minused (at least 8); PyMem_Malloc for more than 8 entries. */
  private setTableResize(s: number, minused: number): void {
    let newsize = SET_MINSIZE;
    while (newsize <= minused) newsize <<= 1;
    const oldTable = this.r(s + SET_TABLE);
    const oldMask = this.r(s + SET_MASK);
    const small = s + SET_SMALLTABLE;
    // Snapshot the old entries: the smalltable may become the new table.
    const copy = this.mem.u32.slice(oldTable >>> 2, (oldTable >>> 2) + 4 * (oldMask + 1));
    let newTable: number;
    if (newsize === SET_MINSIZE) {
      newTable = small;
      if (newTable === oldTable && this.r(s + SET_FILL) === this.r(s + SET_USED)) return;
    } else {
      newTable = this.malloc(16 * newsize);
    }
    this.mem.u8.fill(0, newTable, newTable + 16 * newsize);
    const newMask = newsize - 1;
    this.w(s + SET_MASK, newMask);
    this.w(s + SET_TABLE, newTable);
    this.w(s + SET_FILL, this.r(s + SET_USED));
    for (let j = 0; j <= oldMask; j++) {
      const key = copy[4 * j]!;
      if (key === 0 || key === this.setDummy) continue;
      const hLo = copy[4 * j + 2]!;
      const hHi = copy[4 * j + 3]!;
      // set_insert_clean
      let i = hLo & newMask;
      let pLo = hLo;
      let pHi = hHi;
      for (;;) {
        let e = newTable + 16 * i;
        if (this.r(e) === 0) {
          this.insertClean(e, key, hLo, hHi);
          break;
        }
        let placed = false;
        if (i + LINEAR_PROBES <= newMask) {
          for (let p = 0; p < LINEAR_PROBES; p++) {
            e += 16;
            if (this.r(e) === 0) {
              this.insertClean(e, key, hLo, hHi);
              placed = true;
              break;
            }
          }
        }
        if (placed) break;
        pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
        pHi = pHi >>> 5;
        i = (i * 5 + 1 + pLo) & newMask;
      }
    }
    if (oldTable !== small) this.free(oldTable, 16 * (oldMask + 1));
  }

  private insertClean(e: number, key: number, hLo: number, hHi: number): void {
    this.w(e, key);
    this.mem.u32[(e + 8) >>> 2] = hLo;
    this.mem.u32[(e + 12) >>> 2] = hHi;
  }

  /**
   * `set.discard(x)`: the entry becomes a dummy (the table never shrinks
   * here; dummies count toward `fill`), then `x`'s element is released.
   * @returns false when no equal element is present.
   */
  setDiscard(s: number, x: number): boolean {
    this.expectType(s, T_SET, 'setDiscard');
    this.check(x, 'setDiscard item');
    this.hashInto(x);
    const hLo = this.hLo;
    const hHi = this.hHi;
    const mask = this.r(s + SET_MASK);
    const table = this.r(s + SET_TABLE);
    let i = hLo & mask;
    let pLo = hLo;
    let pHi = hHi;
    for (;;) {
      let e = table + 16 * i;
      let probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      do {
        const ek = this.r(e);
        if (ek === 0 && this.r(e + 8) === 0 && this.r(e + 12) === 0) return false;
        if (this.r(e + 8) === hLo && this.r(e + 12) === hHi && ek !== this.setDummy && (ek === x || this.eq(ek, x))) {
          this.w(e, this.setDummy);
          this.mem.u32[(e + 8) >>> 2] = 0xffffffff;
          this.mem.u32[(e + 12) >>> 2] = 0xffffffff;
          this.w(s + SET_USED, this.r(s + SET_USED) - 1);
          this.decref(ek);
          return true;
        }
        e += 16;
      } while (probes-- > 0);
      pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
      pHi = pHi >>> 5;
      i = (i * 5 + 1 + pLo) & mask;
    }
  }

  /** True when the set or frozenset holds an element equal to `x`. */
  setContains(s: number, x: number): boolean {
    this.check(s, 'setContains');
    this.check(x, 'setContains item');
    return this.setElements(s).some((e) => e === x || this.eq(e, x));
  }

  /** Elements of a set or frozenset in table order (borrowed references). */
  setElements(s: number): number[] {
    const t = this.typeOf(s);
    if (t !== T_SET && t !== T_FROZENSET) throw this.typeError(s, 'setElements', 'set or frozenset');
    const table = this.r(s + SET_TABLE);
    const mask = this.r(s + SET_MASK);
    const out: number[] = [];
    for (let i = 0; i <= mask; i++) {
      const k = this.r(table + 16 * i);
      if (k !== 0 && k !== this.setDummy) out.push(k);
    }
    return out;
  }

  // ------------------------------------------------------------ object, classes

  /** A new bare `object()` (16 bytes, not a GC object). */
  object(): number {
    const a = this.malloc(16);
    this.born(a, T_OBJECT, false);
    return a;
  }

  /**
   * Defines a class (`class name: __slots__ = …`) and returns its info. The
   * class itself is not a heap object in this layer; a class with a managed
   * `__dict__` allocates its shared keys object (log2 size 6, 768 bytes),
   * as `type_new` does.
   */
  defineClass(name: string, opts: ClassOpts = {}): ClassInfo {
    const given = opts.slots;
    const managedDict = given === undefined || given.includes('__dict__');
    const weakrefSlot = given === undefined || given.includes('__weakref__');
    const slots = given === undefined ? [] : given.filter((s) => s !== '__dict__' && s !== '__weakref__').sort();
    if (new Set(slots).size !== slots.length) throw new ObjectModelError('E_VALUE', `defineClass ${name}: duplicate slot names`);
    let sharedKeys = 0;
    if (managedDict) {
      sharedKeys = this.malloc(keysBlockSize(SHARED_KEYS_LOG2, true));
      initKeys(this.mem, sharedKeys, SHARED_KEYS_LOG2, DICT_KEYS_SPLIT, SHARED_KEYS_MAX_SIZE);
    }
    const info: ClassInfo = {
      id: FIRST_CLASS_ID + this.classes.length,
      name,
      slots,
      basicsize: 16 + 8 * slots.length + (weakrefSlot ? 8 : 0),
      presize: GC_HEAD + (managedDict ? 16 : 0),
      managedDict,
      weakrefSlot,
      sharedKeys,
    };
    this.classes.push(info);
    return info;
  }

  private classOf(a: number, what: string): ClassInfo {
    this.check(a, what);
    const c = this.classes[this.r(a + OB_TYPE) - FIRST_CLASS_ID];
    if (c === undefined) throw this.typeError(a, what, 'an instance of a defined class');
    return c;
  }

  /**
   * A new instance of `cls` (`object.__new__`): one block of presize +
   * basicsize (56 for `class C: pass`), zeroed and tracked; with a managed
   * dict, then a values array sized from the shared keys (whose `usable`
   * shrinks by one per instance, as in 3.11).
   */
  instance(cls: ClassInfo | number): number {
    const c = typeof cls === 'number' ? this.classes[cls - FIRST_CLASS_ID] : cls;
    if (c === undefined || this.classes[c.id - FIRST_CLASS_ID] !== c) throw new ObjectModelError('E_VALUE', `instance: not a class of this space`);
    const block = this.malloc(c.presize + c.basicsize);
    this.count0++;
    this.mem.u8.fill(0, block, block + c.presize + c.basicsize);
    const a = block + c.presize;
    this.born(a, c.id, false);
    this.track(a);
    if (c.managedDict) {
      const k = c.sharedKeys;
      const usable = this.r(k + DK_USABLE);
      if (usable > 1) this.w(k + DK_USABLE, usable - 1);
      const size = this.r(k + DK_NENTRIES) + this.r(k + DK_USABLE);
      const prefix = valuesPrefix(size);
      const mem = this.malloc(valuesBlockSize(size));
      const values = mem + prefix;
      this.mem.u8.fill(0, mem, values + 8 * size);
      this.mem.u8[values - 1] = prefix;
      this.mem.u8[values - 2] = 0;
      this.valuesSlots.set(values, size);
      this.w(a + MANAGED_VALUES, values);
    }
    return a;
  }

  /**
   * `setattr(obj, name, value)` on an instance: a slot, or the managed dict
   * (the values array while the shared keys can take the name, else the
   * materialised dict). `value` gets a new reference; the old one is released.
   */
  setAttr(obj: number, name: string, value: number): void {
    const c = this.classOf(obj, 'setAttr');
    this.check(value, 'setAttr value');
    const si = c.slots.indexOf(name);
    if (si >= 0) {
      const p = obj + INSTANCE_SLOTS + 8 * si;
      const old = this.r(p);
      this.incref(value);
      this.w(p, value);
      this.xdecref(old);
      return;
    }
    if (!c.managedDict) throw new ObjectModelError('E_VALUE', `setAttr: '${c.name}' object at 0x${obj.toString(16)} has no attribute '${name}'`, obj, c.name);
    const nameStr = this.intern(name);
    const values = this.r(obj + MANAGED_VALUES);
    if (values !== 0) {
      const k = c.sharedKeys;
      this.hashInto(nameStr);
      let ix = this.lookup(k, nameStr);
      const slots = this.valuesSlots.get(values) ?? 0;
      if (ix < 0 && this.rs(k + DK_USABLE) > 0) {
        // insert_into_dictkeys
        const hLo = this.hLo;
        const hHi = this.hHi;
        ix = this.r(k + DK_NENTRIES);
        this.incref(nameStr);
        setIndex(this.mem, k, findEmptySlot(this.mem, k, hLo, hHi), ix);
        this.writeEntry(k, ix, nameStr, 0, hLo, hHi);
        this.w(k + DK_USABLE, this.r(k + DK_USABLE) - 1);
        this.w(k + DK_NENTRIES, ix + 1);
      }
      if (ix >= 0 && ix < slots) {
        const old = this.r(values + 8 * ix);
        this.incref(value);
        this.w(values + 8 * ix, value);
        if (old === 0) this.addToInsertionOrder(values, ix);
        else this.decref(old);
        return;
      }
    }
    const d = this.instanceDict(obj);
    this.dictSet(d, nameStr, value);
    this.decref(d);
  }

  /** `obj.name` on an instance (borrowed reference), or 0 when unset. */
  getAttr(obj: number, name: string): number {
    const c = this.classOf(obj, 'getAttr');
    const si = c.slots.indexOf(name);
    if (si >= 0) return this.r(obj + INSTANCE_SLOTS + 8 * si);
    if (!c.managedDict) return 0;
    const nameStr = this.intern(name);
    const values = this.r(obj + MANAGED_VALUES);
    if (values !== 0) {
      this.hashInto(nameStr);
      const ix = this.lookup(c.sharedKeys, nameStr);
      return ix >= 0 && ix < (this.valuesSlots.get(values) ?? 0) ? this.r(values + 8 * ix) : 0;
    }
    const d = this.r(obj + MANAGED_DICT);
    return d === 0 ? 0 : this.dictGet(d, nameStr);
  }

  /**
   * `obj.__dict__` (new reference): materialises the managed dict on first
   * request (`make_dict_from_instance_attributes`: a split dict sharing the
   * class's keys and taking over the values array).
   */
  instanceDict(obj: number): number {
    const c = this.classOf(obj, 'instanceDict');
    if (!c.managedDict) throw new ObjectModelError('E_VALUE', `instanceDict: '${c.name}' object at 0x${obj.toString(16)} has no __dict__`, obj, c.name);
    let d = this.r(obj + MANAGED_DICT);
    if (d !== 0) {
      this.incref(d);
      return d;
    }
    const values = this.r(obj + MANAGED_VALUES);
    d = this.dict();
    if (values !== 0) {
      const k = c.sharedKeys;
      this.w(k + DK_REFCNT, this.r(k + DK_REFCNT) + 1);
      const count = this.mem.u8[values - 2]!;
      let track = false;
      for (let i = 0; i < count; i++) if (this.mayBeTracked(this.r(values + 8 * this.mem.u8[values - 3 - i]!))) track = true;
      this.w(d + DICT_KEYS, k);
      this.w(d + DICT_VALUES, values);
      this.w(d + DICT_USED, count);
      if (track) this.track(d);
      this.w(obj + MANAGED_VALUES, 0);
    }
    this.w(obj + MANAGED_DICT, d);
    this.incref(d);
    return d;
  }

  // ------------------------------------------------------------ sizes, traversal

  /** `sys.getsizeof(obj)` of CPython 3.11 (GC pre-headers included). */
  sizeof(a: number): number {
    const t = this.typeOf(a);
    switch (t) {
      case T_NONE:
        return 16;
      case T_INT:
      case T_BOOL:
        return intBlockSize(Math.abs(this.rs(a + OB_SIZE)));
      case T_FLOAT:
        return 24;
      case T_STR:
        return strBlockSize(this.r(a + STR_LENGTH), strKind(this.mem, a), strIsAscii(this.mem, a));
      case T_BYTES:
        return BYTES_DATA + this.r(a + OB_SIZE) + 1;
      case T_BYTEARRAY:
        return 56 + this.r(a + BYTEARRAY_ALLOC);
      case T_TUPLE:
        return tupleBlockSize(this.r(a + OB_SIZE));
      case T_LIST:
        return LIST_BLOCK + 8 * this.r(a + LIST_ALLOCATED);
      case T_DICT: {
        const k = this.r(a + DICT_KEYS);
        let size = DICT_BLOCK;
        if (this.r(a + DICT_VALUES) !== 0) size += 8 * (this.r(k + DK_NENTRIES) + this.r(k + DK_USABLE));
        if (k !== this.emptyKeys && this.r(k + DK_REFCNT) === 1) size += keysSize(this.mem, k);
        return size;
      }
      case T_SET:
      case T_FROZENSET: {
        const table = this.r(a + SET_TABLE);
        return SET_BLOCK + (table === a + SET_SMALLTABLE ? 0 : 16 * (this.r(a + SET_MASK) + 1));
      }
      case T_OBJECT:
        return 16;
      default: {
        const c = this.classes[t - FIRST_CLASS_ID]!;
        return c.presize + c.basicsize;
      }
    }
  }

  /**
   * What `tp_traverse` visits, in its order (`gc.get_referents`): list and
   * tuple items last to first, dict values (and keys for non-str tables),
   * set elements in table order, instance slots then managed-dict values.
   */
  referents(a: number): number[] {
    const t = this.typeOf(a);
    const out: number[] = [];
    switch (t) {
      case T_TUPLE:
      case T_LIST: {
        const p = t === T_TUPLE ? a + TUPLE_ITEMS : this.r(a + LIST_ITEMS);
        for (let i = this.r(a + OB_SIZE) - 1; i >= 0; i--) {
          const x = this.r(p + 8 * i);
          if (x !== 0) out.push(x);
        }
        return out;
      }
      case T_DICT: {
        const k = this.r(a + DICT_KEYS);
        const values = this.r(a + DICT_VALUES);
        const n = this.r(k + DK_NENTRIES);
        for (let i = 0; i < n; i++) {
          if (values !== 0) {
            const v = this.r(values + 8 * i);
            if (v !== 0) out.push(v);
          } else if (keysKind(this.mem, k) === DICT_KEYS_GENERAL) {
            const v = this.r(entryValueAddr(this.mem, k, i));
            if (v !== 0) out.push(v, entryKey(this.mem, k, i));
          } else {
            const v = this.r(entryValueAddr(this.mem, k, i));
            if (v !== 0) out.push(v);
          }
        }
        return out;
      }
      case T_SET:
      case T_FROZENSET:
        return this.setElements(a);
      default: {
        if (t < FIRST_CLASS_ID) return out;
        const c = this.classes[t - FIRST_CLASS_ID]!;
        for (let i = 0; i < c.slots.length; i++) {
          const x = this.r(a + INSTANCE_SLOTS + 8 * i);
          if (x !== 0) out.push(x);
        }
        if (c.managedDict) {
          const values = this.r(a + MANAGED_VALUES);
          if (values !== 0) {
            const n = this.r(c.sharedKeys + DK_NENTRIES);
            const slots = this.valuesSlots.get(values) ?? 0;
            for (let i = 0; i < n && i < slots; i++) {
              const x = this.r(values + 8 * i);
              if (x !== 0) out.push(x);
            }
          }
          const d = this.r(a + MANAGED_DICT);
          if (d !== 0) out.push(d);
        }
        return out;
      }
    }
  }

  /** The JS value of a scalar: None → null, bool, int (number, or bigint beyond 2**53), float, str, bytes/bytearray (a copy). */
  value(a: number): ScalarValue {
    const t = this.typeOf(a);
    switch (t) {
      case T_NONE:
        return null;
      case T_BOOL:
        return a === this.trueAddr;
      case T_INT:
        return readIntValue(this.mem, a);
      case T_FLOAT:
        return this.mem.dv.getFloat64(a + FLOAT_VALUE, true);
      case T_STR:
        return readStr(this.mem, a);
      case T_BYTES:
        return this.mem.u8.slice(a + BYTES_DATA, a + BYTES_DATA + this.r(a + OB_SIZE));
      case T_BYTEARRAY: {
        const p = this.r(a + BYTEARRAY_BYTES);
        return this.mem.u8.slice(p, p + this.r(a + OB_SIZE));
      }
      default:
        throw this.typeError(a, 'value', 'a scalar (None, bool, int, float, str, bytes, bytearray)');
    }
  }

  // ------------------------------------------------------------ dealloc

  /** `_Py_Dealloc`: the type's deallocator. */
  private dealloc(a: number): void {
    const t = this.r(a + OB_TYPE);
    switch (t) {
      case T_INT:
        this.objFree(a, intBlockSize(Math.abs(this.rs(a + OB_SIZE))), t);
        return;
      case T_FLOAT:
        if (this.floatFreeCount < FLOAT_FREELIST_MAX) {
          this.floatFreeCount++;
          this.w(a + OB_TYPE, this.floatFree);
          this.floatFree = a;
          this.died(a, t, true);
        } else {
          this.objFree(a, 24, t);
        }
        return;
      case T_STR:
        this.objFree(a, strBlockSize(this.r(a + STR_LENGTH), strKind(this.mem, a), strIsAscii(this.mem, a)), t);
        return;
      case T_BYTES:
        this.objFree(a, BYTES_DATA + this.r(a + OB_SIZE) + 1, t);
        return;
      case T_BYTEARRAY: {
        const p = this.r(a + BYTEARRAY_BYTES);
        if (p !== 0) this.free(p, this.r(a + BYTEARRAY_ALLOC));
        this.objFree(a, 56, t);
        return;
      }
      case T_OBJECT:
        this.objFree(a, 16, t);
        return;
      case T_TUPLE:
        this.tupleDealloc(a);
        return;
      case T_LIST:
        this.listDealloc(a);
        return;
      case T_DICT:
        this.dictDealloc(a);
        return;
      case T_SET:
      case T_FROZENSET:
        this.setDealloc(a);
        return;
      default:
        this.instanceDealloc(a);
    }
  }

  /** `Py_TRASHCAN_BEGIN`: true when the object was deferred (nesting at the limit). */
  private trashBegin(a: number): boolean {
    if (this.trashNesting >= TRASHCAN_UNWIND_LEVEL) {
      this.w(a + GC_PREV, this.trashLater);
      this.trashLater = a;
      return true;
    }
    this.trashNesting++;
    return false;
  }

  /** `Py_TRASHCAN_END`: back at the outermost level, run the deferred deallocators, last deposited first. */
  private trashEnd(): void {
    this.trashNesting--;
    if (this.trashLater !== 0 && this.trashNesting <= 0) {
      this.trashNesting++;
      while (this.trashLater !== 0) {
        const op = this.trashLater;
        this.trashLater = this.r(op + GC_PREV);
        this.w(op + GC_PREV, 0);
        this.dealloc(op);
      }
      this.trashNesting--;
    }
  }

  private tupleDealloc(a: number): void {
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.trashBegin(a)) return;
    const n = this.r(a + OB_SIZE);
    for (let i = n - 1; i >= 0; i--) this.xdecref(this.r(a + TUPLE_ITEMS + 8 * i));
    if (n <= TUPLE_NFREELISTS && this.tupleFreeCount[n - 1]! < TUPLE_FREELIST_MAX) {
      this.w(a + TUPLE_ITEMS, this.tupleFree[n - 1]!);
      this.tupleFree[n - 1] = a;
      this.tupleFreeCount[n - 1]!++;
      this.died(a, T_TUPLE, true);
    } else {
      this.gcDel(a, GC_HEAD, tupleBlockSize(n), T_TUPLE);
    }
    this.trashEnd();
  }

  private listDealloc(a: number): void {
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.trashBegin(a)) return;
    const items = this.r(a + LIST_ITEMS);
    if (items !== 0) {
      for (let i = this.r(a + OB_SIZE) - 1; i >= 0; i--) this.xdecref(this.r(items + 8 * i));
      this.free(items, 8 * this.r(a + LIST_ALLOCATED));
    }
    if (this.listFreeCount < LIST_FREELIST_MAX) {
      this.listFree[this.listFreeCount++] = a;
      this.died(a, T_LIST, true);
    } else {
      this.gcDel(a, GC_HEAD, LIST_BLOCK, T_LIST);
    }
    this.trashEnd();
  }

  private dictDealloc(a: number): void {
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.trashBegin(a)) return;
    const values = this.r(a + DICT_VALUES);
    const k = this.r(a + DICT_KEYS);
    if (values !== 0) {
      const n = Math.min(this.r(k + DK_NENTRIES), this.valuesSlots.get(values) ?? 0);
      for (let i = 0; i < n; i++) this.xdecref(this.r(values + 8 * i));
      this.freeValues(values);
      this.keysDecref(k);
    } else {
      this.keysDecref(k);
    }
    if (this.dictFreeCount < DICT_FREELIST_MAX) {
      this.dictFree[this.dictFreeCount++] = a;
      this.died(a, T_DICT, true);
    } else {
      this.gcDel(a, GC_HEAD, DICT_BLOCK, T_DICT);
    }
    this.trashEnd();
  }

  private setDealloc(a: number): void {
    const t = this.r(a + OB_TYPE);
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.trashBegin(a)) return;
    const table = this.r(a + SET_TABLE);
    let used = this.r(a + SET_USED);
    for (let e = table; used > 0; e += 16) {
      const k = this.r(e);
      if (k !== 0 && k !== this.setDummy) {
        used--;
        this.decref(k);
      }
    }
    if (table !== a + SET_SMALLTABLE) this.free(table, 16 * (this.r(a + SET_MASK) + 1));
    this.gcDel(a, GC_HEAD, SET_BLOCK, t);
    this.trashEnd();
  }

  /** `subtype_dealloc` (no finalizers or weakrefs in this layer): slots, then the dict or values, then the block. */
  private instanceDealloc(a: number): void {
    const t = this.r(a + OB_TYPE);
    const c = this.classes[t - FIRST_CLASS_ID]!;
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.trashBegin(a)) return;
    for (let i = 0; i < c.slots.length; i++) {
      const p = a + INSTANCE_SLOTS + 8 * i;
      const x = this.r(p);
      if (x !== 0) {
        this.w(p, 0);
        this.decref(x);
      }
    }
    if (c.managedDict) {
      const d = this.r(a + MANAGED_DICT);
      if (d !== 0) {
        this.w(a + MANAGED_DICT, 0);
        this.decref(d);
      } else {
        const values = this.r(a + MANAGED_VALUES);
        if (values !== 0) {
          this.w(a + MANAGED_VALUES, 0);
          const n = this.r(c.sharedKeys + DK_NENTRIES);
          const slots = this.valuesSlots.get(values) ?? 0;
          for (let i = 0; i < n && i < slots; i++) this.xdecref(this.r(values + 8 * i));
          this.freeValues(values);
        }
      }
    }
    this.gcDel(a, c.presize, c.presize + c.basicsize, t);
    this.trashEnd();
  }

  // ------------------------------------------------------------ free lists

  /** Current sizes of the type free lists. */
  freeListSizes(): FreeListSizes {
    return {
      float: this.floatFreeCount,
      tuple: Array.from(this.tupleFreeCount),
      list: this.listFreeCount,
      dict: this.dictFreeCount,
      dictKeys: this.keysFreeCount,
    };
  }

  /**
   * Frees everything the type free lists hold, in the order a full
   * collection does (`clear_freelists`): tuples (by length, each list from
   * its head), floats, lists, dicts, then dict keys objects.
   */
  clearFreeLists(): void {
    for (let i = 0; i < TUPLE_NFREELISTS; i++) {
      let p = this.tupleFree[i]!;
      this.tupleFree[i] = 0;
      this.tupleFreeCount[i] = 0;
      while (p !== 0) {
        const q = p;
        p = this.r(p + TUPLE_ITEMS);
        this.releaseRecycledGc(q, tupleBlockSize(i + 1));
      }
    }
    let f = this.floatFree;
    this.floatFree = 0;
    this.floatFreeCount = 0;
    while (f !== 0) {
      const next = this.r(f + OB_TYPE);
      this.free(f, 24);
      f = next;
    }
    while (this.listFreeCount > 0) this.releaseRecycledGc(this.listFree[--this.listFreeCount]!, LIST_BLOCK);
    while (this.dictFreeCount > 0) this.releaseRecycledGc(this.dictFree[--this.dictFreeCount]!, DICT_BLOCK);
    while (this.keysFreeCount > 0) this.free(this.keysFree[--this.keysFreeCount]!, keysBlockSize(DICT_LOG_MINSIZE, true));
  }

  /** PyObject_GC_Del of a free-listed (already dead, untracked) object. */
  private releaseRecycledGc(a: number, blockSize: number): void {
    if (this.count0 > 0) this.count0--;
    this.free(a - GC_HEAD, blockSize);
  }

  // ------------------------------------------------------------ request recording

  /**
   * Records the allocator requests the space makes from now on, in the
   * conventions of the shared measurements (see {@link RequestEvent}), until
   * `stop()`. Uses the heap's observer, still calling any observer already
   * set. Requests other code makes on the same heap are recorded as
   * malloc/free, with the size of such frees unknown (null).
   */
  recordRequests(): RequestRecording {
    return recordRequests(this.heap, this.pending);
  }
}
