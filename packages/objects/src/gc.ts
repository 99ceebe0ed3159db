/**
 * The cyclic garbage collector of CPython 3.11 (`Modules/gcmodule.c`),
 * working on the GC heads in heap memory: three generation lists plus the
 * permanent one, `gc_refs` in the high word of `_gc_next`, flags
 * (finalized, collecting, unreachable) in the high word of `_gc_prev`.
 * Nothing is allocated in JS per object while collecting.
 * @internal
 * @packageDocumentation
 */
import { tpClear } from './clear.js';
import { ObjectModelError } from './errors.js';
import { clearFreeLists } from './free-lists.js';
import type { GcCallbackInfo } from './gc-state.js';
import { DEBUG_SAVEALL, HEAD_FINAL, HEAD_FINALIZERS, HEAD_SEEN, HEAD_UNREACHABLE, HEAD_WRCB } from './gc-state.js';
import { DICT_KEYS, DICT_VALUES, DK_NENTRIES, FIRST_CLASS_ID, GC_FLAG_COLLECTING, GC_FLAG_FINALIZED, GC_FLAG_UNREACHABLE, GC_HEAD, NUM_GENERATIONS, OB_SIZE, OB_TYPE, TUPLE_ITEMS, T_DICT, T_TUPLE, T_WEAKREF, WR_CALLBACK, DICT_KEYS_GENERAL } from './layout.js';
import { list, listAppend } from './list.js';
import { decref, incref } from './refcount.js';
import type { SpaceState } from './state.js';
import { traverse } from './traverse.js';
import { clearRef, weakrefListPtr } from './weakrefs.js';
import { genHead, listEmpty, listMerge, listMove, listSize, next, scratchHead } from './gc-lists.js';
import { entryKey, entryValueAddr, keysKind } from './dict-keys.js';

function isGc(sp: SpaceState, x: number): boolean {
  return sp.isGcType(sp.mem.u32[(x + OB_TYPE) >>> 2]!);
}

function flagsIndex(g: number): number {
  return (g >>> 2) + 3;
}

function refsIndex(g: number): number {
  return (g >>> 2) + 1;
}

// ------------------------------------------------------------ visitors

function visitDecref(sp: SpaceState, x: number): void {
  if (!isGc(sp, x)) return;
  const g = x - GC_HEAD;
  const u32 = sp.mem.u32;
  if ((u32[flagsIndex(g)]! & GC_FLAG_COLLECTING) !== 0) u32[refsIndex(g)] = (u32[refsIndex(g)]! | 0) - 1;
}

function visitReachable(sp: SpaceState, x: number): void {
  if (!isGc(sp, x)) return;
  const g = x - GC_HEAD;
  const u32 = sp.mem.u32;
  const f = u32[flagsIndex(g)]!;
  if ((f & GC_FLAG_COLLECTING) === 0) return;
  if ((f & GC_FLAG_UNREACHABLE) !== 0) {
    listMove(sp, g, sp.gc.target);
    u32[flagsIndex(g)] = f & ~GC_FLAG_UNREACHABLE;
    u32[refsIndex(g)] = 1;
  } else if (u32[refsIndex(g)] === 0) {
    u32[refsIndex(g)] = 1;
  }
}

function visitMove(sp: SpaceState, x: number): void {
  if (!isGc(sp, x)) return;
  const g = x - GC_HEAD;
  const u32 = sp.mem.u32;
  const f = u32[flagsIndex(g)]!;
  if ((f & GC_FLAG_COLLECTING) !== 0) {
    listMove(sp, g, sp.gc.target);
    u32[flagsIndex(g)] = f & ~GC_FLAG_COLLECTING;
  }
}

// ------------------------------------------------------------ phases

function refcountTooSmall(sp: SpaceState, a: number): ObjectModelError {
  const name = sp.typeNameOfId(sp.r(a + OB_TYPE));
  return new ObjectModelError('E_REFCOUNT', `gc: refcount is too small: ${name} at 0x${a.toString(16)} has ${sp.r(a)} references but more from the objects being collected`, a, name);
}

