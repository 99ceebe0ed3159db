import type { Allocator } from './api.js';
import { InvalidAddressError, hex } from './errors.js';
import type { HeapMemory } from './memory.js';

/** Bytes in front of each debug block's data: size (8), API id (1), forbidden bytes (7). */
export const DEBUG_HEAD = 16;
/** Forbidden bytes after each debug block's data. */
export const DEBUG_TAIL = 8;
/** CPython's `PYMEM_CLEANBYTE`: fills new memory. */
export const CLEANBYTE = 0xcd;
/** CPython's `PYMEM_DEADBYTE`: fills freed memory. */
export const DEADBYTE = 0xdd;
/** CPython's `PYMEM_FORBIDDENBYTE`: the guard bytes around the data. */
export const FORBIDDENBYTE = 0xfd;
/** API id of the object domain (`'o'`), as in `PyObject_Malloc`'s debug hook. */
export const API_ID_OBJECT = 0x6f;

/** Bytes of old data saved across a realloc at each end (CPython's `ERASED_SIZE`). */
const ERASED = 64;
const TWO32 = 0x1_0000_0000;

/**
 * An open-addressing hash map from address to size in two growable
 * `Float64Array`s: linear probing, backward-shift deletion, 0 = empty slot.
 */
class AddressTable {
  keys = new Float64Array(64);
  vals = new Float64Array(64);
  count = 0;
  private mask = 63;

  /** Slot of `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === 0) return -1;
    }
  }

  set(key: number, val: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.rehash(this.keys.length * 2);
    const keys = this.keys;
    let i = this.slot(key);
    while (keys[i] !== 0 && keys[i] !== key) i = (i + 1) & this.mask;
    if (keys[i] === 0) this.count++;
    keys[i] = key;
    this.vals[i] = val;
  }

  delete(key: number): void {
    let i = this.find(key);
    if (i < 0) return;
    const { keys, vals, mask } = this;
    this.count--;
    // Shift later members of the probe run back into the hole.
    for (let j = (i + 1) & mask; keys[j] !== 0; j = (j + 1) & mask) {
      const home = this.slot(keys[j]!);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j]!;
        vals[i] = vals[j]!;
        i = j;
      }
    }
    keys[i] = 0;
    vals[i] = 0;
  }

  private slot(key: number): number {
    const lo = key % TWO32;
    const hi = (key - lo) / TWO32;
    return (Math.imul((lo >>> 4) ^ Math.imul(hi, 0x85ebca6b) ^ (lo << 28), 0x9e3779b1) >>> 0) & this.mask;
  }

  private rehash(capacity: number): void {
    const { keys, vals } = this;
    this.keys = new Float64Array(capacity);
    this.vals = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i]!, vals[i]!);
  }
}

/**
 * CPython's debug hooks (`PYTHONMALLOC=debug`, 3.11, 64-bit, no serial
 * number) around any linear-mode allocator: each request of `n` bytes takes
 * `n + 24` bytes from the inner allocator, laid out as
 *
 * | offset from inner block | bytes | content |
 * |---|---|---|
 * | 0  | 8 | `n`, big-endian as CPython writes it |
 * | 8  | 1 | API id `'o'` (0x6F) |
 * | 9  | 7 | `FORBIDDENBYTE` 0xFD |
 * | 16 | n | the data; the address returned points here |
 * | 16 + n | 8 | `FORBIDDENBYTE` 0xFD |
 *
 * New data is filled with `CLEANBYTE` 0xCD (calloc: zeros); a freed block is
 * filled with `DEADBYTE` 0xDD before the inner free. Unlike CPython, which
 * finds misuse from the guard bytes alone, the live addresses are kept in a
 * hash table, so a double free or a foreign address is always caught. Every
 * rejected call throws {@link InvalidAddressError} before changing anything.
 *
 * @example
 * ```ts
 * const debug = new DebugAllocator(heap); // heap: Allocator & { memory }
 * const p = debug.malloc(10);
 * debug.memory.u8[p + 10] = 0; // one byte too far
 * debug.free(p); // throws InvalidAddressError, reason "overrun"
 * ```
 */
export class DebugAllocator implements Allocator {
  /** The wrapped allocator. */
  readonly inner: Allocator & { readonly memory: HeapMemory };
  /** The memory of the wrapped allocator (addresses are offsets into it). */
  readonly memory: HeapMemory;
  private readonly live = new AddressTable();
  private readonly freed = new AddressTable();
  private readonly saved = new Uint8Array(2 * ERASED);

