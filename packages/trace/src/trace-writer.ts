import { TraceAssembler } from './trace-assembler.js';
import type { TraceCheckpointState } from './trace-checkpoint.js';
import { CODEC_DEFLATE_RAW, CODEC_NONE, FEATURE_DEFLATE_RAW, MAX_CHUNK_PAYLOAD } from './trace-constants.js';
import type { DictionaryEntry } from './trace-dictionary.js';
import type { TraceEventInit } from './trace-event.js';
import type { TraceHeader, TraceHeaderInit } from './trace-header.js';
import { traceHeader } from './trace-header.js';
import type { TraceSink } from './trace-sink.js';

/** Options of {@link TraceWriter}. */
export interface TraceWriterOpts {
  /** Header fields (defaults: see `traceHeader`). `FEATURE_DEFLATE_RAW` is added when the codec needs it. */
  header?: TraceHeaderInit;
  /**
   * Chunk codec.
   *
   * @defaultValue 'deflate-raw'
   */
  codec?: 'none' | 'deflate-raw';
  /**
   * An events chunk is closed once its raw payload reaches this many bytes.
   *
   * @defaultValue 65536
   */
  chunkSize?: number;
  /**
   * Write a checkpoint after every this many events chunks (0: never).
   * Needs {@link TraceWriterOpts.checkpoint}.
   *
   * @defaultValue 0
   */
  checkpointEvery?: number;
  /**
   * Returns the live state after every event appended so far (the writer
   * calls it from `append`, before encoding the event passed, or from
   * `close`). So: call `append(e)` first, then apply `e` to your model.
   */
  checkpoint?: () => TraceCheckpointState;
}

/**
 * Writes a pymem trace, append-only, to any {@link TraceSink}: interns
 * strings, frames and stacks into dictionary chunks written before the
 * events that use them, cuts events into chunks of about `chunkSize` raw
 * bytes (each decodable alone), compresses them, writes a checkpoint every
 * `checkpointEvery` events chunks, and on `close()` the footer index and
 * trailer. Appending is synchronous; compression and sink writes run in
 * order in the background (await {@link TraceWriter.drain} to bound memory).
 *
 * @example
 * ```ts
 * const sink = new MemorySink();
 * const w = new TraceWriter(sink, { header: { pythonVersion: 0x030b07f0 } });
 * const label = w.string('startup');
 * w.append({ kind: KIND_MALLOC, id: 0, size: 24, arena: 0, pool: 0, block: 0 });
 * w.append({ kind: KIND_MARK, value: 1, label });
 * await w.close();
 * ```
 */
export class TraceWriter {
  /** The header written. */
  readonly header: TraceHeader;
  readonly #asm: TraceAssembler;
  readonly #codec: number;
  readonly #chunkSize: number;
  readonly #every: number;
  readonly #checkpoint: (() => TraceCheckpointState) | undefined;
  readonly #strings = new Map<string, number>();
  readonly #frames = new Map<string, number>();
  readonly #stacks = new Map<string, number>();
  #pending: DictionaryEntry[] = [];
  #eventChunks = 0;
  #wantCheckpoint = false;
  #closed = false;

