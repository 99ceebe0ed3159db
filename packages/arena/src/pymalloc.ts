import type { Allocator, ArenaSource, FallbackAllocator, PymallocObserver, Route } from './api.js';
import { ROUTE_FALLBACK, ROUTE_PYMALLOC } from './api.js';
import { ArenaMap } from './arena-map.js';
import { checkHeap } from './check.js';
import { PymemArenaError } from './errors.js';
import type { Geometry, GeometryOpts, PresetName } from './geometry.js';
import { resolveGeometry } from './geometry.js';
import {
  DUMMY_SIZE_IDX,
  INITIAL_ARENA_OBJECTS,
  POOL_ARENAINDEX,
  POOL_COUNT,
  POOL_FREEBLOCK,
  POOL_MAXNEXTOFFSET,
  POOL_NEXT,
  POOL_NEXTOFFSET,
  POOL_PREV,
  POOL_SZIDX,
} from './layout.js';
import type { HeapMemory } from './memory.js';
import type { PoolLists } from './lists.js';
import { collectLists } from './lists.js';
import type { ArenaInfo, PymallocStats } from './stats.js';
import { collectArenas, collectStats, formatStats } from './stats.js';

/** Options of {@link Pymalloc}. */
export interface PymallocOpts {
  /** Geometry preset, custom options or resolved geometry. @defaultValue `"cpython-3.11"` */
  geometry?: PresetName | GeometryOpts | Geometry;
  /** Where arenas come from. */
  source: ArenaSource;
  /** Where declined requests go (size 0, above the threshold, foreign reallocs). */
  fallback: FallbackAllocator;
  /** Event observer; can also be set later through `observer`. @defaultValue none */
  observer?: PymallocObserver;
}

const NONE = -1;

/**
 * CPython's small-object allocator (`Objects/obmalloc.c`), rule for rule:
 * `usedpools` per size class, per-arena `freepools`, `usable_arenas` sorted
 * by free pools with the `nfp2lasta` fingers, the arena release rule and
 * LIFO reuse of arena descriptors. Pool headers and free lists live in the
 * arena memory itself; arena descriptors are typed arrays indexed by slot.
 *
 * Requests of 0 bytes or above the threshold, and reallocs of addresses it
 * does not own, go to the fallback allocator, as CPython sends them to libc.
 */
export class Pymalloc implements Allocator {
  /** The validated geometry. */
  readonly geometry: Geometry;
  /** The arena source. */
  readonly source: ArenaSource;
  /** The allocator that serves declined requests. */
  readonly fallback: FallbackAllocator;
  /** Event observer; undefined costs one check per call. */
  observer: PymallocObserver | undefined;

  /** Number of arenas ever allocated (`ntimes_arena_allocated`). */
  arenasAllocatedTotal = 0;
  /** Live arenas (`narenas_currently_allocated`). */
  arenasCurrent = 0;
  /** Most arenas live at once (`narenas_highwater`). */
  arenasHighwater = 0;

