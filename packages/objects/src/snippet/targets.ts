/**
 * Assignment and deletion targets: names, attributes, subscripts and
 * unpacking, with CPython's order of releases.
 * @packageDocumentation
 */
import { ObjectModelError } from '../errors.js';
import { FIRST_CLASS_ID, T_DICT, T_LIST, T_STR, T_MODULE } from '../layout.js';
import type { Expr } from './ast.js';
import { SnippetError, pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { iterate } from './iteration.js';
import { reprOf } from './repr.js';
import type { Value } from './values.js';

/** Assigns an owned value to a target (name, attribute, subscript, tuple/list unpacking). */
export function assignTarget(it: Interpreter, t: Expr, v: Value): void {
  const vm = it.vm;
  switch (t.k) {
    case 'name':
      it.storeName(t.id, v);
      return;
    case 'attr': {
      const obj = it.eval(t.obj);
      try {
        if (typeof v !== 'number') throw unsupported(t.line, `storing a ${v.kind} in an attribute`);
        if (typeof obj === 'number' && vm.typeOf(obj) === T_MODULE) {
          vm.dictSet(vm.moduleDict(obj), vm.intern(t.name), v);
          return;
        }
        if (typeof obj !== 'number' || vm.typeOf(obj) < FIRST_CLASS_ID) throw pyError(t.line, 'AttributeError', `'${it.typeName(obj)}' object has no attribute '${t.name}'`);
        try {
          vm.setAttr(obj, t.name, v);
        } catch (e) {
          if (e instanceof ObjectModelError) throw pyError(t.line, 'AttributeError', `'${vm.typeName(obj)}' object has no attribute '${t.name}'`);
          throw e;
        }
      } finally {
        it.release(v);
        it.release(obj);
      }
      return;
    }
    case 'subscript': {
      const obj = it.eval(t.obj);
      const idx = it.eval(t.index);
      try {
        if (typeof v !== 'number' || typeof obj !== 'number' || typeof idx !== 'number') throw pyError(t.line, 'TypeError', `'${it.typeName(obj)}' object does not support item assignment`);
        const ty = vm.typeOf(obj);
        if (ty === T_LIST) {
          it.guard(t.line, () => vm.listSetItem(obj, checkedIndex(it, idx, vm.length(obj), t.line, 'list assignment index'), v));
          it.listWrites++;
        }
        else if (ty === T_DICT) it.guard(t.line, () => vm.dictSet(obj, idx, v));
        else throw pyError(t.line, 'TypeError', `'${vm.typeName(obj)}' object does not support item assignment`);
      } finally {
        it.release(v);
        it.release(obj);
        it.release(idx);
      }
      return;
    }
    case 'tuple':
    case 'list': {
      const items = iterate(it, v, t.line);
      it.release(v);
      if (items.length !== t.elts.length) {
        for (const x of items) vm.decref(x);
        throw pyError(t.line, 'ValueError', items.length > t.elts.length ? `too many values to unpack (expected ${t.elts.length})` : `not enough values to unpack (expected ${t.elts.length}, got ${items.length})`);
      }
      for (let i = 0; i < items.length; i++) assignTarget(it, t.elts[i]!, items[i]!);
      return;
    }
    default:
      throw new SnippetError('syntax', t.line, 'cannot assign to expression');
  }
}

/** `del target`: a name, a list item, a dict key, or a tuple of them. */
export function deleteTarget(it: Interpreter, t: Expr): void {
  const vm = it.vm;
  if (t.k === 'name') {
    it.deleteName(t.id, t.line);
    return;
  }
  if (t.k === 'subscript') {
    const obj = it.eval(t.obj);
    const idx = it.eval(t.index);
    try {
      if (typeof obj === 'number' && typeof idx === 'number' && vm.typeOf(obj) === T_LIST) {
        it.listWrites++;
        it.guard(t.line, () => vm.listDelItem(obj, checkedIndex(it, idx, vm.length(obj), t.line, 'list assignment index')));
      } else if (typeof obj === 'number' && typeof idx === 'number' && vm.typeOf(obj) === T_DICT) {
        if (!it.guard(t.line, () => vm.dictDel(obj, idx))) throw pyError(t.line, 'KeyError', reprOf(vm, idx));
      } else {
        throw pyError(t.line, 'TypeError', `'${it.typeName(obj)}' object doesn't support item deletion`);
      }
    } finally {
      it.release(obj);
      it.release(idx);
    }
    return;
  }
  if (t.k === 'tuple' || t.k === 'list') {
    for (const x of t.elts) deleteTarget(it, x);
    return;
  }
  throw unsupported(t.line, t.k === 'attr' ? 'del of an attribute' : 'del of this target');
}

/** A Python index (int, negative from the end) checked against `n`. */
export function checkedIndex(it: Interpreter, idx: number, n: number, line: number, what: string): number {
  const v = it.vm.typeOf(idx) === T_STR ? undefined : it.vm.value(idx);
  if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') throw pyError(line, 'TypeError', `${what.split(' ')[0]!} indices must be integers or slices, not ${it.vm.typeName(idx)}`);
  let i = Number(v);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw pyError(line, 'IndexError', `${what} out of range`);
  return i;
}

