import type { Geometry, Pymalloc, SimulatedHeap } from '@pymem/arena';
import { createSimulatedHeap } from '@pymem/arena';
import type { RawCaptureSummary, RawRecordBatch } from '@pymem/trace';
import { OP_CALLOC, OP_FREE, OP_MALLOC, OP_REALLOC } from '@pymem/trace';
import { AddressMap } from './address-map.js';
import { sliceBatch } from './record-batches.js';
import type { Mismatch } from './verify.js';
import { CaptureVerifier } from './verify.js';

/** The geometry figures a report names. */
export interface GeometrySummary {
  readonly name: string;
  readonly poolSize: number;
  readonly arenaSize: number;
  readonly keepEmptyArena: boolean;
}

/** Arena and block figures of one heap at the end of a replay. */
export interface HeapFigures {
  readonly geometry: GeometrySummary;
  readonly arenasAllocated: number;
  readonly arenasReleased: number;
  /** Most arenas live at once. */
  readonly arenasHighwater: number;
  readonly arenasLive: number;
  /** `arenasLive * arenaSize`. */
  readonly arenaBytes: number;
  /** `arenasHighwater * arenaSize`. */
  readonly peakArenaBytes: number;
  /** Pools of the live arenas (63 or 64 each with 16 KiB pools, by base alignment). */
  readonly poolsInArenas: number;
  /** Pools with blocks in use. */
  readonly poolsInUse: number;
  /** pymalloc blocks in use. */
  readonly blocksInUse: number;
  /** Their bytes (block sizes, as `# bytes in allocated blocks`). */
  readonly bytesInBlocks: number;
}

/** One heap at one point of the replay. */
export interface FillPoint {
  readonly arenas: number;
  readonly arenaBytes: number;
  readonly bytesInBlocks: number;
  /** `bytesInBlocks / arenaBytes`; null with no arena. */
  readonly fill: number | null;
}

/** Both heaps after the first `event` records. */
export interface SeriesPoint {
  readonly event: number;
  readonly original: FillPoint;
  readonly whatIf: FillPoint;
}

/** What `pymem replay` reports. */
export interface ReplayReport {
  /** Records replayed (the end record not counted). */
  readonly events: number;
  /** malloc, calloc and realloc records. */
  readonly results: number;
  /** free records of a non-NULL pointer. */
  readonly frees: number;
  /** The capture replayed with its recorded arena bases and its CPython version's geometry. */
  readonly original: HeapFigures & {
    /** Results the replay placed where the real process got them. */
    readonly matched: number;
    readonly mismatches: number;
    readonly firstMismatch: Mismatch | null;
  };
  /** The same requests under the what-if geometry, with simulated arena bases. */
  readonly whatIf: HeapFigures & {
    readonly arenaAlignment: number;
    /** Frees and reallocs of a pointer the capture never returned (replayed as nothing and as malloc). */
    readonly unknownPointers: number;
    /** Requests the real process failed (a NULL result), not replayed. */
    readonly failedInCapture: number;
    /** Most addresses the translation map held at once (blocks live in the capture). */
    readonly addressMapPeak: number;
  };
  /** The series is sampled after every `every` records (and at the end). */
  readonly every: number;
  readonly series: readonly SeriesPoint[];
}

/** Options of {@link WhatIfReplay}. */
export interface WhatIfOpts {
  /** Geometry of the original run (its CPython version's). */
  readonly original: Geometry;
  /** Geometry of the what-if. */
  readonly whatIf: Geometry;
  /** Alignment of the simulated arena bases. @defaultValue 4096 */
  readonly alignment?: number;
  /**
   * Most samples kept: when full, every other one is dropped and the step
   * doubles, so any capture length gives between half this and this many.
   * @defaultValue 512
   */
  readonly maxSamples?: number;
}

function fillPoint(heap: Pymalloc): FillPoint {
  const arenaBytes = heap.arenasCurrent * heap.geometry.arenaSize;
  const bytesInBlocks = heap.stats().bytesInAllocatedBlocks;
  return { arenas: heap.arenasCurrent, arenaBytes, bytesInBlocks, fill: arenaBytes === 0 ? null : bytesInBlocks / arenaBytes };
}

function figures(heap: Pymalloc): HeapFigures {
  const g = heap.geometry;
  const s = heap.stats();
  return {
    geometry: { name: g.name, poolSize: g.poolSize, arenaSize: g.arenaSize, keepEmptyArena: g.keepEmptyArena },
    arenasAllocated: heap.arenasAllocatedTotal,
    arenasReleased: heap.arenasAllocatedTotal - heap.arenasCurrent,
    arenasHighwater: heap.arenasHighwater,
    arenasLive: heap.arenasCurrent,
    arenaBytes: heap.arenasCurrent * g.arenaSize,
    peakArenaBytes: heap.arenasHighwater * g.arenaSize,
    poolsInArenas: heap.arenas().reduce((t, a) => t + a.totalPools, 0),
    poolsInUse: s.classes.reduce((t, c) => t + c.pools, 0),
    blocksInUse: s.classes.reduce((t, c) => t + c.blocksInUse, 0),
    bytesInBlocks: s.bytesInAllocatedBlocks,
  };
}

