/**
 * What the `gc` module tells about the lists: counts, objects of a
 * generation, referrers, the permanent generation (`freeze`), the
 * finalized flag.
 * @internal
 * @packageDocumentation
 */
import { genHead, listMerge } from './gc-lists.js';
import { GC_FLAG_FINALIZED, GC_HEAD, NUM_GENERATIONS, OB_TYPE } from './layout.js';
import type { SpaceState } from './state.js';
import { traverse } from './traverse.js';

/** `gc.get_count()`. */
export function counts(sp: SpaceState): [number, number, number] {
  return [sp.count0, sp.gc.count1, sp.gc.count2];
}

/** `gc.get_objects(generation)`: addresses in list order; all three generations when `generation` is undefined. */
export function objectsOf(sp: SpaceState, generation?: number): number[] {
  const out: number[] = [];
  const u32 = sp.mem.u32;
  const from = generation ?? 0;
  const to = generation ?? NUM_GENERATIONS - 1;
  for (let i = from; i <= to; i++) {
    const h = genHead(sp, i);
    for (let g = u32[h >>> 2]!; g !== h; g = u32[g >>> 2]!) out.push(g + GC_HEAD);
  }
  return out;
}

/** `gc.get_referrers(*objs)`: tracked objects (generations 0..2, list order) whose traverse visits one of `objs`. */
export function referrersOf(sp: SpaceState, objs: readonly number[]): number[] {
  const out: number[] = [];
  const u32 = sp.mem.u32;
  for (let i = 0; i < NUM_GENERATIONS; i++) {
    const h = genHead(sp, i);
    for (let g = u32[h >>> 2]!; g !== h; g = u32[g >>> 2]!) {
      const a = g + GC_HEAD;
      for (const o of objs) {
        if (refersTo(sp, a, o)) {
          out.push(a);
          break;
        }
      }
    }
  }
  return out;
}

/** `gc.freeze()`: every generation into the permanent one; count0 = 0. */
export function freeze(sp: SpaceState): void {
  for (let i = 0; i < NUM_GENERATIONS; i++) {
    listMerge(sp, genHead(sp, i), genHead(sp, 3));
    sp.count0 = 0;
  }
}

/** `gc.unfreeze()`: the permanent generation back into generation 2. */
export function unfreeze(sp: SpaceState): void {
  listMerge(sp, genHead(sp, 3), genHead(sp, 2));
}

/** `gc.is_finalized(obj)`. */
export function isFinalized(sp: SpaceState, a: number): boolean {
  if (!sp.isGcType(sp.r(a + OB_TYPE))) return false;
  return (sp.mem.u32[((a - GC_HEAD) >>> 2) + 3]! & GC_FLAG_FINALIZED) !== 0;
}

function refersTo(sp: SpaceState, a: number, o: number): boolean {
  sp.gc.target = o;
  sp.gc.found = false;
  traverse(sp, a, visitFind);
  return sp.gc.found;
}

function visitFind(sp: SpaceState, x: number): void {
  if (x === sp.gc.target) sp.gc.found = true;
}
