// The JS peers. Each is wrapped in a tiny adapter class with the same two
// methods, malloc(size) and free(block), so every peer is driven by the same
// loop in the same way. `load()` imports the implementation and returns a
// factory that builds a fresh allocator for one run; it throws when the peer
// is unavailable, and the harness then shows the peer as skipped.

class ArenaAdapter {
  constructor(heap) {
    this.heap = heap;
  }
  malloc(size) {
    return this.heap.malloc(size);
  }
  free(address) {
    this.heap.free(address);
  }
}

class MemPoolAdapter {
  constructor(pool) {
    this.pool = pool;
  }
  malloc(size) {
    return this.pool.malloc(size);
  }
  free(address) {
    this.pool.free(address);
  }
}

class Uint8ArrayAdapter {
  malloc(size) {
    return new Uint8Array(size);
  }
  // Freeing is dropping the reference, which the loop does; nothing to do here.
  free() {
    /* the garbage collector frees */
  }
}

/** Largest MemPool buffer the bench hands out (its addresses are 32-bit). */
const MEMPOOL_MAX_BYTES = 1024 * 1024 * 1024;

/** Bytes a MemPool needs if no block were ever reused: each request + its 8-byte header, 8-aligned. */
function memPoolBytesFor(sizes) {
  let total = 64 * 1024;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s !== 0) total += (s + 8 + 7) & ~7;
  }
  return Math.min(total, MEMPOOL_MAX_BYTES);
}

export const JS_PEERS = [
  {
    id: 'arena',
    label: '@pymem/arena',
    detail: "createLinearHeap({ geometry: 'cpython-3.11' }) from ../dist/index.js",
    kind: 'address',
    async load() {
      let mod;
      try {
        mod = await import('../dist/index.js');
      } catch (e) {
        throw new Error(`cannot import ../dist/index.js (${e instanceof Error ? e.message : String(e)}); run pnpm --filter @pymem/arena build`, { cause: e });
      }
      if (typeof mod.createLinearHeap !== 'function') {
        throw new Error('createLinearHeap is not exported by dist/index.js yet');
      }
      const createLinearHeap = mod.createLinearHeap;
      return () => new ArenaAdapter(createLinearHeap({ geometry: 'cpython-3.11' }));
    },
  },
  {
    id: 'mempool',
    label: '@thi.ng/malloc',
    detail: 'MemPool over an ArrayBuffer, default options (align 8, compact, split)',
    kind: 'address',
    async load() {
      const { MemPool } = await import('@thi.ng/malloc');
      return (stream) => new MemPoolAdapter(new MemPool({ size: memPoolBytesFor(stream.sizes) }));
    },
  },
  {
    id: 'uint8array',
    label: 'new Uint8Array',
    detail: 'malloc = new Uint8Array(n), free = drop the reference; GC time included as it happens',
    kind: 'object',
    load() {
      return Promise.resolve(() => new Uint8ArrayAdapter());
    },
  },
];
