import type { Geometry, GeometryOpts, PresetName } from '@pymem/arena';
import { createRecordedHeap, geometryForPython, hex } from '@pymem/arena';
import type { RawCaptureReader, RawCaptureSummary, RawRecordBatch, StatsDump } from '@pymem/trace';
import { OP_ARENA_ALLOC, OP_ARENA_FREE, OP_CALLOC, OP_FREE, OP_MALLOC, OP_MARK, OP_REALLOC } from '@pymem/trace';

/** The first thing a replay found that differs from the capture. */
export interface Mismatch {
  /** `result`, `route`, `arena-release`, `arena-missing` or `stats`. */
  readonly kind: string;
  /** 0-based index of the record in the capture. */
  readonly record: number;
  /** What the capture says, and what the replay did. */
  readonly message: string;
  /** For `stats`: the line number (1-based) in the dump, the expected and the replayed line. */
  readonly line?: number;
  readonly expected?: string;
  readonly actual?: string;
}

/** What `pymem verify` reports. */
export interface VerifyReport {
  /** Records replayed (the end record not counted). */
  events: number;
  /** malloc, calloc and realloc results checked. */
  results: number;
  /** Results at the same address as in the capture (same arena, same offset). */
  matched: number;
  /** Of the matched results, those the model sent to libc, as CPython did. */
  libcRouted: number;
  /** Statistics dumps checked, and those identical line for line. */
  statsDumps: number;
  statsMatched: number;
  arenasAllocated: number;
  arenasReleased: number;
  /** Arena releases the capture shows and the model made at the same record. */
  arenaReleasesMatched: number;
  /** Most arenas live at once. */
  arenasHighwater: number;
  /** Capture had its end record. */
  ended: boolean;
  /** Mismatches found (results, releases and dumps). */
  mismatches: number;
  firstMismatch: Mismatch | null;
  seconds: number;
  eventsPerSecond: number;
  /** The model's statistics text at the end of the capture. */
  finalStats: string;
}

/** Options of {@link CaptureVerifier}. */
export interface VerifyOpts {
  /** @defaultValue `"cpython-3.11"` */
  geometry?: PresetName | GeometryOpts | Geometry;
  /** Dumps to compare at each mark, by mark id. */
  stats?: readonly StatsDump[];
}

/**
 * Replays a raw capture through `@pymem/arena` with the capture's arena
 * bases, and checks every result, arena release and statistics dump. Feed
 * it the capture's record batches in order, then call {@link finish}.
 */
export class CaptureVerifier {
  private readonly rec;
  private readonly dumps = new Map<number, StatsDump>();
  private readonly started = performance.now();
  private events = 0;
  private results = 0;
  private matched = 0;
  private libcRouted = 0;
  private statsDumps = 0;
  private statsMatched = 0;
  private releasesMatched = 0;
  private mismatches = 0;
  private first: Mismatch | null = null;
  /** Arena bases the capture freed since the last request (pymalloc ones only). */
  private expectedReleases: number[] = [];
  /** Arena bases the model freed during the current request. */
  private modelReleases: number[] = [];

  constructor(opts: VerifyOpts = {}) {
    this.rec = createRecordedHeap(opts.geometry);
    for (const d of opts.stats ?? []) this.dumps.set(d.id, d);
    this.rec.heap.observer = {
      arenaFree: (address) => this.modelReleases.push(address),
    };
  }

  /** The heap being replayed. */
  get heap(): ReturnType<typeof createRecordedHeap>['heap'] {
    return this.rec.heap;
  }

  /** Replays one batch of records. */
  feed(b: RawRecordBatch): void {
    const { heap, source, fallback } = this.rec;
    const arenaSize = heap.geometry.arenaSize;
    const { op, size, size2, ptr, result } = b;
    let markAt = 0;
    for (let i = 0; i < b.length; i++) {
      const o = op[i]!;
      if (o === OP_FREE) {
        heap.free(ptr[i]!);
        this.afterRequest(b.firstIndex + i);
        continue;
      }
      if (o === OP_MALLOC || o === OP_CALLOC || o === OP_REALLOC) {
        const want = result[i]!;
        fallback.expect(want);
        const served = fallback.served;
        const missed = source.missed;
        const got = o === OP_MALLOC ? heap.malloc(size[i]!) : o === OP_CALLOC ? heap.calloc(size[i]!, size2[i]!) : heap.realloc(ptr[i]!, size[i]!);
        this.results++;
        const libc = fallback.served !== served;
        if (source.missed !== missed) {
          this.fail({ kind: 'arena-missing', record: b.firstIndex + i, message: `the replay needed a new arena at record ${b.firstIndex + i}, but the capture logged no ${arenaSize}-byte arena allocation before it` });
        } else if (got === want && !(libc && heap.owns(want))) {
          this.matched++;
          if (libc) this.libcRouted++;
        } else {
          this.resultMismatch(b.firstIndex + i, o, size[i]!, ptr[i]!, want, got, libc);
        }
        this.afterRequest(b.firstIndex + i);
        continue;
      }
      if (o === OP_ARENA_ALLOC) {
        // Only the arena allocation logged just before a request can be pymalloc's.
        source.clearOffers();
        if (size[i] === arenaSize) source.offer(result[i]!);
      } else if (o === OP_ARENA_FREE) {
        const base = ptr[i]!;
        const slot = heap.slotOf(base);
        if (slot >= 0 && heap.aAddress[slot] === base) this.expectedReleases.push(base);
      } else if (o === OP_MARK) {
        const mark = b.marks[markAt++];
        if (mark !== undefined) this.checkDump(mark.id, mark.index);
      }
    }
    this.events += b.length;
  }

