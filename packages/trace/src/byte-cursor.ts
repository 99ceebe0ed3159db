import { TraceFormatError } from './trace-format-error.js';

/**
 * Reads LEB128 varints and fixed fields from a byte range, bounds-checked.
 * Every error is a {@link TraceFormatError} whose offset is `base` plus the
 * position in `buf`, i.e. the byte offset in the file. Internal.
 *
 * @internal
 */
export class ByteCursor {
  /** The bytes read. */
  buf: Uint8Array;
  /** Next position in `buf`. */
  pos: number;
  /** One past the last readable position in `buf`. */
  end: number;
  /** File offset of `buf[0]`, for error messages. */
  base: number;
  /** What is being read, for error messages (e.g. `"events chunk at 1234"`). */
  what: string;

  /** Report every error at `base` (the bytes are an inflated payload, not the file). */
  fixed: boolean;

  constructor(buf: Uint8Array, pos: number, end: number, base: number, what: string, fixed = false) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.what = what;
    this.fixed = fixed;
  }

  /** An error at the current position (or at `pos`). */
  error(code: string, message: string, pos = this.pos): TraceFormatError {
    if (this.fixed) return new TraceFormatError(code, this.base, `${message} at byte ${pos} of the payload inflated from byte ${this.base} (${this.what})`);
    const at = this.base + pos;
    return new TraceFormatError(code, at, `${message} at byte ${at} (${this.what})`);
  }

  /** Bytes left. */
  get left(): number {
    return this.end - this.pos;
  }

  /** One byte. */
  u8(): number {
    if (this.pos >= this.end) throw this.error('E_TRUNCATED', 'unexpected end of data');
    return this.buf[this.pos++]!;
  }

  /** A little-endian u32. */
  u32(): number {
    if (this.end - this.pos < 4) throw this.error('E_TRUNCATED', 'unexpected end of data');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** An unsigned LEB128 varint: at most 8 bytes, canonical (no trailing zero byte), at most 2^53 − 1. */
  uv(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    if (p >= end) throw this.error('E_TRUNCATED', 'unexpected end of data');
    let byte = b[p++]!;
    if (byte < 0x80) {
      this.pos = p;
      return byte;
    }
    let result = byte & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (p >= end) throw this.error('E_TRUNCATED', 'unexpected end of data inside a varint');
      byte = b[p++]!;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (byte === 0) throw this.error('E_VARINT', 'overlong varint', p - 1);
        break;
      }
      if (i === 7) throw this.error('E_VARINT', 'varint longer than 8 bytes', p - 1);
      mul *= 128;
    }
    if (result > Number.MAX_SAFE_INTEGER) throw this.error('E_VARINT', 'varint above 2^53 - 1', p - 1);
    this.pos = p;
    return result;
  }

  /** A zigzag-encoded signed varint. */
  zz(): number {
    const v = this.uv();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** An unsigned varint that must be at most `max`. */
  uvMax(max: number, name: string): number {
    const at = this.pos;
    const v = this.uv();
    if (v > max) throw this.error('E_RANGE', `${name} ${v} exceeds ${max}`, at);
    return v;
  }

  /** A count of items each taking at least `minBytes` bytes: never more than the bytes left allow. */
  count(minBytes: number, name: string): number {
    const at = this.pos;
    const n = this.uv();
    if (n * minBytes > this.end - this.pos) throw this.error('E_COUNT', `${name} count ${n} exceeds what the remaining ${this.end - this.pos} bytes can hold`, at);
    return n;
  }

  /** `n` bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) throw this.error('E_TRUNCATED', `${n} bytes announced, ${this.end - this.pos} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * A growable byte buffer with varint writers. Internal.
 *
 * @internal
 */
export class ByteWriter {
  buf: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** One byte. */
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  /** A little-endian u32. */
  u32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    const p = this.length;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.length = p + 4;
  }

  /** An unsigned LEB128 varint (`v` a safe non-negative integer). */
  uv(v: number): void {
    this.reserve(8);
    const b = this.buf;
    let p = this.length;
    if (v < 0x80) {
      b[p] = v;
      this.length = p + 1;
      return;
    }
    while (v >= 0x80) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.length = p;
  }

  /** A zigzag-encoded signed varint. */
  zz(v: number): void {
    this.uv(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Raw bytes. */
  bytes(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
  }

  /** A copy of what was written. */
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
