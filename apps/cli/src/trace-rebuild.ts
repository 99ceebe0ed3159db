import type { RecoveryReport, TraceIndexEntry } from '@pymem/trace';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, TRACE_SYNC, TRACE_TRAILER_MAGIC, TraceFormatError, crc32, decodeTraceHeader, recoverTrace } from '@pymem/trace';

/** Growable byte buffer with the format's integer encodings (docs/format.md §1). */
class Bytes {
  buf = new Uint8Array(256);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.length + n) c *= 2;
    const next = new Uint8Array(c);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  u32(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  uv(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.u8((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    this.u8(x);
  }
  zz(v: number): void {
    this.uv(v >= 0 ? 2 * v : -2 * v - 1);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A chunk frame (§3) around a stored payload. */
function frame(type: number, codec: number, flags: number, rawLength: number, firstSeq: number, firstTime: number, records: number, payload: Uint8Array): Uint8Array {
  const w = new Bytes();
  for (const b of TRACE_SYNC) w.u8(b);
  w.u8(type);
  w.u8(codec);
  w.u8(flags);
  w.uv(payload.length);
  w.uv(rawLength);
  w.uv(firstSeq);
  w.uv(firstTime);
  w.uv(records);
  w.bytes(payload);
  w.u32(crc32(w.buf, 4, w.length));
  return w.take();
}

/** The index chunk payload (§7). */
function indexPayload(entries: readonly TraceIndexEntry[]): Uint8Array {
  const w = new Bytes();
  w.uv(entries.length);
  let prevEnd = 0;
  let prevSeq = 0;
  let prevTime = 0;
  let prevLive = 0;
  for (const e of entries) {
    w.uv(e.type);
    w.uv(e.offset - prevEnd);
    w.uv(e.length);
    w.uv(e.firstSeq - prevSeq);
    w.uv(e.events);
    w.uv(e.firstTime - prevTime);
    w.uv(e.lastTime - e.firstTime);
    w.zz(e.liveStart - prevLive);
    w.uv(e.peak - e.liveStart);
    w.uv(e.peakSeq - e.firstSeq);
    w.uv(e.arenas);
    prevEnd = e.offset + e.length;
    prevSeq = e.firstSeq;
    prevTime = e.firstTime;
    prevLive = e.liveStart;
  }
  return w.take();
}

/** What {@link rebuildTrace} wrote. */
export interface RebuiltTrace {
  /** The new, valid trace (header, the good chunks, index, trailer). */
  bytes: Uint8Array;
  /** The recovery report of the input. */
  report: RecoveryReport;
  /** Chunks copied (the old index chunk not counted). */
  chunks: number;
  /** Good chunks left out because an earlier loss makes them unreadable (a dictionary chunk after a lost one). */
  dropped: number;
  /** Events in the new trace. */
  events: number;
  /** Events chunks whose sequence numbers moved down because events before them were lost. */
  renumbered: number;
}

/**
 * Writes every complete chunk of a damaged or truncated trace into a new
 * valid one: the header as it was, each chunk with a good CRC in order (an
 * events chunk after lost events gets the sequence numbers that follow the
 * events kept; its times stay), then a new index and trailer. Dictionary
 * chunks that cannot be read after a lost one are left out, with what
 * follows them.
 *
 * @param input - the trace bytes
 * @returns the new trace and what was lost
 * @throws {@link TraceFormatError} when the header is unreadable
 */
export async function rebuildTrace(input: Uint8Array): Promise<RebuiltTrace> {
  const { report, chunks } = await recoverTrace(input);
  const { end } = decodeTraceHeader(input);
  let keep = chunks.filter((c) => c.type !== CHUNK_INDEX);
  const all = keep.length;
  for (;;) {
    const out = new Bytes();
    out.bytes(input.subarray(0, end));
    let seq = 0;
    let renumbered = 0;
    const ends: number[] = [];
    for (const c of keep) {
      const known = c.type === CHUNK_DICTIONARY || c.type === CHUNK_EVENTS || c.type === CHUNK_CHECKPOINT;
      if (!known || c.firstSeq === seq) out.bytes(input.subarray(c.offset, c.end));
      else {
        if (c.type === CHUNK_EVENTS) renumbered++;
        out.bytes(frame(c.type, c.codec, c.flags, c.rawLength, seq, c.firstTime, c.records, input.subarray(c.payloadOffset, c.payloadOffset + c.payloadLength)));
      }
      if (c.type === CHUNK_EVENTS) seq += c.records;
      ends.push(out.length);
    }
    const body = out.take();
    const again = await recoverTrace(body);
    if (again.file === undefined) {
      const at = again.fileError?.offset ?? 0;
      const n = ends.findIndex((e) => e > at);
      if (n <= 0) throw again.fileError ?? new TraceFormatError('E_DICT', at, 'no readable chunk');
      keep = keep.slice(0, n);
      continue;
    }
    const file = again.file;
    const payload = indexPayload(file.index);
    const lastTime = file.index.reduce((t, e) => Math.max(t, e.lastTime), 0);
    const indexAt = body.length;
    const tail = new Bytes();
    tail.bytes(frame(CHUNK_INDEX, 0, 0, payload.length, file.eventCount, lastTime, file.index.length, payload));
    const trailer = new Bytes();
    trailer.u32(indexAt % 2 ** 32);
    trailer.u32(Math.floor(indexAt / 2 ** 32));
    trailer.u32(crc32(trailer.buf, 0, 8));
    for (const b of TRACE_TRAILER_MAGIC) trailer.u8(b);
    tail.bytes(trailer.take());
    const bytes = new Uint8Array(body.length + tail.length);
    bytes.set(body);
    bytes.set(tail.take(), body.length);
    return { bytes, report, chunks: keep.length, dropped: all - keep.length, events: file.eventCount, renumbered };
  }
}

