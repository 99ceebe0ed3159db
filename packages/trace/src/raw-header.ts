import { RAW_FORMAT_VERSION, RAW_HEADER_SIZE, RAW_MAGIC } from './api.js';
import { TraceFormatError } from './trace-format-error.js';

/** The 40-byte header of a raw capture. */
export interface RawHeader {
  /** Format version (1). */
  version: number;
  /** Pointer size of the traced process in bytes (8). */
  pointerSize: number;
  /** Process id of the traced process. */
  pid: number;
  /** bit0: MEM and OBJ had the same functions; bit1: those differ from RAW (3 = pymalloc on both). */
  flags: number;
  /** pymalloc's allocated-block count when the hook was installed (0: nothing escaped the log). */
  escapedBlocks: number;
  /** `PY_VERSION_HEX` of the traced interpreter, e.g. `0x030B07F0`. */
  pyVersionHex: number;
  /** The interpreter version as text, e.g. `"3.11.7"` (`"3.12.0rc1"` for pre-releases). */
  pyVersion: string;
}

/**
 * Formats a `PY_VERSION_HEX` value like `sys.version` does: `0x030B07F0`
 * gives `"3.11.7"`, `0x030C00C1` gives `"3.12.0rc1"`.
 *
 * @param hex - the `PY_VERSION_HEX` value
 * @returns the version text
 */
export function formatPyVersion(hex: number): string {
  const base = `${(hex >>> 24) & 0xff}.${(hex >>> 16) & 0xff}.${(hex >>> 8) & 0xff}`;
  const level = (hex >>> 4) & 0xf;
  const serial = hex & 0xf;
  const suffix = level === 0xa ? 'a' : level === 0xb ? 'b' : level === 0xc ? 'rc' : '';
  return suffix === '' ? base : `${base}${suffix}${serial}`;
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/**
 * Checks the magic bytes present in `bytes` (any prefix of a capture).
 *
 * @internal
 * @throws {@link TraceFormatError} `E_MAGIC` at the first wrong byte
 */
export function checkRawMagic(bytes: Uint8Array): void {
  const n = Math.min(bytes.length, RAW_MAGIC.length);
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== RAW_MAGIC.charCodeAt(i)) {
      const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (gzip data: decompress it first)' : '';
      throw new TraceFormatError('E_MAGIC', i, `not a PYMTRC01 capture: bad magic byte 0x${bytes[i]!.toString(16).padStart(2, '0')} at byte ${i}${hint}`);
    }
  }
}

/**
 * Decodes and validates the 40-byte header at the start of `bytes`.
 *
 * @param bytes - at least the first 40 bytes of an uncompressed capture
 * @returns the header fields
 * @throws {@link TraceFormatError} `E_TRUNCATED` (fewer than 40 bytes),
 *   `E_MAGIC`, `E_VERSION` or `E_POINTER_SIZE`
 */
export function decodeRawHeader(bytes: Uint8Array): RawHeader {
  checkRawMagic(bytes);
  if (bytes.length < RAW_HEADER_SIZE) {
    throw new TraceFormatError('E_TRUNCATED', 0, `truncated header at byte 0: ${bytes.length} of ${RAW_HEADER_SIZE} bytes`);
  }
  const version = u32(bytes, 8);
  if (version !== RAW_FORMAT_VERSION) {
    throw new TraceFormatError('E_VERSION', 8, `unsupported format version ${version} at byte 8 (expected ${RAW_FORMAT_VERSION})`);
  }
  const pointerSize = u32(bytes, 12);
  if (pointerSize !== 8) {
    throw new TraceFormatError('E_POINTER_SIZE', 12, `unsupported pointer size ${pointerSize} at byte 12 (expected 8)`);
  }
  const pyVersionHex = u32(bytes, 32);
  return {
    version,
    pointerSize,
    pid: u32(bytes, 16),
    flags: u32(bytes, 20),
    escapedBlocks: u32(bytes, 24) + (u32(bytes, 28) | 0) * 0x1_0000_0000,
    pyVersionHex,
    pyVersion: formatPyVersion(pyVersionHex),
  };
}
