import type { RawCaptureSource } from './byte-source.js';
import { sourceChunks } from './byte-source.js';
import type { ChunkInfo } from './trace-chunk.js';
import { decodeTrailer, parseChunk } from './trace-chunk.js';
import { decodeCheckpointChunk, decodeDictionaryChunk, decodeEventsChunk, decodeIndexChunk } from './trace-chunk-decode.js';
import type { TraceCheckpoint } from './trace-checkpoint.js';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, TRACE_SYNC, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { TraceDictionary } from './trace-dictionary.js';
import type { TraceEventBatch } from './trace-event.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceHeader } from './trace-header.js';
import { decodeTraceHeader } from './trace-header.js';
import type { TraceIndexEntry } from './trace-index.js';

/** Where a trace's bytes come from: a web stream, any async iterable of chunks, or one buffer. */
export type TraceSource = RawCaptureSource;

/** Options of {@link readTrace}. */
export interface ReadTraceOpts {
  /** Called with each checkpoint met (checkpoints are skipped, CRC-checked only, without it). */
  onCheckpoint?: (checkpoint: TraceCheckpoint) => void;
  /**
   * Refill one batch for every events chunk instead of allocating a new one:
   * faster, but a batch is only valid until the iterator is advanced again.
   * @defaultValue false
   */
  reuseBatches?: boolean;
}

const isTruncation = (e: unknown): boolean => e instanceof TraceFormatError && e.code === 'E_TRUNCATED';

/**
 * A trace being read once, front to back, in bounded memory (one chunk at a
 * time): iterate it for one {@link TraceEventBatch} per events chunk.
 * Dictionaries fill {@link TraceReader.dictionary} as they come (before the
 * events that use them); unknown chunk types are skipped.
 *
 * @example
 * ```ts
 * const reader = readTrace((await fetch(url)).body!);
 * for await (const batch of reader) {
 *   for (let i = 0; i < batch.length; i++) if (batch.kind[i] === KIND_MALLOC) bytes += batch.size[i]!;
 * }
 * console.log(reader.header?.clockUnit, reader.eventCount, reader.complete);
 * ```
 */
export class TraceReader implements AsyncIterable<TraceEventBatch> {
  readonly #source: TraceSource;
  /** The last batch handed out, refilled when `reuseBatches` is set. */
  #last: TraceEventBatch | undefined;
  readonly #opts: ReadTraceOpts;
  #used = false;
  #header: TraceHeader | undefined;
  /** Strings, frames and stacks read so far. */
  readonly dictionary = new TraceDictionary();
  #index: TraceIndexEntry[] | undefined;
  #complete = false;
  #indexAt = -1;
  #seq = 0;
  #time = 0;
  #buf: Uint8Array = new Uint8Array(1 << 16);
  /** Whether #buf is ours (else it is a chunk of the source, read in place). */
  #owned = true;
  #start = 0;
  #end = 0;
  #base = 0;

  /**
   * Prefer {@link readTrace}.
   *
   * @param source - the trace's bytes
   * @param opts - checkpoint callback
   */
  constructor(source: TraceSource, opts: ReadTraceOpts = {}) {
    this.#source = source;
    this.#opts = opts;
  }

  /** The header, once read. */
  get header(): TraceHeader | undefined {
    return this.#header;
  }
  /** Events read so far. */
  get eventCount(): number {
    return this.#seq;
  }
  /** The footer index, once read. */
  get index(): readonly TraceIndexEntry[] | undefined {
    return this.#index;
  }
  /** Whether the index and trailer closed the trace (false after a full read: the writer did not finish). */
  get complete(): boolean {
    return this.#complete;
  }

