import { uncompressedChunks } from './byte-source.js';
import type { RawCaptureSource } from './byte-source.js';

/**
 * Reads a whole capture into one uncompressed buffer (gunzipping it with
 * `DecompressionStream` if it starts with `1f 8b`), for
 * {@link decodeRawCapture}. Holds the whole capture in memory: use
 * {@link readRawCapture} when that matters. Works in Node and browsers.
 *
 * @param source - the capture's bytes
 * @returns the uncompressed capture
 * @throws {@link TraceFormatError} `E_GZIP` on corrupt or truncated gzip data
 *
 * @example
 * ```ts
 * const bytes = await readRawCaptureBytes((await fetch('/startup.bin.gz')).body!);
 * decodeRawCapture(bytes, (r) => heap.apply(r));
 * ```
 */
export async function readRawCaptureBytes(source: RawCaptureSource): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of uncompressedChunks(source, 'auto')) {
    chunks.push(chunk);
    total += chunk.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