  /** @internal head pool offset of each class's used list, 0 when empty. */
  readonly usedpools: Uint32Array;
  /** @internal descriptor slots in use: `maxarenas`. */
  maxarenas = 0;
  /** @internal arena address per slot, 0 when unused. */
  aAddress: Float64Array = new Float64Array(0);
  /** @internal address minus memory offset, per slot. */
  aDelta: Float64Array = new Float64Array(0);
  /** @internal memory offset of the next pool to carve, per slot. */
  aPoolAddress: Float64Array = new Float64Array(0);
  /** @internal memory offset of the first pool, per slot. */
  aFirstPool: Float64Array = new Float64Array(0);
  /** @internal available pools (cached empty + never carved), per slot. */
  aNfreepools: Int32Array = new Int32Array(0);
  /** @internal pools in the arena (63 or 64 with the 3.11 geometry), per slot. */
  aNtotalpools: Int32Array = new Int32Array(0);
  /** @internal head of the arena's empty-pool LIFO (memory offset, 0 when none). */
  aFreepools: Float64Array = new Float64Array(0);
  /** @internal `usable_arenas` (and unused list) links, per slot. */
  aNext: Int32Array = new Int32Array(0);
  /** @internal `usable_arenas` back links, per slot. */
  aPrev: Int32Array = new Int32Array(0);
  /** @internal head of `usable_arenas`. */
  usableArenas = NONE;
  /** @internal head of the unused descriptor LIFO. */
  unusedArenaObjects = NONE;
  /** @internal `nfp2lasta[n]`: rightmost usable arena with n free pools. */
  readonly nfp2lasta: Int32Array;
  /** @internal ideal arena index → slot. */
  readonly arenaMap = new ArenaMap();
  /** @internal radix-tree mid nodes ever created (key: address >> 49). */
  readonly mapMidNodes = new Set<number>();
  /** @internal radix-tree bottom nodes ever created (key: address >> 34). */
  readonly mapBotNodes = new Set<number>();

  private readonly mem: HeapMemory;
  private u32: Uint32Array;
  private u8: Uint8Array;
  private memVersion: number;
  private readonly threshold: number;
  private readonly alignShift: number;
  private readonly poolSize: number;
  private readonly poolMask: number;
  private readonly arenaSize: number;
  private readonly overhead: number;
  private readonly fallbackInMemory: boolean;
  private readonly invArenaSize: number;
  /** Addresses are memory offsets (linear mode). */
  private readonly linear: boolean;
  /** Slot of the last successful ownership lookup (never a released slot), or -1. */
  private lastSlot = NONE;
  /** Which allocator served the last `allocate`. */
  private lastRoute: Route = ROUTE_PYMALLOC;
  /** Memory offset of the block the last pymallocAlloc returned. */
  private lastOffset = 0;

  constructor(opts: PymallocOpts) {
    const g = resolveGeometry(opts.geometry);
    this.geometry = g;
    this.source = opts.source;
    this.fallback = opts.fallback;
    this.fallbackInMemory = opts.fallback.memory === opts.source.memory;
    this.observer = opts.observer;
    this.mem = opts.source.memory;
    this.u32 = this.mem.u32;
    this.u8 = this.mem.u8;
    this.memVersion = this.mem.version;
    this.threshold = g.threshold;
    this.alignShift = g.alignmentShift;
    this.poolSize = g.poolSize;
    this.poolMask = g.poolSize - 1;
    this.arenaSize = g.arenaSize;
    this.invArenaSize = 1 / g.arenaSize;
    this.linear = opts.source.addressesAreOffsets === true;
    this.overhead = g.poolOverhead;
    this.usedpools = new Uint32Array(g.nClasses);
    this.nfp2lasta = new Int32Array(g.maxPoolsInArena + 1).fill(NONE);
  }

  /**
   * The bytes the arenas live in (see {@link HeapMemory}). In linear mode an
   * address is an offset into it: `heap.memory.u8[p]` is the first byte of
   * the block at `p`.
   */
  get memory(): HeapMemory {
    return this.mem;
  }

  // ---------------------------------------------------------------- public API

  /**
   * Allocates `size` bytes. Sizes 1..threshold come from a pool; others go to
   * the fallback.
   * @returns the address, or 0 when no memory can be had.
   */
  malloc(size: number): number {
    const p = this.allocate(size);
    if (this.observer !== undefined && p !== 0) this.observer.blockAlloc?.(p, size, this.lastRoute, false);
    return p;
  }

  /** malloc without the observer call; sets `lastRoute`. */
  private allocate(size: number): number {
    if (size > 0 && size <= this.threshold) {
      const p = this.pymallocAlloc(size);
      if (p !== 0) {
        this.lastRoute = ROUTE_PYMALLOC;
        return p;
      }
    }
    this.lastRoute = ROUTE_FALLBACK;
    const p = this.fallback.malloc(size);
    this.syncViews();
    return p;
  }

