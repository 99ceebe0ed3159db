/**
 * `tp_traverse` of every GC type, calling a visitor per referent in
 * CPython's order, straight from heap memory (no arrays built): list and
 * tuple items last to first, dict values (value then key for non-str
 * tables), set elements in table order, instance slots then managed-dict
 * values then the dict, a method's function then self.
 * @internal
 * @packageDocumentation
 */
import { entryKey, entryValueAddr, keysKind } from './dict-keys.js';
import {
  DICT_KEYS,
  DICT_KEYS_GENERAL,
  DICT_VALUES,
  DK_NENTRIES,
  FIRST_CLASS_ID,
  INSTANCE_SLOTS,
  LIST_ITEMS,
  MANAGED_DICT,
  MANAGED_VALUES,
  METHOD_FUNC,
  METHOD_SELF,
  OB_SIZE,
  OB_TYPE,
  SET_MASK,
  SET_TABLE,
  TUPLE_ITEMS,
  T_DICT,
  T_FROZENSET,
  T_LIST,
  T_METHOD,
  T_SET,
  T_TUPLE,
  T_FUNCTION,
  T_BUILTIN_FUNCTION,
  T_MODULE,
  T_TYPE,
  T_GETSET,
  T_MEMBER,
  FUNC_CODE,
  FUNC_GLOBALS,
  FUNC_MODULE,
  FUNC_DEFAULTS,
  FUNC_KWDEFAULTS,
  FUNC_DOC,
  FUNC_NAME,
  FUNC_DICT,
  FUNC_CLOSURE,
  FUNC_ANNOTATIONS,
  FUNC_QUALNAME,
  CFUNC_SELF,
  CFUNC_MODULE,
  MODULE_DICT,
  TYPE_DICT,
  TYPE_MRO,
  TYPE_BASES,
  TYPE_BASE,
  DESCR_TYPE,
} from './layout.js';
import type { SpaceState } from './state.js';

const FUNC_TRAVERSE = [FUNC_CODE, FUNC_GLOBALS, FUNC_MODULE, FUNC_DEFAULTS, FUNC_KWDEFAULTS, FUNC_DOC, FUNC_NAME, FUNC_DICT, FUNC_CLOSURE, FUNC_ANNOTATIONS, FUNC_QUALNAME];
const TYPE_TRAVERSE = [TYPE_DICT, TYPE_MRO, TYPE_BASES, TYPE_BASE];

/** A `visitproc`. */
export type Visit = (sp: SpaceState, x: number) => void;

/** Calls `visit` on each referent of the live object `a` that `tp_traverse` would visit. */
export function traverse(sp: SpaceState, a: number, visit: Visit): void {
  const u32 = sp.mem.u32;
  const t = u32[(a + OB_TYPE) >>> 2]!;
  switch (t) {
    case T_TUPLE:
    case T_LIST: {
      const p = t === T_TUPLE ? a + TUPLE_ITEMS : u32[(a + LIST_ITEMS) >>> 2]!;
      for (let i = u32[(a + OB_SIZE) >>> 2]! - 1; i >= 0; i--) {
        const x = u32[(p + 8 * i) >>> 2]!;
        if (x !== 0) visit(sp, x);
      }
      return;
    }
    case T_DICT: {
      const k = u32[(a + DICT_KEYS) >>> 2]!;
      const values = u32[(a + DICT_VALUES) >>> 2]!;
      const n = u32[(k + DK_NENTRIES) >>> 2]!;
      if (values !== 0) {
        for (let i = 0; i < n; i++) {
          const v = u32[(values + 8 * i) >>> 2]!;
          if (v !== 0) visit(sp, v);
        }
      } else if (keysKind(sp.mem, k) === DICT_KEYS_GENERAL) {
        for (let i = 0; i < n; i++) {
          const v = u32[entryValueAddr(sp.mem, k, i) >>> 2]!;
          if (v !== 0) {
            visit(sp, v);
            visit(sp, entryKey(sp.mem, k, i));
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = u32[entryValueAddr(sp.mem, k, i) >>> 2]!;
          if (v !== 0) visit(sp, v);
        }
      }
      return;
    }
    case T_SET:
    case T_FROZENSET: {
      const table = u32[(a + SET_TABLE) >>> 2]!;
      const mask = u32[(a + SET_MASK) >>> 2]!;
      const dummy = sp.setDummy;
      for (let i = 0; i <= mask; i++) {
        const x = u32[(table + 16 * i) >>> 2]!;
        if (x !== 0 && x !== dummy) visit(sp, x);
      }
      return;
    }
    case T_METHOD: {
      const f = u32[(a + METHOD_FUNC) >>> 2]!;
      if (f !== 0) visit(sp, f);
      const s = u32[(a + METHOD_SELF) >>> 2]!;
      if (s !== 0) visit(sp, s);
      return;
    }
    case T_FUNCTION: {
      // func_traverse: code, globals, module, defaults, kwdefaults, doc, name, dict, closure, annotations, qualname
      for (const off of FUNC_TRAVERSE) {
        const x = u32[(a + off) >>> 2]!;
        if (x !== 0) visit(sp, x);
      }
      return;
    }
    case T_BUILTIN_FUNCTION: {
      const s = u32[(a + CFUNC_SELF) >>> 2]!;
      if (s !== 0) visit(sp, s);
      const m = u32[(a + CFUNC_MODULE) >>> 2]!;
      if (m !== 0) visit(sp, m);
      return;
    }
    case T_MODULE: {
      const d = u32[(a + MODULE_DICT) >>> 2]!;
      if (d !== 0) visit(sp, d);
      return;
    }
    case T_TYPE: {
      // type_traverse: dict, cache, mro, bases, base, module
      for (const off of TYPE_TRAVERSE) {
        const x = u32[(a + off) >>> 2]!;
        if (x !== 0) visit(sp, x);
      }
      return;
    }
    case T_GETSET:
    case T_MEMBER: {
      const x = u32[(a + DESCR_TYPE) >>> 2]!;
      if (x !== 0) visit(sp, x);
      return;
    }
    default: {
      if (t < FIRST_CLASS_ID) return; // weakref: its callback is a JS function
      const c = sp.classes[t - FIRST_CLASS_ID]!;
      for (let i = 0; i < c.slots.length; i++) {
        const x = u32[(a + INSTANCE_SLOTS + 8 * i) >>> 2]!;
        if (x !== 0) visit(sp, x);
      }
      if (c.managedDict) {
        const values = u32[(a + MANAGED_VALUES) >>> 2]!;
        if (values !== 0) {
          const n = u32[(c.sharedKeys + DK_NENTRIES) >>> 2]!;
          const slots = sp.valuesSlots.get(values) ?? 0;
          for (let i = 0; i < n && i < slots; i++) {
            const x = u32[(values + 8 * i) >>> 2]!;
            if (x !== 0) visit(sp, x);
          }
        }
        const d = u32[(a + MANAGED_DICT) >>> 2]!;
        if (d !== 0) visit(sp, d);
      }
      // a heap type's instances count as references to it
      const cls = sp.classObjects[t - FIRST_CLASS_ID] ?? 0;
      if (cls > 0) visit(sp, cls);
    }
  }
}
