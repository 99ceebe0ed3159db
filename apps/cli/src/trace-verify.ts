import type { Geometry } from '@pymem/arena';
import { POOL_COUNT, POOL_SZIDX, createRecordedHeap, geometryForPython, hex, resolveGeometry } from '@pymem/arena';
import type { TraceCheckpoint, TraceEventBatch, TraceHeader, TraceReader, TraceSource } from '@pymem/trace';
import {
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_POOL_EMPTY,
  KIND_POOL_FULL,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  readTrace,
} from '@pymem/trace';
import { AddressMap } from './address-map.js';
import { CliError } from './errors.js';

// Local copies: under dev-time module transforms an imported constant is a property load at each use.
const L_KIND_ARENA_ALLOC = KIND_ARENA_ALLOC;
const L_KIND_ARENA_FREE = KIND_ARENA_FREE;
const L_KIND_CALLOC = KIND_CALLOC;
const L_KIND_CALLOC_LARGE = KIND_CALLOC_LARGE;
const L_KIND_FREE = KIND_FREE;
const L_KIND_FREE_LARGE = KIND_FREE_LARGE;
const L_KIND_MALLOC = KIND_MALLOC;
const L_KIND_MALLOC_LARGE = KIND_MALLOC_LARGE;
const L_KIND_MARK = KIND_MARK;
const L_KIND_POOL_EMPTY = KIND_POOL_EMPTY;
const L_KIND_POOL_FULL = KIND_POOL_FULL;
const L_KIND_POOL_INIT = KIND_POOL_INIT;
const L_KIND_POOL_REUSE = KIND_POOL_REUSE;
const L_KIND_REALLOC = KIND_REALLOC;
const L_KIND_REALLOC_CLASS = KIND_REALLOC_CLASS;
const L_KIND_REALLOC_LARGE = KIND_REALLOC_LARGE;

/** The first thing a trace replay found that differs from the trace. */
export interface TraceMismatch {
  /** `location`, `route`, `arena`, `pool-events` or `stats`. */
  readonly kind: string;
  /** Sequence number of the event. */
  readonly seq: number;
  readonly message: string;
  /** For `stats`: line number (1-based), expected (the trace's text) and replayed line. */
  readonly line?: number;
  readonly expected?: string;
  readonly actual?: string;
}

/** What replaying a `.pymem` trace's allocator events found. */
export interface TraceVerifyReport {
  /** Events read. */
  events: number;
  /** Allocation events (malloc, calloc, realloc kinds) replayed, and those at the trace's location and route. */
  allocations: number;
  matched: number;
  /** Arena allocations and releases in the trace. */
  arenasAllocated: number;
  arenasReleased: number;
  /** Pool events (init, reuse, full, empty) in the trace; the model made the same ones. */
  poolEvents: number;
  /** Checkpoints compared with the replayed state (every live block's location, every arena base, every pool's class and blocks in use). */
  checkpoints: number;
  /** Marks with statistics text, and those the model's text equals. */
  statsDumps: number;
  statsMatched: number;
  mismatches: number;
  firstMismatch: TraceMismatch | null;
  /** Whether the trace ended with its index and trailer. */
  complete: boolean;
  seconds: number;
  eventsPerSecond: number;
}

/** Large blocks get fake libc addresses above every arena: 2^50 + 16 × id. */
const LARGE_BASE = 2 ** 50;

function geometryOf(h: TraceHeader): Geometry {
  let g: Geometry | undefined;
  if (h.pythonVersion !== 0) {
    try {
      g = geometryForPython(h.pythonVersion);
    } catch {
      g = undefined;
    }
  }
  if (g !== undefined && g.alignment === h.alignment && g.threshold === h.smallRequestThreshold && g.poolSize === h.poolSize && g.arenaSize === h.arenaSize) return g;
  return resolveGeometry({ alignment: h.alignment, threshold: h.smallRequestThreshold, poolSize: h.poolSize, arenaSize: h.arenaSize });
}

/**
 * Replays the allocator events of a pymem trace (one that carries arena
 * bases, as `importCapture` writes) through a recorded pymalloc heap: each
 * arena allocation offers the trace's base, each request goes to the model,
 * and the model must put every block at the trace's arena, pool and block
 * (large blocks to libc), allocate and release the same arenas, make the
 * same pool events, and, at each mark with statistics text, print the same
 * `sys._debugmallocstats()` text.
 */
