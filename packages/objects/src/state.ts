/**
 * The internal state of an `ObjectSpace`: heap memory, the static block, free
 * lists, trashcan and GC counters, and the primitives every type module uses
 * (memory words, allocator calls with request recording, liveness, GC links).
 * @internal
 * @packageDocumentation
 */
import type { Pymalloc } from '@pymem/arena';
import { createLinearHeap } from '@pymem/arena';
import { initKeys } from './dict-keys.js';
import { ObjectModelError } from './errors.js';
import type { ObjectObserver } from './events.js';
import { writeIntDigits } from './int-digits.js';
import { sizeof, typeName } from './introspection.js';
import { BUILTIN_TYPE_NAMES, BYTES_DATA, BYTES_HASH, DICT_FREELIST_MAX, DICT_KEYS_UNICODE, DICT_LOG_MINSIZE, DK_INDICES, DK_REFCNT, FIRST_CLASS_ID, GC_FLAG_FINALIZED, GC_HEAD, GC_NEXT, GC_PREV, LIST_FREELIST_MAX, MAX_SMALL_INT, MIN_SMALL_INT, OB_SIZE, OB_TYPE, TUPLE_NFREELISTS, T_BOOL, T_BYTES, T_INT, T_NONE, T_OBJECT, T_STR, T_FROZENSET, T_TUPLE, T_METHOD, T_MEMBER, T_TYPE, STATIC_TYPE_SIZE, TYPE_ID, strBlockSize } from './layout.js';
import type { PendingRequest } from './request-recording.js';
import { OP_CALLOC, OP_FREE, OP_MALLOC, OP_NONE, OP_REALLOC } from './request-recording.js';
import { collectGenerations } from './gc.js';
import { GC_LIST_HEADS, GcState } from './gc-state.js';
import { writeStr } from './str-data.js';
import type { ClassInfo, ObjectSpaceOpts } from './types.js';
import { rd, rds, wr, wrs } from './words.js';

/** The fields of an `ObjectSpace` and the primitives on them (one per space). @internal */
export class SpaceState {
  /** The allocator objects live in. */
  readonly heap: Pymalloc;
  /** Object-level event observer. */
  #observer: ObjectObserver | undefined;
  /** The observer when it has both `incref` and `decref` (checked on every refcount change). */
  refObserver: ObjectObserver | null = null;

  get observer(): ObjectObserver | undefined {
    return this.#observer;
  }

  set observer(o: ObjectObserver | undefined) {
    this.#observer = o;
    this.refObserver = o?.incref !== undefined && o.decref !== undefined ? o : null;
  }

  readonly mem: Pymalloc['memory'];
  // Static objects: one block holding what CPython has in its data segment.
  readonly staticBase: number;
  readonly staticEnd: number;
  readonly gen0: number;
  readonly emptyKeys: number;
  /** The set `dummy` (a deleted entry's key). */
  readonly setDummy: number;
  readonly noneAddr: number;
  readonly trueAddr: number;
  readonly falseAddr: number;
  readonly smallInts: number;
  readonly emptyTuple: number;
  readonly emptyStr: number;
  readonly charStrs: Uint32Array;
  readonly emptyBytes: number;
  readonly charBytes: Uint32Array;

  /** Liveness bitmap: one bit per 16 bytes of memory. */
  live = new Uint8Array(1024);
  readonly classes: ClassInfo[] = [];
  /** Class object (heap type) of each class by class index: 0 none made, -1 deallocated. */
  readonly classObjects: number[] = [];
  /** Static type object of each built-in type id (in the static block). */
  readonly staticTypes: Uint32Array;
  readonly interned = new Map<string, number>();
  /** Slot count of each live values array (its request size is not recoverable from its prefix). */
  readonly valuesSlots = new Map<number, number>();

  // Free lists (3.11 constants).
  floatFree = 0;
  floatFreeCount = 0;
  readonly tupleFree = new Uint32Array(TUPLE_NFREELISTS);
  readonly tupleFreeCount = new Uint32Array(TUPLE_NFREELISTS);
  readonly listFree = new Uint32Array(LIST_FREELIST_MAX);
  listFreeCount = 0;
  readonly dictFree = new Uint32Array(DICT_FREELIST_MAX);
  dictFreeCount = 0;
  readonly keysFree = new Uint32Array(DICT_FREELIST_MAX);
  keysFreeCount = 0;

