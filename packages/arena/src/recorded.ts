import type { ArenaSource, FallbackAllocator } from './api.js';
import { PymemArenaError, hex } from './errors.js';
import type { Geometry, GeometryOpts, PresetName } from './geometry.js';
import { resolveGeometry } from './geometry.js';
import type { HeapMemory } from './memory.js';
import { Pymalloc } from './pymalloc.js';
import { ShadowRegions } from './shadow-regions.js';

/**
 * An arena source for replaying a capture: it hands out the arena bases
 * read from the capture, in order. The replayer {@link offer}s the base of
 * each arena allocation it reads; the next arena pymalloc asks for gets it.
 *
 * Arena bytes live in a shadow memory: each live arena is mapped to a region
 * of its own that keeps the base's offset within a pool, so pool headers and
 * free lists sit where CPython's do relative to pool boundaries. Regions are
 * reused LIFO, so the shadow grows with the most arenas live at once.
 */
export class RecordedArenaSource implements ArenaSource {
  readonly memory: HeapMemory;
  private pending: number[] = [];
  /** Times an arena was asked for with none offered (the allocation then fell back). */
  missed = 0;
  private readonly shadow: ShadowRegions;

  constructor(geometry: Geometry) {
    this.shadow = new ShadowRegions(geometry);
    this.memory = this.shadow.memory;
  }

  /** Queues `base` as the address of the next arena pymalloc allocates. */
  offer(base: number): void {
    this.pending.push(base);
  }

  /** Drops offered bases nobody took (arena allocations that were not pymalloc's). */
  clearOffers(): void {
    this.pending.length = 0;
  }

  /** Number of offered bases not yet taken. */
  get offered(): number {
    return this.pending.length;
  }

  allocArena(size: number): number {
    const base = this.pending.shift();
    if (base === undefined) {
      this.missed++;
      return -1;
    }
    if (this.shadow.has(base)) {
      throw new PymemArenaError('E_ARENA', `arena base ${hex(base)} offered while an arena at that address is live`);
    }
    this.shadow.map(base, size);
    return base;
  }

  offsetOf(address: number): number {
    return this.shadow.offsetOf(address);
  }

  freeArena(address: number): void {
    this.shadow.unmap(address);
  }
}

/**
 * The fallback (libc) of a replay: it returns the address the capture
 * recorded for the request being replayed, set with {@link expect}. Its
 * blocks have no bytes.
 */
export class RecordedFallback implements FallbackAllocator {
  private next = 0;
  /** Requests it has served. */
  served = 0;

  /** The address the next fallback malloc, calloc or realloc returns. */
  expect(address: number): void {
    this.next = address;
  }

  malloc(): number {
    this.served++;
    return this.next;
  }

  calloc(): number {
    this.served++;
    return this.next;
  }

  realloc(): number {
    this.served++;
    return this.next;
  }

  free(): void {
    // libc frees have no effect on pymalloc's state.
  }
}

/** A pymalloc wired for replaying a capture. */
export interface RecordedHeap {
  readonly heap: Pymalloc;
  readonly source: RecordedArenaSource;
  readonly fallback: RecordedFallback;
}

/**
 * Builds a {@link Pymalloc} that replays a capture: arena bases come from
 * {@link RecordedArenaSource.offer}, fallback addresses from
 * {@link RecordedFallback.expect}.
 */
export function createRecordedHeap(geometry: PresetName | GeometryOpts | Geometry = 'cpython-3.11'): RecordedHeap {
  const g = resolveGeometry(geometry);
  const source = new RecordedArenaSource(g);
  const fallback = new RecordedFallback();
  const heap = new Pymalloc({ geometry: g, source, fallback });
  return { heap, source, fallback };
}
