import { createRecordedHeap, geometryForPython, resolveGeometry } from '@pymem/arena';
import type { Pymalloc, RecordedHeap } from '@pymem/arena';
import {
  OP_ARENA_ALLOC,
  OP_CALLOC,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
  RAW_MAGIC,
  TRACE_MAGIC,
  KIND_ARENA_ALLOC,
  KIND_BY_NUMBER,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_FREE,
  KIND_MALLOC,
  KIND_MARK,
  KIND_POOL_EMPTY,
  KIND_POOL_FULL,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  TraceFormatError,
  decodeRawCapture,
  formatPyVersion,
  openTrace,
  readRawCaptureBytes,
} from '@pymem/trace';
import type { TraceEventBatch, TraceFile, TraceHeader } from '@pymem/trace';
import { createTimelineRecorder, heapStateFromPymalloc, poolDetailFromPymalloc } from '@pymem/viz';
import type { ArenaState, HeapState, PoolDetail, PoolState, Timeline, VizGeometry } from '@pymem/viz';

/** A mark in a trace (a `pymem` capture's phase label). */
export interface SessionMark {
  /** Position of the mark (record index or event sequence number). */
  readonly at: number;
  readonly label: string;
}

/** An events chunk of a `.pymem` trace, from its index entry. */
export interface SessionChunk {
  /** Position of its first event (events before it). */
  readonly at: number;
  readonly events: number;
  readonly firstTime: number;
  /** Live bytes before its first event, highest live bytes in it. */
  readonly liveStart: number;
  readonly peak: number;
  /** Arenas in use after its last event. */
  readonly arenas: number;
}

/** The heap of a trace at one position. */
export interface SessionState {
  /** Records (raw capture) or events (.pymem) applied. */
  readonly position: number;
  readonly heap: HeapState;
  /** A pool's blocks at this position, by descriptor slot (raw) or arena id (.pymem) and pool index. */
  pool(slot: number, pool: number): PoolDetail | undefined;
}

/** A trace opened in the viewer: a raw PYMTRC01 capture (replayed) or a `.pymem` trace (seeked). */
export interface TraceSession {
  readonly kind: 'raw' | 'pymem';
  /** One line about the file: format, Python version, positions. */
  readonly description: string;
  /** Positions run from 0 (nothing applied) to `length` (everything applied). */
  readonly length: number;
  /** What a position counts. */
  readonly unit: 'records' | 'events';
  /** Live bytes, arena bytes, arenas and (raw captures) pools in use per class along the trace, sampled. */
  readonly timeline: Timeline;
  readonly marks: readonly SessionMark[];
  /** The heap after `position` records or events. */
  stateAt(position: number): Promise<SessionState>;
  /** For a `.pymem` trace: the position of the last event at or before time `t` (clock of the header). */
  positionAtTime?(t: number): Promise<number>;
  /** For a `.pymem` trace: its events chunks as the footer index lists them (where each starts, live bytes and arenas there). */
  readonly chunks?: readonly SessionChunk[];
}

/** The error the viewer shows for a file it cannot open: what is wrong and where. */
export class ViewerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewerError';
  }
}

const TIMELINE_SAMPLES = 800;

/** Opens a file's bytes: `.pymem` by its magic, anything else as a raw capture (plain or gzip). */
export async function openSession(bytes: Uint8Array, name = 'the file'): Promise<TraceSession> {
  try {
    if (TRACE_MAGIC.every((b, i) => bytes[i] === b)) return await openPymemSession(bytes);
    const magic = new TextDecoder().decode(bytes.subarray(0, 8));
    if (magic === RAW_MAGIC || (bytes[0] === 0x1f && bytes[1] === 0x8b)) return await openRawSession(bytes);
    const shown = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ViewerError(`${name} is neither a .pymem trace nor a raw PYMTRC01 capture (plain or gzip): it starts with ${shown === '' ? 'nothing (it is empty)' : shown}`);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new ViewerError(`${name}: ${e.message} (${e.code})`);
    throw e;
  }
}

// ---------------------------------------------------------------- raw captures

/**
 * A raw capture decoded once into columns, replayed through `@pymem/arena`'s
 * recorded heap (the arena bases and libc results the capture logged) to
 * the wanted record. Seeking forward continues the replay; seeking back
 * starts it again from record 0.
 */
