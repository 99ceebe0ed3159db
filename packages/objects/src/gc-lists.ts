/**
 * The GC lists in heap memory: generation heads (gen 0 in the static block's
 * first words, gens 1, 2, permanent and a collection's scratch lists after
 * it) and the doubly linked list operations on GC heads (`gc_list_*`).
 * @internal
 * @packageDocumentation
 */
import { HEAD_GEN1, HEAD_GEN2, HEAD_PERMANENT } from './gc-state.js';
import type { SpaceState } from './state.js';

/** Address of the head of generation `i` (0..2), or of the permanent generation for 3. */
export function genHead(sp: SpaceState, i: number): number {
  if (i === 0) return sp.gen0;
  return sp.gcHeads + 16 * (i === 1 ? HEAD_GEN1 : i === 2 ? HEAD_GEN2 : HEAD_PERMANENT);
}

export function scratchHead(sp: SpaceState, h: number): number {
  return sp.gcHeads + 16 * h;
}

export function next(sp: SpaceState, g: number): number {
  return sp.mem.u32[g >>> 2]!;
}

export function listEmpty(sp: SpaceState, h: number): boolean {
  return sp.mem.u32[h >>> 2] === h;
}

/** `gc_list_size`. */
export function listSize(sp: SpaceState, h: number): number {
  let n = 0;
  const u32 = sp.mem.u32;
  for (let g = u32[h >>> 2]!; g !== h; g = u32[g >>> 2]!) n++;
  return n;
}

/** `gc_list_merge`: appends every element of `from` to `to` (order kept), `from` left empty. */
export function listMerge(sp: SpaceState, from: number, to: number): void {
  const u32 = sp.mem.u32;
  const first = u32[from >>> 2]!;
  if (first === from) return;
  const last = u32[(from + 8) >>> 2]!;
  const tail = u32[(to + 8) >>> 2]!;
  u32[tail >>> 2] = first;
  u32[(first + 8) >>> 2] = tail;
  u32[last >>> 2] = to;
  u32[(to + 8) >>> 2] = last;
  u32[from >>> 2] = from;
  u32[(from + 8) >>> 2] = from;
}

export function listMove(sp: SpaceState, g: number, to: number): void {
  sp.listRemove(g);
  sp.listAppend(g, to);
}