/** `update_refs`: gc_refs = ob_refcnt, collecting flag set (finalized flag kept). */
function updateRefs(sp: SpaceState, h: number): void {
  const u32 = sp.mem.u32;
  for (let g = u32[h >>> 2]!; g !== h; g = u32[g >>> 2]!) {
    const rc = u32[(g + GC_HEAD) >>> 2]!;
    if (rc === 0) throw refcountTooSmall(sp, g + GC_HEAD);
    u32[refsIndex(g)] = rc;
    u32[flagsIndex(g)] = (u32[flagsIndex(g)]! & GC_FLAG_FINALIZED) | GC_FLAG_COLLECTING;
  }
}

/** `subtract_refs`. */
function subtractRefs(sp: SpaceState, h: number): void {
  const u32 = sp.mem.u32;
  for (let g = u32[h >>> 2]!; g !== h; g = u32[g >>> 2]!) traverse(sp, g + GC_HEAD, visitDecref);
}

/** `move_unreachable`: objects with gc_refs 0 go to `unreachable` unless a reachable one reaches them. */
function moveUnreachable(sp: SpaceState, young: number, unreachable: number): void {
  const u32 = sp.mem.u32;
  let g = u32[young >>> 2]!;
  while (g !== young) {
    const refs = u32[refsIndex(g)]! | 0;
    if (refs !== 0) {
      if (refs < 0) throw refcountTooSmall(sp, g + GC_HEAD);
      sp.gc.target = young;
      traverse(sp, g + GC_HEAD, visitReachable);
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! & ~GC_FLAG_COLLECTING;
      g = u32[g >>> 2]!;
    } else {
      const nx = u32[g >>> 2]!;
      listMove(sp, g, unreachable);
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! | GC_FLAG_UNREACHABLE;
      g = nx;
    }
  }
}

/** `deduce_unreachable`. */
function deduceUnreachable(sp: SpaceState, base: number, unreachable: number): void {
  updateRefs(sp, base);
  subtractRefs(sp, base);
  moveUnreachable(sp, base, unreachable);
}

/** `untrack_tuples`: tuples holding nothing that may be tracked are untracked. */
function untrackTuples(sp: SpaceState, h: number): void {
  const u32 = sp.mem.u32;
  let g = u32[h >>> 2]!;
  while (g !== h) {
    const nx = u32[g >>> 2]!;
    const a = g + GC_HEAD;
    if (u32[(a + OB_TYPE) >>> 2] === T_TUPLE) {
      const n = u32[(a + OB_SIZE) >>> 2]!;
      let keep = false;
      for (let i = 0; i < n; i++) {
        const x = u32[(a + TUPLE_ITEMS + 8 * i) >>> 2]!;
        if (x === 0 || sp.mayBeTracked(x)) {
          keep = true;
          break;
        }
      }
      if (!keep) sp.untrack(a);
    }
    g = nx;
  }
}

/** `untrack_dicts` / `_PyDict_MaybeUntrack`: dicts holding nothing that may be tracked are untracked. */
function untrackDicts(sp: SpaceState, h: number): void {
  const u32 = sp.mem.u32;
  let g = u32[h >>> 2]!;
  while (g !== h) {
    const nx = u32[g >>> 2]!;
    const a = g + GC_HEAD;
    if (u32[(a + OB_TYPE) >>> 2] === T_DICT && !dictMayHoldTracked(sp, a)) sp.untrack(a);
    g = nx;
  }
}

function dictMayHoldTracked(sp: SpaceState, d: number): boolean {
  const u32 = sp.mem.u32;
  const k = u32[(d + DICT_KEYS) >>> 2]!;
  const values = u32[(d + DICT_VALUES) >>> 2]!;
  const n = u32[(k + DK_NENTRIES) >>> 2]!;
  const general = values === 0 && keysKind(sp.mem, k) === DICT_KEYS_GENERAL;
  for (let i = 0; i < n; i++) {
    const v = values !== 0 ? u32[(values + 8 * i) >>> 2]! : u32[entryValueAddr(sp.mem, k, i) >>> 2]!;
    if (v === 0) continue;
    if (sp.mayBeTracked(v)) return true;
    if (general && sp.mayBeTracked(entryKey(sp.mem, k, i))) return true;
  }
  return false;
}

