import type { FallbackAllocator } from './api.js';
import { HeapCorruptionError, InvalidAddressError, PymemArenaError, hex } from './errors.js';
import type { HeapMemory } from './memory.js';

/** Every block address (and every block size) is a multiple of this. */
export const TLSF_GRANULE = 16;
/** Bytes of block header in front of every address {@link Tlsf} returns. */
export const TLSF_HEADER = 16;
/** Smallest block: a header plus room for the 4-byte boundary tag of a free block. */
export const TLSF_MIN_BLOCK = 32;
/** Largest alignment {@link Tlsf.memalign} accepts (1 MiB). */
export const TLSF_MAX_ALIGN = 1 << 20;

// Header word 0 holds the block size; its low 4 bits are flags.
const FREE = 1;
const PREV_FREE = 2;
const FLAG_MASK = 15;
// Second level: 32 bins per power of two. Below 512 bytes the bins are exact
// (16-byte steps); first level i >= 1 covers [2^(i+8), 2^(i+9)).
const SL_LOG2 = 5;
const SMALL = 512;
const FL_COUNT = 25;
const BIN_COUNT = FL_COUNT << SL_LOG2;
/** Largest block size: keeps the rounded search size below 2^32. */
const MAX_BLOCK = 0xf000_0000;

/** Counters returned by {@link Tlsf.stats}. */
export interface TlsfStats {
  /** Bytes in live blocks, headers included. */
  usedBytes: number;
  /** Bytes in free blocks, headers included. */
  freeBytes: number;
  usedBlocks: number;
  freeBlocks: number;
  /** Largest request that can be served without growing the memory (0 if none). */
  largestFree: number;
}

/** Options of {@link Tlsf}. */
export interface TlsfOpts {
  /** First byte the allocator manages; must be > 0 so that address 0 stays NULL. Rounded up to 16. */
  start: number;
}

/** The magic left in a header that was merged into a neighbour (see `bury`). */
function buriedMagicOf(b: number): number {
  return (magicOf(b) ^ 0x5a5a5a5a) >>> 0;
}

/** The header magic of a live or free block at `b`: ties the header to its own address. */
function magicOf(b: number): number {
  return Math.imul(b ^ 0x2545f491, 0x9e3779b1) >>> 0;
}

/** Bin of a free block of `size` bytes (size >= 32, a multiple of 16). */
function binOf(size: number): number {
  if (size < SMALL) return size >>> 4;
  const log = 31 - Math.clz32(size);
  return ((log - 8) << SL_LOG2) | ((size >>> (log - SL_LOG2)) & 31);
}

/** Size to search for so that every block in the bin found is at least `size`. */
function searchSize(size: number): number {
  if (size < SMALL) return size;
  return size + (1 << (31 - Math.clz32(size) - SL_LOG2)) - 1;
}

/** Block size (header included) for a request of `n` bytes, or -1 if too large or not a size. */
function blockSize(n: number): number {
  if (!(n >= 0) || n > MAX_BLOCK - 64) return -1;
  return n <= TLSF_GRANULE ? TLSF_MIN_BLOCK : Math.ceil(n / TLSF_GRANULE) * TLSF_GRANULE + TLSF_HEADER;
}

/** Size field of header word 0 (unsigned, flags stripped). */
function sizeOf(w0: number): number {
  return w0 - (w0 & FLAG_MASK);
}

/** Bytes from `a` to the first aligned address that leaves room for a free block before it (0 if `a` is aligned). */
function alignGap(a: number, alignment: number): number {
  return a % alignment === 0 ? 0 : Math.ceil((a + TLSF_MIN_BLOCK) / alignment) * alignment - a;
}

function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * A two-level segregated fit (TLSF) allocator over the tail of a
 * {@link HeapMemory}: O(1) `malloc` and `free`, immediate coalescing via
 * boundary tags, and growth of the memory when no free block fits.
 *
 * Blocks tile `[start, end)`. Each has a 16-byte header in the memory itself
 * (size and flags, an address-bound magic, and for free blocks the free-list
 * links); a free block also repeats its size in its last 4 bytes. The bins
 * (25 × 32 list heads) and the two bitmaps live in typed arrays, so `malloc`
 * and `free` allocate nothing on the JS heap.
 *
 * @example
 * ```ts
 * const memory = new HeapMemory(1 << 20);
 * const tlsf = new Tlsf(memory, { start: 16 });
 * const p = tlsf.malloc(100); // 32: the first block header is at 16
 * tlsf.free(p);
 * ```
 */