export async function openRawSession(source: Uint8Array): Promise<TraceSession> {
  const bytes = await readRawCaptureBytes(source);
  let cap = 1 << 16;
  let n = 0;
  let op = new Uint8Array(cap);
  let size = new Float64Array(cap);
  let size2 = new Float64Array(cap);
  let ptr = new Float64Array(cap);
  let result = new Float64Array(cap);
  const marks: SessionMark[] = [];
  const grow = <T extends Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const b = make(cap);
    b.set(a);
    return b;
  };
  const summary = decodeRawCapture(bytes, (r) => {
    if (n === cap) {
      cap *= 2;
      op = grow(op, (k) => new Uint8Array(k));
      size = grow(size, (k) => new Float64Array(k));
      size2 = grow(size2, (k) => new Float64Array(k));
      ptr = grow(ptr, (k) => new Float64Array(k));
      result = grow(result, (k) => new Float64Array(k));
    }
    op[n] = r.op;
    size[n] = r.size;
    size2[n] = r.size2;
    ptr[n] = r.ptr;
    result[n] = r.result;
    if (r.op === OP_MARK) marks.push({ at: n + 1, label: r.markLabel });
    n++;
  });
  const geometry = resolveGeometry(geometryForPython(summary.header.pyVersionHex));
  let rec: RecordedHeap = createRecordedHeap(geometry);
  let applied = 0;
  const apply = (to: number): void => {
    if (to < applied) {
      rec = createRecordedHeap(geometry);
      applied = 0;
    }
    const { heap, source, fallback } = rec;
    const arenaSize = geometry.arenaSize;
    for (let i = applied; i < to; i++) {
      const o = op[i]!;
      if (o === OP_FREE) {
        heap.free(ptr[i]!);
        if (source.offered > 0) source.clearOffers();
      } else if (o === OP_MALLOC || o === OP_CALLOC || o === OP_REALLOC) {
        fallback.expect(result[i]!);
        if (o === OP_MALLOC) heap.malloc(size[i]!);
        else if (o === OP_CALLOC) heap.calloc(size[i]!, size2[i]!);
        else heap.realloc(ptr[i]!, size[i]!);
        if (source.offered > 0) source.clearOffers();
      } else if (o === OP_ARENA_ALLOC) {
        source.clearOffers();
        if (size[i] === arenaSize) source.offer(result[i]!);
      }
    }
    applied = to;
  };
  // One pass for the timeline.
  const recorder = createTimelineRecorder(geometry.nClasses, TIMELINE_SAMPLES + 2);
  const every = Math.max(1, Math.ceil(n / TIMELINE_SAMPLES));
  const sample = (heap: Pymalloc, at: number): void => {
    const s = heap.stats();
    recorder.push(
      at,
      s.bytesInAllocatedBlocks,
      s.arenaBytes,
      heap.arenas().length,
      s.classes.map((c) => c.pools),
    );
  };
  sample(rec.heap, 0);
  for (let at = every; at < n + every; at += every) {
    apply(Math.min(at, n));
    sample(rec.heap, Math.min(at, n));
  }
  return {
    kind: 'raw',
    description: `raw capture PYMTRC01 · CPython ${formatPyVersion(summary.header.pyVersionHex)} · ${n.toLocaleString('en-US')} records${summary.ended ? '' : ' · no end record (the process died)'} · replayed through @pymem/arena`,
    length: n,
    unit: 'records',
    timeline: recorder.timeline(),
    marks,
    stateAt(position: number): Promise<SessionState> {
      apply(Math.max(0, Math.min(n, Math.floor(position))));
      const heap = rec.heap;
      const state = heapStateFromPymalloc(heap);
      const at = applied;
      return Promise.resolve({
        position: at,
        heap: state,
        pool: (slot: number, pool: number) => (applied === at ? poolDetailFromPymalloc(heap, slot, pool) : undefined),
      });
    },
  };
}

// ---------------------------------------------------------------- .pymem traces

interface Block {
  cls: number;
  arena: number;
  pool: number;
  block: number;
}

function vizGeometry(h: TraceHeader): VizGeometry {
  const overhead = Math.ceil(48 / h.alignment) * h.alignment;
  return { name: 'from the trace header', alignment: h.alignment, poolSize: h.poolSize, arenaSize: h.arenaSize, poolOverhead: overhead, nClasses: h.smallRequestThreshold / h.alignment };
}