  #append(chunk: Uint8Array): void {
    if (this.#start === this.#end) {
      // Nothing pending: read the chunk where it is (a whole-file buffer is never copied).
      this.#base += this.#end;
      this.#buf = chunk;
      this.#start = 0;
      this.#end = chunk.length;
      this.#owned = false;
      return;
    }
    if (!this.#owned) this.#own(chunk.length);
    const live = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buf.length) {
      if (live + chunk.length <= this.#buf.length && this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        let cap = this.#buf.length;
        while (cap < live + chunk.length) cap *= 2;
        const next = new Uint8Array(cap);
        next.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = next;
      }
      this.#base += this.#start;
      this.#end = live;
      this.#start = 0;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * Moves the pending bytes of a chunk read in place into a buffer of our own
   * (with room for `more`), before the source is asked for its next chunk: a
   * source may reuse its buffer, and the caller's buffer is never written to.
   */
  #own(more = 0): void {
    const pending = this.#end - this.#start;
    let cap = 1 << 16;
    while (cap < pending + more) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(this.#start, this.#end));
    this.#base += this.#start;
    this.#buf = next;
    this.#start = 0;
    this.#end = pending;
    this.#owned = true;
  }

  async *#drain(eof: boolean): AsyncGenerator<TraceEventBatch> {
    const view = this.#buf.subarray(0, this.#end);
    if (this.#header === undefined) {
      if (this.#start !== 0 || this.#base !== 0) throw new Error('unreachable');
      try {
        const { header, end } = decodeTraceHeader(view);
        this.#header = header;
        this.#start = end;
      } catch (e) {
        if (!eof && isTruncation(e)) return;
        throw e;
      }
    }
    for (;;) {
      const left = this.#end - this.#start;
      if (left === 0) return;
      const at = this.#base + this.#start;
      let sync = true;
      for (let i = 0; i < Math.min(4, left); i++) if (view[this.#start + i] !== TRACE_SYNC[i]) sync = false;
      if (this.#complete) throw new TraceFormatError('E_TRAILING', at, `data after the trailer at byte ${at}`);
      if (!sync) {
        if (!eof && left <= TRACE_TRAILER_SIZE) return;
        if (eof && left === TRACE_TRAILER_SIZE && this.#index !== undefined && decodeTrailer(view.subarray(this.#start), at) === this.#indexAt) {
          this.#complete = true;
          this.#start = this.#end;
          return;
        }
        throw new TraceFormatError('E_SYNC', at, `no chunk sync marker at byte ${at}`);
      }
      let info: ChunkInfo;
      try {
        info = parseChunk(view, this.#start, this.#base);
      } catch (e) {
        if (!eof && isTruncation(e)) return;
        throw e;
      }
      this.#start = info.end;
      const batch = await this.#chunk(view, info);
      if (batch !== undefined) yield batch;
    }
  }

  async #chunk(view: Uint8Array, info: ChunkInfo): Promise<TraceEventBatch | undefined> {
    const h = this.#header!;
    const at = this.#base + info.offset;
    if (this.#index !== undefined) throw new TraceFormatError('E_TRAILING', at, `chunk after the index at byte ${at}`);
    const known = info.type >= CHUNK_DICTIONARY && info.type <= CHUNK_INDEX;
    if (known && (info.firstSeq !== this.#seq || info.firstTime < this.#time)) {
      throw new TraceFormatError('E_SEQ', at, `chunk at byte ${at} starts at event ${info.firstSeq}, time ${info.firstTime}; ${this.#seq} events (time ${this.#time}) precede it (a chunk is missing)`);
    }
    switch (info.type) {
      case CHUNK_EVENTS: {
        const b = await decodeEventsChunk(h, view, info, this.#base, this.#opts.reuseBatches === true ? this.#last : undefined);
        this.#last = b;
        this.#seq += b.length;
        if (b.length > 0) this.#time = b.time[b.length - 1]!;
        return b;
      }
      case CHUNK_DICTIONARY:
        await decodeDictionaryChunk(view, info, this.dictionary, this.#base);
        return undefined;
      case CHUNK_CHECKPOINT:
        if (this.#opts.onCheckpoint !== undefined) this.#opts.onCheckpoint(await decodeCheckpointChunk(view, info, this.#base));
        return undefined;
      case CHUNK_INDEX:
        this.#index = await decodeIndexChunk(view, info, this.#base);
        this.#indexAt = at;
        return undefined;
      default:
        return undefined; // unknown chunk type: skipped by length
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TraceEventBatch> {
    if (this.#used) throw new Error('a TraceReader can be iterated once');
    this.#used = true;
    for await (const chunk of sourceChunks(this.#source)) {
      this.#append(chunk);
      yield* this.#drain(false);
      if (!this.#owned && this.#start < this.#end) this.#own();
    }
    yield* this.#drain(true);
    if (this.#header === undefined) throw new TraceFormatError('E_TRUNCATED', 0, 'empty input: no trace header');
  }
}

/**
 * Reads a trace as a stream of event batches, in Node and in browsers.
 *
 * @param source - `ReadableStream`, async iterable of chunks, or one `Uint8Array`
 * @param opts - checkpoint callback
 * @returns a single-use reader
 * @throws {@link TraceFormatError} while iterating, on bad input
 */
export function readTrace(source: TraceSource, opts: ReadTraceOpts = {}): TraceReader {
  return new TraceReader(source, opts);
}