/**
 * A what-if replay: feeds a capture's records both to a {@link CaptureVerifier}
 * (the original run, at its recorded arena bases) and, request by request,
 * to a pymalloc of another geometry whose arenas come from a
 * {@link createSimulatedHeap | simulated mmap}. Pointers in the capture are
 * the original run's, so a map translates each live one to the address the
 * what-if heap gave the same request; it grows with the blocks live in the
 * capture. Feed batches in order, then {@link finish}.
 */
export class WhatIfReplay {
  readonly verifier: CaptureVerifier;
  readonly sim: SimulatedHeap;
  private readonly alignment: number;
  private readonly maxSamples: number;
  /** Original address → what-if address, for every block live in the capture. */
  private readonly addr = new AddressMap();
  private readonly samples: SeriesPoint[] = [];
  private every = 1;
  private nextSample = 1;
  private events = 0;
  private results = 0;
  private frees = 0;
  private unknown = 0;
  private failed = 0;
  private mapPeak = 0;

  constructor(opts: WhatIfOpts) {
    this.alignment = opts.alignment ?? 4096;
    this.maxSamples = Math.max(2, opts.maxSamples ?? 512);
    this.sim = createSimulatedHeap(opts.whatIf, { alignment: this.alignment });
    this.verifier = new CaptureVerifier({ geometry: opts.original });
  }

  /** Replays one batch of records in both heaps, sampling on the way. */
  feed(b: RawRecordBatch): void {
    let from = 0;
    while (from < b.length) {
      const to = Math.min(b.length, this.nextSample - b.firstIndex);
      this.verifier.feed(sliceBatch(b, from, to));
      this.replay(b, from, to);
      from = to;
      this.events = b.firstIndex + to;
      if (this.events === this.nextSample) this.sample();
    }
  }

  /** Ends the replay: the last point, both heaps checked, the report. */
  finish(summary?: RawCaptureSummary): ReplayReport {
    const v = this.verifier.finish(summary);
    const last = this.samples[this.samples.length - 1];
    if (this.events > 0 && last?.event !== this.events) this.samples.push(this.point());
    this.verifier.heap.check();
    this.sim.heap.check();
    return {
      events: this.events,
      results: this.results,
      frees: this.frees,
      original: { ...figures(this.verifier.heap), matched: v.matched, mismatches: v.mismatches, firstMismatch: v.firstMismatch },
      whatIf: {
        ...figures(this.sim.heap),
        arenaAlignment: this.alignment,
        unknownPointers: this.unknown,
        failedInCapture: this.failed,
        addressMapPeak: this.mapPeak,
      },
      every: this.every,
      series: this.samples,
    };
  }

  private point(): SeriesPoint {
    return { event: this.events, original: fillPoint(this.verifier.heap), whatIf: fillPoint(this.sim.heap) };
  }

  private sample(): void {
    this.samples.push(this.point());
    if (this.samples.length >= this.maxSamples) {
      const keep = this.samples.filter((p) => p.event % (2 * this.every) === 0);
      this.samples.length = 0;
      this.samples.push(...keep);
      this.every *= 2;
    }
    this.nextSample = this.events + this.every;
  }

  /** The what-if side of records `from` to `to` of `b`. */
  private replay(b: RawRecordBatch, from: number, to: number): void {
    const heap = this.sim.heap;
    const addr = this.addr;
    const { op, size, size2, ptr, result } = b;
    for (let i = from; i < to; i++) {
      const o = op[i]!;
      if (o === OP_FREE) {
        const p = ptr[i]!;
        if (p === 0) continue;
        this.frees++;
        const q = addr.delete(p);
        if (q < 0) {
          this.unknown++;
          continue;
        }
        heap.free(q);
      } else if (o === OP_MALLOC || o === OP_CALLOC || o === OP_REALLOC) {
        this.results++;
        const r = result[i]!;
        if (r === 0) {
          // The real process got NULL: nothing changed there, so nothing changes here.
          this.failed++;
          continue;
        }
        let q: number;
        if (o === OP_REALLOC) {
          const p = ptr[i]!;
          let old = 0;
          if (p !== 0) {
            old = addr.delete(p);
            if (old < 0) {
              this.unknown++;
              old = 0;
            }
          }
          q = heap.realloc(old, size[i]!);
        } else {
          q = o === OP_MALLOC ? heap.malloc(size[i]!) : heap.calloc(size[i]!, size2[i]!);
        }
        addr.set(r, q);
        if (addr.size > this.mapPeak) this.mapPeak = addr.size;
      }
    }
  }
}
