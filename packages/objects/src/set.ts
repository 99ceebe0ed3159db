/**
 * `set` and `frozenset`: construction, insertion, discard and deallocation.
 * Functions of the space's internal state; `ObjectSpace` delegates to them.
 * @internal
 * @packageDocumentation
 */
import { eq, hashInto } from './hashing.js';
import { typeOf } from './introspection.js';
import { GC_HEAD, GC_NEXT, LINEAR_PROBES, OB_SIZE, OB_TYPE, SET_BLOCK, SET_FILL, SET_HASH, SET_MASK, SET_MINSIZE, SET_SMALLTABLE, SET_TABLE, SET_USED, T_FROZENSET, T_SET, SET_WEAKREFS } from './layout.js';
import { decref, incref, trashBegin, trashEnd } from './refcount.js';
import type { SpaceState } from './state.js';
import { clearWeakRefs } from './weakrefs.js';

/** A new empty `set` (216 bytes: header and the 8-entry smalltable), tracked. */
export function set(sp: SpaceState, items: readonly number[] = []): number {
  return makeSet(sp, T_SET, items);
}

/** A new `frozenset` of `items` (added one by one, as from an iterator). */
export function frozenset(sp: SpaceState, items: readonly number[] = []): number {
  return makeSet(sp, T_FROZENSET, items);
}

/** `make_new_set`: a tracked set or frozenset with its small table, then the items added one by one. */
export function makeSet(sp: SpaceState, t: number, items: readonly number[]): number {
  for (const x of items) sp.check(x, 'set item');
  const a = sp.gcNew(SET_BLOCK - GC_HEAD, GC_HEAD);
  sp.mem.u8.fill(0, a + OB_SIZE, a + SET_BLOCK - GC_HEAD);
  sp.w(a + SET_MASK, SET_MINSIZE - 1);
  sp.w(a + SET_TABLE, a + SET_SMALLTABLE);
  sp.ws(a + SET_HASH, -1);
  sp.born(a, t, false);
  sp.track(a);
  for (const x of items) setAddEntry(sp, a, x);
  return a;
}

/** `set.add(x)`: a new reference to `x` unless an equal element is present; grows at 60 % fill to `used * 4`. */
export function setAdd(sp: SpaceState, s: number, x: number): void {
  sp.expectType(s, T_SET, 'setAdd');
  sp.check(x, 'setAdd item');
  setAddEntry(sp, s, x);
}

/** `set_add_entry`: insert unless an equal key is present (reusing the last dummy seen), resize at 60 % fill. */
export function setAddEntry(sp: SpaceState, s: number, key: number): void {
  hashInto(sp, key);
  const hLo = sp.hLo;
  const hHi = sp.hHi;
  incref(sp, key);
  const mask = sp.r(s + SET_MASK);
  const table = sp.r(s + SET_TABLE);
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  let freeslot = 0;
  for (;;) {
    let e = table + 16 * i;
    let probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
    do {
      const ek = sp.r(e);
      const eLo = sp.r(e + 8);
      const eHi = sp.r(e + 12);
      if (ek === 0 && eLo === 0 && eHi === 0) {
        if (freeslot !== 0) {
          // found_unused_or_dummy: reuse the dummy
          sp.w(s + SET_USED, sp.r(s + SET_USED) + 1);
          sp.w(freeslot, key);
          sp.mem.u32[(freeslot + 8) >>> 2] = hLo;
          sp.mem.u32[(freeslot + 12) >>> 2] = hHi;
          return;
        }
        sp.w(s + SET_FILL, sp.r(s + SET_FILL) + 1);
        const used = sp.r(s + SET_USED) + 1;
        sp.w(s + SET_USED, used);
        sp.w(e, key);
        sp.mem.u32[(e + 8) >>> 2] = hLo;
        sp.mem.u32[(e + 12) >>> 2] = hHi;
        if (sp.r(s + SET_FILL) * 5 < mask * 3) return;
        setTableResize(sp, s, used > 50000 ? used * 2 : used * 4);
        return;
      }
      if (eLo === hLo && eHi === hHi && (ek === key || eq(sp, ek, key))) {
        decref(sp, key);
        return;
      }
      // 3.11 keeps the last dummy seen before the empty slot
      if (eLo === 0xffffffff && eHi === 0xffffffff) freeslot = e;
      e += 16;
    } while (probes-- > 0);
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + 1 + pLo) & mask;
  }
}

