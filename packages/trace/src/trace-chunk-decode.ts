import type { ChunkInfo } from './trace-chunk.js';
import { chunkPayload, payloadErrorBase } from './trace-chunk.js';
import type { TraceCheckpoint } from './trace-checkpoint.js';
import { decodeCheckpoint } from './trace-checkpoint.js';
import type { DictionaryEntry, TraceDictionary } from './trace-dictionary.js';
import { decodeDictionary } from './trace-dictionary.js';
import type { TraceEventBatch } from './trace-event.js';
import { decodeEventsFast } from './trace-event-decoder.js';
import type { TraceHeader } from './trace-header.js';
import { decodeIndex } from './trace-index.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceIndexEntry } from './trace-index.js';

/**
 * Decodes an events chunk (its own delta state: no other chunk needed).
 *
 * @internal
 */
export async function decodeEventsChunk(h: TraceHeader, bytes: Uint8Array, info: ChunkInfo, base = 0, reuse?: TraceEventBatch): Promise<TraceEventBatch> {
  const raw = await chunkPayload(bytes, info, base);
  const e = payloadErrorBase(info, base);
  return decodeEventsFast(h, raw, info.records, info.firstSeq, info.firstTime, e.base, `events chunk at ${base + info.offset}`, e.fixed, reuse);
}

/**
 * Decodes a dictionary chunk into `dict`.
 *
 * @internal
 */
export async function decodeDictionaryChunk(bytes: Uint8Array, info: ChunkInfo, dict: TraceDictionary, base = 0): Promise<DictionaryEntry[]> {
  const raw = await chunkPayload(bytes, info, base);
  const e = payloadErrorBase(info, base);
  return decodeDictionary(raw, info.records, e.base, `dictionary chunk at ${base + info.offset}`, e.fixed, dict);
}

/**
 * Decodes a checkpoint chunk.
 *
 * @internal
 */
export async function decodeCheckpointChunk(bytes: Uint8Array, info: ChunkInfo, base = 0): Promise<TraceCheckpoint> {
  const raw = await chunkPayload(bytes, info, base);
  const e = payloadErrorBase(info, base);
  return decodeCheckpoint(raw, info.records, info.firstSeq, info.firstTime, e.base, `checkpoint chunk at ${base + info.offset}`, e.fixed);
}

/**
 * Decodes an index chunk.
 *
 * @internal
 */
export async function decodeIndexChunk(bytes: Uint8Array, info: ChunkInfo, base = 0): Promise<TraceIndexEntry[]> {
  const raw = await chunkPayload(bytes, info, base);
  const e = payloadErrorBase(info, base);
  const entries = decodeIndex(raw, e.base, e.fixed);
  if (entries.length !== info.records) throw new TraceFormatError('E_COUNT', base + info.offset, `index chunk at byte ${base + info.offset} holds ${entries.length} entries, its header says ${info.records}`);
  return entries;
}
