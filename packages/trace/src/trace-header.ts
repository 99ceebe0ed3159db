import { ByteCursor, ByteWriter } from './byte-cursor.js';
import { crc32 } from './crc32.js';
import {
  FEATURES_1_1,
  KNOWN_REQUIRED_FEATURES,
  LEVEL_ALLOCATOR,
  MAX_HEADER_LENGTH,
  TRACE_MAGIC,
  TRACE_VERSION_MAJOR,
  TRACE_VERSION_MINOR,
} from './trace-constants.js';
import { TraceFormatError } from './trace-format-error.js';

/** The header of a pymem trace: who wrote it, what it models, how to read it. */
export interface TraceHeader {
  /** Format major version (1). */
  versionMajor: number;
  /** Format minor version (0 for this package's writer). */
  versionMinor: number;
  /** Name of the program that wrote the trace. Field 1. */
  writer: string;
  /** Its version. Field 2. */
  writerVersion: string;
  /** Modelled CPython `PY_VERSION_HEX` (e.g. `0x030B07F0`), 0 if unknown. Field 3. */
  pythonVersion: number;
  /** pymalloc alignment in bytes (16 on 3.11). Field 4. */
  alignment: number;
  /** pymalloc small-request threshold in bytes (512). Field 5. */
  smallRequestThreshold: number;
  /** pymalloc pool size in bytes (16384). Field 6. */
  poolSize: number;
  /** pymalloc arena size in bytes (1048576). Field 7. */
  arenaSize: number;
  /** Recording level bits, `LEVEL_*`. Field 8. */
  level: number;
  /** Unit of event times: `"event"` (time = sequence number), `"ns"`, `"us"` or `"ms"`. Field 9. */
  clockUnit: string;
  /** Features a reader must understand, `FEATURE_*` bits. Field 10. */
  requiredFeatures: number;
  /** Features a reader may ignore. Field 11. */
  optionalFeatures: number;
  /** Sampling interval in bytes, 0 = every event recorded. Field 12. */
  samplingInterval: number;
}

/** What a writer needs for a header; everything else has a default (CPython 3.11 geometry, allocator level, event clock). */
export type TraceHeaderInit = Partial<Omit<TraceHeader, 'versionMajor' | 'versionMinor'>>;

/**
 * Completes a header with the defaults: writer `@pymem/trace`, CPython 3.11
 * geometry (16 / 512 / 16 KiB / 1 MiB), level {@link LEVEL_ALLOCATOR},
 * clock `"event"`, no features.
 *
 * @param init - the fields to set
 * @returns a full header of version 1.0, or 1.1 when `requiredFeatures` has a 1.1 bit
 */
export function traceHeader(init: TraceHeaderInit = {}): TraceHeader {
  return {
    versionMajor: TRACE_VERSION_MAJOR,
    // 1.1 only when a 1.1 feature is used: every other file stays readable as the 1.0 file it is.
    versionMinor: ((init.requiredFeatures ?? 0) & FEATURES_1_1) !== 0 ? TRACE_VERSION_MINOR : 0,
    writer: init.writer ?? '@pymem/trace',
    writerVersion: init.writerVersion ?? '1.0',
    pythonVersion: init.pythonVersion ?? 0,
    alignment: init.alignment ?? 16,
    smallRequestThreshold: init.smallRequestThreshold ?? 512,
    poolSize: init.poolSize ?? 16384,
    arenaSize: init.arenaSize ?? 1 << 20,
    level: init.level ?? LEVEL_ALLOCATOR,
    clockUnit: init.clockUnit ?? 'event',
    requiredFeatures: init.requiredFeatures ?? 0,
    optionalFeatures: init.optionalFeatures ?? 0,
    samplingInterval: init.samplingInterval ?? 0,
  };
}

/** Header TLV fields in field-number order: [number, name, wire type (0 varint, 2 UTF-8 bytes), required]. */
export const HEADER_FIELDS = [
  [1, 'writer', 2, true],
  [2, 'writerVersion', 2, true],
  [3, 'pythonVersion', 0, false],
  [4, 'alignment', 0, true],
  [5, 'smallRequestThreshold', 0, true],
  [6, 'poolSize', 0, true],
  [7, 'arenaSize', 0, true],
  [8, 'level', 0, true],
  [9, 'clockUnit', 2, true],
  [10, 'requiredFeatures', 0, false],
  [11, 'optionalFeatures', 0, false],
  [12, 'samplingInterval', 0, false],
] as const satisfies readonly (readonly [number, keyof TraceHeader, 0 | 2, boolean])[];

const isPow2 = (v: number): boolean => v > 0 && v <= 2 ** 40 && Math.log2(v) % 1 === 0;

/**
 * Checks the allocator geometry; returns the problem or undefined.
 *
 * @internal
 */
export function geometryProblem(h: TraceHeader): string | undefined {
  if (!isPow2(h.alignment) || h.alignment < 4 || h.alignment > 4096) return `alignment ${h.alignment} is not a power of two in 4..4096`;
  const classes = h.smallRequestThreshold / h.alignment;
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) return `small-request threshold ${h.smallRequestThreshold} is not 1..256 times the alignment`;
  if (!isPow2(h.poolSize) || h.poolSize < h.smallRequestThreshold) return `pool size ${h.poolSize} is not a power of two >= the threshold`;
  if (!isPow2(h.arenaSize) || h.arenaSize < h.poolSize || h.arenaSize / h.poolSize > 65536) return `arena size ${h.arenaSize} is not a power of two of 1..65536 pools`;
  return undefined;
}

