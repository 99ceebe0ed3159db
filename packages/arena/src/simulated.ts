import type { ArenaSource, FallbackAllocator } from './api.js';
import { PymemArenaError } from './errors.js';
import type { Geometry, GeometryOpts, PresetName } from './geometry.js';
import { resolveGeometry } from './geometry.js';
import type { HeapMemory } from './memory.js';
import { Pymalloc } from './pymalloc.js';
import { ShadowRegions } from './shadow-regions.js';

/**
 * The top of a simulated process's mmap area: the first arena of a
 * {@link SimulatedArenaSource} ends `alignment` bytes below it, and the
 * others follow downwards. A multiple of 1 TiB, so every power-of-two
 * alignment up to 1 GiB divides it.
 */
export const SIMULATED_MMAP_TOP = 0x7f00_0000_0000;

/**
 * The lowest address a simulated arena may have. Fresh arenas below it are
 * refused (`allocArena` returns -1), as an exhausted address space would.
 */
export const SIMULATED_MMAP_FLOOR = 0x6000_0000_0000;

/**
 * Where a {@link SimulatedFallback} starts handing out addresses: far below
 * every simulated arena, where a PIE process's `brk` heap sits.
 */
export const SIMULATED_LIBC_BASE = 0x5555_0000_0000;

/** Options of {@link SimulatedArenaSource} and {@link createSimulatedHeap}. */
export interface SimulatedArenaOpts {
  /**
   * Alignment of every arena base, a power of two from 4096 (an mmap page)
   * to 1 GiB. Each base is as little aligned as this allows, so with 4096
   * and 16 KiB pools every arena loses a pool to alignment (63 of 64, as
   * most of CPython 3.11's mmap'd arenas do); with an alignment of at least
   * the pool size every arena has all its pools.
   * @defaultValue 4096
   */
  alignment?: number;
}

/**
 * An arena source for what-if replays, where no real process says where
 * arenas go: it plays a simple `mmap`. Bases are synthetic and
 * deterministic:
 *
 * - The first arena occupies `[top - alignment - stride, top - alignment)`,
 *   with `top` = {@link SIMULATED_MMAP_TOP} and `stride` = the arena size
 *   rounded up to the alignment; each fresh arena goes directly below the
 *   lowest so far (Linux's top-down mmap layout). Arenas never overlap.
 * - A base is a multiple of `alignment` and, when the alignment is below
 *   the arena size, an odd one: the least aligned address the alignment
 *   allows, so the pools lost to alignment show (see {@link SimulatedArenaOpts.alignment}).
 * - A released arena's address range is reused first, last released first
 *   (LIFO), as an mmap of the same size would find that hole.
 *
 * Arena bytes live in a shadow memory, one region per live arena keeping
 * the base's offset within a pool, exactly as in {@link RecordedArenaSource}.
 */
export class SimulatedArenaSource implements ArenaSource {
  readonly memory: HeapMemory;
  /** Alignment of every base. */
  readonly alignment: number;
  /** Distance between neighbouring fresh arenas: the arena size rounded up to the alignment. */
  readonly stride: number;
  /** Fresh address ranges handed out (reuses not counted). */
  fresh = 0;
  /** Released address ranges handed out again. */
  reused = 0;
  private readonly shadow: ShadowRegions;
  private readonly arenaSize: number;
  private readonly released: number[] = [];
  private nextFresh: number;

  /**
   * @throws {@link PymemArenaError} (`E_ARGUMENT`) when the alignment is not
   * a power of two from 4096 to 1 GiB.
   */
  constructor(geometry: Geometry, opts: SimulatedArenaOpts = {}) {
    const alignment = opts.alignment ?? 4096;
    if (!Number.isSafeInteger(alignment) || alignment < 4096 || alignment > 2 ** 30 || (alignment & (alignment - 1)) !== 0) {
      throw new PymemArenaError('E_ARGUMENT', `arena alignment must be a power of two from 4096 to 1073741824, got ${String(alignment)}`);
    }
    this.alignment = alignment;
    this.arenaSize = geometry.arenaSize;
    this.stride = Math.max(geometry.arenaSize, alignment);
    this.shadow = new ShadowRegions(geometry);
    this.memory = this.shadow.memory;
    this.nextFresh = SIMULATED_MMAP_TOP - alignment - this.stride;
  }