/** `set_table_resize`: the smallest power of two > minused (at least 8); PyMem_Malloc for more than 8 entries. */
export function setTableResize(sp: SpaceState, s: number, minused: number): void {
  let newsize = SET_MINSIZE;
  while (newsize <= minused) newsize <<= 1;
  const oldTable = sp.r(s + SET_TABLE);
  const oldMask = sp.r(s + SET_MASK);
  const small = s + SET_SMALLTABLE;
  // Snapshot the old entries: the smalltable may become the new table.
  const copy = sp.mem.u32.slice(oldTable >>> 2, (oldTable >>> 2) + 4 * (oldMask + 1));
  let newTable: number;
  if (newsize === SET_MINSIZE) {
    newTable = small;
    if (newTable === oldTable && sp.r(s + SET_FILL) === sp.r(s + SET_USED)) return;
  } else {
    newTable = sp.malloc(16 * newsize);
  }
  sp.mem.u8.fill(0, newTable, newTable + 16 * newsize);
  const newMask = newsize - 1;
  sp.w(s + SET_MASK, newMask);
  sp.w(s + SET_TABLE, newTable);
  sp.w(s + SET_FILL, sp.r(s + SET_USED));
  for (let j = 0; j <= oldMask; j++) {
    const key = copy[4 * j]!;
    if (key === 0 || key === sp.setDummy) continue;
    setInsertClean(sp, newTable, newMask, key, copy[4 * j + 2]!, copy[4 * j + 3]!);
  }
  if (oldTable !== small) sp.free(oldTable, 16 * (oldMask + 1));
}

/** `set_insert_clean`: puts (key, hash) in the first empty slot of its probe sequence in `table` (no dummies, key not present). */
function setInsertClean(sp: SpaceState, table: number, mask: number, key: number, hLo: number, hHi: number): void {
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  for (;;) {
    let e = table + 16 * i;
    if (sp.r(e) === 0) {
      insertClean(sp, e, key, hLo, hHi);
      return;
    }
    if (i + LINEAR_PROBES <= mask) {
      for (let p = 0; p < LINEAR_PROBES; p++) {
        e += 16;
        if (sp.r(e) === 0) {
          insertClean(sp, e, key, hLo, hHi);
          return;
        }
      }
    }
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + 1 + pLo) & mask;
  }
}

/**
 * `set_merge(so, other)` (`s.update(other_set)`, and a set display of
 * constants: `BUILD_SET 0` + `SET_UPDATE` of a frozenset): one resize up
 * front to `(used + other.used) * 2` when the table would pass 60 %, then
 * the other table's slots copied as they are (same size, no dummies, empty
 * target), or inserted clean in the other table's order (empty target), or
 * added one by one.
 */
export function setMerge(sp: SpaceState, so: number, other: number): void {
  const t = sp.r(so + OB_TYPE);
  if (t !== T_SET && t !== T_FROZENSET) throw sp.typeError(so, 'setMerge', 'set');
  const to = sp.r(other + OB_TYPE);
  if (to !== T_SET && to !== T_FROZENSET) throw sp.typeError(other, 'setMerge other', 'set or frozenset');
  const otherUsed = sp.r(other + SET_USED);
  if (other === so || otherUsed === 0) return;
  if ((sp.r(so + SET_FILL) + otherUsed) * 5 >= sp.r(so + SET_MASK) * 3) setTableResize(sp, so, (sp.r(so + SET_USED) + otherUsed) * 2);
  const u32 = sp.mem.u32;
  const table = sp.r(so + SET_TABLE);
  const mask = sp.r(so + SET_MASK);
  const otable = sp.r(other + SET_TABLE);
  const omask = sp.r(other + SET_MASK);
  const dummy = sp.setDummy;
  if (sp.r(so + SET_FILL) === 0 && mask === omask && sp.r(other + SET_FILL) === otherUsed) {
    for (let i = 0; i <= omask; i++) {
      const key = u32[(otable + 16 * i) >>> 2]!;
      if (key === 0) continue;
      incref(sp, key);
      insertClean(sp, table + 16 * i, key, u32[(otable + 16 * i + 8) >>> 2]!, u32[(otable + 16 * i + 12) >>> 2]!);
    }
    sp.w(so + SET_FILL, sp.r(other + SET_FILL));
    sp.w(so + SET_USED, otherUsed);
    return;
  }
  if (sp.r(so + SET_FILL) === 0) {
    sp.w(so + SET_FILL, otherUsed);
    sp.w(so + SET_USED, otherUsed);
    for (let i = 0; i <= omask; i++) {
      const key = u32[(otable + 16 * i) >>> 2]!;
      if (key === 0 || key === dummy) continue;
      incref(sp, key);
      setInsertClean(sp, table, mask, key, u32[(otable + 16 * i + 8) >>> 2]!, u32[(otable + 16 * i + 12) >>> 2]!);
    }
    return;
  }
  for (let i = 0; i <= omask; i++) {
    const key = u32[(otable + 16 * i) >>> 2]!;
    if (key === 0 || key === dummy) continue;
    setAddEntry(sp, so, key);
  }
}