  /** Allocates `nelem * elsize` zeroed bytes. @returns the address or 0. */
  calloc(nelem: number, elsize: number): number {
    const size = nelem * elsize;
    if (!Number.isSafeInteger(size) || size < 0) return 0;
    let p = 0;
    if (size > 0 && size <= this.threshold) p = this.pymallocAlloc(size);
    if (p !== 0) {
      const off = this.lastOffset;
      this.u8.fill(0, off, off + size);
      if (this.observer !== undefined) this.observer.blockAlloc?.(p, size, ROUTE_PYMALLOC, true);
      return p;
    }
    p = this.fallback.calloc(size);
    this.syncViews();
    if (this.observer !== undefined && p !== 0) this.observer.blockAlloc?.(p, size, ROUTE_FALLBACK, true);
    return p;
  }

  /**
   * Resizes the block at `address`. A pymalloc block stays in place when
   * `size <= blockSize` and `4 * size > 3 * blockSize`; otherwise a new block
   * is allocated first, the bytes copied, then the old block freed. Blocks of
   * the fallback stay with the fallback.
   */
  realloc(address: number, size: number): number {
    if (address === 0) {
      // realloc(NULL, n) is a malloc, reported as the realloc it was.
      const p = this.allocate(size);
      if (this.observer !== undefined && p !== 0) this.observer.blockRealloc?.(0, p, size, this.lastRoute);
      return p;
    }
    const slot = this.slotOf(address);
    if (slot === NONE) {
      const q = this.fallback.realloc(address, size);
      this.syncViews();
      if (this.observer !== undefined) this.observer.blockRealloc?.(address, q, size, ROUTE_FALLBACK);
      return q;
    }
    const off = address - this.aDelta[slot]!;
    const pool = off - (off & this.poolMask);
    let blockSize = (this.u32[(pool >>> 2) + POOL_SZIDX]! + 1) << this.alignShift;
    if (size <= blockSize) {
      if (4 * size > 3 * blockSize) {
        if (this.observer !== undefined) this.observer.blockRealloc?.(address, address, size, ROUTE_PYMALLOC);
        return address;
      }
      blockSize = size;
    }
    let q = 0;
    let route: Route = ROUTE_PYMALLOC;
    if (size > 0 && size <= this.threshold) q = this.pymallocAlloc(size);
    if (q === 0) {
      route = ROUTE_FALLBACK;
      q = this.fallback.malloc(size);
      this.syncViews();
      if (q === 0) return 0;
    }
    this.copyOut(off, q, blockSize, route);
    this.pymallocFree(address, slot);
    if (this.observer !== undefined) this.observer.blockRealloc?.(address, q, size, route);
    return q;
  }

  /** Frees the block at `address`; `free(0)` does nothing. */
  free(address: number): void {
    const slot = this.linear ? this.slotOfLinear(address) : this.slotOfMapped(address);
    if (slot === NONE) {
      this.fallbackFree(address);
      return;
    }
    this.pymallocFree(address, slot);
    if (this.observer !== undefined) this.observer.blockFree?.(address, ROUTE_PYMALLOC);
  }

  private fallbackFree(address: number): void {
    if (address === 0) return;
    this.fallback.free(address);
    this.syncViews();
    if (this.observer !== undefined) this.observer.blockFree?.(address, ROUTE_FALLBACK);
  }

  /**
   * True when `address` lies inside a live arena (CPython's
   * `address_in_range`). In linear mode, like CPython 3.8's test, it is exact
   * for addresses inside carved pools (every block pymalloc hands out) and
   * may say false for the never-used head and tail of an arena.
   */
  owns(address: number): boolean {
    return this.slotOf(address) !== NONE;
  }

  /** Memory offset of the byte at `address` (owned by pymalloc), for reading block contents. */
  offsetOf(address: number): number {
    const slot = this.slotOf(address);
    if (slot === NONE) throw new PymemArenaError('E_FOREIGN', `address 0x${address.toString(16)} is not inside a live arena`);
    return address - this.aDelta[slot]!;
  }