  /** The base the next fresh arena would get (when no released range is waiting). */
  get nextFreshBase(): number {
    return this.nextFresh;
  }

  /** Live arenas. */
  get live(): number {
    return this.shadow.size;
  }

  /**
   * An arena of `size` bytes (at most the geometry's arena size): the last
   * released range, else a fresh one below the others; -1 below
   * {@link SIMULATED_MMAP_FLOOR}.
   */
  allocArena(size: number): number {
    if (size > this.arenaSize) {
      throw new PymemArenaError('E_ARGUMENT', `arena of ${size} bytes asked for; this source hands out ${this.arenaSize}-byte arenas`);
    }
    let base = this.released.pop();
    if (base !== undefined) {
      this.reused++;
    } else {
      base = this.nextFresh;
      if (base < SIMULATED_MMAP_FLOOR) return -1;
      this.nextFresh -= this.stride;
      this.fresh++;
    }
    this.shadow.map(base, size);
    return base;
  }

  offsetOf(address: number): number {
    return this.shadow.offsetOf(address);
  }

  /** Releases the arena; its range is the next one handed out. */
  freeArena(address: number): void {
    this.shadow.unmap(address);
    this.released.push(address);
  }
}

/**
 * The fallback (libc) of a what-if replay: every malloc, calloc and realloc
 * gets a fresh address, 16-aligned, from {@link SIMULATED_LIBC_BASE} upwards,
 * spaced like glibc chunks (the size plus 8, rounded up to 16, at least 32
 * bytes), so addresses are unique and outside every simulated arena. Nothing
 * is reused, reallocs always move, and blocks have no bytes: only pymalloc's
 * state is modelled.
 */
export class SimulatedFallback implements FallbackAllocator {
  private next = SIMULATED_LIBC_BASE + 16;
  /** malloc, calloc and realloc calls served. */
  served = 0;
  /** free calls (of non-zero addresses) received. */
  freed = 0;

  malloc(size: number): number {
    const p = this.next;
    const chunk = Math.max(32, Math.ceil((size + 8) / 16) * 16);
    if (!(p + chunk < SIMULATED_MMAP_FLOOR)) return 0;
    this.next = p + chunk;
    this.served++;
    return p;
  }

  calloc(size: number): number {
    return this.malloc(size);
  }

  realloc(_address: number, size: number): number {
    return this.malloc(size);
  }

  free(address: number): void {
    if (address !== 0) this.freed++;
  }
}

/** A pymalloc wired for a what-if replay. */
export interface SimulatedHeap {
  readonly heap: Pymalloc;
  readonly source: SimulatedArenaSource;
  readonly fallback: SimulatedFallback;
}

/**
 * Builds a {@link Pymalloc} whose arenas come from a {@link SimulatedArenaSource}
 * (synthetic mmap-like bases) and whose declined requests go to a
 * {@link SimulatedFallback}: the same request stream as a capture, under
 * another geometry, with no real addresses needed.
 *
 * @example
 * ```ts
 * const { heap } = createSimulatedHeap('cpython-3.11');
 * heap.malloc(56).toString(16); // '7efffff00030': arena 0x7effffeff000, first pool at the next 16 KiB boundary
 * ```
 */
export function createSimulatedHeap(geometry: PresetName | GeometryOpts | Geometry = 'cpython-3.11', opts: SimulatedArenaOpts = {}): SimulatedHeap {
  const g = resolveGeometry(geometry);
  const source = new SimulatedArenaSource(g, opts);
  const fallback = new SimulatedFallback();
  const heap = new Pymalloc({ geometry: g, source, fallback });
  return { heap, source, fallback };
}
