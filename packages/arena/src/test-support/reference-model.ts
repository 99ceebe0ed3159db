/**
 * A deliberately simple second model of pymalloc for property tests: plain
 * objects and arrays, linear scans, and the placement rules written as the
 * spec states them (no fingers, no intrusive lists). If it and `Pymalloc`
 * agree on every address over random streams, both follow the same rules.
 */
import type { Geometry } from '../geometry.js';
import { blocksPerPool, classToSize } from '../geometry.js';

interface RefPool {
  readonly address: number;
  szidx: number;
  count: number;
  /** Free list as a stack: the last element is the head. */
  free: number[];
  nextoffset: number;
}

interface RefArena {
  readonly base: number;
  readonly total: number;
  carved: number;
  readonly firstPool: number;
  nfree: number;
  /** Empty pools, a stack. */
  freepools: RefPool[];
  pools: Map<number, RefPool>;
}

/** What happened to arenas during one call. */
export interface RefEvents {
  allocated: number[];
  released: number[];
}

export class ReferenceModel {
  private readonly arenas: RefArena[] = [];
  /** usable_arenas, head first. */
  private usable: RefArena[] = [];
  /** usedpools per class, head first. */
  private readonly used: RefPool[][];
  readonly events: RefEvents = { allocated: [], released: [] };

  constructor(
    private readonly g: Geometry,
    private readonly nextBase: () => number,
    private readonly fallback: () => number,
  ) {
    this.used = Array.from({ length: g.nClasses }, () => []);
  }

  malloc(n: number): number {
    if (n === 0 || n > this.g.threshold) return this.fallback();
    const idx = (n - 1) >> this.g.alignmentShift;
    const size = classToSize(this.g, idx);
    const list = this.used[idx]!;
    const head = list[0];
    if (head !== undefined) {
      head.count++;
      const b = head.free.pop()!;
      if (head.free.length === 0) {
        if (head.nextoffset <= this.g.poolSize - size) {
          head.free.push(head.address + head.nextoffset);
          head.nextoffset += size;
        } else {
          list.shift();
        }
      }
      return b;
    }
    if (this.usable.length === 0) this.newArena();
    const a = this.usable[0]!;
    let pool = a.freepools.pop();
    if (pool === undefined) {
      pool = { address: a.firstPool + a.carved * this.g.poolSize, szidx: -1, count: 0, free: [], nextoffset: 0 };
      a.pools.set(pool.address, pool);
      a.carved++;
    }
    a.nfree--;
    // Its count shrank and it already had the smallest: it stays at the head, or leaves when 0.
    if (a.nfree === 0) this.usable.shift();
    list.unshift(pool);
    pool.count = 1;
    if (pool.szidx === idx) return pool.free.pop()!;
    pool.szidx = idx;
    pool.free = [pool.address + this.g.poolOverhead + size];
    pool.nextoffset = this.g.poolOverhead + 2 * size;
    return pool.address + this.g.poolOverhead;
  }

  free(p: number): void {
    const a = this.arenas.find((x) => p >= x.base && p < x.base + this.g.arenaSize);
    if (a === undefined) return;
    const pool = a.pools.get(p - (p % this.g.poolSize))!;
    const wasFull = pool.free.length === 0;
    pool.free.push(p);
    pool.count--;
    const list = this.used[pool.szidx]!;
    if (wasFull) {
      list.unshift(pool);
      return;
    }
    if (pool.count > 0) return;
    list.splice(list.indexOf(pool), 1);
    a.freepools.push(pool);
    const pos = this.usable.indexOf(a);
    a.nfree++;
    const isLast = pos === this.usable.length - 1;
    if (a.nfree === a.total && (!this.g.keepEmptyArena || (pos >= 0 && !isLast))) {
      if (pos >= 0) this.usable.splice(pos, 1);
      this.arenas.splice(this.arenas.indexOf(a), 1);
      this.events.released.push(a.base);
      return;
    }
    if (pos >= 0) this.usable.splice(pos, 1);
    // Front of the group of its new count: before the first arena with a count >= it.
    let at = this.usable.findIndex((x) => x.nfree >= a.nfree);
    if (at < 0) at = this.usable.length;
    this.usable.splice(at, 0, a);
  }

  realloc(p: number, n: number): number {
    if (p === 0) return this.malloc(n);
    const a = this.arenas.find((x) => p >= x.base && p < x.base + this.g.arenaSize);
    if (a === undefined) return this.fallback();
    const size = classToSize(this.g, a.pools.get(p - (p % this.g.poolSize))!.szidx);
    if (n <= size && 4 * n > 3 * size) return p;
    const q = this.malloc(n);
    this.free(p);
    return q;
  }

  /** Blocks in use per class, for comparing statistics. */
  inUse(): number[] {
    const out = new Array<number>(this.g.nClasses).fill(0);
    for (const a of this.arenas) for (const pool of a.pools.values()) if (pool.count > 0) out[pool.szidx]! += pool.count;
    return out;
  }

  private newArena(): void {
    const base = this.nextBase();
    const excess = base % this.g.poolSize;
    const total = this.g.maxPoolsInArena - (excess === 0 ? 0 : 1);
    const a: RefArena = {
      base,
      total,
      carved: 0,
      firstPool: excess === 0 ? base : base + this.g.poolSize - excess,
      nfree: total,
      freepools: [],
      pools: new Map(),
    };
    this.arenas.push(a);
    this.usable.push(a);
    this.events.allocated.push(base);
  }

  /** Blocks per pool of a class (exposed for tests). */
  blocks(idx: number): number {
    return blocksPerPool(this.g, idx);
  }
}