/**
 * Encodes the magic, version and header TLVs (with their CRC).
 *
 * @param h - the header
 * @returns the bytes that open the file
 */
export function encodeTraceHeader(h: TraceHeader): Uint8Array {
  const problem = geometryProblem(h);
  if (problem !== undefined) throw new RangeError(problem);
  const tlv = new ByteWriter(128);
  const utf8 = new TextEncoder();
  for (const [field, name, wire] of HEADER_FIELDS) {
    tlv.uv(field * 8 + wire);
    const v = h[name];
    if (wire === 2) {
      const b = utf8.encode(String(v));
      tlv.uv(b.length);
      tlv.bytes(b);
    } else {
      tlv.uv(Number(v));
    }
  }
  const out = new ByteWriter(tlv.length + 24);
  for (const b of TRACE_MAGIC) out.u8(b);
  out.u8(h.versionMajor);
  out.u8(h.versionMinor);
  out.uv(tlv.length);
  out.bytes(tlv.take());
  out.u32(crc32(out.buf, TRACE_MAGIC.length, out.length));
  return out.take();
}

/**
 * Decodes the magic, version and header of a trace.
 *
 * @param bytes - the file (or at least its start)
 * @returns the header and the offset of the first chunk
 * @throws {@link TraceFormatError} `E_MAGIC`, `E_VERSION`, `E_TRUNCATED`,
 *   `E_CRC`, `E_HEADER` (missing or bad field, bad geometry), `E_FEATURE`
 *   (a required feature this reader does not know)
 */
export function decodeTraceHeader(bytes: Uint8Array): { header: TraceHeader; end: number } {
  for (let i = 0; i < TRACE_MAGIC.length; i++) {
    if (i >= bytes.length) throw new TraceFormatError('E_TRUNCATED', i, `unexpected end of data in the magic at byte ${i}`);
    if (bytes[i] !== TRACE_MAGIC[i]) throw new TraceFormatError('E_MAGIC', i, `not a pymem trace: bad magic byte at ${i}`);
  }
  const c = new ByteCursor(bytes, TRACE_MAGIC.length, bytes.length, 0, 'header');
  const major = c.u8();
  const minor = c.u8();
  if (major !== TRACE_VERSION_MAJOR) throw new TraceFormatError('E_VERSION', 8, `trace format ${major}.${minor} is not readable by this reader (major ${TRACE_VERSION_MAJOR})`);
  const len = c.uvMax(MAX_HEADER_LENGTH, 'header length');
  const tlvStart = c.pos;
  c.bytes(len);
  const crcAt = c.pos;
  const crc = c.u32();
  if (crc !== crc32(bytes, TRACE_MAGIC.length, crcAt)) throw new TraceFormatError('E_CRC', crcAt, `header CRC mismatch at byte ${crcAt}`);
  const t = new ByteCursor(bytes, tlvStart, crcAt, 0, 'header');
  const h = traceHeader();
  h.versionMajor = major;
  h.versionMinor = minor;
  const seen = new Set<number>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const rec = h as unknown as Record<string, string | number>;
  while (t.left > 0) {
    const at = t.pos;
    const key = t.uv();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = t.uv();
    else if (wire === 2) value = t.bytes(t.uv());
    else throw t.error('E_HEADER', `header field ${field} has unknown wire type ${wire}`, at);
    const spec = HEADER_FIELDS.find((f) => f[0] === field);
    if (spec === undefined) continue; // unknown field: skipped
    if (spec[2] !== wire) throw t.error('E_HEADER', `header field ${field} (${spec[1]}) has wire type ${wire}`, at);
    if (seen.has(field)) throw t.error('E_HEADER', `header field ${field} (${spec[1]}) repeated`, at);
    seen.add(field);
    if (value instanceof Uint8Array) {
      try {
        rec[spec[1]] = utf8.decode(value);
      } catch {
        throw t.error('E_HEADER', `header field ${field} (${spec[1]}) is not UTF-8`, at);
      }
    } else rec[spec[1]] = value;
  }
  for (const [field, name, , required] of HEADER_FIELDS) {
    if (required && !seen.has(field)) throw new TraceFormatError('E_HEADER', tlvStart, `header field ${field} (${name}) is required but missing at byte ${tlvStart}`);
  }
  const problem = geometryProblem(h);
  if (problem !== undefined) throw new TraceFormatError('E_HEADER', tlvStart, `bad allocator geometry in the header at byte ${tlvStart}: ${problem}`);
  const unknown = Math.floor(h.requiredFeatures / 2 ** 31) > 0 ? h.requiredFeatures : h.requiredFeatures & ~KNOWN_REQUIRED_FEATURES;
  if (unknown !== 0) {
    throw new TraceFormatError('E_FEATURE', tlvStart, `the trace requires features this reader does not support (bits 0x${unknown.toString(16)}, known 0x${KNOWN_REQUIRED_FEATURES.toString(16)}); upgrade @pymem/trace`);
  }
  return { header: h, end: crcAt + 4 };
}

/**
 * Number of pymalloc size classes of a header's geometry.
 *
 * @param h - the header
 * @returns `smallRequestThreshold / alignment`
 */
export function sizeClassCount(h: TraceHeader): number {
  return h.smallRequestThreshold / h.alignment;
}
