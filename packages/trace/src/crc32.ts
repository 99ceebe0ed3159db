import { tracePlatform } from './trace-platform.js';

let tables: Int32Array | undefined;

// Sixteen 256-entry tables in one Int32Array (table k at k × 256): table 0 is
// the byte-at-a-time table, table k advances a byte's contribution k more
// bytes. Signed 32-bit entries keep every value a small integer in V8 (a
// Uint32Array above 2^31 hands out doubles).
function makeTables(): Int32Array {
  const t = new Int32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 16; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = t[prev & 0xff]! ^ (prev >>> 8);
    }
  }
  return t;
}

/**
 * CRC-32 (ISO-HDLC, polynomial `0xEDB88320` reflected, as zlib and PNG) of
 * `bytes[start, end)`: the platform's native one if installed (see
 * `setTracePlatform`; `@pymem/trace/node` installs zlib's), else
 * {@link crc32Portable}.
 *
 * @param bytes - the data
 * @param start - first byte
 * @param end - one past the last byte
 * @returns the CRC as an unsigned 32-bit number
 *
 * @example
 * ```ts
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const native = tracePlatform().crc32;
  if (native !== undefined && end - start >= 64) return native(bytes.subarray(start, end));
  return crc32Portable(bytes, start, end);
}

/**
 * CRC-32 as {@link crc32}, in plain JavaScript, sixteen bytes at a time
 * (slice-by-16 tables).
 *
 * @param bytes - the data
 * @param start - first byte
 * @param end - one past the last byte
 * @returns the CRC as an unsigned 32-bit number
 */
export function crc32Portable(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = (tables ??= makeTables());
  let c = -1;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[0xf00 | (a & 0xff)]! ^
      t[0xe00 | ((a >>> 8) & 0xff)]! ^
      t[0xd00 | ((a >>> 16) & 0xff)]! ^
      t[0xc00 | (a >>> 24)]! ^
      t[0xb00 | bytes[i + 4]!]! ^
      t[0xa00 | bytes[i + 5]!]! ^
      t[0x900 | bytes[i + 6]!]! ^
      t[0x800 | bytes[i + 7]!]! ^
      t[0x700 | bytes[i + 8]!]! ^
      t[0x600 | bytes[i + 9]!]! ^
      t[0x500 | bytes[i + 10]!]! ^
      t[0x400 | bytes[i + 11]!]! ^
      t[0x300 | bytes[i + 12]!]! ^
      t[0x200 | bytes[i + 13]!]! ^
      t[0x100 | bytes[i + 14]!]! ^
      t[bytes[i + 15]!]!;
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
