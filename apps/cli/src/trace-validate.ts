import type { TraceHeader, TraceIndexEntry } from '@pymem/trace';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, TraceFormatError, readTrace, recoverTrace } from '@pymem/trace';

/** The first problem {@link validateTrace} met. */
export interface TraceProblem {
  /** `E_*` code of docs/format.md §11. */
  code: string;
  /** Byte offset of the problem. */
  offset: number;
  message: string;
}

/** What {@link validateTrace} found. */
export interface TraceValidation {
  valid: boolean;
  problem: TraceProblem | null;
  header: TraceHeader | undefined;
  /** Chunks by type (the index chunk not counted). */
  chunks: { dictionary: number; events: number; checkpoint: number; other: number };
  events: number;
  /** Index entries (0 without an index). */
  indexEntries: number;
  /** The trace ends with its index and trailer. */
  complete: boolean;
}

const INDEX_FIELDS: readonly (keyof TraceIndexEntry)[] = ['type', 'offset', 'length', 'firstSeq', 'events', 'firstTime', 'lastTime', 'liveStart', 'peak', 'peakSeq', 'arenas'];

/**
 * Checks a whole trace: the header, every chunk (sync marker, CRC, payload
 * decoding, sequence order, dictionary ids, checkpoints), the index against
 * what the chunks give, and the trailer. A trace without index and trailer
 * (its writer did not finish) is valid.
 *
 * @param bytes - the trace
 * @param onEvents - called after each batch with the events read so far
 * @returns the first problem, if any, with its byte offset
 */
export async function validateTrace(bytes: Uint8Array, onEvents?: (events: number) => void): Promise<TraceValidation> {
  const v: TraceValidation = { valid: true, problem: null, header: undefined, chunks: { dictionary: 0, events: 0, checkpoint: 0, other: 0 }, events: 0, indexEntries: 0, complete: false };
  const fail = (code: string, offset: number, message: string): TraceValidation => {
    v.valid = false;
    v.problem = { code, offset, message };
    return v;
  };
  const reader = readTrace(bytes, { onCheckpoint: () => undefined, reuseBatches: true });
  try {
    for await (const b of reader) {
      v.events += b.length;
      onEvents?.(v.events);
    }
  } catch (e) {
    v.header = reader.header;
    if (e instanceof TraceFormatError) return fail(e.code, e.offset, e.message);
    throw e;
  }
  v.header = reader.header;
  v.complete = reader.complete;
  const rec = await recoverTrace(bytes);
  for (const c of rec.chunks) {
    if (c.type === CHUNK_DICTIONARY) v.chunks.dictionary++;
    else if (c.type === CHUNK_EVENTS) v.chunks.events++;
    else if (c.type === CHUNK_CHECKPOINT) v.chunks.checkpoint++;
    else if (c.type !== 4) v.chunks.other++;
  }
  const index = reader.index;
  if (index === undefined) return v;
  v.indexEntries = index.length;
  const scanned = rec.file?.index;
  if (scanned === undefined) return fail(rec.fileError?.code ?? 'E_INDEX', rec.fileError?.offset ?? 0, rec.fileError?.message ?? 'the chunks do not decode together');
  const indexAt = rec.chunks.find((c) => c.type === 4)?.offset ?? bytes.length;
  if (scanned.length !== index.length) return fail('E_INDEX', indexAt, `the index lists ${index.length} chunks, the file has ${scanned.length} before it`);
  for (let k = 0; k < index.length; k++) {
    const got = index[k]!;
    const want = scanned[k]!;
    for (const f of INDEX_FIELDS) {
      if (got[f] !== want[f]) return fail('E_INDEX', indexAt, `index entry ${k} (chunk at byte ${want.offset}) says ${f} ${got[f]}, the chunk gives ${want[f]}`);
    }
  }
  return v;
}