export class Tlsf implements FallbackAllocator {
  /** The bytes the blocks live in. */
  readonly memory: HeapMemory;
  /** Header address of the first block. */
  readonly base: number;
  private end: number;
  /** Whether the last block is free (the PREV_FREE bit of the block past the end). */
  private tailFree = false;
  private flMap = 0;
  private readonly slMap = new Uint32Array(FL_COUNT);
  private readonly heads = new Uint32Array(BIN_COUNT);

  /**
   * @param memory the memory to manage; it grows on demand.
   * @param opts `start` is the first byte this allocator may use (> 0).
   * @throws {@link PymemArenaError} (`E_ARGUMENT`) when `start` is not a positive integer.
   */
  constructor(memory: HeapMemory, opts: TlsfOpts) {
    if (!Number.isSafeInteger(opts.start) || opts.start <= 0) {
      throw new PymemArenaError('E_ARGUMENT', `Tlsf start must be a positive integer, got ${String(opts.start)}`);
    }
    this.memory = memory;
    this.base = Math.ceil(opts.start / TLSF_GRANULE) * TLSF_GRANULE;
    this.end = this.base;
    this.absorb();
  }

  /** End of the managed range (one past the last block). */
  get heapEnd(): number {
    return this.end;
  }

  /** `size` uninitialised bytes, 16-aligned; 0 when the memory cannot grow enough. */
  malloc(size: number): number {
    const need = blockSize(size);
    if (need < 0) return 0;
    const b = this.take(need, true);
    if (b === 0) return 0;
    this.use(b, need);
    return b + TLSF_HEADER;
  }

  /** `size` zeroed bytes; 0 when out of memory. */
  calloc(size: number): number {
    const a = this.malloc(size);
    if (a !== 0) this.memory.u8.fill(0, a, a + Math.ceil(size));
    return a;
  }

  /**
   * A block of `size` bytes whose address is a multiple of `alignment`.
   * @param alignment a power of two up to 1 MiB.
   * @returns the address, or 0 when out of memory.
   * @throws {@link PymemArenaError} (`E_ARGUMENT`) on a bad alignment.
   */
  memalign(alignment: number, size: number): number {
    if (!Number.isSafeInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0 || alignment > TLSF_MAX_ALIGN) {
      throw new PymemArenaError('E_ARGUMENT', `memalign alignment must be a power of two up to ${TLSF_MAX_ALIGN}, got ${String(alignment)}`);
    }
    if (alignment <= TLSF_GRANULE) return this.malloc(size);
    const need = blockSize(size);
    if (need < 0) return 0;
    // Heads of the bins between the request and the worst case first (a
    // freed arena is reused in place), else any block with room for the
    // largest leading gap (a whole free block: at most alignment + 16).
    let b = this.alignedHead(need, alignment);
    if (b === 0) b = this.take(need + alignment + TLSF_HEADER, true);
    if (b === 0) return 0;
    const a = b + TLSF_HEADER;
    const gap = alignGap(a, alignment);
    if (gap === 0) {
      this.use(b, need);
      return a;
    }
    const a2 = a + gap;
    const b2 = b + gap;
    const w = this.memory.u32;
    const w0 = w[b >>> 2]!;
    const total = sizeOf(w0);
    w[b >>> 2] = gap | FREE | (w0 & PREV_FREE);
    w[(b + gap - 4) >>> 2] = gap;
    this.insert(b, gap);
    w[b2 >>> 2] = (total - gap) | FREE | PREV_FREE;
    w[(b2 + 4) >>> 2] = magicOf(b2);
    this.use(b2, need);
    return a2;
  }