function hasLegacyFinalizer(sp: SpaceState, a: number): boolean {
  const t = sp.mem.u32[(a + OB_TYPE) >>> 2]!;
  return t >= FIRST_CLASS_ID && sp.classLegacyDel[t - FIRST_CLASS_ID] !== null;
}

/**
 * `move_legacy_finalizers` then `move_legacy_finalizer_reachable`. Returns
 * the length of `unreachable` when no class has a legacy finalizer (counted
 * in the pass that clears the flags), else -1.
 */
function moveLegacyFinalizers(sp: SpaceState, unreachable: number, finalizers: number): number {
  const u32 = sp.mem.u32;
  if (sp.gc.legacyClasses === 0) {
    let n = 0;
    for (let g = u32[unreachable >>> 2]!; g !== unreachable; g = u32[g >>> 2]!) {
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! & ~GC_FLAG_UNREACHABLE;
      n++;
    }
    return n;
  }
  let g = u32[unreachable >>> 2]!;
  while (g !== unreachable) {
    const nx = u32[g >>> 2]!;
    u32[flagsIndex(g)] = u32[flagsIndex(g)]! & ~GC_FLAG_UNREACHABLE;
    if (hasLegacyFinalizer(sp, g + GC_HEAD)) {
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! & ~GC_FLAG_COLLECTING;
      listMove(sp, g, finalizers);
    }
    g = nx;
  }
  for (g = u32[finalizers >>> 2]!; g !== finalizers; g = u32[g >>> 2]!) {
    sp.gc.target = finalizers;
    traverse(sp, g + GC_HEAD, visitMove);
  }
  return -1;
}

/**
 * `handle_weakrefs`: weakrefs in the garbage and weakrefs to it are
 * cleared; callbacks of the reachable ones run afterwards. Returns the
 * number of weakrefs freed by dropping their reference after the callback.
 */
function handleWeakrefs(sp: SpaceState, unreachable: number, old: number): number {
  const u32 = sp.mem.u32;
  const wrcb = scratchHead(sp, HEAD_WRCB);
  if (sp.gc.weakrefs === 0) return 0;
  for (let g = u32[unreachable >>> 2]!; g !== unreachable; g = u32[g >>> 2]!) {
    const a = g + GC_HEAD;
    if (u32[(a + OB_TYPE) >>> 2] === T_WEAKREF) clearRef(sp, a);
    const list = weakrefListPtr(sp, a);
    if (list === 0) continue;
    for (let wr = u32[list >>> 2]!; wr !== 0; wr = u32[list >>> 2]!) {
      clearRef(sp, wr);
      if (u32[(wr + WR_CALLBACK) >>> 2] === 0) continue;
      const wg = wr - GC_HEAD;
      if ((u32[flagsIndex(wg)]! & GC_FLAG_COLLECTING) !== 0) continue;
      incref(sp, wr);
      listMove(sp, wg, wrcb);
    }
  }
  let freed = 0;
  while (!listEmpty(sp, wrcb)) {
    const g = next(sp, wrcb);
    const wr = g + GC_HEAD;
    const id = u32[(wr + WR_CALLBACK) >>> 2]!;
    const cb = id === 0 ? null : (sp.wrCallbacks[id - 1] ?? null);
    sp.gc.ranCode = true; // the callback, or a dealloc cascade from the decref below
    if (cb !== null) cb(wr);
    decref(sp, wr);
    if (next(sp, wrcb) === g) listMove(sp, g, old);
    else freed++;
  }
  return freed;
}

/** `finalize_garbage`: `__del__` of each object not yet finalized, once (flag set before the call). */
function finalizeGarbage(sp: SpaceState, collectable: number): void {
  const u32 = sp.mem.u32;
  const seen = scratchHead(sp, HEAD_SEEN);
  if (sp.gc.delClasses === 0) return;
  while (!listEmpty(sp, collectable)) {
    const g = next(sp, collectable);
    const a = g + GC_HEAD;
    listMove(sp, g, seen);
    const t = u32[(a + OB_TYPE) >>> 2]!;
    const del = t >= FIRST_CLASS_ID ? (sp.classDel[t - FIRST_CLASS_ID] ?? null) : null;
    if (del !== null && (u32[flagsIndex(g)]! & GC_FLAG_FINALIZED) === 0) {
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! | GC_FLAG_FINALIZED;
      sp.gc.ranCode = true;
      incref(sp, a);
      del(a);
      decref(sp, a);
    }
  }
  listMerge(sp, seen, collectable);
}

