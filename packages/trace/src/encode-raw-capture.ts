import type { RawRecordData } from './api.js';
import {
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_END,
  OP_FREE,
  OP_MALLOC,
  OP_FRAME,
  OP_MARK,
  OP_REALLOC,
  OP_STACK,
  OP_STACK_SWITCH,
  OP_STRING,
  RAW_FORMAT_VERSION,
  RAW_MAGIC,
  RAW_SIZE_ESCAPE,
} from './api.js';
import type { RawHeader } from './raw-header.js';

/**
 * A record to encode: `op` plus the fields it uses (see
 * {@link RawRecordData}); missing fields are 0. An explicit `OP_END` record
 * writes `endCount` (default: the number of records before it).
 *
 * The stack ops (for captures whose header flags have `RAW_FLAG_STACKS` (4))
 * use: `OP_STRING` `id`, `text`; `OP_FRAME` `id`, `functionId`, `fileId`,
 * `line`; `OP_STACK` `id`, `parentId`, `frameId`; `OP_STACK_SWITCH` `stack`.
 * They are not records: the end record does not count them.
 */
export type RawRecordInit = Partial<RawRecordData> & {
  op: number;
  endCount?: number;
  /** Stack ops: the id being defined. */
  id?: number;
  /** `OP_STRING`: the text (UTF-8, at most 65,535 bytes). */
  text?: string;
  /** `OP_FRAME`: the function's string id. */
  functionId?: number;
  /** `OP_FRAME`: the file's string id. */
  fileId?: number;
  /** `OP_FRAME`: the function's first line. */
  line?: number;
  /** `OP_STACK`: the parent stack id (0: outermost). */
  parentId?: number;
  /** `OP_STACK`: the innermost frame id. */
  frameId?: number;
  /** `OP_STACK_SWITCH`: the stack id in force from here on. */
  stack?: number;
};

/** Options of {@link encodeRawCapture}. */
export interface EncodeRawCaptureOpts {
  /**
   * Header fields to write; `pyVersion` is ignored (derived from `pyVersionHex`).
   *
   * @defaultValue version 1, pointer size 8, pid 1, flags 3, 0 escaped blocks, `0x030B07F0`
   */
  header?: Partial<RawHeader>;
  /**
   * Append an end record counting the records.
   *
   * @defaultValue true
   */
  end?: boolean;
  /**
   * Write every size in its escaped form (`0xFFFFFFFF` then a u64), to test readers.
   * Sizes of `0xFFFFFFFF` or more are always escaped.
   *
   * @defaultValue false
   */
  escapeSizes?: boolean;
}

const TWO32 = 0x1_0000_0000;

class ByteWriter {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  at = 0;

  #room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.at + n, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.#room(1);
    this.view.setUint8(this.at, v);
    this.at += 1;
  }

  u16(v: number): void {
    this.#room(2);
    this.view.setUint16(this.at, v, true);
    this.at += 2;
  }

  u32(v: number): void {
    this.#room(4);
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
  }

  u64(v: number): void {
    this.u32(v % TWO32);
    this.u32(Math.floor(v / TWO32));
  }

  raw(b: Uint8Array): void {
    this.#room(b.length);
    this.bytes.set(b, this.at);
    this.at += b.length;
  }
}

/**
 * Writes a `PYMTRC01` capture (uncompressed): the header, the records, and
 * by default an end record. Meant for tests and tools (synthetic captures,
 * fixtures cut from real ones); not a hot path.
 *
 * @param records - the records, in order
 * @param opts - header fields, end record, size escaping
 * @returns the capture's bytes
 * @throws RangeError if a mark label or a string is longer than 65,535 UTF-8 bytes
 *
 * @example
 * ```ts
 * const bytes = encodeRawCapture([
 *   { op: OP_MALLOC, domain: DOMAIN_OBJ, size: 32, result: 0x7f0000001000 },
 *   { op: OP_FREE, domain: DOMAIN_OBJ, ptr: 0x7f0000001000 },
 * ]);
 * ```
 */
export function encodeRawCapture(records: readonly RawRecordInit[], opts: EncodeRawCaptureOpts = {}): Uint8Array {
  const w = new ByteWriter();
  const h = opts.header ?? {};
  for (let i = 0; i < RAW_MAGIC.length; i++) w.u8(RAW_MAGIC.charCodeAt(i));
  w.u32(h.version ?? RAW_FORMAT_VERSION);
  w.u32(h.pointerSize ?? 8);
  w.u32(h.pid ?? 1);
  w.u32(h.flags ?? 3);
  const escaped = h.escapedBlocks ?? 0;
  w.u32(escaped >>> 0);
  w.u32(Math.floor(escaped / TWO32) | 0);
  w.u32(h.pyVersionHex ?? 0x030b07f0);
  w.u32(0);
  const escapeAll = opts.escapeSizes ?? false;
  const size = (v: number | undefined): void => {
    const n = v ?? 0;
    if (escapeAll || n >= RAW_SIZE_ESCAPE) {
      w.u32(RAW_SIZE_ESCAPE);
      w.u64(n);
    } else {
      w.u32(n);
    }
  };
  const utf8 = new TextEncoder();
  let counted = 0;
  records.forEach((r, index) => {
    w.u8((r.op & 15) | ((r.domain ?? 0) << 4));
    switch (r.op) {
      case OP_MALLOC:
      case OP_ARENA_ALLOC:
        size(r.size);
        w.u64(r.result ?? 0);
        break;
      case OP_CALLOC:
        size(r.size);
        size(r.size2);
        w.u64(r.result ?? 0);
        break;
      case OP_REALLOC:
        w.u64(r.ptr ?? 0);
        size(r.size);
        w.u64(r.result ?? 0);
        break;
      case OP_FREE:
        w.u64(r.ptr ?? 0);
        break;
      case OP_ARENA_FREE:
        w.u64(r.ptr ?? 0);
        size(r.size);
        break;
      case OP_MARK: {
        const label = utf8.encode(r.markLabel ?? '');
        if (label.length > 0xffff) throw new RangeError(`mark label of ${label.length} bytes (record ${index}): at most 65535`);
        w.u32(r.markId ?? 0);
        w.u16(label.length);
        w.raw(label);
        break;
      }
      case OP_END:
        w.u64(r.endCount ?? counted);
        break;
      case OP_STRING: {
        const text = utf8.encode(r.text ?? '');
        if (text.length > 0xffff) throw new RangeError(`string of ${text.length} bytes (record ${index}): at most 65535`);
        w.u32(r.id ?? 0);
        w.u16(text.length);
        w.raw(text);
        return;
      }
      case OP_FRAME:
        w.u32(r.id ?? 0);
        w.u32(r.functionId ?? 0);
        w.u32(r.fileId ?? 0);
        w.u32(r.line ?? 0);
        return;
      case OP_STACK:
        w.u32(r.id ?? 0);
        w.u32(r.parentId ?? 0);
        w.u32(r.frameId ?? 0);
        return;
      case OP_STACK_SWITCH:
        w.u32(r.stack ?? 0);
        return;
      default:
        break;
    }
    counted++;
  });
  if (opts.end ?? true) {
    w.u8(OP_END);
    w.u64(counted);
  }
  return w.bytes.slice(0, w.at);
}

