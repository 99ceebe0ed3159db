import { createRecordedHeap, geometryForPython, resolveGeometry } from '@pymem/arena';
import type { Geometry, Pymalloc, RecordedHeap } from '@pymem/arena';
import {
  KIND_ARENA_ALLOC,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
} from '@pymem/trace';
import type { TraceEventBatch, TraceHeader } from '@pymem/trace';
import { heapStateFromPymalloc, poolDetailFromPymalloc } from './from-heap.js';
import { poolListsFromPymalloc } from './lists.js';
import type { PoolListsState } from './lists.js';
import type { HeapState, PoolDetail } from './state.js';

/** The header fields that fix the allocator's geometry. */
export type TraceGeometryFields = Pick<TraceHeader, 'pythonVersion' | 'alignment' | 'smallRequestThreshold' | 'poolSize' | 'arenaSize'>;

/** A trace event the replay cannot apply: what and where (sequence number). */
export class TraceReplayError extends Error {
  override readonly name = 'TraceReplayError';
  constructor(
    message: string,
    /** Sequence number of the event. */
    readonly seq: number,
    options?: ErrorOptions,
  ) {
    super(`event ${seq}: ${message}`, options);
  }
}

/** Ids below this are kept in the dense table (at most 512 MiB of it). */
const DENSE_IDS = 1 << 26;

/** Large blocks get made-up libc addresses above every arena: 2^50 + 16 × id. */
const LARGE_BASE = 2 ** 50;

function geometryOf(h: TraceGeometryFields): Geometry {
  if (h.pythonVersion !== 0) {
    try {
      const g = geometryForPython(h.pythonVersion);
      if (g.alignment === h.alignment && g.threshold === h.smallRequestThreshold && g.poolSize === h.poolSize && g.arenaSize === h.arenaSize) return g;
    } catch {
      // Not a known version: build the geometry from the fields.
    }
  }
  return resolveGeometry({ alignment: h.alignment, threshold: h.smallRequestThreshold, poolSize: h.poolSize, arenaSize: h.arenaSize });
}

/**
 * A heap state at any position of a `.pymem` trace (format 1.0 or 1.1, whose
 * `realloc_class` is a realloc kept in place): the trace's allocator
 * events go through a recorded `@pymem/arena` heap (each arena allocation
 * offers the trace's base address, each request goes to the model), so the
 * views get the same arenas, pools, free lists and `usedpools`/`freepools`
 * as the traced process had. Feed batches in order; {@link feed} stops at a
 * sequence number.
 */
export class TraceReplay {
  readonly #rec: RecordedHeap;
  /**
   * Trace block id → address + 1 of live blocks (0: not live). Block ids are
   * dense counters, so a typed array indexed by id; ids past
   * {@link DENSE_IDS} go to a Map.
   */
  #dense = new Float64Array(1 << 14);
  readonly #sparse = new Map<number, number>();
  #next = 0;

  constructor(header: TraceGeometryFields) {
    this.#rec = createRecordedHeap(geometryOf(header));
  }