/**
 * `handle_resurrected_objects`: recompute what is still unreachable; the
 * rest moves to `old`. Returns true when no code ran (everything moved to
 * `still` as it was).
 */
function handleResurrected(sp: SpaceState, unreachable: number, still: number, old: number): boolean {
  const u32 = sp.mem.u32;
  if (!sp.gc.ranCode) {
    // No finalizer or callback ran: nothing can have been resurrected, and
    // deduce_unreachable would move every object, in order, to `still`.
    listMerge(sp, unreachable, still);
    return true;
  }
  for (let g = u32[unreachable >>> 2]!; g !== unreachable; g = u32[g >>> 2]!) {
    u32[flagsIndex(g)] = u32[flagsIndex(g)]! & GC_FLAG_FINALIZED;
  }
  deduceUnreachable(sp, unreachable, still);
  for (let g = u32[still >>> 2]!; g !== still; g = u32[g >>> 2]!) {
    u32[flagsIndex(g)] = u32[flagsIndex(g)]! & ~GC_FLAG_UNREACHABLE;
  }
  listMerge(sp, unreachable, old);
  return false;
}

/** Appends `a` to `gc.garbage` (a heap list, made on first use). */
export function garbageAppend(sp: SpaceState, a: number): void {
  if (sp.gc.garbage === 0) sp.gc.garbage = list(sp);
  listAppend(sp, sp.gc.garbage, a);
}

/** `delete_garbage`: `tp_clear` on each (held by a temporary reference), or to `gc.garbage` with DEBUG_SAVEALL; survivors move to `old`. */
function deleteGarbage(sp: SpaceState, collectable: number, old: number): void {
  const u32 = sp.mem.u32;
  const saveall = (sp.gc.debug & DEBUG_SAVEALL) !== 0;
  while (!listEmpty(sp, collectable)) {
    const g = next(sp, collectable);
    const a = g + GC_HEAD;
    if (u32[a >>> 2] === 0) throw refcountTooSmall(sp, a);
    if (saveall) {
      garbageAppend(sp, a);
    } else if (sp.isGcType(u32[(a + OB_TYPE) >>> 2]!)) {
      incref(sp, a);
      tpClear(sp, a);
      decref(sp, a);
    }
    if (next(sp, collectable) === g) {
      u32[flagsIndex(g)] = u32[flagsIndex(g)]! & GC_FLAG_FINALIZED;
      listMove(sp, g, old);
    }
  }
}

function getCount(sp: SpaceState, i: number): number {
  return i === 0 ? sp.count0 : i === 1 ? sp.gc.count1 : sp.gc.count2;
}

function setCount(sp: SpaceState, i: number, v: number): void {
  if (i === 0) sp.count0 = v;
  else if (i === 1) sp.gc.count1 = v;
  else sp.gc.count2 = v;
}