  /** @param inner a linear-mode allocator: its addresses are offsets into `inner.memory`. */
  constructor(inner: Allocator & { readonly memory: HeapMemory }) {
    this.inner = inner;
    this.memory = inner.memory;
  }

  /** Number of live blocks. */
  get liveBlocks(): number {
    return this.live.count;
  }

  /** `size` bytes filled with `CLEANBYTE`; 0 when the inner allocator has none. */
  malloc(size: number): number {
    if (!Number.isSafeInteger(size) || size < 0 || size > Number.MAX_SAFE_INTEGER - 64) return 0;
    const q = this.inner.malloc(size + DEBUG_HEAD + DEBUG_TAIL);
    if (q === 0) return 0;
    const p = q + DEBUG_HEAD;
    this.memory.u8.fill(CLEANBYTE, p, p + size);
    this.adopt(p, size);
    return p;
  }

  /** `nelem * elsize` zeroed bytes; 0 when the product overflows or there is no memory. */
  calloc(nelem: number, elsize: number): number {
    const size = nelem * elsize;
    if (!(nelem >= 0 && elsize >= 0) || !Number.isSafeInteger(size) || size > Number.MAX_SAFE_INTEGER - 64) return 0;
    const q = this.inner.calloc(1, size + DEBUG_HEAD + DEBUG_TAIL);
    if (q === 0) return 0;
    this.adopt(q + DEBUG_HEAD, size);
    return q + DEBUG_HEAD;
  }

  /**
   * Resizes a live block, keeping its data; bytes past the old size are
   * `CLEANBYTE`. If the block moves, the old one is left marked dead as
   * CPython does (its first and last 64 data bytes and guards are `DEADBYTE`).
   * @returns the new address, or 0 when out of memory (the block is unchanged).
   * @throws {@link InvalidAddressError} (`double-free`, `foreign`, `overrun`, `underrun`).
   */
  realloc(address: number, size: number): number {
    if (address === 0) return this.malloc(size);
    const old = this.verify(address, 'realloc');
    if (!Number.isSafeInteger(size) || size < 0 || size > Number.MAX_SAFE_INTEGER - 64) return 0;
    // Save and erase the head, the first and last ERASED data bytes and the
    // tail, so that the old block reads as dead if the inner realloc moves it.
    let u8 = this.memory.u8;
    const saved = this.saved;
    const front = Math.min(old, ERASED);
    const backFrom = Math.max(front, old - ERASED);
    for (let i = 0; i < front; i++) saved[i] = u8[address + i]!;
    for (let i = backFrom; i < old; i++) saved[ERASED + i - backFrom] = u8[address + i]!;
    u8.fill(DEADBYTE, address - DEBUG_HEAD, address + front);
    u8.fill(DEADBYTE, address + backFrom, address + old + DEBUG_TAIL);
    const q = this.inner.realloc(address - DEBUG_HEAD, size + DEBUG_HEAD + DEBUG_TAIL);
    // On failure the old block is restored; either way `p` holds the data.
    const p = q === 0 ? address : q + DEBUG_HEAD;
    const n = q === 0 ? old : size;
    u8 = this.memory.u8;
    for (let i = 0; i < Math.min(front, n); i++) u8[p + i] = saved[i]!;
    for (let i = backFrom; i < Math.min(old, n); i++) u8[p + i] = saved[ERASED + i - backFrom]!;
    if (n > old) u8.fill(CLEANBYTE, p + old, p + n);
    if (q === 0) {
      this.writeGuards(p, n);
      return 0;
    }
    this.live.delete(address);
    if (p !== address) this.freed.set(address, 1);
    this.adopt(p, n);
    return p;
  }