  /**
   * Resizes the block at `address`: in place when it shrinks or the next
   * block is free and large enough, else by moving (copying the bytes).
   * `realloc(0, n)` is `malloc(n)`.
   * @returns the new address, or 0 when out of memory (the block is then unchanged).
   * @throws {@link InvalidAddressError} when `address` is not a live block.
   */
  realloc(address: number, size: number): number {
    if (address === 0) return this.malloc(size);
    const b = this.validate(address, 'realloc');
    const need = blockSize(size);
    if (need < 0) return 0;
    const w = this.memory.u32;
    const cur = sizeOf(w[b >>> 2]!);
    if (need <= cur) {
      this.shrink(b, cur, need);
      return address;
    }
    if (this.growInPlace(b, cur, need)) return address;
    const next = b + cur;
    const atTail = next >= this.end || (this.tailFree && next + sizeOf(w[next >>> 2]!) === this.end);
    let nb = this.take(need, !atTail);
    if (nb === 0) {
      // Last block: extend the memory under it rather than move.
      if (atTail && this.grow(need - cur) && this.growInPlace(b, cur, need)) return address;
      nb = this.take(need, true);
      if (nb === 0) return 0;
    }
    this.use(nb, need);
    const u8 = this.memory.u8;
    u8.copyWithin(nb + TLSF_HEADER, address, address + cur - TLSF_HEADER);
    this.release(b);
    return nb + TLSF_HEADER;
  }

  /**
   * Releases the block at `address`, merging it with free neighbours.
   * `free(0)` does nothing.
   * @throws {@link InvalidAddressError} (`double-free` or `foreign`); the heap is then unchanged.
   */
  free(address: number): void {
    if (address === 0) return;
    this.release(this.validate(address, 'free'));
  }

  /**
   * Usable bytes of the live block at `address` (at least what was asked for).
   * @throws {@link InvalidAddressError} when `address` is not a live block.
   */
  usableSize(address: number): number {
    const b = this.validate(address, 'usableSize');
    return sizeOf(this.memory.u32[b >>> 2]!) - TLSF_HEADER;
  }

  /** Whether `address` is an address this allocator returned and has not freed. Never throws. */
  isAllocated(address: number): boolean {
    return this.probe(address) > 0;
  }

  /** Counts of used and free blocks and bytes (walks every block). */
  stats(): TlsfStats {
    const w = this.memory.u32;
    const s: TlsfStats = { usedBytes: 0, freeBytes: 0, usedBlocks: 0, freeBlocks: 0, largestFree: 0 };
    for (let b = this.base; b < this.end;) {
      const w0 = w[b >>> 2]!;
      const size = sizeOf(w0);
      if (size < TLSF_MIN_BLOCK) break;
      if ((w0 & FREE) !== 0) {
        s.freeBytes += size;
        s.freeBlocks++;
        s.largestFree = Math.max(s.largestFree, size - TLSF_HEADER);
      } else {
        s.usedBytes += size;
        s.usedBlocks++;
      }
      b += size;
    }
    return s;
  }

