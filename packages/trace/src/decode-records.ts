import type { RawRecordCallback } from './api.js';
import * as api from './api.js';
import type { RawRecord } from './raw-record.js';
import type { RawStackTable } from './raw-record-stacks.js';
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
  /** The stack id in force (the last stack-switch record's). */
  stack: number;
  /** The stack dictionary; `null` when the header has no stacks flag (stack ops are then unknown tags). */
  stacks: RawStackTable | null;
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
const OP_STRING = api.OP_STRING;
const OP_FRAME = api.OP_FRAME;
const OP_STACK = api.OP_STACK;
const OP_STACK_SWITCH = api.OP_STACK_SWITCH;
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
 * carry it over. Allocates nothing per record except mark labels. Stack ops
 * (when `cur.stacks` is set) go into the dictionary and the cursor's current
 * stack; they are not counted and not passed to `onRecord`.
 *
 * @param b - buffer holding records
 * @param end - end of valid data in `b`
 * @param base - offset of `b[0]` in the uncompressed capture (for errors)
 * @param cur - position and counters, updated in place
 * @param rec - the reused record struct
 * @param onRecord - called for every record but the end record
 * @param limit - stop when `cur.count` reaches this
 * @throws {@link TraceFormatError} `E_TAG`, `E_POINTER`, `E_SIZE`, `E_COUNT`, `E_STACK`
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
  let stack = cur.stack;
  const table = cur.stacks;
  const maxOp = table === null ? OP_END : OP_STACK_SWITCH;
  loop: while (p < end && count < limit) {
    const tag = b[p]!;
    const op = tag & 15;
    if (tag > 0x3f || op === 0 || op > maxOp) throw tagError(tag, base + p, count);
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
        rec.stack = stack;
        onRecord(rec);
        p = q + 6 + len;
        count++;
        continue loop;
      }
      case OP_STACK_SWITCH:
        if (tag !== op) throw tagError(tag, base + p, count);
        if (q + 4 > end) break loop;
        stack = u32(b, q);
        if (!table!.hasStack(stack)) throw new TraceFormatError('E_STACK', base + p, `stack-switch to undefined stack ${stack} at byte ${base + p}`);
        p = q + 4;
        continue loop;
      case OP_STACK:
        if (tag !== op) throw tagError(tag, base + p, count);
        if (q + 12 > end) break loop;
        table!.addStack(u32(b, q), u32(b, q + 4), u32(b, q + 8), base + p);
        p = q + 12;
        continue loop;
      case OP_FRAME:
        if (tag !== op) throw tagError(tag, base + p, count);
        if (q + 16 > end) break loop;
        table!.addFrame(u32(b, q), u32(b, q + 4), u32(b, q + 8), u32(b, q + 12), base + p);
        p = q + 16;
        continue loop;
      case OP_STRING: {
        if (tag !== op) throw tagError(tag, base + p, count);
        if (q + 6 > end) break loop;
        const len = b[q + 4]! | (b[q + 5]! << 8);
        if (q + 6 + len > end) break loop;
        table!.addString(u32(b, q), utf8.decode(b.subarray(q + 6, q + 6 + len)), base + p);
        p = q + 6 + len;
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
    rec.stack = stack;
    onRecord(rec);
    p = q;
    count++;
  }
  cur.pos = p;
  cur.count = count;
  cur.stack = stack;
}
