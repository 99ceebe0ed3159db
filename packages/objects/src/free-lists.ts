/**
 * The type free lists as a full collection sees them: sizes and `clear_freelists`.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { DICT_BLOCK, DICT_LOG_MINSIZE, GC_HEAD, LIST_BLOCK, OB_TYPE, TUPLE_ITEMS, TUPLE_NFREELISTS, keysBlockSize, tupleBlockSize } from './layout.js';
import type { SpaceState } from './state.js';
import type { FreeListSizes } from './types.js';

/** Current sizes of the type free lists. */
export function freeListSizes(sp: SpaceState): FreeListSizes {
  return {
    float: sp.floatFreeCount,
    tuple: Array.from(sp.tupleFreeCount),
    list: sp.listFreeCount,
    dict: sp.dictFreeCount,
    dictKeys: sp.keysFreeCount,
  };
}

/**
 * Frees everything the type free lists hold, in the order a full
 * collection does (`clear_freelists`): tuples (by length, each list from
 * its head), floats, lists, dicts, then dict keys objects.
 */
export function clearFreeLists(sp: SpaceState): void {
  for (let i = 0; i < TUPLE_NFREELISTS; i++) {
    let p = sp.tupleFree[i]!;
    sp.tupleFree[i] = 0;
    sp.tupleFreeCount[i] = 0;
    while (p !== 0) {
      const q = p;
      p = sp.r(p + TUPLE_ITEMS);
      releaseRecycledGc(sp, q, tupleBlockSize(i + 1));
    }
  }
  let f = sp.floatFree;
  sp.floatFree = 0;
  sp.floatFreeCount = 0;
  while (f !== 0) {
    const next = sp.r(f + OB_TYPE);
    sp.free(f, 24);
    f = next;
  }
  while (sp.listFreeCount > 0) releaseRecycledGc(sp, sp.listFree[--sp.listFreeCount]!, LIST_BLOCK);
  while (sp.dictFreeCount > 0) releaseRecycledGc(sp, sp.dictFree[--sp.dictFreeCount]!, DICT_BLOCK);
  while (sp.keysFreeCount > 0) sp.free(sp.keysFree[--sp.keysFreeCount]!, keysBlockSize(DICT_LOG_MINSIZE, true));
}

/** PyObject_GC_Del of a free-listed (already dead, untracked) object. */
export function releaseRecycledGc(sp: SpaceState, a: number, blockSize: number): void {
  if (sp.count0 > 0) sp.count0--;
  sp.free(a - GC_HEAD, blockSize);
}
