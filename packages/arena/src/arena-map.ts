/**
 * Which live arena holds an address: the role of CPython's radix tree
 * (`address_in_range`), as an open-addressing hash table in typed arrays.
 *
 * Keys are "ideal" arena indices, `floor(address / arenaSize)`; the value is
 * the descriptor slot of the arena that starts inside that ideal range. An
 * arena that is not arena-size aligned also covers the start of the next
 * ideal range, so a lookup tries the address's own range, then the one
 * before it. Memory grows with the number of live arenas only.
 */
export class ArenaMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private size = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity).fill(-1);
    this.vals = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Slot stored under ideal index `key` (a non-negative integer; -1 marks empty cells), or -1. */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = hash(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === -1) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Stores `slot` under `key` (which must not be present). */
  set(key: number, slot: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.rehash(this.keys.length * 2);
    const mask = this.mask;
    let i = hash(key) & mask;
    while (this.keys[i] !== -1) i = (i + 1) & mask;
    this.keys[i] = key;
    this.vals[i] = slot;
    this.size++;
  }

  /** Removes `key` (backward-shift deletion: no tombstones). */
  delete(key: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = hash(key) & mask;
    while (keys[i] !== key) {
      if (keys[i] === -1) return;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      keys[i] = -1;
      for (;;) {
        j = (j + 1) & mask;
        const k = keys[j]!;
        if (k === -1) {
          this.size--;
          return;
        }
        const home = hash(k) & mask;
        // Move k back to the hole unless its home lies cyclically in (i, j].
        if (i <= j ? home <= i || home > j : home <= i && home > j) break;
      }
      keys[i] = keys[j]!;
      vals[i] = vals[j]!;
      i = j;
    }
  }

  private rehash(capacity: number): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.keys = new Float64Array(capacity).fill(-1);
    this.vals = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== -1) this.set(k, oldVals[i]!);
    }
  }
}

function hash(key: number): number {
  // Keys are non-negative integers below 2^53: mix both 32-bit halves.
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 15);
}
