import type { ChunkInfo } from './trace-chunk.js';
import { decodeTrailer, parseChunk } from './trace-chunk.js';
import { decodeCheckpointChunk, decodeDictionaryChunk, decodeEventsChunk, decodeIndexChunk } from './trace-chunk-decode.js';
import type { TraceCheckpoint } from './trace-checkpoint.js';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { TraceDictionary } from './trace-dictionary.js';
import type { TraceEventBatch } from './trace-event.js';
import { LiveStats, applyBatch } from './trace-event-codec.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceHeader } from './trace-header.js';
import { decodeTraceHeader } from './trace-header.js';
import type { TraceIndexEntry } from './trace-index.js';

/** The state at an event: the nearest checkpoint at or before it, and the events from there on. */
export interface TraceSeekResult {
  /** Sequence number of the last event included (−1: the state before any event). */
  seq: number;
  /** The checkpoint to start from (undefined: start from the empty state at the trace start). */
  checkpoint: TraceCheckpoint | undefined;
  /** The events after the checkpoint, up to and including `seq`, in order (the last batch is cut at `seq`). */
  events: TraceEventBatch[];
}

/**
 * Builds index entries for `chunks` by decoding them (events chunks for
 * their live-bytes statistics). Internal.
 *
 * @internal
 */
export async function scanIndex(h: TraceHeader, bytes: Uint8Array, chunks: readonly ChunkInfo[]): Promise<TraceIndexEntry[]> {
  const stats = new LiveStats();
  let seq = 0;
  let time = 0;
  const out: TraceIndexEntry[] = [];
  let reuse: TraceEventBatch | undefined;
  for (const c of chunks) {
    if (c.type === CHUNK_INDEX) continue;
    const base = { type: c.type, offset: c.offset, length: c.end - c.offset };
    if (c.type === CHUNK_EVENTS) {
      const b = await decodeEventsChunk(h, bytes, c, 0, reuse);
      reuse = b;
      applyBatch(stats, b);
      seq = c.firstSeq + b.length;
      time = b.length > 0 ? b.time[b.length - 1]! : c.firstTime;
      out.push({ ...base, firstSeq: c.firstSeq, events: b.length, firstTime: c.firstTime, lastTime: time, liveStart: stats.liveStart, peak: stats.peak, peakSeq: stats.peakSeq, arenas: stats.arenas });
    } else {
      out.push({ ...base, firstSeq: seq, events: 0, firstTime: time, lastTime: time, liveStart: stats.live, peak: stats.live, peakSeq: seq, arenas: stats.arenas });
    }
  }
  return out;
}

/**
 * A whole trace in memory with random access through its footer index (or,
 * for a trace whose writer did not finish, an index rebuilt by one scan):
 * the state at any event or time from the nearest checkpoint, without a
 * replay from byte 0. Open with {@link openTrace}.
 */
export class TraceFile {
  /** The trace bytes. */
  readonly bytes: Uint8Array;
  /** Its header. */
  readonly header: TraceHeader;
  /** Every string, frame and stack. */
  readonly dictionary: TraceDictionary;
  /** One entry per chunk (the index chunk itself excluded). */
  readonly index: readonly TraceIndexEntry[];
  /** `true`: the index came from the footer; `false`: rebuilt by scanning. */
  readonly indexed: boolean;
  readonly #events: TraceIndexEntry[];
  readonly #checkpoints: TraceIndexEntry[];

  /** Prefer {@link openTrace}. */
  constructor(bytes: Uint8Array, header: TraceHeader, dictionary: TraceDictionary, index: readonly TraceIndexEntry[], indexed: boolean) {
    this.bytes = bytes;
    this.header = header;
    this.dictionary = dictionary;
    this.index = index;
    this.indexed = indexed;
    this.#events = index.filter((e) => e.type === CHUNK_EVENTS && e.events > 0);
    this.#checkpoints = index.filter((e) => e.type === CHUNK_CHECKPOINT);
  }

  /** Events in the trace. */
  get eventCount(): number {
    const last = this.#events.at(-1);
    return last === undefined ? 0 : last.firstSeq + last.events;
  }

  /** The highest live-bytes value over the whole trace (from the index: nothing decoded), and the event that reached it. */
  get peak(): { bytes: number; seq: number } {
    let best = { bytes: 0, seq: 0 };
    for (const e of this.index) if (e.peak > best.bytes) best = { bytes: e.peak, seq: e.peakSeq };
    return best;
  }

  /** Parses the chunk of an index entry, checking the entry against it. */
  chunk(entry: TraceIndexEntry): ChunkInfo {
    const info = parseChunk(this.bytes, entry.offset);
    if (info.type !== entry.type || info.end - info.offset !== entry.length) {
      throw new TraceFormatError('E_INDEX', entry.offset, `the index says a type ${entry.type} chunk of ${entry.length} bytes is at byte ${entry.offset}, but it is not`);
    }
    return info;
  }

  /**
   * Decodes one events chunk (it needs no other chunk).
   *
   * @param entry - its index entry
   * @param reuse - a batch to refill if big enough
   * @returns its events
   */
  async events(entry: TraceIndexEntry, reuse?: TraceEventBatch): Promise<TraceEventBatch> {
    const b = await decodeEventsChunk(this.header, this.bytes, this.chunk(entry), 0, reuse);
    if (b.firstSeq !== entry.firstSeq || b.length !== entry.events) throw new TraceFormatError('E_INDEX', entry.offset, `the index entry of the events chunk at byte ${entry.offset} does not match it`);
    return b;
  }