  /**
   * Verifies every invariant: block headers and magics, boundary tags, the
   * PREV_FREE bits, no two adjacent free blocks, and that the free lists and
   * both bitmaps hold exactly the free blocks, each in its own bin.
   * @throws {@link HeapCorruptionError} naming the first bad block or bin.
   */
  check(): void {
    const w = this.memory.u32;
    if (this.end > this.memory.byteLength) throw new HeapCorruptionError(`tlsf: heap end ${hex(this.end)} is past the memory (${this.memory.byteLength} bytes)`);
    let freeCount = 0;
    let prevFree = false;
    let b = this.base;
    while (b < this.end) {
      const w0 = w[b >>> 2]!;
      const size = sizeOf(w0);
      const at = `tlsf: block ${hex(b)}`;
      if (w[(b + 4) >>> 2] !== magicOf(b)) throw new HeapCorruptionError(`${at}: bad header magic ${hex(w[(b + 4) >>> 2]!)}`);
      if (size < TLSF_MIN_BLOCK || b + size > this.end) throw new HeapCorruptionError(`${at}: bad size ${size} (heap end ${hex(this.end)})`);
      if ((w0 & (FLAG_MASK & ~(FREE | PREV_FREE))) !== 0) throw new HeapCorruptionError(`${at}: unknown flag bits ${hex(w0 & FLAG_MASK)}`);
      if (((w0 & PREV_FREE) !== 0) !== prevFree) throw new HeapCorruptionError(`${at}: PREV_FREE bit is ${String(!prevFree)} but the previous block is ${prevFree ? 'free' : 'used'}`);
      const free = (w0 & FREE) !== 0;
      if (free) {
        if (prevFree) throw new HeapCorruptionError(`${at}: free block follows a free block (missed coalesce)`);
        const tag = w[(b + size - 4) >>> 2]!;
        if (tag !== size) throw new HeapCorruptionError(`${at}: boundary tag ${tag} disagrees with size ${size}`);
        freeCount++;
      }
      prevFree = free;
      b += size;
    }
    if (b !== this.end) throw new HeapCorruptionError(`tlsf: blocks end at ${hex(b)}, not at heap end ${hex(this.end)}`);
    if (prevFree !== this.tailFree) throw new HeapCorruptionError(`tlsf: last block is ${prevFree ? 'free' : 'used'} but the tail flag says ${this.tailFree ? 'free' : 'used'}`);
    let listed = 0;
    for (let fl = 0; fl < FL_COUNT; fl++) {
      const sl = this.slMap[fl]!;
      if (((this.flMap >>> fl) & 1) !== (sl !== 0 ? 1 : 0)) throw new HeapCorruptionError(`tlsf: first-level bit ${fl} disagrees with second-level map ${hex(sl)}`);
      for (let s = 0; s < 32; s++) {
        const bin = (fl << SL_LOG2) | s;
        let n = this.heads[bin]!;
        if (((sl >>> s) & 1) !== (n !== 0 ? 1 : 0)) throw new HeapCorruptionError(`tlsf: bin ${fl}/${s} bitmap bit disagrees with its list head ${hex(n)}`);
        let prev = 0;
        while (n !== 0) {
          const at = `tlsf: free list ${fl}/${s} block ${hex(n)}`;
          if (n < this.base || n >= this.end || n % TLSF_GRANULE !== 0 || w[(n + 4) >>> 2] !== magicOf(n)) throw new HeapCorruptionError(`${at}: not a block header`);
          const w0 = w[n >>> 2]!;
          if ((w0 & FREE) === 0) throw new HeapCorruptionError(`${at}: listed but not free`);
          if (binOf(sizeOf(w0)) !== bin) throw new HeapCorruptionError(`${at}: size ${sizeOf(w0)} belongs to another bin`);
          if (w[(n + 12) >>> 2] !== prev) throw new HeapCorruptionError(`${at}: back link ${hex(w[(n + 12) >>> 2]!)} should be ${hex(prev)}`);
          if (++listed > freeCount) throw new HeapCorruptionError(`${at}: more listed blocks than free blocks (cycle or stale entry)`);
          prev = n;
          n = w[(n + 8) >>> 2]!;
        }
      }
    }
    if (listed !== freeCount) throw new HeapCorruptionError(`tlsf: ${freeCount} free blocks but ${listed} in the free lists`);
  }

  // ---- internals ---------------------------------------------------------

  /** Header address of the live block at `address`, or 0 / -1 (free header) / -2 (foreign). */
  private probe(address: number): number {
    if (!Number.isSafeInteger(address) || address % TLSF_GRANULE !== 0) return -2;
    const b = address - TLSF_HEADER;
    if (b < this.base || address >= this.end) return -2;
    const w = this.memory.u32;
    const magic = w[(b + 4) >>> 2]!;
    if (magic !== magicOf(b)) return magic === buriedMagicOf(b) ? -1 : -2;
    const w0 = w[b >>> 2]!;
    if ((w0 & FREE) !== 0) return -1;
    const size = sizeOf(w0);
    if (size < TLSF_MIN_BLOCK || b + size > this.end) return -2;
    return b;
  }

  private validate(address: number, op: string): number {
    const b = this.probe(address);
    if (b > 0) return b;
    const what = Number.isSafeInteger(address) ? hex(address) : String(address);
    if (b === -1) throw new InvalidAddressError(address, 'double-free', `tlsf ${op}(${what}): block is already free (double free)`);
    const why = Number.isSafeInteger(address) && address % TLSF_GRANULE !== 0 ? 'misaligned, not a block address' : 'not a block this allocator returned';
    throw new InvalidAddressError(address, 'foreign', `tlsf ${op}(${what}): ${why}`);
  }

