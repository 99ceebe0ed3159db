import { PymemArenaError, hex } from './errors.js';
import type { Geometry } from './geometry.js';
import { HeapMemory } from './memory.js';

/**
 * The shadow memory of an arena source whose addresses are not memory
 * offsets (recorded and simulated replays): each live arena's bytes sit in a
 * region of their own that keeps the base's offset within a pool, so pool
 * headers and free lists lie where CPython's do relative to pool boundaries.
 * Regions are reused LIFO, so the memory grows with the most arenas live at
 * once, not with the arenas ever allocated.
 *
 * @internal shared by {@link RecordedArenaSource} and {@link SimulatedArenaSource}.
 */
export class ShadowRegions {
  readonly memory: HeapMemory;
  private readonly regions = new Map<number, number>();
  private readonly freeRegions: number[] = [];
  private nextRegion = 0;
  private readonly stride: number;
  private readonly poolSize: number;

  constructor(geometry: Geometry) {
    this.poolSize = geometry.poolSize;
    this.stride = geometry.arenaSize + geometry.poolSize;
    // Up to 2 GiB of shadow: about 2,000 live arenas of 1 MiB.
    this.memory = new HeapMemory(this.stride * 2, { maxBytes: 2 ** 31 });
  }

  /** Whether an arena at `base` is live. */
  has(base: number): boolean {
    return this.regions.has(base);
  }

  /** Number of live arenas. */
  get size(): number {
    return this.regions.size;
  }

  /** Gives the arena at `base` (`size` bytes) a region, growing the memory if needed. */
  map(base: number, size: number): void {
    let region = this.freeRegions.pop();
    if (region === undefined) region = this.nextRegion++;
    this.memory.ensure(this.start(region, base) + size);
    this.regions.set(base, region);
  }

  /** Memory offset of the first byte of the live arena at `base`. */
  offsetOf(base: number): number {
    const region = this.regions.get(base);
    if (region === undefined) throw new PymemArenaError('E_ARENA', `no live arena at ${hex(base)}`);
    return this.start(region, base);
  }

  /** Releases the region of the live arena at `base`. */
  unmap(base: number): void {
    const region = this.regions.get(base);
    if (region === undefined) throw new PymemArenaError('E_ARENA', `no live arena at ${hex(base)}`);
    this.regions.delete(base);
    this.freeRegions.push(region);
  }

  private start(region: number, base: number): number {
    return this.poolSize + region * this.stride + (base % this.poolSize);
  }
}