  // ----------------------------------------------------------------- internals

  /** Descriptor slot of the live arena holding `address`, or -1. */
  slotOf(address: number): number {
    return this.linear ? this.slotOfLinear(address) : this.slotOfMapped(address);
  }

  /**
   * Linear mode, CPython 3.8's test: read the `arenaindex` of the would-be
   * pool header, then check the address lies in that live arena. Exact for
   * every address in a carved pool; never claims one outside live arenas.
   */
  private slotOfLinear(address: number): number {
    if (!(address >= 0 && address < this.u8.length)) return NONE;
    const a = this.u32[((address - (address & this.poolMask)) >>> 2) + POOL_ARENAINDEX]!;
    if (a < this.maxarenas) {
      const base = this.aAddress[a]!;
      if (base !== 0 && address >= base && address < base + this.arenaSize) return a;
    }
    return NONE;
  }

  /** Recorded mode: the last hit, else the ideal-index hash (the radix tree's role). */
  private slotOfMapped(address: number): number {
    const size = this.arenaSize;
    const c = this.lastSlot;
    if (c !== NONE) {
      const base = this.aAddress[c]!;
      if (address >= base && address < base + size) return c;
    }
    const ideal = Math.floor(address * this.invArenaSize);
    if (!(ideal >= 0)) return NONE;
    let s = this.arenaMap.get(ideal);
    if (s !== NONE && address >= this.aAddress[s]!) return (this.lastSlot = s);
    if (ideal < 1) return NONE;
    s = this.arenaMap.get(ideal - 1);
    if (s !== NONE && address < this.aAddress[s]! + size) return (this.lastSlot = s);
    return NONE;
  }

  private syncViews(): void {
    const m = this.mem;
    if (m.version !== this.memVersion) {
      this.u32 = m.u32;
      this.u8 = m.u8;
      this.memVersion = m.version;
    }
  }

  /** Copies `n` bytes of the pymalloc block at memory offset `from` to the new block `to`. */
  private copyOut(from: number, to: number, n: number, route: Route): void {
    if (n === 0) return;
    if (route === ROUTE_PYMALLOC) {
      const toOff = this.lastOffset;
      this.u8.copyWithin(toOff, from, from + n);
    } else if (this.fallbackInMemory) {
      this.u8.copyWithin(to, from, from + n);
    }
  }

  /** pymalloc_alloc: a block for 1 <= size <= threshold, or 0 when no arena can be had. */
  private pymallocAlloc(size: number): number {
    const idx = (size - 1) >> this.alignShift;
    const pool = this.usedpools[idx]!;
    if (pool !== 0) {
      const u32 = this.u32;
      const h = pool >>> 2;
      const bp = u32[h + POOL_FREEBLOCK]!;
      u32[h + POOL_COUNT]!++;
      const next = u32[bp >>> 2]!;
      if (next !== 0) {
        u32[h + POOL_FREEBLOCK] = next;
      } else {
        this.poolExtend(pool, idx);
      }
      this.lastOffset = bp;
      return this.linear ? bp : bp + this.aDelta[u32[h + POOL_ARENAINDEX]!]!;
    }
    return this.allocateFromNewPool(idx);
  }

  /** The free list ran dry: thread the next virgin block, or the pool is full. */
  private poolExtend(pool: number, idx: number): void {
    const u32 = this.u32;
    const h = pool >>> 2;
    const nextoffset = u32[h + POOL_NEXTOFFSET]!;
    if (nextoffset <= u32[h + POOL_MAXNEXTOFFSET]!) {
      const fb = pool + nextoffset;
      u32[h + POOL_FREEBLOCK] = fb;
      u32[h + POOL_NEXTOFFSET] = nextoffset + ((idx + 1) << this.alignShift);
      u32[fb >>> 2] = 0;
      return;
    }
    // Full: unlink from usedpools.
    u32[h + POOL_FREEBLOCK] = 0;
    const next = u32[h + POOL_NEXT]!;
    const prev = u32[h + POOL_PREV]!;
    if (prev === 0) this.usedpools[idx] = next;
    else u32[(prev >>> 2) + POOL_NEXT] = next;
    if (next !== 0) u32[(next >>> 2) + POOL_PREV] = prev;
    if (this.observer !== undefined) this.observer.poolFull?.(this.poolAddress(pool), idx);
  }

