import type { PymallocObserver } from './api.js';
import { DebugAllocator } from './debug.js';
import type { Geometry, GeometryOpts, PresetName } from './geometry.js';
import { resolveGeometry } from './geometry.js';
import { LinearArenaSource } from './linear-source.js';
import type { MemoryBacking } from './memory.js';
import { HeapMemory } from './memory.js';
import { Pymalloc } from './pymalloc.js';
import { Tlsf } from './tlsf.js';

/** Options of {@link createLinearHeap}. */
export interface LinearHeapOpts {
  /** Geometry preset, custom options or resolved geometry. @defaultValue `"cpython-3.11"` */
  geometry?: PresetName | GeometryOpts | Geometry;
  /**
   * The memory: a {@link HeapMemory}, an `ArrayBuffer` (resizable to grow),
   * a `SharedArrayBuffer` (growable to grow), a `WebAssembly.Memory`, or an
   * initial byte count for a fresh resizable buffer.
   * @defaultValue 1 MiB, growing on demand up to `maxBytes`
   */
  memory?: HeapMemory | MemoryBacking | number;
  /** Upper bound for a fresh buffer. @defaultValue 1 GiB */
  maxBytes?: number;
  /** Make a fresh buffer a `SharedArrayBuffer`. @defaultValue false */
  shared?: boolean;
  /**
   * Alignment of arena bases. 4096 acts like `mmap`: some arenas are not
   * pool-aligned and get one pool fewer, as in CPython. Use the pool size
   * or more for full arenas.
   * @defaultValue 4096
   */
  arenaAlignment?: number;
  /** Observer of allocator events. @defaultValue none */
  observer?: PymallocObserver;
}

/**
 * A complete allocator over linear memory, for JS programs: pymalloc serves
 * 1..threshold bytes from arenas, and a TLSF allocator in the same memory
 * serves everything else and holds the arenas themselves. Addresses are
 * byte offsets into `heap.memory`; 0 is NULL.
 *
 * @example
 * ```ts
 * const heap = createLinearHeap();
 * const p = heap.malloc(24);
 * heap.memory.dv.setFloat64(p, Math.PI, true);
 * heap.free(p);
 * ```
 */
export function createLinearHeap(opts: LinearHeapOpts = {}): Pymalloc {
  const geometry = resolveGeometry(opts.geometry);
  const m = opts.memory ?? 1024 * 1024;
  const memOpts = { ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }), ...(opts.shared === undefined ? {} : { shared: opts.shared }) };
  const memory = m instanceof HeapMemory ? m : new HeapMemory(m, memOpts);
  // Byte 0..15 stay unused so that no block is at address 0 (NULL).
  const tlsf = new Tlsf(memory, { start: 16 });
  const source = new LinearArenaSource(tlsf, memory, { alignment: opts.arenaAlignment ?? 4096 });
  return new Pymalloc({ geometry, source, fallback: tlsf, ...(opts.observer === undefined ? {} : { observer: opts.observer }) });
}

/**
 * {@link createLinearHeap} wrapped in CPython's debug hooks
 * (`PYTHONMALLOC=debug`): guard bytes around every block, fill patterns, and
 * a typed error for a double free, a foreign address or an overwritten
 * guard. Each request takes 24 more bytes, as in CPython.
 */
export function createDebugHeap(opts: LinearHeapOpts = {}): DebugAllocator {
  return new DebugAllocator(createLinearHeap(opts));
}