  /**
   * Fills the block with `DEADBYTE` and frees it. `free(0)` does nothing.
   * @throws {@link InvalidAddressError} (`double-free`, `foreign`, `overrun`, `underrun`); nothing is freed then.
   */
  free(address: number): void {
    if (address === 0) return;
    const n = this.verify(address, 'free');
    this.memory.u8.fill(DEADBYTE, address - DEBUG_HEAD, address + n + DEBUG_TAIL);
    this.live.delete(address);
    this.freed.set(address, 1);
    this.inner.free(address - DEBUG_HEAD);
  }

  /**
   * The size requested for the live block at `address`.
   * @throws {@link InvalidAddressError} as {@link free} does.
   */
  sizeOf(address: number): number {
    return this.verify(address, 'sizeOf');
  }

  /** Whether `address` is a live block of this allocator. */
  isLive(address: number): boolean {
    return this.live.find(address) >= 0;
  }

  /**
   * Verifies the guard bytes and size field of every live block, in address order.
   * @throws {@link InvalidAddressError} (`overrun` or `underrun`) for the first bad block.
   */
  checkAll(): void {
    const { keys } = this.live;
    const addresses = new Float64Array(this.live.count);
    let k = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) addresses[k++] = keys[i]!;
    addresses.sort();
    for (const a of addresses) this.verify(a, 'checkAll');
  }

  /** Records a new live block at `p` of `n` bytes and writes its guards. */
  private adopt(p: number, n: number): void {
    this.writeGuards(p, n);
    this.live.set(p, n);
    this.freed.delete(p);
  }

  private writeGuards(p: number, n: number): void {
    const q = p - DEBUG_HEAD;
    const { u8, dv } = this.memory;
    dv.setUint32(q, Math.floor(n / TWO32), false);
    dv.setUint32(q + 4, n % TWO32, false);
    u8[q + 8] = API_ID_OBJECT;
    u8.fill(FORBIDDENBYTE, q + 9, p);
    u8.fill(FORBIDDENBYTE, p + n, p + n + DEBUG_TAIL);
  }

  /** The size of the live block at `address` after checking its guards; throws on any misuse. */
  private verify(address: number, op: string): number {
    const at = `debug ${op}(${Number.isSafeInteger(address) ? hex(address) : String(address)})`;
    const slot = Number.isSafeInteger(address) && address > 0 ? this.live.find(address) : -1;
    if (slot < 0) {
      if (Number.isSafeInteger(address) && address > 0 && this.freed.find(address) >= 0) {
        throw new InvalidAddressError(address, 'double-free', `${at}: the block was already freed (double free)`);
      }
      throw new InvalidAddressError(address, 'foreign', `${at}: not an address this debug allocator returned`);
    }
    const n = this.live.vals[slot]!;
    const { u8, dv } = this.memory;
    const q = address - DEBUG_HEAD;
    for (let i = 1; i <= 7; i++) {
      const v = u8[address - i]!;
      if (v !== FORBIDDENBYTE) {
        throw new InvalidAddressError(address, 'underrun', `${at}: underrun: leading pad byte at p-${i} is ${hex(v)}, expected ${hex(FORBIDDENBYTE)}`);
      }
    }
    const id = u8[q + 8]!;
    if (id !== API_ID_OBJECT) {
      throw new InvalidAddressError(address, 'underrun', `${at}: underrun: API id byte at p-8 is ${hex(id)}, expected ${hex(API_ID_OBJECT)} ('o')`);
    }
    const stored = dv.getUint32(q, false) * TWO32 + dv.getUint32(q + 4, false);
    if (stored !== n) {
      throw new InvalidAddressError(address, 'underrun', `${at}: underrun: size field at p-16 reads ${stored}, but ${n} bytes were allocated`);
    }
    for (let i = 0; i < DEBUG_TAIL; i++) {
      const v = u8[address + n + i]!;
      if (v !== FORBIDDENBYTE) {
        throw new InvalidAddressError(address, 'overrun', `${at}: overrun: trailing pad byte at offset ${n + i} (p+${n + i}) of a ${n}-byte block is ${hex(v)}, expected ${hex(FORBIDDENBYTE)}`);
      }
    }
    return n;
  }
}