  private allocateFromNewPool(idx: number): number {
    if (this.usableArenas === NONE) {
      if (!this.newArena()) return 0;
    }
    const a = this.usableArenas;
    const nf = this.aNfreepools[a]!;
    const fingers = this.nfp2lasta;
    if (fingers[nf] === a) fingers[nf] = NONE;
    if (nf > 1) fingers[nf - 1] = a;

    const u32 = this.u32;
    let pool = this.aFreepools[a]!;
    if (pool !== 0) {
      this.aFreepools[a] = u32[(pool >>> 2) + POOL_NEXT]!;
    } else {
      pool = this.aPoolAddress[a]!;
      u32[(pool >>> 2) + POOL_ARENAINDEX] = a;
      u32[(pool >>> 2) + POOL_SZIDX] = DUMMY_SIZE_IDX;
      this.aPoolAddress[a] = pool + this.poolSize;
    }
    this.aNfreepools[a] = nf - 1;
    if (nf - 1 === 0) {
      const next = this.aNext[a]!;
      this.usableArenas = next;
      if (next !== NONE) this.aPrev[next] = NONE;
    }

    // Front-link as the only member of usedpools[idx] (the list was empty).
    const h = pool >>> 2;
    const head = this.usedpools[idx]!;
    u32[h + POOL_NEXT] = head;
    u32[h + POOL_PREV] = 0;
    if (head !== 0) u32[(head >>> 2) + POOL_PREV] = pool;
    this.usedpools[idx] = pool;
    u32[h + POOL_COUNT] = 1;

    const delta = this.aDelta[a]!;
    if (u32[h + POOL_SZIDX] === idx) {
      // Reused empty pool of the same class: continue its free list as it was.
      const bp = u32[h + POOL_FREEBLOCK]!;
      u32[h + POOL_FREEBLOCK] = u32[bp >>> 2]!;
      if (this.observer !== undefined) this.observer.poolReuse?.(pool + delta, idx);
      this.lastOffset = bp;
      return bp + delta;
    }
    const size = (idx + 1) << this.alignShift;
    u32[h + POOL_SZIDX] = idx;
    const bp = pool + this.overhead;
    u32[h + POOL_NEXTOFFSET] = this.overhead + 2 * size;
    u32[h + POOL_MAXNEXTOFFSET] = this.poolSize - size;
    const fb = bp + size;
    u32[h + POOL_FREEBLOCK] = fb;
    u32[fb >>> 2] = 0;
    if (this.observer !== undefined) this.observer.poolInit?.(pool + delta, idx);
    this.lastOffset = bp;
    return bp + delta;
  }

  /** pymalloc_free for an address known to be inside live arena `slot`. */
  private pymallocFree(address: number, slot: number): void {
    const u32 = this.u32;
    const off = address - this.aDelta[slot]!;
    const pool = off - (off & this.poolMask);
    const h = pool >>> 2;
    const lastfree = u32[h + POOL_FREEBLOCK]!;
    u32[off >>> 2] = lastfree;
    u32[h + POOL_FREEBLOCK] = off;
    const count = u32[h + POOL_COUNT]! - 1;
    u32[h + POOL_COUNT] = count;
    if (lastfree === 0) {
      // Was full: back to the front of its used list.
      const idx = u32[h + POOL_SZIDX]!;
      const head = this.usedpools[idx]!;
      u32[h + POOL_NEXT] = head;
      u32[h + POOL_PREV] = 0;
      if (head !== 0) u32[(head >>> 2) + POOL_PREV] = pool;
      this.usedpools[idx] = pool;
      return;
    }
    if (count !== 0) return;
    this.insertToFreepool(pool, slot);
  }