/** `gc_collect_main`: collects generation `generation` (the younger ones merged into it). */
function collectMain(sp: SpaceState, generation: number): void {
  const gc = sp.gc;
  const u32 = sp.mem.u32;
  if (generation + 1 < NUM_GENERATIONS) setCount(sp, generation + 1, getCount(sp, generation + 1) + 1);
  for (let i = 0; i <= generation; i++) setCount(sp, i, 0);
  const young = genHead(sp, generation);
  for (let i = 0; i < generation; i++) listMerge(sp, genHead(sp, i), young);
  const old = generation < NUM_GENERATIONS - 1 ? genHead(sp, generation + 1) : young;

  const unreachable = scratchHead(sp, HEAD_UNREACHABLE);
  deduceUnreachable(sp, young, unreachable);
  untrackTuples(sp, young);
  if (young !== old) {
    if (generation === NUM_GENERATIONS - 2) gc.longLivedPending += listSize(sp, young);
    listMerge(sp, young, old);
  } else {
    untrackDicts(sp, young);
    gc.longLivedPending = 0;
    gc.longLivedTotal = listSize(sp, young);
  }

  const finalizers = scratchHead(sp, HEAD_FINALIZERS);
  gc.ranCode = false;
  const counted = moveLegacyFinalizers(sp, unreachable, finalizers);
  let m = handleWeakrefs(sp, unreachable, old);
  finalizeGarbage(sp, unreachable);
  const final = scratchHead(sp, HEAD_FINAL);
  const asCounted = handleResurrected(sp, unreachable, final, old);
  // when no code ran, `final` is `unreachable` as counted
  m += counted >= 0 && asCounted ? counted : listSize(sp, final);
  const obs = sp.observer;
  if (obs?.gcObject !== undefined) {
    for (let g = u32[final >>> 2]!; g !== final; g = u32[g >>> 2]!) obs.gcObject(g + GC_HEAD, 'collected');
    for (let g = u32[finalizers >>> 2]!; g !== finalizers; g = u32[g >>> 2]!) obs.gcObject(g + GC_HEAD, 'uncollectable');
  }
  deleteGarbage(sp, final, old);

  let n = 0;
  const saveall = (gc.debug & DEBUG_SAVEALL) !== 0;
  for (let g = u32[finalizers >>> 2]!; g !== finalizers; g = u32[g >>> 2]!) {
    n++;
    const a = g + GC_HEAD;
    if (saveall || hasLegacyFinalizer(sp, a)) garbageAppend(sp, a);
  }
  listMerge(sp, finalizers, old);
  if (generation === NUM_GENERATIONS - 1) clearFreeLists(sp);

  gc.stats[3 * generation] = gc.stats[3 * generation]! + 1;
  gc.stats[3 * generation + 1] = gc.stats[3 * generation + 1]! + m;
  gc.stats[3 * generation + 2] = gc.stats[3 * generation + 2]! + n;
  gc.lastCollected = m;
  gc.lastUncollectable = n;
}

function invokeCallbacks(sp: SpaceState, phase: 'start' | 'stop', info: GcCallbackInfo): void {
  const cbs = sp.gc.callbacks;
  if (cbs.length === 0) return;
  for (const cb of cbs.slice()) cb(phase, info);
}

/** `gc_collect_with_callback`: "start" callbacks, the collection, "stop" callbacks; returns collected + uncollectable. */
export function collectWithCallback(sp: SpaceState, generation: number): number {
  invokeCallbacks(sp, 'start', { generation, collected: 0, uncollectable: 0 });
  collectMain(sp, generation);
  const collected = sp.gc.lastCollected;
  const uncollectable = sp.gc.lastUncollectable;
  invokeCallbacks(sp, 'stop', { generation, collected, uncollectable });
  return collected + uncollectable;
}

/** `gc.collect(generation)`: 0 when a collection is already running. */
export function collect(sp: SpaceState, generation: number): number {
  if (!Number.isInteger(generation) || generation < 0 || generation >= NUM_GENERATIONS) {
    throw new ObjectModelError('E_VALUE', `gc.collect: invalid generation ${generation} (0, 1 or 2)`);
  }
  const gc = sp.gc;
  if (gc.collecting) return 0;
  gc.collecting = true;
  try {
    return collectWithCallback(sp, generation);
  } finally {
    gc.collecting = false;
  }
}

/** `gc_collect_generations` (from the GC allocator): the oldest generation over its threshold, gen 2 only under the 25 % rule. */
export function collectGenerations(sp: SpaceState): void {
  const gc = sp.gc;
  gc.collecting = true;
  try {
    for (let i = NUM_GENERATIONS - 1; i >= 0; i--) {
      const threshold = i === 0 ? gc.threshold0 : i === 1 ? gc.threshold1 : gc.threshold2;
      if (getCount(sp, i) > threshold) {
        if (i === NUM_GENERATIONS - 1 && gc.longLivedPending < Math.floor(gc.longLivedTotal / 4)) continue;
        collectWithCallback(sp, i);
        break;
      }
    }
  } finally {
    gc.collecting = false;
  }
}

