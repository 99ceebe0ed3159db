/**
 * The public `gc` module of a space.
 * @packageDocumentation
 */
import { ObjectModelError } from './errors.js';
import { listClear } from './clear.js';
import { collect } from './gc.js';
import { counts, freeze, isFinalized, objectsOf, referrersOf, unfreeze } from './gc-inspect.js';
import { genHead, listSize } from './gc-lists.js';
import type { GcCallback } from './gc-state.js';
import { DEBUG_COLLECTABLE, DEBUG_LEAK, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE } from './gc-state.js';
import { isTracked, referents } from './introspection.js';
import { list } from './list.js';
import type { SpaceState } from './state.js';

/** One generation's entry of {@link GcModule.getStats} (`gc.get_stats()`). */
export interface GcGenerationStats {
  /** Collections of this generation. */
  readonly collections: number;
  /** Objects collected by them. */
  readonly collected: number;
  /** Objects found uncollectable by them. */
  readonly uncollectable: number;
}

/**
 * The `gc` module of a space (`space.gc`): CPython 3.11's cyclic collector
 * over the objects in heap memory. Names are camelCase:
 * `collect`, `enable`, `disable`, `isEnabled` (`isenabled`), `getCount`,
 * `getThreshold`, `setThreshold`, `getStats`, `getObjects`,
 * `getReferrers`, `getReferents`, `isTracked`, `isFinalized`, `freeze`,
 * `unfreeze`, `getFreezeCount`, `setDebug`, `getDebug`, `callbacks`,
 * `garbage`, and the `DEBUG_*` flags.
 */
export class GcModule {
  /** `gc.DEBUG_STATS` (accepted, prints nothing here). */
  readonly DEBUG_STATS = DEBUG_STATS;
  /** `gc.DEBUG_COLLECTABLE` (accepted, prints nothing here). */
  readonly DEBUG_COLLECTABLE = DEBUG_COLLECTABLE;
  /** `gc.DEBUG_UNCOLLECTABLE` (accepted, prints nothing here). */
  readonly DEBUG_UNCOLLECTABLE = DEBUG_UNCOLLECTABLE;
  /** `gc.DEBUG_SAVEALL`: unreachable objects are appended to {@link garbage} instead of being cleared. */
  readonly DEBUG_SAVEALL = DEBUG_SAVEALL;
  /** `gc.DEBUG_LEAK`. */
  readonly DEBUG_LEAK = DEBUG_LEAK;
  readonly #sp: SpaceState;

  /** @internal */
  constructor(sp: SpaceState) {
    this.#sp = sp;
  }

