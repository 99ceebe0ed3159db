import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32 as zlibCrc32, createGunzip, gunzip, inflateRawSync } from 'node:zlib';
import { RawCaptureReader } from './read-raw-capture.js';
import type { ReadRawCaptureOpts } from './read-raw-capture.js';
import { openTrace } from './open-trace.js';
import type { TraceFile } from './open-trace.js';
import { readTrace } from './read-trace.js';
import type { ReadTraceOpts, TraceReader } from './read-trace.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceSink } from './trace-sink.js';
import { setTracePlatform } from './trace-platform.js';
import type { TracePlatform } from './trace-platform.js';

/**
 * zlib's CRC-32 and raw inflate, which give the same results as the portable
 * code, several times faster. Installed when this entry is loaded; call
 * `setTracePlatform({})` to go back to the portable code.
 */
export const nodeTracePlatform: TracePlatform = {
  crc32: (bytes) => zlibCrc32(bytes),
  inflateRaw: (bytes, expected) => inflateRawSync(bytes, { maxOutputLength: Math.max(1, expected) }),
};
setTracePlatform(nodeTracePlatform);

const gunzipAsync = promisify(gunzip);

function isZlibError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function gzipError(e: Error, produced: number): TraceFormatError {
  return new TraceFormatError('E_GZIP', produced, `corrupt or truncated gzip data after ${produced} uncompressed bytes: ${e.message}`);
}

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  const head = new Uint8Array(2);
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!isGzip(head)) {
    yield* file as AsyncIterable<Uint8Array>;
    return;
  }
  const out = pipeline(file, createGunzip({ chunkSize: 1 << 18 }), () => undefined);
  let produced = 0;
  try {
    for await (const chunk of out as AsyncIterable<Uint8Array>) {
      produced += chunk.length;
      yield chunk;
    }
  } catch (e) {
    if (isZlibError(e)) throw gzipError(e, produced);
    throw e;
  } finally {
    out.destroy();
  }
}

/**
 * Streams a capture file from disk (gunzipped with `node:zlib` if it starts
 * with `1f 8b`), in bounded memory. Node only.
 *
 * @param path - the `.bin` or `.bin.gz` file
 * @param opts - batch size (gzip is detected from the file)
 * @returns a single-use reader, as {@link readRawCapture} returns
 *
 * @example
 * ```ts
 * const summary = await openRawCapture('traces/startup.bin.gz').forEach((r) => heap.apply(r));
 * ```
 */
export function openRawCapture(path: string, opts: Pick<ReadRawCaptureOpts, 'batchSize'> = {}): RawCaptureReader {
  return new RawCaptureReader(fileChunks(path), { ...opts, gzip: false });
}

/**
 * Reads a whole capture file (gunzipped with `node:zlib` if it starts with
 * `1f 8b`) into one buffer, for {@link decodeRawCapture}. Node only.
 *
 * @param path - the `.bin` or `.bin.gz` file
 * @returns the uncompressed capture
 * @throws {@link TraceFormatError} `E_GZIP` on corrupt or truncated gzip data
 *
 * @example
 * ```ts
 * const bytes = await readRawCaptureFile('traces/json.bin.gz');
 * decodeRawCapture(bytes, (r) => heap.apply(r));
 * ```
 */
export async function readRawCaptureFile(path: string): Promise<Uint8Array> {
  const bytes = await readFile(path);
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (e) {
    if (isZlibError(e)) throw gzipError(e, 0);
    throw e;
  }
}

/**
 * A {@link TraceSink} over a Node writable stream (a file, a socket, stdout),
 * honouring its backpressure. Node only.
 *
 * @param stream - the stream; closing the sink ends it (and waits for `finish`)
 * @returns the sink
 *
 * @example
 * ```ts
 * const w = new TraceWriter(nodeStreamSink(createWriteStream('out.pymtrace')));
 * ```
 */
export function nodeStreamSink(stream: Writable): TraceSink {
  let failure: Error | undefined;
  stream.on('error', (e) => {
    failure = e;
  });
  return {
    async write(bytes: Uint8Array): Promise<void> {
      if (failure !== undefined) throw failure;
      if (!stream.write(bytes)) await once(stream, 'drain');
    },
    async close(): Promise<void> {
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve, reject) => {
        stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
      });
    },
  };
}

/**
 * A {@link TraceSink} writing a file. Node only.
 *
 * @param path - the file to create (truncated if it exists)
 * @returns the sink
 */
export function traceFileSink(path: string): TraceSink {
  return nodeStreamSink(createWriteStream(path));
}

/**
 * Opens a trace file for random access (reads it whole). Node only.
 *
 * @param path - the trace file
 * @returns the opened trace, as {@link openTrace} returns
 */
export async function openTraceFile(path: string): Promise<TraceFile> {
  return openTrace(await readFile(path));
}

/**
 * Streams a trace file from disk in bounded memory. Node only.
 *
 * @param path - the trace file
 * @param opts - as for {@link readTrace}
 * @returns a single-use reader
 */
export function readTraceFile(path: string, opts: ReadTraceOpts = {}): TraceReader {
  return readTrace(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>, opts);
}
