import { ByteCursor, ByteWriter } from './byte-cursor.js';
import { crc32 } from './crc32.js';
import { CODEC_DEFLATE_RAW, CODEC_NONE, MAX_CHUNK_PAYLOAD, TRACE_SYNC, TRACE_TRAILER_MAGIC, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { deflateRaw, inflateRaw } from './trace-codec.js';
import { TraceFormatError } from './trace-format-error.js';

/** Where a chunk is and what its frame says. */
export interface ChunkInfo {
  /** File offset of its sync marker. */
  offset: number;
  /** Offset just past its CRC. */
  end: number;
  /** `CHUNK_*` (or an unknown type, to skip). */
  type: number;
  /** `CODEC_*`. */
  codec: number;
  /** Flag bits (0 in 1.0; unknown bits are ignored). */
  flags: number;
  /** File offset of the stored payload. */
  payloadOffset: number;
  /** Stored payload length. */
  payloadLength: number;
  /** Uncompressed payload length. */
  rawLength: number;
  /** Sequence number of its first event (events chunks) or of the next event (others). */
  firstSeq: number;
  /** Time of its first event, or of the last event before it. */
  firstTime: number;
  /** Records in the payload. */
  records: number;
}

/** Largest chunk frame before the payload: sync, 3 bytes, five 8-byte varints. */
export const MAX_CHUNK_HEAD = 4 + 3 + 5 * 8;

/**
 * Parses and CRC-checks the chunk frame at `offset`.
 *
 * @internal
 */
export function parseChunk(bytes: Uint8Array, offset: number, base = 0): ChunkInfo {
  const c = new ByteCursor(bytes, offset, bytes.length, base, `chunk at ${base + offset}`);
  for (let i = 0; i < 4; i++) if (c.u8() !== TRACE_SYNC[i]) throw c.error('E_SYNC', 'no chunk sync marker', offset);
  const type = c.u8();
  const codec = c.u8();
  const flags = c.u8();
  const lenAt = c.pos;
  const payloadLength = c.uv();
  const rawLength = c.uv();
  if (payloadLength > MAX_CHUNK_PAYLOAD || rawLength > MAX_CHUNK_PAYLOAD) throw c.error('E_CHUNK_SIZE', `chunk payload of ${Math.max(payloadLength, rawLength)} bytes exceeds ${MAX_CHUNK_PAYLOAD}`, lenAt);
  if (codec === CODEC_NONE && rawLength !== payloadLength) throw c.error('E_CHUNK', `stored chunk with raw length ${rawLength} != payload length ${payloadLength}`, lenAt);
  const firstSeq = c.uv();
  const firstTime = c.uv();
  const countAt = c.pos;
  const records = c.uv();
  if (records > rawLength) throw c.error('E_COUNT', `record count ${records} exceeds the ${rawLength}-byte payload`, countAt);
  const payloadOffset = c.pos;
  c.bytes(payloadLength);
  const crcAt = c.pos;
  const crc = c.u32();
  if (crc !== crc32(bytes, offset + 4, crcAt)) throw c.error('E_CRC', 'chunk CRC mismatch', crcAt);
  return { offset, end: c.pos, type, codec, flags, payloadOffset, payloadLength, rawLength, firstSeq, firstTime, records };
}

/**
 * The uncompressed payload of a parsed chunk.
 *
 * @internal
 */
export async function chunkPayload(bytes: Uint8Array, info: ChunkInfo, base = 0): Promise<Uint8Array> {
  const stored = bytes.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength);
  if (info.codec === CODEC_NONE) return stored;
  if (info.codec === CODEC_DEFLATE_RAW) return inflateRaw(stored, info.rawLength, base + info.payloadOffset);
  throw new TraceFormatError('E_CODEC', base + info.offset + 5, `unknown codec ${info.codec} of the chunk at byte ${base + info.offset}`);
}

/**
 * Where errors inside a chunk's payload are reported: positions in the file
 * for stored payloads, the payload's offset for compressed ones.
 *
 * @internal
 */
export function payloadErrorBase(info: ChunkInfo, base = 0): { base: number; fixed: boolean } {
  return { base: base + info.payloadOffset, fixed: info.codec !== CODEC_NONE };
}

/** What a chunk frame needs besides its payload. */
export interface ChunkFrameInit {
  /** `CHUNK_*`. */
  type: number;
  /** `CODEC_*`. */
  codec: number;
  /** Flag bits. */
  flags: number;
  /** See {@link ChunkInfo.firstSeq}. */
  firstSeq: number;
  /** See {@link ChunkInfo.firstTime}. */
  firstTime: number;
  /** Records in the payload. */
  records: number;
}

/**
 * Frames a payload already stored (compressed or not) into a chunk.
 *
 * @internal
 */
export function frameChunk(init: ChunkFrameInit, stored: Uint8Array, rawLength: number): Uint8Array {
  if (rawLength > MAX_CHUNK_PAYLOAD || stored.length > MAX_CHUNK_PAYLOAD) throw new RangeError(`chunk payload of ${Math.max(rawLength, stored.length)} bytes exceeds ${MAX_CHUNK_PAYLOAD}`);
  const w = new ByteWriter(stored.length + MAX_CHUNK_HEAD + 4);
  for (const b of TRACE_SYNC) w.u8(b);
  w.u8(init.type);
  w.u8(init.codec);
  w.u8(init.flags);
  w.uv(stored.length);
  w.uv(rawLength);
  w.uv(init.firstSeq);
  w.uv(init.firstTime);
  w.uv(init.records);
  w.bytes(stored);
  w.u32(crc32(w.buf, 4, w.length));
  return w.take();
}

/**
 * Compresses (if the codec says so) and frames a raw payload.
 *
 * @internal
 */
export function buildChunk(init: ChunkFrameInit, raw: Uint8Array): Uint8Array | Promise<Uint8Array> {
  if (init.codec === CODEC_NONE) return frameChunk(init, raw, raw.length);
  if (init.codec === CODEC_DEFLATE_RAW) return deflateRaw(raw).then((stored) => frameChunk(init, stored, raw.length));
  throw new RangeError(`unknown codec ${init.codec}`);
}

/**
 * The 16-byte trailer: index chunk offset (u64 LE), CRC32 of those 8 bytes, `PYIX`.
 *
 * @internal
 */
export function encodeTrailer(indexOffset: number): Uint8Array {
  const w = new ByteWriter(TRACE_TRAILER_SIZE);
  w.u32(indexOffset % 2 ** 32);
  w.u32(Math.floor(indexOffset / 2 ** 32));
  w.u32(crc32(w.buf, 0, 8));
  for (const b of TRACE_TRAILER_MAGIC) w.u8(b);
  return w.take();
}

/**
 * The index offset a valid trailer at the end of `bytes` gives, or undefined.
 *
 * @internal
 */
export function decodeTrailer(bytes: Uint8Array, fileOffset = 0): number | undefined {
  const at = bytes.length - TRACE_TRAILER_SIZE;
  if (at < 0) return undefined;
  for (let i = 0; i < 4; i++) if (bytes[at + 12 + i] !== TRACE_TRAILER_MAGIC[i]) return undefined;
  const c = new ByteCursor(bytes, at, bytes.length, 0, 'trailer');
  const lo = c.u32();
  const hi = c.u32();
  if (c.u32() !== crc32(bytes, at, at + 8)) return undefined;
  const off = hi * 2 ** 32 + lo;
  return off < fileOffset + at ? off : undefined;
}