/**
 * The allocator state of a `.pymem` trace at an event: live pymalloc blocks
 * by (arena, pool, block) and arenas by id, from the nearest checkpoint plus
 * the events after it (`TraceFile.seekSeq`).
 */
class PymemModel {
  readonly blocks = new Map<number, Block>();
  /** Arena id → base and pool count. */
  readonly arenas = new Map<number, { base: number; pools: number }>();
  /** `arena:pool` → class last served (pools seen carved). */
  readonly poolCls = new Map<string, number>();

  apply(b: TraceEventBatch): void {
    for (let i = 0; i < b.length; i++) {
      const k = b.kind[i]!;
      switch (k) {
        case KIND_MALLOC:
        case KIND_CALLOC:
        case KIND_REALLOC:
        case KIND_REALLOC_CLASS: {
          if (k === KIND_REALLOC || k === KIND_REALLOC_CLASS) this.blocks.delete(b.oldId[i]!);
          const blk = { cls: b.cls[i]!, arena: b.arena[i]!, pool: b.pool[i]!, block: b.block[i]! };
          this.blocks.set(b.id[i]!, blk);
          this.poolCls.set(`${blk.arena}:${blk.pool}`, blk.cls);
          break;
        }
        case KIND_REALLOC_LARGE:
          this.blocks.delete(b.oldId[i]!);
          break;
        case KIND_FREE:
          this.blocks.delete(b.id[i]!);
          break;
        case KIND_ARENA_ALLOC:
          this.arenas.set(b.arena[i]!, { base: b.value[i]!, pools: b.count[i]! });
          break;
        case KIND_ARENA_FREE:
          this.arenas.delete(b.arena[i]!);
          for (const key of [...this.poolCls.keys()]) if (key.startsWith(`${b.arena[i]!}:`)) this.poolCls.delete(key);
          break;
        case KIND_POOL_INIT:
        case KIND_POOL_REUSE:
        case KIND_POOL_FULL:
        case KIND_POOL_EMPTY:
          this.poolCls.set(`${b.arena[i]!}:${b.pool[i]!}`, b.cls[i]!);
          break;
        default:
          break; // large blocks, objects, gc, marks: not in the pools
      }
    }
  }

  /** The view state; pools past the highest one seen carved in their arena are shown as never used. */
  heapState(g: VizGeometry): { heap: HeapState; pool: (arena: number, pool: number) => PoolDetail | undefined } {
    const perPool = new Map<string, number[]>();
    for (const blk of this.blocks.values()) {
      const key = `${blk.arena}:${blk.pool}`;
      let list = perPool.get(key);
      if (list === undefined) perPool.set(key, (list = []));
      list.push(blk.block);
    }
    const capacity = (cls: number): number => Math.floor((g.poolSize - g.poolOverhead) / ((cls + 1) * g.alignment));
    const rows = Array.from({ length: g.nClasses }, (_, idx) => ({ idx, size: (idx + 1) * g.alignment, pools: 0, blocksInUse: 0, availBlocks: 0 }));
    let liveBytes = 0;
    const arenas: ArenaState[] = [...this.arenas.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, a]) => {
        const first = Math.ceil(a.base / g.poolSize) * g.poolSize;
        let carved = -1;
        for (let p = 0; p < a.pools; p++) if (this.poolCls.has(`${id}:${p}`) || perPool.has(`${id}:${p}`)) carved = p;
        const pools: PoolState[] = [];
        for (let p = 0; p < a.pools; p++) {
          const address = first + p * g.poolSize;
          const used = perPool.get(`${id}:${p}`)?.length ?? 0;
          const cls = this.poolCls.get(`${id}:${p}`) ?? -1;
          if (p > carved || cls < 0) {
            pools.push({ index: p, address, status: 'untouched', szidx: -1, count: 0, capacity: 0 });
            continue;
          }
          const cap = capacity(cls);
          if (used > 0) {
            const row = rows[cls]!;
            row.pools++;
            row.blocksInUse += used;
            row.availBlocks += cap - used;
            liveBytes += used * row.size;
          }
          pools.push({ index: p, address, status: used === 0 ? 'empty' : used >= cap ? 'full' : 'used', szidx: cls, count: used, capacity: cap });
        }
        return { slot: id, address: a.base, pools };
      });
    const heap: HeapState = { geometry: g, arenas, classes: rows, liveBytes, arenaBytes: arenas.length * g.arenaSize };
    const pool = (arena: number, p: number): PoolDetail | undefined => {
      const a = arenas.find((x) => x.slot === arena)?.pools[p];
      if (a === undefined || a.status === 'untouched') return undefined;
      const blockSize = (a.szidx + 1) * g.alignment;
      const inUse = new Set(perPool.get(`${arena}:${p}`) ?? []);
      const highest = Math.max(-1, ...inUse);
      const blocks = Array.from({ length: a.capacity }, (_, i) => (inUse.has(i) ? 'allocated' : i < highest ? 'free' : 'untouched'));
      return { address: a.address, szidx: a.szidx, blockSize, poolSize: g.poolSize, headerBytes: g.poolOverhead, count: inUse.size, blocks, freeList: [] };
    };
    return { heap, pool };
  }
}