  #get(id: number): number | undefined {
    if (id < DENSE_IDS) {
      const v = id < this.#dense.length ? this.#dense[id]! : 0;
      return v === 0 ? undefined : v - 1;
    }
    return this.#sparse.get(id);
  }

  #set(id: number, address: number): void {
    if (id >= DENSE_IDS) {
      this.#sparse.set(id, address);
      return;
    }
    if (id >= this.#dense.length) {
      let n = this.#dense.length * 2;
      while (n <= id) n *= 2;
      const next = new Float64Array(Math.min(n, DENSE_IDS));
      next.set(this.#dense);
      this.#dense = next;
    }
    this.#dense[id] = address + 1;
  }

  #delete(id: number): void {
    if (id >= DENSE_IDS) this.#sparse.delete(id);
    else if (id < this.#dense.length) this.#dense[id] = 0;
  }

  /** The replayed heap. */
  get heap(): Pymalloc {
    return this.#rec.heap;
  }

  /** Sequence number of the next event to apply (events before it are in the heap). */
  get position(): number {
    return this.#next;
  }

  /**
   * Applies the rows of `batch` whose sequence number is below `stop`
   * (default: all of them). Batches must come in order, without gaps.
   * @returns the number of events applied.
   * @throws {@link TraceReplayError} for a gap, a free of a block that is not live, an allocation the model cannot place, or an event the allocator refuses (the error's `cause`); the events before it stay applied.
   */
  feed(batch: TraceEventBatch, stop = Infinity): number {
    if (batch.firstSeq > this.#next) throw new TraceReplayError(`a gap in the events: the replay is at ${this.#next}`, batch.firstSeq);
    const from = this.#next - batch.firstSeq;
    const end = Math.min(batch.length, stop - batch.firstSeq);
    try {
      return this.#apply(batch, Math.max(0, from), end);
    } catch (e) {
      if (e instanceof TraceReplayError) throw e;
      // The allocator refused the event at #next (e.g. an arena base that overlaps a live arena).
      throw new TraceReplayError(e instanceof Error ? e.message : String(e), this.#next, { cause: e });
    }
  }

  #apply(batch: TraceEventBatch, start: number, end: number): number {
    const { heap, source, fallback } = this.#rec;
    const { kind, id, oldId, size, count, value } = batch;
    let applied = 0;
    for (let i = start; i < end; i++) {
      const seq = batch.firstSeq + i;
      const k = kind[i]!;
      switch (k) {
        case KIND_ARENA_ALLOC:
          source.clearOffers();
          source.offer(value[i]!);
          break;
        case KIND_MALLOC:
        case KIND_CALLOC:
        case KIND_MALLOC_LARGE:
        case KIND_CALLOC_LARGE: {
          fallback.expect(LARGE_BASE + 16 * id[i]!);
          const got = k === KIND_MALLOC || k === KIND_MALLOC_LARGE ? heap.malloc(size[i]!) : heap.calloc(count[i]!, value[i]!);
          if (got === 0) throw new TraceReplayError(`the model could not allocate ${size[i]!} bytes (the trace has no arena for it)`, seq);
          this.#set(id[i]!, got);
          break;
        }
        case KIND_REALLOC:
        case KIND_REALLOC_CLASS:
        case KIND_REALLOC_LARGE: {
          const old = this.#get(oldId[i]!);
          if (old === undefined) throw new TraceReplayError(`realloc of block ${oldId[i]!}, which is not live`, seq);
          fallback.expect(id[i] === oldId[i] ? old : LARGE_BASE + 16 * id[i]!);
          const got = heap.realloc(old, size[i]!);
          if (got === 0) throw new TraceReplayError(`the model could not reallocate block ${oldId[i]!} to ${size[i]!} bytes`, seq);
          this.#delete(oldId[i]!);
          this.#set(id[i]!, got);
          break;
        }
        case KIND_FREE:
        case KIND_FREE_LARGE: {
          const a = this.#get(id[i]!);
          if (a === undefined) throw new TraceReplayError(`free of block ${id[i]!}, which is not live`, seq);
          this.#delete(id[i]!);
          heap.free(a);
          break;
        }
        default:
          // Pool, object, GC and mark events follow from the requests.
          break;
      }
      applied++;
      this.#next = seq + 1;
    }
    return applied;
  }

  /** The arena map's state at the current position. */
  state(): HeapState {
    return heapStateFromPymalloc(this.heap);
  }

  /** The `usedpools`/`freepools` lists at the current position. */
  lists(): PoolListsState {
    return poolListsFromPymalloc(this.heap);
  }

  /** One pool's blocks at the current position. */
  pool(slot: number, index: number): PoolDetail | undefined {
    return poolDetailFromPymalloc(this.heap, slot, index);
  }
}

/**
 * Replays a trace's batches (`readTrace(bytes)`, or `TraceFile.events` from
 * the start) up to sequence number `stop` (exclusive).
 */
export async function replayTrace(header: TraceGeometryFields, batches: AsyncIterable<TraceEventBatch> | Iterable<TraceEventBatch>, stop = Infinity): Promise<TraceReplay> {
  const r = new TraceReplay(header);
  for await (const b of batches) {
    if (b.firstSeq >= stop) break;
    r.feed(b, stop);
  }
  return r;
}
