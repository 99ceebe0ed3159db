import { TraceFormatError } from './trace-format-error.js';
import { tracePlatform } from './trace-platform.js';

async function collect(readable: ReadableStream<Uint8Array>, limit: number, onOver: () => Error): Promise<Uint8Array> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      total += r.value.length;
      if (total > limit) throw onOver();
      parts.push(r.value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function pump(writable: WritableStream<Uint8Array>, bytes: Uint8Array): void {
  const w = writable.getWriter();
  // Failures surface on the readable side.
  w.write(bytes).catch(() => undefined);
  w.close().catch(() => undefined);
}

/**
 * Compresses with raw deflate (web-standard `CompressionStream`, in Node ≥ 18 and browsers).
 *
 * @param bytes - data
 * @returns the deflate-raw stream
 */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  pump(cs.writable, bytes);
  return collect(cs.readable, Number.MAX_SAFE_INTEGER, () => new Error('unreachable'));
}

/**
 * Decompresses raw deflate, never producing more than `expected` bytes.
 *
 * @param bytes - the compressed payload
 * @param expected - its declared uncompressed length
 * @param offset - file offset of the payload, for errors
 * @returns exactly `expected` bytes
 * @throws {@link TraceFormatError} `E_INFLATE` on corrupt data or a length other than `expected`
 */
export async function inflateRaw(bytes: Uint8Array, expected: number, offset: number): Promise<Uint8Array> {
  const native = tracePlatform().inflateRaw;
  if (native !== undefined) {
    let out: Uint8Array;
    try {
      out = native(bytes, expected);
    } catch (e) {
      throw new TraceFormatError('E_INFLATE', offset, `corrupt deflate payload at byte ${offset} (or not inflating to its declared ${expected} bytes): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (out.length !== expected) throw new TraceFormatError('E_INFLATE', offset, `deflate payload at byte ${offset} inflates to ${out.length} bytes, not its declared ${expected}`);
    return out;
  }
  const ds = new DecompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  pump(ds.writable, bytes);
  let out: Uint8Array;
  try {
    out = await collect(ds.readable, expected, () => new TraceFormatError('E_INFLATE', offset, `deflate payload at byte ${offset} inflates to more than its declared ${expected} bytes`));
  } catch (e) {
    if (e instanceof TraceFormatError) throw e;
    throw new TraceFormatError('E_INFLATE', offset, `corrupt deflate payload at byte ${offset}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.length !== expected) throw new TraceFormatError('E_INFLATE', offset, `deflate payload at byte ${offset} inflates to ${out.length} bytes, not its declared ${expected}`);
  return out;
}
