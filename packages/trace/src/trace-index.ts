import { ByteCursor, ByteWriter } from './byte-cursor.js';

/** One footer-index entry: where a chunk is and what the trace looked like there. */
export interface TraceIndexEntry {
  /** `CHUNK_*` of the chunk. */
  type: number;
  /** File offset of its sync marker. */
  offset: number;
  /** Its total length in bytes (sync marker to CRC). */
  length: number;
  /** Sequence number of its first event (or of the next event, for other chunks). */
  firstSeq: number;
  /** Events in it (0 for other chunks). */
  events: number;
  /** Time of its first event (or of the last event before it). */
  firstTime: number;
  /** Time of its last event (= firstTime without events). */
  lastTime: number;
  /** Live bytes before its first event. */
  liveStart: number;
  /** Highest live bytes from its start to its end. */
  peak: number;
  /** Sequence number of the event that reached `peak` (`firstSeq` if none rose above `liveStart`). */
  peakSeq: number;
  /** Arenas in use after its last event. */
  arenas: number;
}

/**
 * Encodes the index-chunk payload.
 *
 * @internal
 */
export function encodeIndex(entries: readonly TraceIndexEntry[]): Uint8Array {
  const w = new ByteWriter(entries.length * 12 + 8);
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

/**
 * Decodes the index-chunk payload.
 *
 * @internal
 */
export function decodeIndex(raw: Uint8Array, base: number, fixed: boolean): TraceIndexEntry[] {
  const c = new ByteCursor(raw, 0, raw.length, base, `index chunk payload at ${base}`, fixed);
  const n = c.count(11, 'index entry');
  const out: TraceIndexEntry[] = [];
  let prevEnd = 0;
  let prevSeq = 0;
  let prevTime = 0;
  let prevLive = 0;
  for (let i = 0; i < n; i++) {
    const type = c.uv();
    const offset = prevEnd + c.uv();
    const length = c.uv();
    const firstSeq = prevSeq + c.uv();
    const events = c.uv();
    const firstTime = prevTime + c.uv();
    const lastTime = firstTime + c.uv();
    const liveStart = prevLive + c.zz();
    const peak = liveStart + c.uv();
    const peakSeq = firstSeq + c.uv();
    const arenas = c.uv();
    const e = { type, offset, length, firstSeq, events, firstTime, lastTime, liveStart, peak, peakSeq, arenas };
    for (const v of Object.values(e)) if (!Number.isSafeInteger(v)) throw c.error('E_RANGE', `index entry ${i} overflows`);
    out.push(e);
    prevEnd = offset + length;
    prevSeq = firstSeq;
    prevTime = firstTime;
    prevLive = liveStart;
  }
  if (c.pos !== raw.length) throw c.error('E_TRAILING', `${raw.length - c.pos} bytes after the index`);
  return out;
}
