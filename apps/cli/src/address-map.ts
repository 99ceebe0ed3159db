/**
 * A hash map from addresses to addresses in two typed arrays: open
 * addressing, linear probing, deletion by backward shift (no tombstones).
 * Key 0 (NULL) cannot be stored. It holds 16 bytes per slot at a load of at
 * most one half, so 32 to 64 bytes per entry, and allocates nothing per
 * operation: a JS `Map` with addresses above 2^31 as keys boxes each one.
 */
export class AddressMap {
  private keys: Float64Array;
  private vals: Float64Array;
  private mask: number;
  /** Entries held. */
  size = 0;

  /** @param capacity initial slots, rounded up to a power of two (at least 16). */
  constructor(capacity = 1 << 12) {
    let c = 16;
    while (c < capacity) c *= 2;
    this.keys = new Float64Array(c);
    this.vals = new Float64Array(c);
    this.mask = c - 1;
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.keys.length;
  }

  private home(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.mask;
  }

  /** The value of `key`, or -1 when absent. */
  get(key: number): number {
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === 0) return -1;
    }
  }

  /** Sets `key` (not 0) to `value`. */
  set(key: number, value: number): void {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === 0) {
        keys[i] = key;
        this.vals[i] = value;
        this.size++;
        return;
      }
    }
  }

  /** Removes `key`; returns its value, or -1 when it was absent. */
  delete(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) break;
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
    const value = vals[i]!;
    // Backward shift: move later members of the probe run into the hole when their home allows.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j]!;
      if (k === 0) break;
      const h = this.home(k);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      keys[i] = k;
      vals[i] = vals[j]!;
      i = j;
    }
    keys[i] = 0;
    this.size--;
    return value;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const c = oldKeys.length * 2;
    this.keys = new Float64Array(c);
    this.vals = new Float64Array(c);
    this.mask = c - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== 0) this.set(k, oldVals[i]!);
    }
  }
}
