import { OutOfMemoryError } from './errors.js';

/** What a {@link HeapMemory} can be built on. */
export type MemoryBacking = ArrayBuffer | SharedArrayBuffer | WebAssembly.Memory;

/** Options of {@link HeapMemory}. */
export interface HeapMemoryOpts {
  /**
   * Upper bound in bytes. For a resizable `ArrayBuffer` or growable
   * `SharedArrayBuffer` it is the buffer's own `maxByteLength`; for a fresh
   * buffer made from a byte count it sets that bound.
   * @defaultValue 1 GiB for a fresh buffer, the backing's own limit otherwise
   */
  maxBytes?: number;
  /** Make a fresh buffer a `SharedArrayBuffer`. @defaultValue false */
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
  /**
   * The backing object. A memory made from a byte count owns a plain
   * `ArrayBuffer` and replaces it with a bigger copy when it grows (plain
   * buffers are faster to index than resizable ones in V8); one made from a
   * buffer or `WebAssembly.Memory` keeps it.
   */
  get backing(): MemoryBacking {
    return this.store;
  }
  private store: MemoryBacking;
  private readonly owned: boolean;
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
   * @param backing a byte count for a fresh buffer, or an existing
   *   `ArrayBuffer`, `SharedArrayBuffer` or `WebAssembly.Memory`.
   */
  constructor(backing: number | MemoryBacking, opts: HeapMemoryOpts = {}) {
    if (typeof backing === 'number') {
      const max = opts.maxBytes ?? 1024 * 1024 * 1024;
      const initial = Math.min(roundUp(Math.max(backing, 0), WASM_PAGE), max);
      this.owned = opts.shared !== true;
      this.store = this.owned ? new ArrayBuffer(initial) : new SharedArrayBuffer(initial, { maxByteLength: max });
      this.maxBytes = max;
    } else {
      this.owned = false;
      this.store = backing;
      if (backing instanceof WebAssembly.Memory) this.maxBytes = opts.maxBytes ?? 4 * 1024 * 1024 * 1024 - WASM_PAGE;
      else if (backing instanceof ArrayBuffer) this.maxBytes = backing.resizable ? backing.maxByteLength : backing.byteLength;
      else this.maxBytes = backing.growable ? backing.maxByteLength : backing.byteLength;
    }
    this.refresh();
  }

  /** Current size in bytes. */
  get byteLength(): number {
    return this.u8.byteLength;
  }

  /** The current underlying buffer. */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    const b = this.store;
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
    const b = this.store;
    try {
      if (this.owned) {
        const next = new ArrayBuffer(target);
        new Uint8Array(next).set(this.u8);
        this.store = next;
      } else if (b instanceof WebAssembly.Memory) {
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
