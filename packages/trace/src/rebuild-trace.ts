import type { RecoveryReport } from './recover-trace.js';
import { recoverTrace } from './recover-trace.js';
import { encodeTrailer, frameChunk } from './trace-chunk.js';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, CODEC_NONE, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { TraceFormatError } from './trace-format-error.js';
import { decodeTraceHeader } from './trace-header.js';
import { encodeIndex } from './trace-index.js';

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
 * @param onProgress - called as the input is scanned (`phase` 'scan') and as the new trace is checked ('check'), with the bytes done and the total of that phase
 * @returns the new trace and what was lost
 * @throws {@link TraceFormatError} when the header is unreadable
 */
export async function rebuildTrace(input: Uint8Array, onProgress?: (done: number, total: number, phase: 'scan' | 'check') => void): Promise<RebuiltTrace> {
  const { report, chunks } = await recoverTrace(input, onProgress && ((d, t) => onProgress(d, t, 'scan')));
  const { end } = decodeTraceHeader(input);
  let keep = chunks.filter((c) => c.type !== CHUNK_INDEX);
  const all = keep.length;
  for (;;) {
    const parts: Uint8Array[] = [input.subarray(0, end)];
    let length = end;
    let seq = 0;
    let renumbered = 0;
    const ends: number[] = [];
    for (const c of keep) {
      const known = c.type === CHUNK_DICTIONARY || c.type === CHUNK_EVENTS || c.type === CHUNK_CHECKPOINT;
      let part = input.subarray(c.offset, c.end);
      if (known && c.firstSeq !== seq) {
        if (c.type === CHUNK_EVENTS) renumbered++;
        const stored = input.subarray(c.payloadOffset, c.payloadOffset + c.payloadLength);
        part = frameChunk({ type: c.type, codec: c.codec, flags: c.flags, firstSeq: seq, firstTime: c.firstTime, records: c.records }, stored, c.rawLength);
      }
      parts.push(part);
      length += part.length;
      if (c.type === CHUNK_EVENTS) seq += c.records;
      ends.push(length);
    }
    const body = concat(parts, length);
    const again = await recoverTrace(body, onProgress && ((d, t) => onProgress(d, t, 'check')));
    if (again.file === undefined) {
      const at = again.fileError?.offset ?? 0;
      const n = ends.findIndex((e) => e > at);
      if (n <= 0) throw again.fileError ?? new TraceFormatError('E_DICT', at, 'no readable chunk');
      keep = keep.slice(0, n);
      continue;
    }
    const file = again.file;
    const payload = encodeIndex(file.index);
    const lastTime = file.index.reduce((t, e) => Math.max(t, e.lastTime), 0);
    const index = frameChunk({ type: CHUNK_INDEX, codec: CODEC_NONE, flags: 0, firstSeq: file.eventCount, firstTime: lastTime, records: file.index.length }, payload, payload.length);
    const bytes = concat([body, index, encodeTrailer(body.length)], body.length + index.length + TRACE_TRAILER_SIZE);
    return { bytes, report, chunks: keep.length, dropped: all - keep.length, events: file.eventCount, renumbered };
  }
}