/** Writes a (key, hash) entry into an empty slot. */
export function insertClean(sp: SpaceState, e: number, key: number, hLo: number, hHi: number): void {
  sp.w(e, key);
  sp.mem.u32[(e + 8) >>> 2] = hLo;
  sp.mem.u32[(e + 12) >>> 2] = hHi;
}

/**
 * `set.discard(x)`: the entry becomes a dummy (the table never shrinks
 * here; dummies count toward `fill`), then `x`'s element is released.
 * @returns false when no equal element is present.
 */
export function setDiscard(sp: SpaceState, s: number, x: number): boolean {
  sp.expectType(s, T_SET, 'setDiscard');
  sp.check(x, 'setDiscard item');
  hashInto(sp, x);
  const hLo = sp.hLo;
  const hHi = sp.hHi;
  const mask = sp.r(s + SET_MASK);
  const table = sp.r(s + SET_TABLE);
  let i = hLo & mask;
  let pLo = hLo;
  let pHi = hHi;
  for (;;) {
    let e = table + 16 * i;
    let probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
    do {
      const ek = sp.r(e);
      if (ek === 0 && sp.r(e + 8) === 0 && sp.r(e + 12) === 0) return false;
      if (sp.r(e + 8) === hLo && sp.r(e + 12) === hHi && ek !== sp.setDummy && (ek === x || eq(sp, ek, x))) {
        sp.w(e, sp.setDummy);
        sp.mem.u32[(e + 8) >>> 2] = 0xffffffff;
        sp.mem.u32[(e + 12) >>> 2] = 0xffffffff;
        sp.w(s + SET_USED, sp.r(s + SET_USED) - 1);
        decref(sp, ek);
        return true;
      }
      e += 16;
    } while (probes-- > 0);
    pLo = ((pLo >>> 5) | (pHi << 27)) >>> 0;
    pHi = pHi >>> 5;
    i = (i * 5 + 1 + pLo) & mask;
  }
}

/** True when the set or frozenset holds an element equal to `x`. */
export function setContains(sp: SpaceState, s: number, x: number): boolean {
  sp.check(s, 'setContains');
  sp.check(x, 'setContains item');
  return setElements(sp, s).some((e) => e === x || eq(sp, e, x));
}

/** Elements of a set or frozenset in table order (borrowed references). */
export function setElements(sp: SpaceState, s: number): number[] {
  const t = typeOf(sp, s);
  if (t !== T_SET && t !== T_FROZENSET) throw sp.typeError(s, 'setElements', 'set or frozenset');
  const table = sp.r(s + SET_TABLE);
  const mask = sp.r(s + SET_MASK);
  const out: number[] = [];
  for (let i = 0; i <= mask; i++) {
    const k = sp.r(table + 16 * i);
    if (k !== 0 && k !== sp.setDummy) out.push(k);
  }
  return out;
}

/** `set_dealloc`: untrack, trashcan, clear weakrefs, release the elements in table order, free a malloc'ed table, then the block. */
export function setDealloc(sp: SpaceState, a: number): void {
  const t = sp.r(a + OB_TYPE);
  if (sp.r(a + GC_NEXT) !== 0) sp.untrack(a);
  if (trashBegin(sp, a)) return;
  if (sp.r(a + SET_WEAKREFS) !== 0) clearWeakRefs(sp, a);
  const table = sp.r(a + SET_TABLE);
  let used = sp.r(a + SET_USED);
  for (let e = table; used > 0; e += 16) {
    const k = sp.r(e);
    if (k !== 0 && k !== sp.setDummy) {
      used--;
      decref(sp, k);
    }
  }
  if (table !== a + SET_SMALLTABLE) sp.free(table, 16 * (sp.r(a + SET_MASK) + 1));
  sp.gcDel(a, GC_HEAD, SET_BLOCK, t);
  trashEnd(sp);
}
