import type { RawRecordCallback } from './api.js';
import * as api from './api.js';
import type { RawRecord } from './raw-record.js';
import { TraceFormatError } from './trace-format-error.js';

/**
 * Where a decode loop stands. Internal: shared by the whole-buffer and the
 * streaming decoders.
 */
export interface DecodeCursor {
  /** Position in the current buffer of the next undecoded byte. */
  pos: number;
  /** Records decoded so far (the end record not counted). */
  count: number;
  /** Whether the end record was decoded. */
  ended: boolean;
}

// Module-local copies, read once: dev-time module transforms (vitest, vite)
// turn every use of an imported binding into a property load, which would
// slow the switch below fivefold.
const OP_MALLOC = api.OP_MALLOC;
const OP_CALLOC = api.OP_CALLOC;
const OP_REALLOC = api.OP_REALLOC;
const OP_FREE = api.OP_FREE;
const OP_ARENA_ALLOC = api.OP_ARENA_ALLOC;
const OP_ARENA_FREE = api.OP_ARENA_FREE;
const OP_MARK = api.OP_MARK;
const OP_END = api.OP_END;
const RAW_SIZE_ESCAPE = api.RAW_SIZE_ESCAPE;
const TWO32 = 0x1_0000_0000;
/** A u64 whose high word reaches this is not exact as a JS number. */
const HI_LIMIT = 1 << 21;
const utf8 = new TextDecoder();

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function tagError(tag: number, at: number, index: number): TraceFormatError {
  return new TraceFormatError('E_TAG', at, `unknown record tag 0x${tag.toString(16).padStart(2, '0')} at byte ${at} (record ${index})`);
}

function rangeError(code: string, what: string, hi: number, lo: number, at: number, index: number): TraceFormatError {
  const value = `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
  return new TraceFormatError(code, at, `${what} ${value} does not fit in 53 bits at byte ${at} (record ${index})`);
}

function readPtr(b: Uint8Array, q: number, base: number, index: number): number {
  const hi = u32(b, q + 4);
  if (hi >= HI_LIMIT) throw rangeError('E_POINTER', 'pointer', hi, u32(b, q), base + q, index);
  return u32(b, q) + hi * TWO32;
}

function readU64Size(b: Uint8Array, q: number, base: number, index: number): number {
  const hi = u32(b, q + 4);
  if (hi >= HI_LIMIT) throw rangeError('E_SIZE', 'size', hi, u32(b, q), base + q, index);
  return u32(b, q) + hi * TWO32;
}

/**
 * Decodes complete records from `b[cur.pos .. end)` until the buffer ends,
 * `cur.count` reaches `limit`, or the end record is decoded. Stops before a
 * record that is cut short (leaving `cur.pos` at its tag), so callers can
 * carry it over. Allocates nothing per record except mark labels.
 *
 * @param b - buffer holding records
 * @param end - end of valid data in `b`
 * @param base - offset of `b[0]` in the uncompressed capture (for errors)
 * @param cur - position and counters, updated in place
 * @param rec - the reused record struct
 * @param onRecord - called for every record but the end record
 * @param limit - stop when `cur.count` reaches this
 * @throws {@link TraceFormatError} `E_TAG`, `E_POINTER`, `E_SIZE`, `E_COUNT`
 */
export function decodeRecords(
  b: Uint8Array,
  end: number,
  base: number,
  cur: DecodeCursor,
  rec: RawRecord,
  onRecord: RawRecordCallback,
  limit: number,
): void {
  let p = cur.pos;
  let count = cur.count;
  loop: while (p < end && count < limit) {
    const tag = b[p]!;
    const op = tag & 15;
    if (tag > 0x3f || op === 0 || op > OP_END) throw tagError(tag, base + p, count);
    let q = p + 1;
    let size = 0;
    let size2 = 0;
    let ptr = 0;
    let result = 0;
    switch (op) {
      case OP_MALLOC:
      case OP_ARENA_ALLOC:
        if (q + 12 > end) break loop;
        size = u32(b, q);
        q += 4;
        if (size === RAW_SIZE_ESCAPE) {
          if (q + 16 > end) break loop;
          size = readU64Size(b, q, base, count);
          q += 8;
        }
        result = readPtr(b, q, base, count);
        q += 8;
        break;
      case OP_FREE:
        if (q + 8 > end) break loop;
        ptr = readPtr(b, q, base, count);
        q += 8;
        break;
      case OP_REALLOC:
        if (q + 20 > end) break loop;
        ptr = readPtr(b, q, base, count);
        size = u32(b, q + 8);
        q += 12;
        if (size === RAW_SIZE_ESCAPE) {
          if (q + 16 > end) break loop;
          size = readU64Size(b, q, base, count);
          q += 8;
        }
        result = readPtr(b, q, base, count);
        q += 8;
        break;
      case OP_CALLOC:
        if (q + 16 > end) break loop;
        size = u32(b, q);
        q += 4;
        if (size === RAW_SIZE_ESCAPE) {
          if (q + 20 > end) break loop;
          size = readU64Size(b, q, base, count);
          q += 8;
        }
        size2 = u32(b, q);
        q += 4;
        if (size2 === RAW_SIZE_ESCAPE) {
          if (q + 16 > end) break loop;
          size2 = readU64Size(b, q, base, count);
          q += 8;
        }
        result = readPtr(b, q, base, count);
        q += 8;
        break;
      case OP_ARENA_FREE:
        if (q + 12 > end) break loop;
        ptr = readPtr(b, q, base, count);
        size = u32(b, q + 8);
        q += 12;
        if (size === RAW_SIZE_ESCAPE) {
          if (q + 8 > end) break loop;
          size = readU64Size(b, q, base, count);
          q += 8;
        }
        break;
      case OP_MARK: {
        if (q + 6 > end) break loop;
        const len = b[q + 4]! | (b[q + 5]! << 8);
        if (q + 6 + len > end) break loop;
        rec.op = OP_MARK;
        rec.domain = tag >>> 4;
        rec.size = 0;
        rec.size2 = 0;
        rec.ptr = 0;
        rec.result = 0;
        rec.markId = u32(b, q);
        rec.markLabel = utf8.decode(b.subarray(q + 6, q + 6 + len));
        rec.index = count;
        rec.offset = base + p;
        onRecord(rec);
        p = q + 6 + len;
        count++;
        continue loop;
      }
      default: {
        // OP_END
        if (q + 8 > end) break loop;
        const hi = u32(b, q + 4);
        const n = u32(b, q) + hi * TWO32;
        if (n !== count) {
          throw new TraceFormatError('E_COUNT', base + p, `end record at byte ${base + p} counts ${n} records but ${count} precede it`);
        }
        rec.op = OP_END;
        rec.index = count;
        rec.offset = base + p;
        p = q + 8;
        cur.ended = true;
        break loop;
      }
    }
    rec.op = op;
    rec.domain = tag >>> 4;
    rec.size = size;
    rec.size2 = size2;
    rec.ptr = ptr;
    rec.result = result;
    rec.markId = 0;
    rec.markLabel = '';
    rec.index = count;
    rec.offset = base + p;
    onRecord(rec);
    p = q;
    count++;
  }
  cur.pos = p;
  cur.count = count;
}
