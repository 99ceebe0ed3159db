import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, CODEC_DEFLATE_RAW, CODEC_NONE, FEATURE_DOMAINS } from './trace-constants.js';
import { buildChunk, encodeTrailer, frameChunk } from './trace-chunk.js';
import type { ChunkFrameInit } from './trace-chunk.js';
import type { TraceCheckpointState } from './trace-checkpoint.js';
import { encodeCheckpoint } from './trace-checkpoint.js';
import { TraceDictionary, encodeDictionary } from './trace-dictionary.js';
import type { DictionaryEntry } from './trace-dictionary.js';
import { EventEncoder } from './trace-event-codec.js';
import type { TraceHeader } from './trace-header.js';
import { encodeTraceHeader } from './trace-header.js';
import { encodeIndex } from './trace-index.js';
import type { TraceIndexEntry } from './trace-index.js';
import type { TraceSink } from './trace-sink.js';

type Meta = Omit<TraceIndexEntry, 'offset' | 'length'>;

/**
 * Lays out a trace chunk by chunk, exactly as told: the header, then each
 * chunk in call order, then the index and trailer. Compression runs
 * asynchronously; chunks reach the sink in order. The deterministic core
 * shared by {@link TraceWriter} (which decides the chunking) and
 * `fromJsonl` (which replays recorded chunking). Internal.
 *
 * @internal
 */
export class TraceAssembler {
  /** The header written first. */
  readonly header: TraceHeader;
  /** Encodes the events of the next events chunk (call `begin`, then `append`). */
  readonly encoder: EventEncoder;
  /** Everything defined by the dictionary chunks so far. */
  readonly dictionary = new TraceDictionary();
  readonly #sink: TraceSink;
  readonly #index: TraceIndexEntry[] = [];
  #offset = 0;
  // Position in the event stream after the last events chunk emitted.
  #seq = 0;
  #time = 0;
  #live = 0;
  #arenas = 0;
  #tail: Promise<void> = Promise.resolve();
  #error: unknown;
  #failed = false;
  #finished = false;

  constructor(header: TraceHeader, sink: TraceSink) {
    this.header = header;
    this.#sink = sink;
    this.encoder = new EventEncoder(header);
    this.#enqueue(encodeTraceHeader(header), undefined);
  }

  /** Throws the first asynchronous failure (compression or sink), if any. */
  rethrow(): void {
    if (this.#failed) throw this.#error;
  }

  #enqueue(bytes: Uint8Array | Promise<Uint8Array>, meta: Meta | undefined): void {
    this.rethrow();
    if (this.#finished) throw new Error('the trace is already finished');
    this.#tail = this.#tail.then(async () => {
      if (this.#failed) return;
      try {
        const b = await bytes;
        if (meta !== undefined) this.#index.push({ ...meta, offset: this.#offset, length: b.length });
        this.#offset += b.length;
        await this.#sink.write(b);
      } catch (e) {
        this.#failed = true;
        this.#error = e;
      }
    });
  }

  #meta(type: number): Meta {
    return { type, firstSeq: this.#seq, events: 0, firstTime: this.#time, lastTime: this.#time, liveStart: this.#live, peak: this.#live, peakSeq: this.#seq, arenas: this.#arenas };
  }

  #check(codec: number): void {
    if (codec !== CODEC_NONE && codec !== CODEC_DEFLATE_RAW) throw new RangeError(`unknown codec ${codec}`);
    if (codec === CODEC_DEFLATE_RAW && (this.header.requiredFeatures & 1) === 0) throw new RangeError('deflate-raw chunks need the FEATURE_DEFLATE_RAW header bit');
  }

  /** Writes a dictionary chunk of `entries` (added to {@link dictionary}; their ids must be the next ones). */
  dictionaryChunk(entries: readonly DictionaryEntry[], codec: number, flags = 0): void {
    this.#check(codec);
    const d = this.dictionary;
    const first = { string: d.nextString, frame: d.nextFrame, stack: d.nextStack };
    for (const e of entries) d.add(e);
    const raw = encodeDictionary(first, entries);
    const m = this.#meta(CHUNK_DICTIONARY);
    this.#enqueue(buildChunk({ type: CHUNK_DICTIONARY, codec, flags, firstSeq: m.firstSeq, firstTime: m.firstTime, records: entries.length }, raw), m);
  }

  /** Writes the events gathered by {@link encoder} since its `begin()` as one chunk (nothing if none). */
  eventsChunk(codec: number, flags = 0): void {
    this.#check(codec);
    const e = this.encoder;
    if (e.count === 0) return;
    const s = e.stats;
    const m: Meta = { type: CHUNK_EVENTS, firstSeq: e.firstSeq, events: e.count, firstTime: e.firstTime, lastTime: e.time, liveStart: s.liveStart, peak: s.peak, peakSeq: s.peakSeq, arenas: s.arenas };
    this.#enqueue(buildChunk({ type: CHUNK_EVENTS, codec, flags, firstSeq: e.firstSeq, firstTime: e.firstTime, records: e.count }, e.out.take()), m);
    e.count = 0;
    this.#seq = e.seq;
    this.#time = e.time;
    this.#live = s.live;
    this.#arenas = s.arenas;
  }

  /** Writes a checkpoint chunk of `state` (the state before the next event). */
  checkpointChunk(state: TraceCheckpointState, codec: number, flags = 0): void {
    this.#check(codec);
    const { payload, records } = encodeCheckpoint(state, (this.header.requiredFeatures & FEATURE_DOMAINS) !== 0);
    const m = this.#meta(CHUNK_CHECKPOINT);
    this.#enqueue(buildChunk({ type: CHUNK_CHECKPOINT, codec, flags, firstSeq: m.firstSeq, firstTime: m.firstTime, records }, payload), m);
  }

  /** Writes a chunk whose payload is already stored (unknown chunk types passed through). */
  storedChunk(init: ChunkFrameInit, stored: Uint8Array, rawLength: number): void {
    this.#enqueue(frameChunk(init, stored, rawLength), this.#meta(init.type));
  }

  /** Writes the index chunk and trailer, then waits for everything to reach the sink and closes it. */
  async finish(withIndex = true, withTrailer = true): Promise<void> {
    if (withIndex) {
      this.#tail = this.#tail.then(async () => {
        if (this.#failed) return;
        try {
          const at = this.#offset;
          const raw = encodeIndex(this.#index);
          const chunk = frameChunk({ type: CHUNK_INDEX, codec: CODEC_NONE, flags: 0, firstSeq: this.#seq, firstTime: this.#time, records: this.#index.length }, raw, raw.length);
          await this.#sink.write(chunk);
          this.#offset += chunk.length;
          if (withTrailer) {
            await this.#sink.write(encodeTrailer(at));
            this.#offset += 16;
          }
        } catch (err) {
          this.#failed = true;
          this.#error = err;
        }
      });
    }
    this.#finished = true;
    await this.#tail;
    this.rethrow();
    await this.#sink.close();
  }

  /** Resolves when every chunk so far has reached the sink. */
  async drain(): Promise<void> {
    await this.#tail;
    this.rethrow();
  }

  /** Bytes handed to the sink so far. */
  get offset(): number {
    return this.#offset;
  }
}