  // Trashcan.
  trashNesting = 0;
  trashLater = 0;
  /** `generations[0].count`. */
  count0 = 0;
  /** Cyclic GC state (generations 1 and 2, thresholds, stats, callbacks). */
  readonly gc: GcState = new GcState();
  /** Heads of the GC lists after gen 0 (16 bytes each, in the static block), see {@link GC_LIST_HEADS}. */
  readonly gcHeads: number;
  /** `__del__` (`tp_finalize`) of each class, by class index. */
  readonly classDel: (((self: number) => void) | null)[] = [];
  /** Legacy finalizer (`tp_del`) of each class, by class index. */
  readonly classLegacyDel: (((self: number) => void) | null)[] = [];
  /** Weakref callbacks, by id (`wr_callback` holds id + 1). */
  readonly wrCallbacks: (((wr: number) => void) | null)[] = [];
  /** Free callback ids. */
  readonly wrFreeIds: number[] = [];

  // Pending request, read by the request recorder's arena observer.
  readonly pending: PendingRequest = { op: OP_NONE, size: -1 };
  // Scratch hash (signed 64-bit as two 32-bit halves).
  hLo = 0;
  hHi = 0;
  readonly hashOut = new Uint32Array(2);

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
    const gcHeads = place(16 * GC_LIST_HEADS, false);
    const types: number[] = [];
    for (let t = 0; t < BUILTIN_TYPE_NAMES.length; t++) types.push(place(STATIC_TYPE_SIZE, true));
    const base = this.malloc(off);
    this.staticBase = base;
    this.staticEnd = base + off;
    this.mem.u8.fill(0, base, base + off);
    this.gen0 = base + gen0;
    this.w(this.gen0, this.gen0);
    this.w(this.gen0 + 8, this.gen0);
    this.gcHeads = base + gcHeads;
    for (let i = 0; i < GC_LIST_HEADS; i++) {
      this.w(this.gcHeads + 16 * i, this.gcHeads + 16 * i);
      this.w(this.gcHeads + 16 * i + 8, this.gcHeads + 16 * i);
    }
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
    this.staticTypes = new Uint32Array(BUILTIN_TYPE_NAMES.length);
    for (let t = 1; t < BUILTIN_TYPE_NAMES.length; t++) {
      const a = base + types[t]!;
      this.staticTypes[t] = a;
      this.initStatic(a, T_TYPE);
      this.w(a + TYPE_ID, t);
    }
    this.charBytes = new Uint32Array(256);
    for (let c = 0; c < 256; c++) {
      const a = base + bchars[c]!;
      this.charBytes[c] = a;
      this.initStatic(a, T_BYTES);
      this.writeBytesHeader(a, 1);
      this.mem.u8[a + BYTES_DATA] = c;
    }
  }

  /** Writes an unsigned value below 2**32 as a 64-bit word. */
  w(a: number, v: number): void {
    wr(this.mem, a, v);
  }

  /** Reads the low 32 bits of a 64-bit word (pointers, counts). */
  r(a: number): number {
    return rd(this.mem, a);
  }

  /** Writes a signed safe integer as a 64-bit word. */
  ws(a: number, v: number): void {
    wrs(this.mem, a, v);
  }

  /** Reads a signed 64-bit word as a number (exact below 2**53). */
  rs(a: number): number {
    return rds(this.mem, a);
  }

  /** Makes a static object: refcount 1, its type, live. */
  initStatic(a: number, type: number): void {
    this.w(a, 1);
    this.w(a + OB_TYPE, type);
    this.setLive(a);
  }

  /** `PyObject_Malloc`, telling the request recorder it is a malloc; `E_OOM` on failure. */
  malloc(size: number): number {
    this.pending.op = OP_MALLOC;
    const p = this.heap.malloc(size);
    this.pending.op = OP_NONE;
    if (p === 0) throw new ObjectModelError('E_OOM', `malloc(${size}) failed`);
    return p;
  }

  /** `PyMem_Calloc`, recorded as a calloc. */
  calloc(n: number, el: number): number {
    this.pending.op = OP_CALLOC;
    const p = this.heap.calloc(n, el);
    this.pending.op = OP_NONE;
    if (p === 0) throw new ObjectModelError('E_OOM', `calloc(${n}, ${el}) failed`);
    return p;
  }

  /** `PyMem_Realloc`, recorded with the old size (`realloc(NULL, n)` when `p` is 0). */
  realloc(p: number, oldSize: number, size: number): number {
    this.pending.op = OP_REALLOC;
    this.pending.size = p === 0 ? -1 : oldSize;
    const q = this.heap.realloc(p, size);
    this.pending.op = OP_NONE;
    if (q === 0 && size !== 0) throw new ObjectModelError('E_OOM', `realloc(${size}) failed`);
    return q;
  }

  /** `PyObject_Free` of a block whose request size was `size` (for the recorder). */
  free(p: number, size: number): void {
    this.pending.op = OP_FREE;
    this.pending.size = size;
    this.heap.free(p);
    this.pending.op = OP_NONE;
  }

  /** Marks `a` live in the liveness bitmap (grown as memory grows). */
  setLive(a: number): void {
    const i = a >>> 7;
    if (i >= this.live.length) {
      const next = new Uint8Array(Math.max(i + 1, this.live.length * 2));
      next.set(this.live);
      this.live = next;
    }
    this.live[i]! |= 1 << ((a >>> 4) & 7);
  }

  /** Marks `a` dead. */
  clearLive(a: number): void {
    this.live[a >>> 7]! &= ~(1 << ((a >>> 4) & 7));
  }

  /** True when `address` holds a live object (created and not yet deallocated or recycled). */
  isAlive(address: number): boolean {
    if (!Number.isInteger(address) || address <= 0 || (address & 15) !== 0) return false;
    const i = address >>> 7;
    return i < this.live.length && (this.live[i]! & (1 << ((address >>> 4) & 7))) !== 0;
  }

  /** `E_DEAD` unless `a` is a live object. */
  check(a: number, what: string): void {
    if (!this.isAlive(a)) throw this.deadError(a, what, 'E_DEAD');
  }

  /** The error for a use of a dead object, naming the type its memory last held when readable. */
  deadError(a: number, what: string, code: 'E_DEAD' | 'E_REFCOUNT'): ObjectModelError {
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

  /** `E_TYPE` naming the expected and the actual type. */
  typeError(a: number, what: string, expected: string): ObjectModelError {
    const t = typeName(this, a);
    return new ObjectModelError('E_TYPE', `${what}: expected ${expected}, got ${t} at 0x${a.toString(16)}`, a, t);
  }

  /** An object comes to life: refcount 1, type, live; the observer is told. */
  born(a: number, type: number, recycled: boolean): void {
    this.w(a, 1);
    this.w(a + OB_TYPE, type);
    this.setLive(a);
    if (this.observer?.objectCreate !== undefined) this.observer.objectCreate(a, type, sizeof(this, a), recycled);
  }

  /** An object's deallocator finished: no longer live; the observer is told. */
  died(a: number, type: number, recycled: boolean): void {
    this.clearLive(a);
    if (this.observer?.objectDealloc !== undefined) this.observer.objectDealloc(a, type, recycled);
  }

  /** PyObject_GC_New: block = GC head + basicsize; counts toward `generations[0].count`. */
  /** PyObject_GC_New: block = presize + basicsize, then {@link gcLink}. */
  gcNew(basicsize: number, presize: number): number {
    const block = this.malloc(presize + basicsize);
    const a = block + presize;
    this.gcLink(a);
    return a;
  }

  /**
   * `_PyObject_GC_Link`: zero the GC head, count the object in
   * `generations[0].count`, and run an automatic collection right here when
   * the count passes threshold 0 (enabled, threshold 0 not 0, not already collecting).
   */
  gcLink(a: number): void {
    this.w(a + GC_NEXT, 0);
    this.w(a + GC_PREV, 0);
    this.count0++;
    const gc = this.gc;
    if (this.count0 > gc.threshold0 && gc.enabled && gc.threshold0 !== 0 && !gc.collecting) collectGenerations(this);
  }

  /** PyObject_GC_Del. */
  gcDel(a: number, presize: number, blockSize: number, type: number): void {
    if (this.r(a + GC_NEXT) !== 0) this.untrack(a);
    if (this.count0 > 0) this.count0--;
    this.died(a, type, false);
    this.free(a - presize, blockSize);
  }

  /** PyObject_Free of a non-GC object. */
  objFree(a: number, size: number, type: number): void {
    this.died(a, type, false);
    this.free(a, size);
  }

  /** `_PyObject_GC_TRACK`: link at the end of generation 0 (in the GC heads). */
  /** `_PyObject_GC_TRACK`: link at the end of generation 0 (low words of the GC heads; flags kept). */
  track(a: number): void {
    this.listAppend(a - GC_HEAD, this.gen0);
  }

  /** Appends the GC head `g` to the list with head `head` (low 32 bits of the words only). */
  listAppend(g: number, head: number): void {
    const u32 = this.mem.u32;
    const last = u32[(head + 8) >>> 2]!;
    u32[last >>> 2] = g;
    u32[(g + 8) >>> 2] = last;
    u32[g >>> 2] = head;
    u32[(head + 8) >>> 2] = g;
  }

  /** Unlinks the GC head `g` from its list (its own links are left as they were). */
  listRemove(g: number): void {
    const u32 = this.mem.u32;
    const prev = u32[(g + 8) >>> 2]!;
    const next = u32[g >>> 2]!;
    u32[prev >>> 2] = next;
    u32[(next + 8) >>> 2] = prev;
  }

  /** `_PyObject_GC_UNTRACK`. */
  /** `_PyObject_GC_UNTRACK`: unlink; both pointers 0, gc_refs 0, only the finalized flag kept. */
  untrack(a: number): void {
    const g = a - GC_HEAD;
    this.listRemove(g);
    const u32 = this.mem.u32;
    const i = g >>> 2;
    u32[i] = 0;
    u32[i + 1] = 0;
    u32[i + 2] = 0;
    u32[i + 3] = u32[i + 3]! & GC_FLAG_FINALIZED;
  }

  /** Name of a type id. */
  typeNameOfId(id: number): string {
    if (id < FIRST_CLASS_ID) return BUILTIN_TYPE_NAMES[id] ?? `<type ${id}>`;
    return this.classes[id - FIRST_CLASS_ID]?.name ?? `<type ${id}>`;
  }

  isGcType(t: number): boolean {
    return (t >= T_TUPLE && t <= T_FROZENSET) || (t >= T_METHOD && t <= T_MEMBER) || t >= FIRST_CLASS_ID;
  }

  /** `_PyObject_GC_MAY_BE_TRACKED`. */
  mayBeTracked(a: number): boolean {
    const t = this.r(a + OB_TYPE);
    if (!this.isGcType(t)) return false;
    // a static type is not a GC object (type_is_gc: heap types only)
    if (t === T_TYPE) return !this.isStatic(a);
    return t !== T_TUPLE || this.r(a + GC_NEXT) !== 0;
  }

  /** True for objects in the static block (None, bools, small ints, empty/1-char str and bytes, the empty tuple). */
  isStatic(a: number): boolean {
    return a >= this.staticBase && a < this.staticEnd;
  }

  staticRef(a: number): number {
    const u32 = this.mem.u32;
    u32[a >>> 2] = u32[a >>> 2]! + 1;
    return a;
  }

  writeBytesHeader(a: number, n: number): void {
    this.w(a + OB_SIZE, n);
    this.ws(a + BYTES_HASH, -1);
    this.mem.u8[a + BYTES_DATA + n] = 0;
  }

  expectType(a: number, t: number, what: string): void {
    this.check(a, what);
    if (this.r(a + OB_TYPE) !== t) throw this.typeError(a, what, BUILTIN_TYPE_NAMES[t]!);
  }

  classOf(a: number, what: string): ClassInfo {
    this.check(a, what);
    const c = this.classes[this.r(a + OB_TYPE) - FIRST_CLASS_ID];
    if (c === undefined) throw this.typeError(a, what, 'an instance of a defined class');
    return c;
  }
}