export class TraceVerifier {
  private readonly g: Geometry;
  private readonly rec;
  private readonly started = performance.now();
  /** id + 1 → address of live blocks. */
  private readonly addr = new AddressMap(1 << 14);
  /** arena id → base. */
  private readonly bases = new Map<number, number>();
  /** Pool events: trace adds, model subtracts; all zero when they agree. */
  private readonly poolBalance = new Map<string, number>();
  private readonly modelReleased = new Set<number>();
  /** base → pools, from the trace's arena_alloc events. */
  private readonly tracePools = new Map<number, number>();
  private seq = 0;
  private events = 0;
  private allocations = 0;
  private matched = 0;
  private arenasAllocated = 0;
  private arenasReleased = 0;
  private poolEvents = 0;
  private checkpoints = 0;
  private statsDumps = 0;
  private statsMatched = 0;
  private mismatches = 0;
  private first: TraceMismatch | null = null;

  constructor(header: TraceHeader, private readonly strings: readonly string[]) {
    this.g = geometryOf(header);
    this.rec = createRecordedHeap(this.g);
    const ps = this.g.poolSize;
    const poolKey = (kind: number, pool: number, cls: number): string => {
      const slot = this.rec.heap.slotOf(pool);
      const base = this.rec.heap.aAddress[slot]!;
      const first = base + ((ps - (base % ps)) % ps);
      return `${kind}:${base}:${(pool - first) / ps}:${cls}`;
    };
    const bump = (key: string, by: number): void => {
      const v = (this.poolBalance.get(key) ?? 0) + by;
      if (v === 0) this.poolBalance.delete(key);
      else this.poolBalance.set(key, v);
    };
    this.bump = bump;
    this.rec.heap.observer = {
      arenaAlloc: (address, _slot, pools) => {
        const want = this.tracePools.get(address);
        if (want !== pools) this.fail({ kind: 'arena', seq: this.seq, message: `the replay's arena at ${hex(address)} has ${pools} pools, the trace says ${want ?? 'none'}` });
      },
      arenaFree: (address) => this.modelReleased.add(address),
      poolInit: (pool, cls) => bump(poolKey(L_KIND_POOL_INIT, pool, cls), -1),
      poolReuse: (pool, cls) => bump(poolKey(L_KIND_POOL_REUSE, pool, cls), -1),
      poolFull: (pool, cls) => bump(poolKey(L_KIND_POOL_FULL, pool, cls), -1),
      poolEmpty: (pool, cls) => bump(poolKey(L_KIND_POOL_EMPTY, pool, cls), -1),
    };
  }

  private readonly bump: (key: string, by: number) => void;

  /** The heap being replayed. */
  get heap(): ReturnType<typeof createRecordedHeap>['heap'] {
    return this.rec.heap;
  }

  private fail(m: TraceMismatch): void {
    this.mismatches++;
    this.first ??= m;
  }

  /** Address of a pymalloc block at a trace location. */
  private where(arena: number, pool: number, block: number, cls: number): number {
    const base = this.bases.get(arena);
    if (base === undefined) return -1;
    const ps = this.g.poolSize;
    return base + ((ps - (base % ps)) % ps) + pool * ps + this.g.poolOverhead + block * ((cls + 1) << this.g.alignmentShift);
  }

