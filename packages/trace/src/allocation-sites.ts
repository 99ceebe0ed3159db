/**
 * Per allocation site (stack × size class) totals in growable typed arrays:
 * a row per distinct site, found through a dense index (small keys) or a
 * `Map` from a numeric key, so updating an existing site allocates nothing.
 *
 * @internal
 */
export class AllocationSiteTable {
  /** Rows in use. */
  length = 0;
  readonly #buckets: number;
  readonly #rows = new Map<number, number>();
  // Keys below 2^22 are looked up in this array (row + 1, 0 = none), grown on demand.
  #dense = new Int32Array(0);
  /** Stack id per row. */
  stack = new Float64Array(64);
  /** Class per row (`buckets − 1` = large). */
  cls = new Uint16Array(64);
  /** Blocks allocated. */
  allocBlocks = new Float64Array(64);
  /** Bytes allocated. */
  allocBytes = new Float64Array(64);
  /** Blocks live now. */
  liveBlocks = new Float64Array(64);
  /** Bytes live now. */
  liveBytes = new Float64Array(64);
  /** Temporary blocks (freed soon after allocation). */
  tempBlocks = new Float64Array(64);
  /** Bytes of temporary blocks. */
  tempBytes = new Float64Array(64);

  /** @param buckets - classes plus one (the large bucket) */
  constructor(buckets: number) {
    this.#buckets = buckets;
  }

  /**
   * The row of site (stack, cls), created on first use.
   *
   * @param stack - stack id
   * @param cls - class bucket
   */
  row(stack: number, cls: number): number {
    const key = stack * this.#buckets + cls;
    const dense = key < 1 << 22;
    if (dense) {
      if (key < this.#dense.length && this.#dense[key] !== 0) return this.#dense[key]! - 1;
    } else {
      const known = this.#rows.get(key);
      if (known !== undefined) return known;
    }
    if (this.length === this.stack.length) this.#grow();
    const r = this.length++;
    if (dense) {
      if (key >= this.#dense.length) {
        let cap = Math.max(256, this.#dense.length);
        while (cap <= key) cap *= 2;
        const next = new Int32Array(cap);
        next.set(this.#dense);
        this.#dense = next;
      }
      this.#dense[key] = r + 1;
    } else this.#rows.set(key, r);
    this.stack[r] = stack;
    this.cls[r] = cls;
    return r;
  }

  #grow(): void {
    const cap = this.stack.length * 2;
    const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const cls = new Uint16Array(cap);
    cls.set(this.cls);
    this.cls = cls;
    this.stack = f(this.stack);
    this.allocBlocks = f(this.allocBlocks);
    this.allocBytes = f(this.allocBytes);
    this.liveBlocks = f(this.liveBlocks);
    this.liveBytes = f(this.liveBytes);
    this.tempBlocks = f(this.tempBlocks);
    this.tempBytes = f(this.tempBytes);
  }
}