/** How an event changes live bytes (requested sizes, as the trace index counts them: the kind's `live` in `KIND_BY_NUMBER`). */
function liveDelta(b: TraceEventBatch, i: number): number {
  const live = KIND_BY_NUMBER[b.kind[i]!]?.live ?? 0;
  return live === 2 ? b.size[i]! - b.oldSize[i]! : live * b.size[i]!;
}

/** Opens a `.pymem` trace for seeking (`openTrace`: the footer index, checkpoints and any events chunk on its own). */
export async function openPymemSession(bytes: Uint8Array): Promise<TraceSession> {
  const file: TraceFile = await openTrace(bytes);
  const g = vizGeometry(file.header);
  const n = file.eventCount;
  // One pass over the events chunks: the marks, and live bytes (requested sizes, as the index counts them) and arenas, sampled.
  const recorder = createTimelineRecorder(g.nClasses, TIMELINE_SAMPLES + 2);
  const every = Math.max(1, Math.ceil(n / TIMELINE_SAMPLES));
  const marks: SessionMark[] = [];
  let arenas = 0;
  recorder.push(0, 0, 0, 0);
  for (const e of file.index) {
    if (e.events === 0) continue;
    const b = await file.events(e);
    let live = e.liveStart;
    for (let i = 0; i < b.length; i++) {
      const k = b.kind[i]!;
      live += liveDelta(b, i);
      if (k === KIND_ARENA_ALLOC) arenas++;
      else if (k === KIND_ARENA_FREE) arenas--;
      else if (k === KIND_MARK) marks.push({ at: b.firstSeq + i + 1, label: file.dictionary.strings[b.label[i]!] ?? `mark ${b.value[i]!}` });
      const at = b.firstSeq + i + 1;
      if (at % every === 0 || at === n) recorder.push(at, live, arenas * g.arenaSize, arenas);
    }
  }
  const stateAt = async (position: number): Promise<SessionState> => {
    const at = Math.max(0, Math.min(n, Math.floor(position)));
    const model = new PymemModel();
    if (at > 0) {
      const { checkpoint, events } = await file.seekSeq(at - 1);
      if (checkpoint !== undefined) {
        for (const a of checkpoint.arenas) {
          model.arenas.set(a.arena, { base: a.base, pools: a.pools });
          for (const p of a.used) model.poolCls.set(`${a.arena}:${p.pool}`, p.cls);
        }
        for (const blk of checkpoint.blocks) if (!blk.large) model.blocks.set(blk.id, { cls: blk.cls, arena: blk.arena, pool: blk.pool, block: blk.block });
      }
      for (const b of events) model.apply(b);
    }
    const { heap, pool } = model.heapState(g);
    return { position: at, heap, pool };
  };
  return {
    kind: 'pymem',
    description: `.pymem trace ${file.header.versionMajor}.${file.header.versionMinor} · CPython ${formatPyVersion(file.header.pythonVersion)} · ${n.toLocaleString('en-US')} events · ${file.index.length} chunk${file.index.length === 1 ? '' : 's'} in the index · clock ${file.header.clockUnit}`,
    length: n,
    unit: 'events',
    timeline: recorder.timeline(),
    marks,
    chunks: file.index.filter((e) => e.events > 0).map((e) => ({ at: e.firstSeq, events: e.events, firstTime: e.firstTime, liveStart: e.liveStart, peak: e.peak, arenas: e.arenas })),
    stateAt,
    async positionAtTime(t: number): Promise<number> {
      const r = await file.seekTime(t);
      return r.seq + 1;
    },
  };
}