  /** Finds and unlinks a free block of at least `need` bytes; 0 if none (after growing, if allowed). */
  private take(need: number, allowGrow: boolean): number {
    const want = searchSize(need);
    let b = this.find(binOf(want));
    if (b === 0) {
      // Good fit failed: the head of the request's own bin may still be big enough (O(1)).
      const h = this.heads[binOf(need)]!;
      if (h !== 0 && sizeOf(this.memory.u32[h >>> 2]!) >= need) b = h;
    }
    if (b === 0 && allowGrow && this.grow(want)) b = this.find(binOf(want));
    if (b === 0) return 0;
    this.unlink(b, sizeOf(this.memory.u32[b >>> 2]!));
    return b;
  }

  private find(bin: number): number {
    const found = this.nextBin(bin);
    return found < 0 ? 0 : this.heads[found]!;
  }

  /** First non-empty bin at or above `bin`, or -1. */
  private nextBin(bin: number): number {
    let fl = bin >>> SL_LOG2;
    let m = this.slMap[fl]! & (~0 << (bin & 31));
    if (m === 0) {
      const f = fl + 1 < FL_COUNT ? this.flMap & (~0 << (fl + 1)) : 0;
      if (f === 0) return -1;
      fl = lowBit(f);
      m = this.slMap[fl]!;
    }
    return (fl << SL_LOG2) | lowBit(m);
  }

  /**
   * Checks the head of each non-empty bin from the request's own bin up to
   * the worst-case bin for one that holds an aligned block of `need` bytes;
   * unlinks and returns it, or 0. Bounded by the bin count, no list walks.
   */
  private alignedHead(need: number, alignment: number): number {
    const w = this.memory.u32;
    const hi = binOf(searchSize(need + alignment + TLSF_HEADER));
    for (let bin = this.nextBin(binOf(need)); bin >= 0 && bin < hi; bin = bin + 1 < BIN_COUNT ? this.nextBin(bin + 1) : -1) {
      const h = this.heads[bin]!;
      const size = sizeOf(w[h >>> 2]!);
      if (size - alignGap(h + TLSF_HEADER, alignment) >= need) {
        this.unlink(h, size);
        return h;
      }
    }
    return 0;
  }

  /** Marks the unlinked free block `b` used, splitting off a free tail beyond `need`. */
  private use(b: number, need: number): void {
    const w = this.memory.u32;
    const w0 = w[b >>> 2]!;
    const size = sizeOf(w0);
    const rest = size - need;
    if (rest >= TLSF_MIN_BLOCK) {
      w[b >>> 2] = need | (w0 & PREV_FREE);
      const r = b + need;
      w[r >>> 2] = rest | FREE;
      w[(r + 4) >>> 2] = magicOf(r);
      w[(r + rest - 4) >>> 2] = rest;
      this.insert(r, rest);
    } else {
      w[b >>> 2] = size | (w0 & PREV_FREE);
      this.setPrevFree(b + size, false);
    }
  }

  /** Frees the live block `b`, coalescing with both neighbours. */
  private release(b: number): void {
    const w = this.memory.u32;
    const w0 = w[b >>> 2]!;
    let start = b;
    let total = sizeOf(w0);
    w[b >>> 2] = w0 | FREE;
    if ((w0 & PREV_FREE) !== 0) {
      const psize = w[(b - 4) >>> 2]!;
      start = b - psize;
      this.unlink(start, psize);
      total += psize;
      this.bury(b);
    }
    const next = b + sizeOf(w0);
    if (next < this.end && (w[next >>> 2]! & FREE) !== 0) {
      const nsize = sizeOf(w[next >>> 2]!);
      this.unlink(next, nsize);
      total += nsize;
      this.bury(next);
    }
    w[start >>> 2] = total | FREE | (w[start >>> 2]! & PREV_FREE);
    w[(start + total - 4) >>> 2] = total;
    this.insert(start, total);
    this.setPrevFree(start + total, true);
  }

  /** Cuts the live block `b` of `cur` bytes down to `need`, freeing the tail. */
  private shrink(b: number, cur: number, need: number): void {
    const w = this.memory.u32;
    let rest = cur - need;
    if (rest < TLSF_MIN_BLOCK) return;
    const next = b + cur;
    if (next < this.end && (w[next >>> 2]! & FREE) !== 0) {
      const nsize = sizeOf(w[next >>> 2]!);
      this.unlink(next, nsize);
      rest += nsize;
      this.bury(next);
    }
    w[b >>> 2] = need | (w[b >>> 2]! & PREV_FREE);
    const r = b + need;
    w[r >>> 2] = rest | FREE;
    w[(r + 4) >>> 2] = magicOf(r);
    w[(r + rest - 4) >>> 2] = rest;
    this.insert(r, rest);
    this.setPrevFree(r + rest, true);
  }