  /** A pool became empty: unlink it, push it on its arena's freepools, re-sort. */
  private insertToFreepool(pool: number, a: number): void {
    const u32 = this.u32;
    const h = pool >>> 2;
    const next = u32[h + POOL_NEXT]!;
    const prev = u32[h + POOL_PREV]!;
    const idx = u32[h + POOL_SZIDX]!;
    if (prev === 0) this.usedpools[idx] = next;
    else u32[(prev >>> 2) + POOL_NEXT] = next;
    if (next !== 0) u32[(next >>> 2) + POOL_PREV] = prev;
    if (this.observer !== undefined) this.observer.poolEmpty?.(pool + this.aDelta[a]!, idx);

    u32[h + POOL_NEXT] = this.aFreepools[a]!;
    this.aFreepools[a] = pool;

    const fingers = this.nfp2lasta;
    const aNext = this.aNext;
    const aPrev = this.aPrev;
    let nf = this.aNfreepools[a]!;
    const lastnf = fingers[nf]!;
    if (lastnf === a) {
      const p = aPrev[a]!;
      fingers[nf] = p !== NONE && this.aNfreepools[p] === nf ? p : NONE;
    }
    nf += 1;
    this.aNfreepools[a] = nf;

    if (nf === this.aNtotalpools[a] && (!this.geometry.keepEmptyArena || aNext[a] !== NONE)) {
      // Release the arena: unlink it from usable_arenas.
      const p = aPrev[a]!;
      const n = aNext[a]!;
      if (p === NONE) this.usableArenas = n;
      else aNext[p] = n;
      if (n !== NONE) aPrev[n] = p;
      this.releaseArena(a);
      return;
    }
    if (nf === 1) {
      // Was full (on no list): push at the head.
      const head = this.usableArenas;
      aNext[a] = head;
      aPrev[a] = NONE;
      if (head !== NONE) aPrev[head] = a;
      this.usableArenas = a;
      if (fingers[1] === NONE) fingers[1] = a;
      return;
    }
    if (fingers[nf] === NONE) fingers[nf] = a;
    if (a === lastnf) return;
    // Move a to just after lastnf (the old rightmost arena of its old count).
    const p = aPrev[a]!;
    const n = aNext[a]!;
    if (p !== NONE) aNext[p] = n;
    else this.usableArenas = n;
    aPrev[n] = p;
    aPrev[a] = lastnf;
    const after = aNext[lastnf]!;
    aNext[a] = after;
    if (after !== NONE) aPrev[after] = a;
    aNext[lastnf] = a;
  }

  /** new_arena: take a descriptor (growing the vector), get memory, set up pools. */
  private newArena(): boolean {
    if (this.unusedArenaObjects === NONE) this.growDescriptors();
    const a = this.unusedArenaObjects;
    this.unusedArenaObjects = this.aNext[a]!;
    const size = this.arenaSize;
    const address = this.source.allocArena(size);
    this.syncViews();
    if (address < 0) {
      this.aNext[a] = this.unusedArenaObjects;
      this.unusedArenaObjects = a;
      return false;
    }
    const off = this.source.offsetOf(address);
    this.aAddress[a] = address;
    this.aDelta[a] = address - off;
    this.arenaMap.set(Math.floor(address / size), a);
    this.markRadix(address);
    this.arenasCurrent++;
    this.arenasAllocatedTotal++;
    if (this.arenasCurrent > this.arenasHighwater) this.arenasHighwater = this.arenasCurrent;
    this.aFreepools[a] = 0;
    let nfree = this.geometry.maxPoolsInArena;
    let first = off;
    const excess = address % this.poolSize;
    if (excess !== 0) {
      nfree--;
      first += this.poolSize - excess;
    }
    this.aPoolAddress[a] = first;
    this.aFirstPool[a] = first;
    this.aNfreepools[a] = nfree;
    this.aNtotalpools[a] = nfree;
    this.aNext[a] = NONE;
    this.aPrev[a] = NONE;
    this.usableArenas = a;
    this.nfp2lasta[nfree] = a;
    if (this.observer !== undefined) this.observer.arenaAlloc?.(address, a, nfree);
    return true;
  }