  /** Replays one batch of events. */
  feed(b: TraceEventBatch): void {
    const { heap, source, fallback } = this.rec;
    const { kind, id, oldId, size, cls, arena, pool, block, count, value, extra } = b;
    for (let i = 0; i < b.length; i++) {
      const k = kind[i]!;
      const seq = b.firstSeq + i;
      this.seq = seq;
      switch (k) {
        case L_KIND_ARENA_ALLOC:
          this.arenasAllocated++;
          this.bases.set(arena[i]!, value[i]!);
          source.clearOffers();
          source.offer(value[i]!);
          this.tracePools.set(value[i]!, count[i]!);
          break;
        case L_KIND_ARENA_FREE: {
          this.arenasReleased++;
          const base = this.bases.get(arena[i]!) ?? -1;
          if (!this.modelReleased.delete(base)) this.fail({ kind: 'arena', seq, message: `arena ${arena[i]!} (${hex(base)}) is released in the trace, not by the replay` });
          this.bases.delete(arena[i]!);
          break;
        }
        case L_KIND_POOL_INIT:
        case L_KIND_POOL_REUSE:
        case L_KIND_POOL_FULL:
        case L_KIND_POOL_EMPTY:
          this.poolEvents++;
          this.bump(`${k}:${this.bases.get(arena[i]!) ?? -1}:${pool[i]!}:${cls[i]!}`, 1);
          break;
        case L_KIND_MALLOC:
        case L_KIND_CALLOC:
        case L_KIND_MALLOC_LARGE:
        case L_KIND_CALLOC_LARGE: {
          const large = k === L_KIND_MALLOC_LARGE || k === L_KIND_CALLOC_LARGE;
          const want = large ? LARGE_BASE + 16 * id[i]! : this.where(arena[i]!, pool[i]!, block[i]!, cls[i]!);
          fallback.expect(LARGE_BASE + 16 * id[i]!);
          const got = k === L_KIND_MALLOC || k === L_KIND_MALLOC_LARGE ? heap.malloc(size[i]!) : heap.calloc(count[i]!, value[i]!);
          this.afterAlloc(seq, got, want, large, id[i]!);
          break;
        }
        case L_KIND_REALLOC:
        case L_KIND_REALLOC_CLASS: // in place, the block kept in its bigger class
        case L_KIND_REALLOC_LARGE: {
          const large = k === L_KIND_REALLOC_LARGE;
          const old = this.addr.get(oldId[i]! + 1);
          const inPlace = id[i] === oldId[i];
          const want = inPlace ? old : large ? LARGE_BASE + 16 * id[i]! : this.where(arena[i]!, pool[i]!, block[i]!, cls[i]!);
          fallback.expect(inPlace ? old : LARGE_BASE + 16 * id[i]!);
          const got = heap.realloc(old, size[i]!);
          if (!inPlace) this.addr.delete(oldId[i]! + 1);
          this.afterAlloc(seq, got, want, large, id[i]!);
          break;
        }
        case L_KIND_FREE:
        case L_KIND_FREE_LARGE: {
          const a = this.addr.delete(id[i]! + 1);
          if (a < 0) this.fail({ kind: 'location', seq, message: `free of block ${id[i]!}, which is not live` });
          else heap.free(a);
          break;
        }
        case L_KIND_MARK:
          if (extra[i]! !== 0) this.checkStats(seq, value[i]!, this.strings[extra[i]!] ?? '');
          this.checkPools(seq);
          break;
        default:
          break;
      }
    }
    this.events += b.length;
  }

  private afterAlloc(seq: number, got: number, want: number, large: boolean, id: number): void {
    const { source } = this.rec;
    this.allocations++;
    if (source.offered > 0) {
      source.clearOffers();
      this.fail({ kind: 'arena', seq, message: `the trace allocated an arena before event ${seq} that the replay did not need` });
    }
    if (got === want && (large ? !this.rec.heap.owns(got) : this.rec.heap.owns(got))) {
      this.matched++;
    } else {
      const here = (a: number): string => (a >= LARGE_BASE ? `libc (large block ${(a - LARGE_BASE) / 16})` : hex(a));
      this.fail({ kind: large !== (got >= LARGE_BASE) ? 'route' : 'location', seq, message: `block ${id}: the trace says ${here(want)}, the replay put it at ${here(got)}` });
    }
    this.addr.set(id + 1, got);
  }

  /** Compares a checkpoint (the state before event `cp.seq`) with the replayed heap. */
  checkCheckpoint(cp: TraceCheckpoint): void {
    this.checkpoints++;
    const problem = this.checkpointProblem(cp);
    if (problem !== undefined) this.fail({ kind: 'checkpoint', seq: cp.seq, message: `checkpoint before event ${cp.seq}: ${problem}` });
  }

