/**
 * The live blocks of a trace being replayed, keyed by logical id, in typed
 * arrays (open addressing, linear probing, backward-shift deletion): memory
 * grows with the number of live blocks only, and insert / remove allocate
 * nothing until the table doubles.
 *
 * Per block: size, site class (`cls`, or the large bucket), stack id,
 * allocation domain, and the sequence number and time of the allocation.
 *
 * @internal
 */
export class LiveBlockTable {
  /** Live blocks. */
  count = 0;
  #mask: number;
  #keys: Float64Array;
  /** Size per slot. */
  size: Float64Array;
  /** Class per slot (the caller's large bucket for large blocks). */
  cls: Uint16Array;
  /** Stack id per slot. */
  stack: Float64Array;
  /** Allocation domain per slot (0 unknown, 1 MEM, 2 OBJ, 3 RAW). */
  domain: Uint8Array;
  /** Sequence number of the allocation per slot. */
  seq: Float64Array;
  /** Time of the allocation per slot. */
  time: Float64Array;

  /** @param capacity - initial slots (rounded up to a power of two ≥ 16) */
  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#mask = cap - 1;
    this.#keys = new Float64Array(cap).fill(-1);
    this.size = new Float64Array(cap);
    this.cls = new Uint16Array(cap);
    this.stack = new Float64Array(cap);
    this.domain = new Uint8Array(cap);
    this.seq = new Float64Array(cap);
    this.time = new Float64Array(cap);
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.#keys.length;
  }

  #home(id: number): number {
    // ids are < 2^53: mix the low and high 32 bits.
    const lo = id >>> 0;
    const hi = (id / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
  }

  /**
   * Slot of block `id`, or −1.
   *
   * @param id - logical block id
   */
  find(id: number): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = this.#home(id) & mask; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) return i;
      if (k === -1) return -1;
    }
  }

  /**
   * Adds (or replaces) block `id`.
   *
   * @returns its slot
   */
  set(id: number, size: number, cls: number, stack: number, seq: number, time: number, domain = 0): number {
    if ((this.count + 1) * 4 > this.#keys.length * 3) this.#grow();
    const keys = this.#keys;
    const mask = this.#mask;
    let i = this.#home(id) & mask;
    while (keys[i] !== -1 && keys[i] !== id) i = (i + 1) & mask;
    if (keys[i] === -1) this.count++;
    keys[i] = id;
    this.size[i] = size;
    this.cls[i] = cls;
    this.stack[i] = stack;
    this.domain[i] = domain;
    this.seq[i] = seq;
    this.time[i] = time;
    return i;
  }

  /**
   * Removes the block in `slot` (from {@link LiveBlockTable.find}).
   *
   * @param slot - an occupied slot
   */
  removeSlot(slot: number): void {
    const keys = this.#keys;
    const mask = this.#mask;
    let hole = slot;
    this.count--;
    for (let j = (hole + 1) & mask; keys[j] !== -1; j = (j + 1) & mask) {
      const home = this.#home(keys[j]!) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      keys[hole] = keys[j]!;
      this.size[hole] = this.size[j]!;
      this.cls[hole] = this.cls[j]!;
      this.stack[hole] = this.stack[j]!;
      this.domain[hole] = this.domain[j]!;
      this.seq[hole] = this.seq[j]!;
      this.time[hole] = this.time[j]!;
      hole = j;
    }
    keys[hole] = -1;
  }

  /**
   * Calls `fn` with the slot of every live block (in slot order).
   *
   * @param fn - receives the id and the slot
   */
  forEach(fn: (id: number, slot: number) => void): void {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) fn(keys[i]!, i);
  }

  #grow(): void {
    const old = { keys: this.#keys, size: this.size, cls: this.cls, stack: this.stack, domain: this.domain, seq: this.seq, time: this.time };
    const cap = old.keys.length * 2;
    this.#mask = cap - 1;
    this.#keys = new Float64Array(cap).fill(-1);
    this.size = new Float64Array(cap);
    this.cls = new Uint16Array(cap);
    this.stack = new Float64Array(cap);
    this.domain = new Uint8Array(cap);
    this.seq = new Float64Array(cap);
    this.time = new Float64Array(cap);
    this.count = 0;
    for (let i = 0; i < old.keys.length; i++) {
      if (old.keys[i] !== -1) this.set(old.keys[i]!, old.size[i]!, old.cls[i]!, old.stack[i]!, old.seq[i]!, old.time[i]!, old.domain[i]);
    }
  }
}
