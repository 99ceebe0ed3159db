/**
 * State of the cyclic garbage collector (`GCState` of 3.11's gcmodule.c)
 * that lives outside the heap: counters, thresholds, statistics, flags.
 * The generation lists themselves are in heap memory (GC heads).
 * @internal
 * @packageDocumentation
 */

/** GC list heads the space keeps after generation 0's: gen 1, gen 2, permanent, then scratch lists of a collection. */
export const GC_LIST_HEADS = 8;
/** Index (in the heads block) of generation 1's head. */
export const HEAD_GEN1 = 0;
/** Generation 2. */
export const HEAD_GEN2 = 1;
/** The permanent generation (`gc.freeze()`). */
export const HEAD_PERMANENT = 2;
/** `unreachable` of a collection. */
export const HEAD_UNREACHABLE = 3;
/** `finalizers` (legacy `tp_del` and what they reach). */
export const HEAD_FINALIZERS = 4;
/** `wrcb_to_call`. */
export const HEAD_WRCB = 5;
/** `seen` of `finalize_garbage`. */
export const HEAD_SEEN = 6;
/** `final_unreachable` after the resurrection check. */
export const HEAD_FINAL = 7;

/** `DEBUG_STATS`. */
export const DEBUG_STATS = 1;
/** `DEBUG_COLLECTABLE`. */
export const DEBUG_COLLECTABLE = 2;
/** `DEBUG_UNCOLLECTABLE`. */
export const DEBUG_UNCOLLECTABLE = 4;
/** `DEBUG_SAVEALL`: unreachable objects go to `gc.garbage` instead of being cleared. */
export const DEBUG_SAVEALL = 32;
/** `DEBUG_LEAK` = COLLECTABLE | UNCOLLECTABLE | SAVEALL. */
export const DEBUG_LEAK = 38;

/** What `gc.callbacks` receive as `info`. */
export interface GcCallbackInfo {
  /** The generation being collected. */
  readonly generation: number;
  /** Objects collected (0 at "start"). */
  readonly collected: number;
  /** Objects found uncollectable (0 at "start"). */
  readonly uncollectable: number;
}

/** A `gc.callbacks` entry: called with "start" and "stop" around every collection. */
export type GcCallback = (phase: 'start' | 'stop', info: GcCallbackInfo) => void;

/** Counters and settings of the collector (one per space). @internal */
export class GcState {
  /** `generations[1].count`, `generations[2].count` (`count0` is on the space state). */
  count1 = 0;
  count2 = 0;
  threshold0 = 700;
  threshold1 = 10;
  threshold2 = 10;
  enabled = true;
  collecting = false;
  debug = 0;
  longLivedTotal = 0;
  longLivedPending = 0;
  /** Per generation: collections, collected, uncollectable. */
  readonly stats = new Float64Array(9);
  /** `gc.garbage`: a heap list made on first use (0 until then). */
  garbage = 0;
  /** `gc.callbacks`. */
  readonly callbacks: GcCallback[] = [];
  /** Collected and uncollectable counts of the last collection. */
  lastCollected = 0;
  lastUncollectable = 0;
  /** Live weakref objects, classes with `__del__`, classes with a legacy finalizer: phases with nothing to do are skipped. */
  weakrefs = 0;
  delClasses = 0;
  legacyClasses = 0;
  /** A finalizer or weakref callback ran in this collection (JS code that could resurrect objects). */
  ranCode = false;
  /** Scratch of the visitors (a found flag, a target). */
  found = false;
  /** Where `referents` collects. */
  collectInto: number[] | null = null;
  target = 0;
  /** Scratch copy of a set's small table while it is cleared. */
  readonly smallCopy = new Uint32Array(32);
}