  /** What differs between a checkpoint and the replayed heap, or undefined. */
  private checkpointProblem(cp: TraceCheckpoint): string | undefined {
    const bad = (message: string): string => message;
    if (cp.blocks.length !== this.addr.size) return bad(`${cp.blocks.length} live blocks, the replay has ${this.addr.size}`);
    for (const b of cp.blocks) {
      const a = this.addr.get(b.id + 1);
      const want = b.large ? LARGE_BASE + 16 * b.id : this.where(b.arena, b.pool, b.block, b.cls);
      if (a !== want && !(b.large && a >= LARGE_BASE)) return bad(`block ${b.id} at ${hex(want)}, the replay has it at ${hex(a)}`);
    }
    const heap = this.rec.heap;
    const live = heap.arenas();
    if (live.length !== cp.arenas.length) return bad(`${cp.arenas.length} arenas, the replay has ${live.length}`);
    const words = heap.words;
    const ps = this.g.poolSize;
    for (const a of cp.arenas) {
      const info = live.find((x) => x.address === a.base);
      if (info === undefined || this.bases.get(a.arena) !== a.base) return bad(`arena ${a.arena} at ${hex(a.base)} is not live in the replay`);
      if (info.totalPools !== a.pools || info.usedPools !== a.used.length) return bad(`arena ${a.arena}: ${a.pools} pools, ${a.used.length} in use; the replay has ${info.totalPools}, ${info.usedPools}`);
      const first = a.base + ((ps - (a.base % ps)) % ps);
      for (const p of a.used) {
        const off = heap.offsetOf(first + p.pool * ps) >>> 2;
        if (words[off + POOL_COUNT] !== p.used || words[off + POOL_SZIDX] !== p.cls) return bad(`arena ${a.arena} pool ${p.pool}: class ${p.cls}, ${p.used} blocks; the replay has class ${words[off + POOL_SZIDX]!}, ${words[off + POOL_COUNT]!} blocks`);
      }
    }
    return undefined;
  }

  private checkPools(seq: number): void {
    if (this.poolBalance.size === 0) return;
    const [key, n] = this.poolBalance.entries().next().value!;
    const [kind, base, pool, cls] = key.split(':').map(Number) as [number, number, number, number];
    const name = { [L_KIND_POOL_INIT]: 'pool_init', [L_KIND_POOL_REUSE]: 'pool_reuse', [L_KIND_POOL_FULL]: 'pool_full', [L_KIND_POOL_EMPTY]: 'pool_empty' }[kind] ?? String(kind);
    this.fail({ kind: 'pool-events', seq, message: `${name} of pool ${pool} (class ${cls}) in the arena at ${hex(base)}: ${n > 0 ? `${n} more in the trace` : `${-n} more in the replay`} by event ${seq}` });
    this.poolBalance.clear();
  }

  private checkStats(seq: number, markId: number, text: string): void {
    this.statsDumps++;
    const want = text.split('\n');
    const got = this.rec.heap.debugMallocStats().split('\n');
    for (let k = 0; k < Math.max(want.length, got.length); k++) {
      if (want[k] !== got[k]) {
        this.fail({ kind: 'stats', seq, message: `statistics text of mark ${markId} differs at line ${k + 1}`, line: k + 1, expected: want[k] ?? '<end of text>', actual: got[k] ?? '<end of text>' });
        return;
      }
    }
    this.statsMatched++;
  }

  /** Ends the replay and reports. */
  finish(complete: boolean): TraceVerifyReport {
    this.checkPools(this.events);
    if (this.modelReleased.size > 0) this.fail({ kind: 'arena', seq: this.events, message: `the replay released ${this.modelReleased.size} arena(s) the trace does not release, e.g. ${hex([...this.modelReleased][0]!)}` });
    const seconds = (performance.now() - this.started) / 1000;
    return {
      events: this.events,
      allocations: this.allocations,
      matched: this.matched,
      arenasAllocated: this.arenasAllocated,
      arenasReleased: this.arenasReleased,
      poolEvents: this.poolEvents,
      checkpoints: this.checkpoints,
      statsDumps: this.statsDumps,
      statsMatched: this.statsMatched,
      mismatches: this.mismatches,
      firstMismatch: this.first,
      complete,
      seconds,
      eventsPerSecond: seconds > 0 ? Math.round(this.events / seconds) : 0,
    };
  }
}

/**
 * Replays a whole trace (streamed) with {@link TraceVerifier}.
 *
 * @throws {@link CliError} when the trace has no arena bases (nothing to replay against)
 */
export async function verifyTrace(source: TraceSource): Promise<TraceVerifyReport> {
  let v: TraceVerifier | undefined;
  const reader: TraceReader = readTrace(source, { onCheckpoint: (cp) => v?.checkCheckpoint(cp), reuseBatches: true });
  let sawArena = false;
  for await (const b of reader) {
    v ??= new TraceVerifier(reader.header!, reader.dictionary.strings);
    if (!sawArena) for (let i = 0; i < b.length && !sawArena; i++) sawArena = b.kind[i] === L_KIND_ARENA_ALLOC;
    v.feed(b);
  }
  if (v === undefined || !sawArena) throw new CliError('the trace carries no arena allocations (with their bases): nothing to replay against');
  return v.finish(reader.complete);
}