  /** Grows the live block `b` into a free successor when that gives `need` bytes. */
  private growInPlace(b: number, cur: number, need: number): boolean {
    const w = this.memory.u32;
    const next = b + cur;
    if (next >= this.end) return false;
    const n0 = w[next >>> 2]!;
    const nsize = sizeOf(n0);
    if ((n0 & FREE) === 0 || cur + nsize < need) return false;
    this.unlink(next, nsize);
    this.bury(next);
    const merged = cur + nsize;
    w[b >>> 2] = merged | (w[b >>> 2]! & PREV_FREE);
    this.setPrevFree(b + merged, false);
    this.shrink(b, merged, need);
    return true;
  }

  /**
   * A header merged into a neighbour becomes interior bytes. Its magic is
   * turned into the "buried" value, so that a later block whose data covers
   * it can never pass for a live header, while freeing the old address again
   * is still reported as a double free.
   */
  private bury(b: number): void {
    this.memory.u32[(b + 4) >>> 2] = buriedMagicOf(b);
  }

  private setPrevFree(b: number, free: boolean): void {
    if (b >= this.end) {
      this.tailFree = free;
      return;
    }
    const w = this.memory.u32;
    w[b >>> 2] = free ? w[b >>> 2]! | PREV_FREE : w[b >>> 2]! & ~PREV_FREE;
  }

  private insert(b: number, size: number): void {
    const bin = binOf(size);
    const w = this.memory.u32;
    const head = this.heads[bin]!;
    w[(b + 8) >>> 2] = head;
    w[(b + 12) >>> 2] = 0;
    if (head !== 0) w[(head + 12) >>> 2] = b;
    this.heads[bin] = b;
    const fl = bin >>> SL_LOG2;
    this.slMap[fl] = this.slMap[fl]! | (1 << (bin & 31));
    this.flMap |= 1 << fl;
  }

  private unlink(b: number, size: number): void {
    const bin = binOf(size);
    const w = this.memory.u32;
    const next = w[(b + 8) >>> 2]!;
    const prev = w[(b + 12) >>> 2]!;
    if (prev !== 0) w[(prev + 8) >>> 2] = next;
    else this.heads[bin] = next;
    if (next !== 0) w[(next + 12) >>> 2] = prev;
    if (this.heads[bin] === 0) {
      const fl = bin >>> SL_LOG2;
      const m = this.slMap[fl]! & ~(1 << (bin & 31));
      this.slMap[fl] = m;
      if (m === 0) this.flMap &= ~(1 << fl);
    }
  }

  /** Grows the memory so that the last block is free and at least `want` bytes. */
  private grow(want: number): boolean {
    this.absorb();
    const w = this.memory.u32;
    const have = this.tailFree ? w[(this.end - 4) >>> 2]! : 0;
    const target = this.end + want - have;
    if (target > 0x1_0000_0000 - TLSF_GRANULE || !this.memory.grow(target)) return false;
    this.absorb();
    return true;
  }

  /** Takes memory past `end` (grown by us or by anyone else) into the last block. */
  private absorb(): void {
    const limit = Math.min(Math.floor(this.memory.byteLength / TLSF_GRANULE) * TLSF_GRANULE, 0x1_0000_0000 - TLSF_GRANULE);
    const w = this.memory.u32;
    if (limit <= this.end) return;
    let b: number;
    if (this.tailFree) {
      const lsize = w[(this.end - 4) >>> 2]!;
      b = this.end - lsize;
      this.unlink(b, lsize);
      w[b >>> 2] = (limit - b) | FREE | (w[b >>> 2]! & PREV_FREE);
    } else {
      if (limit - this.end < TLSF_MIN_BLOCK) return;
      b = this.end;
      w[b >>> 2] = (limit - b) | FREE;
      w[(b + 4) >>> 2] = magicOf(b);
    }
    w[(limit - 4) >>> 2] = limit - b;
    this.insert(b, limit - b);
    this.tailFree = true;
    this.end = limit;
  }
}
