import type { RawRecordCallback } from './api.js';
import { uncompressedChunks } from './byte-source.js';
import type { RawCaptureSource } from './byte-source.js';
import type { RawCaptureSummary } from './raw-capture-summary.js';
import type { RawHeader } from './raw-header.js';
import type { RawStackTable } from './raw-record-stacks.js';
import { BatchBuilder } from './raw-record-batch.js';
import type { RawRecordBatch } from './raw-record-batch.js';
import { RawRecordDecoder } from './raw-record-decoder.js';

/** Options of {@link readRawCapture}. */
export interface ReadRawCaptureOpts {
  /**
   * Records per {@link RawRecordBatch} (the last one may be shorter).
   *
   * @defaultValue 65536
   */
  batchSize?: number;
  /**
   * `'auto'`: gunzip when the input starts with `1f 8b`; `true`: always
   * gunzip; `false`: never (the input is already uncompressed).
   *
   * @defaultValue 'auto'
   */
  gzip?: boolean | 'auto';
}

/** Chunks are decoded at most this many bytes at a time, so batches pile up boundedly. */
const SLICE = 1 << 18;

/**
 * A capture being read, once: iterate it for batches of records, or call
 * {@link RawCaptureReader.forEach} for a callback per record. Memory stays
 * bounded whatever the capture's size.
 *
 * @example
 * ```ts
 * const reader = readRawCapture(response.body!);
 * for await (const batch of reader) {
 *   for (let i = 0; i < batch.length; i++) if (batch.op[i] === OP_MALLOC) total += batch.size[i]!;
 * }
 * console.log(reader.recordCount, reader.ended);
 * ```
 */
export class RawCaptureReader implements AsyncIterable<RawRecordBatch> {
  readonly #source: RawCaptureSource;
  readonly #batchSize: number;
  readonly #gzip: boolean | 'auto';
  readonly #decoder = new RawRecordDecoder();
  #used = false;
  #summary: RawCaptureSummary | undefined;

  /**
   * Prefer {@link readRawCapture}.
   *
   * @param source - the capture's bytes, gzip'd or not
   * @param opts - batch size and gzip handling
   */
  constructor(source: RawCaptureSource, opts: ReadRawCaptureOpts = {}) {
    this.#source = source;
    this.#batchSize = Math.max(1, Math.floor(opts.batchSize ?? 65536));
    this.#gzip = opts.gzip ?? 'auto';
  }

  /** The header, once read. */
  get header(): RawHeader | undefined {
    return this.#decoder.header;
  }

  /**
   * The strings, frames and stacks read so far (every stack id in a batch
   * already yielded is defined), when the header has the stacks flag; else `undefined`.
   */
  get stacks(): RawStackTable | undefined {
    return this.#decoder.stacks;
  }

  /** Records read so far (the end record not counted). */
  get recordCount(): number {
    return this.#decoder.recordCount;
  }

  /** Whether the end record has been read; `false` after a complete read means the process died. */
  get ended(): boolean {
    return this.#decoder.ended;
  }

  /** The summary, once the whole capture has been read without error. */
  get summary(): RawCaptureSummary | undefined {
    return this.#summary;
  }

  /**
   * Reads the whole capture, calling `onRecord` for each record with one
   * reused struct (no batches: the fastest streaming path).
   *
   * @param onRecord - called once per record; the view is valid only during the call
   * @returns the summary
   * @throws {@link TraceFormatError} on corrupt or truncated input (`E_GZIP` for bad gzip data)
   */
  async forEach(onRecord: RawRecordCallback): Promise<RawCaptureSummary> {
    this.#claim();
    for await (const chunk of uncompressedChunks(this.#source, this.#gzip)) this.#decoder.push(chunk, onRecord);
    return (this.#summary = this.#decoder.finish());
  }

  /**
   * Yields the records in batches of `batchSize`.
   *
   * @throws {@link TraceFormatError} on corrupt or truncated input (`E_GZIP` for bad gzip data)
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<RawRecordBatch> {
    this.#claim();
    const builder = new BatchBuilder(this.#batchSize);
    const decoder = this.#decoder;
    for await (const chunk of uncompressedChunks(this.#source, this.#gzip)) {
      for (let i = 0; i < chunk.length; i += SLICE) {
        decoder.push(chunk.subarray(i, Math.min(i + SLICE, chunk.length)), builder.add);
        yield* builder.ready;
        builder.ready.length = 0;
      }
    }
    const summary = decoder.finish();
    builder.flush();
    yield* builder.ready;
    builder.ready.length = 0;
    this.#summary = summary;
  }

  #claim(): void {
    if (this.#used) throw new Error('a RawCaptureReader can be read only once');
    this.#used = true;
  }
}

/**
 * Reads a raw `PYMTRC01` capture, plain or gzip'd (detected by its magic and
 * decompressed with the web-standard `DecompressionStream`), from a web
 * stream, an async iterable of chunks or a buffer. Works in Node and browsers.
 *
 * @param source - the capture's bytes
 * @param opts - batch size and gzip handling
 * @returns a single-use reader: `for await` it for batches, or call `forEach`
 *
 * @example
 * ```ts
 * const summary = await readRawCapture((await fetch(url)).body!).forEach((r) => {
 *   if (r.op === OP_MARK) console.log(r.markId, r.markLabel, r.index);
 * });
 * ```
 */
export function readRawCapture(source: RawCaptureSource, opts: ReadRawCaptureOpts = {}): RawCaptureReader {
  return new RawCaptureReader(source, opts);
}
