// The timed loops. Every JS peer runs in its own Node process (see worker.mjs),
// so the `alloc.malloc` / `alloc.free` call sites below only ever see one
// adapter class per process: they stay monomorphic, and no peer's JIT
// feedback or garbage leaks into another's numbers.
//
// The loops run the ops in chunks, check the clock after each chunk and stop
// early past `deadline` (performance.now() milliseconds); that bounds the run
// time of a very slow peer. The chunk adapts so the check stays rare for fast
// peers (it doubles, up to MAX_CHUNK ops, while a chunk takes under 0.25 ms)
// and frequent for slow ones (it halves, down to 1 op, when a chunk takes over
// 2 ms). The code is the same for every peer, so the cost is too.

const MAX_CHUNK = 4096;

function nextChunk(chunk, ms) {
  if (ms < 0.25) return Math.min(chunk * 2, MAX_CHUNK);
  if (ms > 2) return Math.max(chunk >> 1, 1);
  return chunk;
}

/**
 * Peers that hand out numeric addresses (0 = NULL). `ptrs` is a Float64Array
 * with one entry per slot. Runs ops [from, to) and returns how far it got and
 * how many mallocs returned NULL.
 */
export function runAddressOps(alloc, sizes, slots, ptrs, from, to, deadline) {
  let nulls = 0;
  let i = from;
  let chunk = 1;
  let last = performance.now();
  while (i < to) {
    const end = Math.min(i + chunk, to);
    for (; i < end; i++) {
      const size = sizes[i];
      const slot = slots[i];
      if (size === 0) {
        alloc.free(ptrs[slot]);
      } else {
        const address = alloc.malloc(size);
        if (address === 0) nulls++;
        ptrs[slot] = address;
      }
    }
    const now = performance.now();
    if (now > deadline) break;
    chunk = nextChunk(chunk, now - last);
    last = now;
  }
  return { done: i, nulls };
}

/**
 * Peers that hand out objects (a Uint8Array). `ptrs` is a JS Array with one
 * entry per slot; freeing drops the reference so the GC can take it.
 */
export function runObjectOps(alloc, sizes, slots, ptrs, from, to, deadline) {
  let i = from;
  let chunk = 1;
  let last = performance.now();
  while (i < to) {
    const end = Math.min(i + chunk, to);
    for (; i < end; i++) {
      const size = sizes[i];
      const slot = slots[i];
      if (size === 0) {
        alloc.free(ptrs[slot]);
        ptrs[slot] = undefined;
      } else {
        ptrs[slot] = alloc.malloc(size);
      }
    }
    const now = performance.now();
    if (now > deadline) break;
    chunk = nextChunk(chunk, now - last);
    last = now;
  }
  return { done: i, nulls: 0 };
}
