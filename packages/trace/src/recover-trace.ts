import { fileFromChunks } from './open-trace.js';
import type { TraceFile } from './open-trace.js';
import type { ChunkInfo } from './trace-chunk.js';
import { decodeTrailer, parseChunk } from './trace-chunk.js';
import { TRACE_SYNC, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceHeader } from './trace-header.js';
import { decodeTraceHeader } from './trace-header.js';

/** A damaged or cut region skipped by {@link recoverTrace}. */
export interface LostRange {
  /** File offset where it starts. */
  offset: number;
  /** Its length in bytes. */
  length: number;
  /** Why: the error met there (`E_CRC: chunk CRC mismatch at byte …`, `E_TRUNCATED: …`, or `no sync marker`). */
  reason: string;
}

/** What {@link recoverTrace} found. */
export interface RecoveryReport {
  /** Complete chunks with a valid CRC. */
  chunksRecovered: number;
  /** Damaged regions that began with a sync marker (a chunk that could not be read). */
  chunksLost: number;
  /** Bytes in lost ranges. */
  bytesSkipped: number;
  /** Every lost range, in file order. */
  lostRanges: LostRange[];
  /** Whether a valid trailer ends the file. */
  trailer: boolean;
}

/** The readable part of a damaged or truncated trace. */
export interface RecoveredTrace {
  /** The header (a trace whose header is damaged cannot be recovered). */
  header: TraceHeader;
  /** Every complete chunk with a valid CRC, in file order. */
  chunks: ChunkInfo[];
  /** What was lost. */
  report: RecoveryReport;
  /** Random access over the recovered chunks, or undefined when they cannot be decoded together (e.g. a lost dictionary chunk). */
  file: TraceFile | undefined;
  /** Why `file` is undefined. */
  fileError: TraceFormatError | undefined;
}

/** Bytes scanned between two progress reports. */
const PROGRESS_EVERY = 4 << 20;

/** A sync marker at `at`, or the start of one cut by the end of the data. */
function isSync(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 4 && at + i < bytes.length; i++) if (bytes[at + i] !== TRACE_SYNC[i]) return false;
  return true;
}

function nextSync(bytes: Uint8Array, from: number): number {
  for (let p = bytes.indexOf(TRACE_SYNC[0]!, from); p >= 0; p = bytes.indexOf(TRACE_SYNC[0]!, p + 1)) if (isSync(bytes, p)) return p;
  return bytes.length;
}

/**
 * Reads what can be read of a truncated or damaged trace: scans for chunk
 * sync markers, keeps every complete chunk whose CRC is valid, and reports
 * the byte ranges skipped. Never throws for damage after the header.
 *
 * @param bytes - the trace
 * @param onProgress - called with the bytes scanned so far and the total, every 4 MiB or so and at the end (a progress bar)
 * @returns the header, the good chunks, a report and (if they decode together) a {@link TraceFile}
 * @throws {@link TraceFormatError} when the header itself is unreadable
 *
 * @example
 * ```ts
 * const { report, file } = await recoverTrace(bytes);
 * console.log(report.chunksRecovered, report.lostRanges);
 * ```
 */
export async function recoverTrace(bytes: Uint8Array, onProgress?: (scanned: number, total: number) => void): Promise<RecoveredTrace> {
  const { header, end } = decodeTraceHeader(bytes);
  const chunks: ChunkInfo[] = [];
  const lostRanges: LostRange[] = [];
  let chunksLost = 0;
  const hasTrailer = decodeTrailer(bytes) !== undefined;
  const stop = hasTrailer ? bytes.length - TRACE_TRAILER_SIZE : bytes.length;
  let pos = end;
  let reported = 0;
  while (pos < stop) {
    if (onProgress !== undefined && pos - reported >= PROGRESS_EVERY) {
      onProgress(pos, bytes.length);
      reported = pos;
    }
    let reason: string;
    try {
      const info = parseChunk(bytes.subarray(0, stop), pos);
      chunks.push(info);
      pos = info.end;
      continue;
    } catch (e) {
      if (!(e instanceof TraceFormatError)) throw e;
      reason = `${e.code}: ${e.message}`;
    }
    if (isSync(bytes.subarray(0, stop), pos)) chunksLost++;
    else reason = 'no sync marker';
    const next = Math.min(nextSync(bytes, pos + 1), stop);
    lostRanges.push({ offset: pos, length: next - pos, reason });
    pos = next;
  }
  onProgress?.(bytes.length, bytes.length);
  const report: RecoveryReport = {
    chunksRecovered: chunks.length,
    chunksLost,
    bytesSkipped: lostRanges.reduce((s, r) => s + r.length, 0),
    lostRanges,
    trailer: hasTrailer,
  };
  try {
    return { header, chunks, report, file: await fileFromChunks(header, bytes, chunks), fileError: undefined };
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    return { header, chunks, report, file: undefined, fileError: e };
  }
}