  /** Ends the replay and reports. */
  finish(summary?: RawCaptureSummary): VerifyReport {
    const seconds = (performance.now() - this.started) / 1000;
    const heap = this.rec.heap;
    return {
      events: this.events,
      results: this.results,
      matched: this.matched,
      libcRouted: this.libcRouted,
      statsDumps: this.statsDumps,
      statsMatched: this.statsMatched,
      arenasAllocated: heap.arenasAllocatedTotal,
      arenasReleased: heap.arenasAllocatedTotal - heap.arenasCurrent,
      arenaReleasesMatched: this.releasesMatched,
      arenasHighwater: heap.arenasHighwater,
      ended: summary?.ended ?? true,
      mismatches: this.mismatches,
      firstMismatch: this.first,
      seconds,
      eventsPerSecond: seconds > 0 ? Math.round(this.events / seconds) : 0,
      finalStats: heap.debugMallocStats(),
    };
  }

  private afterRequest(record: number): void {
    const { source } = this.rec;
    if (source.offered > 0) source.clearOffers();
    const want = this.expectedReleases;
    const got = this.modelReleases;
    if (want.length === 0 && got.length === 0) return;
    const same = want.length === got.length && want.every((b, k) => got[k] === b);
    if (same) this.releasesMatched += got.length;
    else {
      this.fail({
        kind: 'arena-release',
        record,
        message: `the capture released arenas [${want.map(hex).join(', ')}] before record ${record}; the replay released [${got.map(hex).join(', ')}]`,
      });
    }
    this.expectedReleases = [];
    this.modelReleases = [];
  }

  private resultMismatch(record: number, op: number, size: number, ptr: number, want: number, got: number, libc: boolean): void {
    const heap = this.rec.heap;
    const where = (a: number): string => {
      const slot = heap.slotOf(a);
      return slot >= 0 ? `${hex(a)} (arena ${hex(heap.aAddress[slot]!)} + ${hex(a - heap.aAddress[slot]!)})` : `${hex(a)} (outside every arena: libc)`;
    };
    const call = op === OP_MALLOC ? `malloc(${size})` : op === OP_CALLOC ? `calloc(${size})` : `realloc(${hex(ptr)}, ${size})`;
    const kind = libc && got === want ? 'route' : 'result';
    const message = kind === 'route'
      ? `${call}: the replay sent it to libc but ${hex(want)} lies inside a live arena`
      : `${call}: the capture got ${where(want)}, the replay ${where(got)}`;
    this.fail({ kind, record, message });
  }

  private checkDump(id: number, record: number): void {
    const dump = this.dumps.get(id);
    if (dump === undefined) return;
    this.statsDumps++;
    const want = dump.pymalloc.split('\n');
    const got = this.rec.heap.debugMallocStats().split('\n');
    for (let k = 0; k < Math.max(want.length, got.length); k++) {
      if (want[k] !== got[k]) {
        this.fail({
          kind: 'stats',
          record,
          message: `statistics dump of mark ${id} (${dump.label}) differs at line ${k + 1}`,
          line: k + 1,
          expected: want[k] ?? '<end of dump>',
          actual: got[k] ?? '<end of dump>',
        });
        return;
      }
    }
    this.statsMatched++;
  }

  private fail(m: Mismatch): void {
    this.mismatches++;
    this.first ??= m;
  }
}

/**
 * Replays a whole capture with the geometry of the CPython version in its
 * header (unless `opts.geometry` is given) and returns the verifier.
 */
export async function verifyCapture(reader: RawCaptureReader, opts: VerifyOpts = {}): Promise<{ verifier: CaptureVerifier; report: VerifyReport }> {
  let verifier: CaptureVerifier | undefined;
  for await (const batch of reader) {
    verifier ??= new CaptureVerifier({ ...opts, geometry: opts.geometry ?? geometryForPython(reader.header!.pyVersionHex) });
    verifier.feed(batch);
  }
  verifier ??= new CaptureVerifier({ ...opts, geometry: opts.geometry ?? geometryForPython(reader.header?.pyVersionHex ?? 0x030b00f0) });
  return { verifier, report: verifier.finish(reader.summary) };
}