  /**
   * Decodes one checkpoint chunk.
   *
   * @param entry - its index entry
   * @returns the live state before event `entry.firstSeq`
   */
  async checkpoint(entry: TraceIndexEntry): Promise<TraceCheckpoint> {
    return decodeCheckpointChunk(this.bytes, this.chunk(entry));
  }

  /**
   * The state right after event `seq`: the nearest checkpoint before it plus
   * the events from there up to `seq` (at most `checkpointEvery` chunks).
   *
   * @param seq - a sequence number, 0 ≤ seq < eventCount
   * @returns checkpoint and events to apply
   */
  async seekSeq(seq: number): Promise<TraceSeekResult> {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.eventCount) throw new RangeError(`event ${seq} is not in 0..${this.eventCount - 1}`);
    let cp: TraceIndexEntry | undefined;
    for (const c of this.#checkpoints) if (c.firstSeq <= seq) cp = c;
    const from = cp?.firstSeq ?? 0;
    const events: TraceEventBatch[] = [];
    for (const e of this.#events) {
      if (e.firstSeq + e.events <= from || e.firstSeq > seq) continue;
      const b = await this.events(e);
      if (e.firstSeq + e.events > seq + 1) b.length = seq + 1 - e.firstSeq;
      events.push(b);
    }
    return { seq, checkpoint: cp === undefined ? undefined : await this.checkpoint(cp), events };
  }

  /**
   * The state at time `t`: after the last event whose time is ≤ `t`.
   *
   * @param t - a time in the header's clock unit
   * @returns checkpoint and events to apply (`seq` −1 if no event is that early)
   */
  async seekTime(t: number): Promise<TraceSeekResult> {
    let lo = 0;
    let hi = this.#events.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#events[mid]!.firstTime <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) {
      const cp = this.#checkpoints.find((c) => c.firstSeq === 0);
      return { seq: -1, checkpoint: cp === undefined ? undefined : await this.checkpoint(cp), events: [] };
    }
    const entry = this.#events[found]!;
    const b = await this.events(entry);
    let i = b.length - 1;
    while (i > 0 && b.time[i]! > t) i--;
    return this.seekSeq(entry.firstSeq + i);
  }
}

async function loadDictionary(bytes: Uint8Array, file: { chunk(e: TraceIndexEntry): ChunkInfo }, index: readonly TraceIndexEntry[]): Promise<TraceDictionary> {
  const dict = new TraceDictionary();
  for (const e of index) if (e.type === CHUNK_DICTIONARY) await decodeDictionaryChunk(bytes, file.chunk(e), dict);
  return dict;
}

/**
 * Opens a whole trace for random access: reads the header, the trailer and
 * the footer index (or scans every chunk when the trailer is missing) and
 * the dictionaries. Damaged files: see {@link recoverTrace}.
 *
 * @param bytes - the trace
 * @returns the opened trace
 * @throws {@link TraceFormatError} on a bad header, index or chunk
 *
 * @example
 * ```ts
 * const file = await openTrace(bytes);
 * const { checkpoint, events } = await file.seekTime(1_000_000);
 * ```
 */
export async function openTrace(bytes: Uint8Array): Promise<TraceFile> {
  const { header, end } = decodeTraceHeader(bytes);
  const at = decodeTrailer(bytes);
  if (at !== undefined && at >= end) {
    const info = parseChunk(bytes, at);
    if (info.type !== CHUNK_INDEX || info.end !== bytes.length - TRACE_TRAILER_SIZE) throw new TraceFormatError('E_INDEX', at, `the trailer points to byte ${at}, which is not the index chunk before it`);
    const index = await decodeIndexChunk(bytes, info);
    let prev = end;
    for (const e of index) {
      if (e.offset < prev || e.offset + e.length > at) throw new TraceFormatError('E_INDEX', at, `index entry for byte ${e.offset} is out of order or out of the file`);
      prev = e.offset + e.length;
    }
    const shell = new TraceFile(bytes, header, new TraceDictionary(), index, true);
    return new TraceFile(bytes, header, await loadDictionary(bytes, shell, index), index, true);
  }
  const chunks: ChunkInfo[] = [];
  for (let pos = end; pos < bytes.length; ) {
    if (bytes.length - pos === TRACE_TRAILER_SIZE && decodeTrailer(bytes) !== undefined) break;
    const info = parseChunk(bytes, pos);
    chunks.push(info);
    pos = info.end;
  }
  return fileFromChunks(header, bytes, chunks);
}

/**
 * A {@link TraceFile} over the given chunks, its index rebuilt by scanning.
 *
 * @internal
 */
export async function fileFromChunks(header: TraceHeader, bytes: Uint8Array, chunks: readonly ChunkInfo[]): Promise<TraceFile> {
  const index = await scanIndex(header, bytes, chunks);
  const shell = new TraceFile(bytes, header, new TraceDictionary(), index, false);
  return new TraceFile(bytes, header, await loadDictionary(bytes, shell, index), index, false);
}