  /**
   * `gc.collect(generation=2)`: collects `generation` and the younger ones;
   * returns collected + uncollectable objects, 0 when called during a
   * collection (from a finalizer or callback). A generation-2 collection
   * also empties the type free lists.
   * @throws {@link ObjectModelError} `E_VALUE` for a generation other than 0, 1, 2.
   */
  collect(generation = 2): number {
    return collect(this.#sp, generation);
  }

  /** `gc.enable()`: automatic collection on. */
  enable(): void {
    this.#sp.gc.enabled = true;
  }

  /** `gc.disable()`: no automatic collection (explicit `collect` still works). */
  disable(): void {
    this.#sp.gc.enabled = false;
  }

  /** `gc.isenabled()`. */
  isEnabled(): boolean {
    return this.#sp.gc.enabled;
  }

  /** `gc.get_count()`: (count0, count1, count2). */
  getCount(): [number, number, number] {
    return counts(this.#sp);
  }

  /** `gc.get_threshold()`: (700, 10, 10) by default. */
  getThreshold(): [number, number, number] {
    const gc = this.#sp.gc;
    return [gc.threshold0, gc.threshold1, gc.threshold2];
  }

  /** `gc.set_threshold(t0[, t1[, t2]])`; a threshold0 of 0 disables automatic collection. */
  setThreshold(threshold0: number, threshold1?: number, threshold2?: number): void {
    const gc = this.#sp.gc;
    for (const t of [threshold0, threshold1 ?? 0, threshold2 ?? 0]) {
      if (!Number.isInteger(t)) throw new ObjectModelError('E_VALUE', `gc.setThreshold: ${t} is not an integer`);
    }
    gc.threshold0 = threshold0;
    if (threshold1 !== undefined) gc.threshold1 = threshold1;
    if (threshold2 !== undefined) gc.threshold2 = threshold2;
  }

  /** `gc.get_stats()`: per generation, collections, collected, uncollectable. */
  getStats(): GcGenerationStats[] {
    const s = this.#sp.gc.stats;
    return [0, 1, 2].map((g) => ({ collections: s[3 * g]!, collected: s[3 * g + 1]!, uncollectable: s[3 * g + 2]! }));
  }

  /**
   * `gc.get_objects(generation=None)`: tracked objects of a generation (or
   * of all three), in list order.
   * @throws {@link ObjectModelError} `E_VALUE` for a generation out of 0..2.
   */
  getObjects(generation?: number): number[] {
    if (generation !== undefined) {
      if (!Number.isInteger(generation)) throw new ObjectModelError('E_TYPE', `gc.getObjects: generation must be an integer, got ${generation}`);
      if (generation >= 3) throw new ObjectModelError('E_VALUE', 'gc.getObjects: generation parameter must be less than the number of available generations (3)');
      if (generation < 0) throw new ObjectModelError('E_VALUE', 'gc.getObjects: generation parameter cannot be negative');
    }
    return objectsOf(this.#sp, generation);
  }

  /** `gc.get_referrers(*objs)`: tracked objects that refer to any of `objs` (through their traverse). */
  getReferrers(...objs: number[]): number[] {
    for (const o of objs) this.#sp.check(o, 'gc.getReferrers');
    return referrersOf(this.#sp, objs);
  }

  /** `gc.get_referents(*objs)`: what the traverse of each GC object among `objs` visits (atomic objects give nothing). */
  getReferents(...objs: number[]): number[] {
    const out: number[] = [];
    for (const o of objs) {
      this.#sp.check(o, 'gc.getReferents');
      if (this.#sp.isGcType(this.#sp.r(o + 8))) out.push(...referents(this.#sp, o));
    }
    return out;
  }

  /** `gc.is_tracked(obj)`. */
  isTracked(obj: number): boolean {
    return isTracked(this.#sp, obj);
  }

  /** `gc.is_finalized(obj)`: its `__del__` was run (the flag in its GC head). */
  isFinalized(obj: number): boolean {
    this.#sp.check(obj, 'gc.isFinalized');
    return isFinalized(this.#sp, obj);
  }

  /** `gc.freeze()`: every tracked object into the permanent generation, never collected. */
  freeze(): void {
    freeze(this.#sp);
  }

  /** `gc.unfreeze()`: the permanent generation back into generation 2. */
  unfreeze(): void {
    unfreeze(this.#sp);
  }

  /** `gc.get_freeze_count()`. */
  getFreezeCount(): number {
    return listSize(this.#sp, genHead(this.#sp, 3));
  }

  /** `gc.set_debug(flags)`. */
  setDebug(flags: number): void {
    this.#sp.gc.debug = flags;
  }

  /** `gc.get_debug()`. */
  getDebug(): number {
    return this.#sp.gc.debug;
  }

  /** `gc.callbacks`: called with ("start" | "stop", info) around every collection, automatic or explicit. */
  get callbacks(): GcCallback[] {
    return this.#sp.gc.callbacks;
  }

  /**
   * `gc.garbage`: the address of a heap list (borrowed reference) holding
   * the uncollectable objects with legacy finalizers and, with
   * `DEBUG_SAVEALL`, all unreachable objects. The list object is made on
   * first use (CPython makes it at start-up).
   */
  get garbage(): number {
    const sp = this.#sp;
    if (sp.gc.garbage === 0) sp.gc.garbage = list(sp);
    return sp.gc.garbage;
  }

  /** Empties `gc.garbage` (`del gc.garbage[:]`, which is `_list_clear`: references released last to first, items array freed). */
  clearGarbage(): void {
    const g = this.#sp.gc.garbage;
    if (g !== 0) listClear(this.#sp, g);
  }
}
