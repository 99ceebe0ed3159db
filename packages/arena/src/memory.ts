import { OutOfMemoryError } from './errors.js';

/** What a {@link HeapMemory} can be built on. */
export type MemoryBacking = ArrayBuffer | SharedArrayBuffer | WebAssembly.Memory;

/** Options of {@link HeapMemory}. */
export interface HeapMemoryOpts {
  /**
   * Upper bound in bytes. For a resizable `ArrayBuffer` or growable
   * `SharedArrayBuffer` it is the buffer's own `maxByteLength`; for a fresh
   * memory made from a byte count it sets that bound (whole 64 KiB pages, at
   * most 4 GiB).
   * @defaultValue 1 GiB for a fresh memory, the backing's own limit otherwise
   */
  maxBytes?: number;
  /** Make a fresh memory shared (its buffer is then a `SharedArrayBuffer`). @defaultValue false */
  shared?: boolean;
}

const WASM_PAGE = 65536;

/**
 * The bytes a heap lives in, with typed-array views that are refreshed when
 * the backing grows. Addresses are byte offsets into it.
 *
 * Hold on to `memory` and read `memory.u8` (or `dv`) after each call that can
 * grow it: a `WebAssembly.Memory` replaces its buffer when it grows.
 */
export class HeapMemory {
  /** The backing object: the buffer or `WebAssembly.Memory` given, or the fresh `WebAssembly.Memory` made. */
  readonly backing: MemoryBacking;
  /** Largest size in bytes this memory can grow to. */
  readonly maxBytes: number;
  /** Bytes. */
  u8!: Uint8Array;
  /** 32-bit words, little-endian (index = address >>> 2). */
  u32!: Uint32Array;
  /** Random access. */
  dv!: DataView;
  /** Increments each time the views are replaced. */
  version = 0;

  /**
   * @param backing a byte count for a fresh `WebAssembly.Memory`, or an existing
   *   `ArrayBuffer`, `SharedArrayBuffer` or `WebAssembly.Memory`.
   */
  constructor(backing: number | MemoryBacking, opts: HeapMemoryOpts = {}) {
    if (typeof backing === 'number') {
      // A fresh memory is a WebAssembly.Memory: it grows in place (no copy),
      // and its buffer is a plain one, whose views V8 indexes faster than
      // those of a resizable ArrayBuffer.
      const maxPages = Math.max(1, Math.min(65536, Math.floor((opts.maxBytes ?? 1024 * 1024 * 1024) / WASM_PAGE)));
      const initial = Math.min(Math.ceil(Math.max(backing, 0) / WASM_PAGE), maxPages);
      backing = new WebAssembly.Memory({ initial, maximum: maxPages, shared: opts.shared === true });
      this.maxBytes = maxPages * WASM_PAGE;
    } else if (backing instanceof WebAssembly.Memory) {
      this.maxBytes = opts.maxBytes ?? 4 * 1024 * 1024 * 1024 - WASM_PAGE;
    } else if (backing instanceof ArrayBuffer) {
      this.maxBytes = backing.resizable ? backing.maxByteLength : backing.byteLength;
    } else {
      this.maxBytes = backing.growable ? backing.maxByteLength : backing.byteLength;
    }
    this.backing = backing;
    this.refresh();
  }

  /** Current size in bytes. */
  get byteLength(): number {
    return this.u8.byteLength;
  }

  /** The current underlying buffer. */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    const b = this.backing;
    return b instanceof WebAssembly.Memory ? b.buffer : b;
  }

  /**
   * Grows the memory to at least `bytes` (rounded up to 64 KiB pages, and at
   * least doubling, up to `maxBytes`).
   * @returns false when the backing cannot grow that far.
   */
  grow(bytes: number): boolean {
    const cur = this.byteLength;
    if (bytes <= cur) return true;
    if (bytes > this.maxBytes) return false;
    const target = Math.min(Math.max(roundUp(bytes, WASM_PAGE), cur * 2), this.maxBytes);
    const b = this.backing;
    try {
      if (b instanceof WebAssembly.Memory) {
        b.grow(Math.ceil((target - cur) / WASM_PAGE));
      } else if (b instanceof ArrayBuffer) {
        if (!b.resizable) return false;
        b.resize(target);
      } else {
        if (!b.growable) return false;
        b.grow(target);
      }
    } catch {
      return false;
    }
    this.refresh();
    return true;
  }

  /** Like {@link grow}, but throws {@link OutOfMemoryError}. */
  ensure(bytes: number): void {
    if (!this.grow(bytes)) {
      throw new OutOfMemoryError(bytes, `memory cannot grow to ${bytes} bytes (limit ${this.maxBytes})`);
    }
  }

  private refresh(): void {
    const buf = this.buffer;
    const len = buf.byteLength;
    this.u8 = new Uint8Array(buf, 0, len);
    this.u32 = new Uint32Array(buf, 0, len >>> 2);
    this.dv = new DataView(buf, 0, len);
    this.version++;
  }
}

/** Rounds `n` up to a multiple of the power of two `a`. */
export function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
