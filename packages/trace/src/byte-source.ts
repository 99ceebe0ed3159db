import { TraceFormatError } from './trace-format-error.js';

/** Where a capture's bytes come from: a web stream, any async iterable of chunks, or one buffer. */
export type RawCaptureSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

function isReadableStream(source: RawCaptureSource): source is ReadableStream<Uint8Array> {
  return typeof (source as Partial<ReadableStream<Uint8Array>>).getReader === 'function';
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The chunks of any source, as one async iterable. Internal.
 *
 * @internal
 */
export async function* sourceChunks(source: RawCaptureSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of isReadableStream(source) ? readStream(source) : source) {
    if (!((chunk as unknown) instanceof Uint8Array)) throw new TypeError(`capture chunks must be Uint8Arrays, got ${typeof chunk}`);
    yield chunk;
  }
}

/**
 * Yields the uncompressed bytes of `source`: gunzipped with the web-standard
 * `DecompressionStream` when it starts with the gzip magic `1f 8b` and `gzip`
 * is not `false`, as is otherwise. Decompression errors become `E_GZIP`.
 *
 * @internal
 */
export async function* uncompressedChunks(source: RawCaptureSource, gzip: boolean | 'auto'): AsyncGenerator<Uint8Array> {
  const it = sourceChunks(source);
  const head: Uint8Array[] = [];
  let headLen = 0;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done === true) break;
    head.push(r.value);
    headLen += r.value.length;
  }
  const first = new Uint8Array(2);
  let k = 0;
  for (const c of head) for (let i = 0; i < c.length && k < 2; i++) first[k++] = c[i]!;
  const isGzip = gzip === true || (gzip === 'auto' && headLen >= 2 && first[0] === 0x1f && first[1] === 0x8b);
  if (!isGzip) {
    yield* head;
    yield* it;
    return;
  }
  yield* gunzip(head, it);
}

async function* gunzip(head: Uint8Array[], it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Errors of the source itself are rethrown as they are, not as E_GZIP.
  const src: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const input = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      const next = head.shift();
      if (next !== undefined) {
        controller.enqueue(next);
        return;
      }
      try {
        const r = await it.next();
        if (r.done === true) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        src.failed = true;
        src.error = e;
        controller.error(e);
      }
    },
    async cancel(): Promise<void> {
      await it.return?.();
    },
  });
  // DOM typings want ArrayBuffer-backed chunks; any Uint8Array works at run time.
  const inflate = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  const reader = input.pipeThrough(inflate).getReader();
  let produced = 0;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        if (src.failed) throw src.error;
        const why = e instanceof Error ? e.message : String(e);
        throw new TraceFormatError('E_GZIP', produced, `corrupt or truncated gzip data after ${produced} uncompressed bytes: ${why}`);
      }
      if (r.done) return;
      produced += r.value.length;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