  private releaseArena(a: number): void {
    const address = this.aAddress[a]!;
    this.aNext[a] = this.unusedArenaObjects;
    this.unusedArenaObjects = a;
    this.arenaMap.delete(Math.floor(address / this.arenaSize));
    this.aAddress[a] = 0;
    if (this.lastSlot === a) this.lastSlot = NONE;
    this.arenasCurrent--;
    this.source.freeArena(address, this.arenaSize);
    this.syncViews();
    if (this.observer !== undefined) this.observer.arenaFree?.(address, a);
  }

  /** Counts the radix-tree nodes CPython would create for this arena. */
  private markRadix(address: number): void {
    if (!this.geometry.radixTree) return;
    const MID = 2 ** 49;
    const BOT = 2 ** 34;
    this.mapMidNodes.add(Math.floor(address / MID));
    this.mapBotNodes.add(Math.floor(address / BOT));
    if (address % this.arenaSize !== 0) {
      const end = address + this.arenaSize;
      this.mapMidNodes.add(Math.floor(end / MID));
      this.mapBotNodes.add(Math.floor(end / BOT));
    }
  }

  private growDescriptors(): void {
    const old = this.maxarenas;
    const n = old === 0 ? INITIAL_ARENA_OBJECTS : old * 2;
    const f64 = (arr: Float64Array): Float64Array => {
      const next = new Float64Array(n);
      next.set(arr);
      return next;
    };
    const i32 = (arr: Int32Array): Int32Array => {
      const next = new Int32Array(n);
      next.set(arr);
      return next;
    };
    this.aAddress = f64(this.aAddress);
    this.aDelta = f64(this.aDelta);
    this.aPoolAddress = f64(this.aPoolAddress);
    this.aFirstPool = f64(this.aFirstPool);
    this.aFreepools = f64(this.aFreepools);
    this.aNfreepools = i32(this.aNfreepools);
    this.aNtotalpools = i32(this.aNtotalpools);
    this.aNext = i32(this.aNext);
    this.aPrev = i32(this.aPrev);
    for (let i = old; i < n; i++) {
      this.aNext[i] = i < n - 1 ? i + 1 : NONE;
      this.aPrev[i] = NONE;
    }
    this.unusedArenaObjects = old;
    this.maxarenas = n;
  }

  /** Address of the pool at memory offset `pool`. */
  private poolAddress(pool: number): number {
    return pool + this.aDelta[this.u32[(pool >>> 2) + POOL_ARENAINDEX]!]!;
  }

  /** Structured statistics: the numbers behind {@link debugMallocStats}. */
  stats(): PymallocStats {
    return collectStats(this);
  }

  /** Every live arena with the pools and blocks that keep it alive. */
  arenas(): ArenaInfo[] {
    return collectArenas(this);
  }

  /** The `usedpools` list of each class, `usable_arenas` in order and each arena's `freepools` LIFO. */
  lists(): PoolLists {
    return collectLists(this);
  }

  /**
   * The pymalloc part of CPython's `sys._debugmallocstats()`, identical line
   * for line for the same heap state.
   */
  debugMallocStats(): string {
    return formatStats(collectStats(this), this.geometry);
  }

  /**
   * Verifies every invariant (see {@link checkHeap}).
   * @throws {@link HeapCorruptionError} naming the first broken one.
   */
  check(): void {
    checkHeap(this);
  }

  /** @internal the 32-bit view of the arena memory (pool headers, free lists). */
  get words(): Uint32Array {
    this.syncViews();
    return this.u32;
  }
}