  /**
   * @param sink - where the bytes go (`MemorySink`, `webStreamSink(stream)`, or `nodeStreamSink` from `@pymem/trace/node`)
   * @param opts - header, codec, chunk size, checkpoints
   */
  constructor(sink: TraceSink, opts: TraceWriterOpts = {}) {
    this.#codec = (opts.codec ?? 'deflate-raw') === 'none' ? CODEC_NONE : CODEC_DEFLATE_RAW;
    const h = traceHeader(opts.header);
    if (this.#codec === CODEC_DEFLATE_RAW) h.requiredFeatures |= FEATURE_DEFLATE_RAW;
    this.header = h;
    this.#chunkSize = Math.min(Math.max(64, Math.floor(opts.chunkSize ?? 65536)), MAX_CHUNK_PAYLOAD / 2);
    this.#every = Math.max(0, Math.floor(opts.checkpointEvery ?? 0));
    this.#checkpoint = opts.checkpoint;
    if (this.#every > 0 && this.#checkpoint === undefined) throw new RangeError('checkpointEvery needs a checkpoint callback');
    this.#asm = new TraceAssembler(h, sink);
  }

  /** Events appended so far (the sequence number of the next one). */
  get seq(): number {
    return this.#asm.encoder.seq;
  }

  #define(e: DictionaryEntry): void {
    this.#pending.push(e);
  }

  /**
   * Interns a string (type name, file, function, label, statistics text).
   *
   * @param value - the string (well-formed UTF-16)
   * @returns its id (≥ 1)
   */
  string(value: string): number {
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    if (!value.isWellFormed()) throw new RangeError('strings must be well-formed UTF-16 (no lone surrogates)');
    const id = this.#strings.size + 1;
    this.#strings.set(value, id);
    this.#define({ t: 'string', id, value });
    return id;
  }

  /**
   * Interns a frame.
   *
   * @param fn - function name string id (from {@link TraceWriter.string})
   * @param file - file name string id
   * @param line - line number
   * @returns its id (≥ 1)
   */
  frame(fn: number, file: number, line: number): number {
    const key = `${fn},${file},${line}`;
    const known = this.#frames.get(key);
    if (known !== undefined) return known;
    if (fn > this.#strings.size || file > this.#strings.size) throw new RangeError(`frame uses an undefined string id`);
    const id = this.#frames.size + 1;
    this.#frames.set(key, id);
    this.#define({ t: 'frame', id, function: fn, file, line });
    return id;
  }

  /**
   * Interns a stack node: `frame` called from the stack `parent`.
   *
   * @param parent - parent stack id (0 = root)
   * @param frame - innermost frame id
   * @returns the stack id (≥ 1)
   */
  stack(parent: number, frame: number): number {
    const key = `${parent},${frame}`;
    const known = this.#stacks.get(key);
    if (known !== undefined) return known;
    if (parent > this.#stacks.size || frame < 1 || frame > this.#frames.size) throw new RangeError('stack uses an undefined parent or frame');
    const id = this.#stacks.size + 1;
    this.#stacks.set(key, id);
    this.#define({ t: 'stack', id, parent, frame });
    return id;
  }

  #flushDictionary(): void {
    while (this.#pending.length > 0) {
      // Split so no dictionary chunk is much bigger than the chunk size.
      let n = 0;
      let bytes = 0;
      for (const e of this.#pending) {
        const b = e.t === 'string' ? e.value.length * 3 + 6 : 24;
        if (n > 0 && bytes + b > this.#chunkSize) break;
        bytes += b;
        n++;
      }
      const part = this.#pending.splice(0, n);
      this.#asm.dictionaryChunk(part, this.#codec);
    }
  }

  #cut(): void {
    const enc = this.#asm.encoder;
    if (enc.count === 0) return;
    this.#flushDictionary();
    this.#asm.eventsChunk(this.#codec);
    this.#eventChunks++;
    if (this.#every > 0 && this.#eventChunks % this.#every === 0) this.#wantCheckpoint = true;
  }

  #writeCheckpoint(): void {
    this.#wantCheckpoint = false;
    const state = this.#checkpoint!();
    this.#flushDictionary();
    this.#asm.checkpointChunk(state, this.#codec);
  }

  /**
   * Appends one event. Fields the kind does not use are ignored; the event is
   * validated (RangeError, nothing written) before a byte is written.
   *
   * @param e - the event (may be a reused struct)
   */
  append(e: TraceEventInit): void {
    if (this.#closed) throw new Error('the writer is closed');
    this.#asm.rethrow();
    const enc = this.#asm.encoder;
    if (enc.count > 0 && enc.out.length >= this.#chunkSize) this.#cut();
    if (this.#wantCheckpoint) this.#writeCheckpoint();
    if (enc.count === 0) {
      const t = e.time ?? enc.defaultTime();
      if (!Number.isInteger(t) || t < enc.time) throw new RangeError(`event ${enc.seq}: time ${t} is not an integer >= the previous time ${enc.time}`);
      enc.begin(t);
    }
    enc.append(e);
  }

  /** Ends the current events chunk now (the next event starts a new one). */
  cut(): void {
    this.#cut();
  }

  /**
   * Resolves when every chunk cut so far has reached the sink: await it now
   * and then to bound the memory held by pending chunks.
   */
  async drain(): Promise<void> {
    await this.#asm.drain();
  }

  /**
   * Writes the last events chunk, any pending dictionary entries, the index
   * and the trailer, and closes the sink.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#cut();
    if (this.#wantCheckpoint) this.#writeCheckpoint();
    this.#flushDictionary();
    this.#closed = true;
    await this.#asm.finish();
  }
}
