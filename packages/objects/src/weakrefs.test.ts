import { describe, expect, test } from 'vitest';
import { ObjectSpace } from './space.js';

describe('weakref.ref', () => {
  test('a basic ref is shared; refs with callbacks go after it; on dealloc the callbacks run newest first (CPython 3.11.7: [3, 2, 1])', () => {
    const vm = new ObjectSpace();
    const C = vm.defineClass('C');
    const o = vm.instance(C);
    const out: number[] = [];
    const r1 = vm.weakref(o, () => out.push(1));
    const r2 = vm.weakref(o, () => out.push(2));
    const b = vm.weakref(o);
    const r3 = vm.weakref(o, () => out.push(3));
    const b2 = vm.weakref(o);
    expect(b2).toBe(b);
    expect(vm.refcount(b)).toBe(2);
    expect(vm.weakrefGet(r1)).toBe(o);
    expect(vm.sizeof(r1)).toBe(80);
    const rec = vm.recordRequests();
    vm.decref(o);
    rec.stop();
    expect(out).toEqual([3, 2, 1]);
    for (const r of [r1, r2, r3, b]) expect(vm.weakrefGet(r)).toBe(vm.none);
    // the 6-tuple of (ref, callback) pairs is made first (16 + 24 + 48 bytes), freed last
    expect(rec.events[0]).toEqual(['malloc', 88, 'py']);
    for (const r of [r1, r2, r3, b, b2]) vm.decref(r);
    vm.gc.collect();
    vm.heap.check();
  });

  test('only instances with __weakref__, sets, frozensets and bound methods can be weakly referenced', () => {
    const vm = new ObjectSpace();
    const S = vm.defineClass('S', { slots: ['a'] });
    expect(() => vm.weakref(vm.list())).toThrow("cannot create weak reference to 'list' object");
    expect(() => vm.weakref(vm.instance(S))).toThrow(expect.objectContaining({ code: 'E_TYPE' }));
    const s = vm.set();
    const w = vm.weakref(s);
    vm.decref(s);
    expect(vm.weakrefGet(w)).toBe(vm.none);
    const m = vm.boundMethod(vm.none, vm.none);
    const wm = vm.weakref(m, () => undefined);
    vm.decref(m);
    expect(vm.weakrefGet(wm)).toBe(vm.none);
  });

  test('a frozen object referenced from a young cycle is not traversed into (gh-126312) and survives', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    const frozen = vm.list();
    vm.gc.freeze();
    const l = vm.list([frozen]);
    vm.listAppend(l, l);
    vm.decref(l);
    expect(vm.gc.collect()).toBe(1);
    expect(vm.refcount(frozen)).toBe(1);
    expect(vm.gc.getFreezeCount()).toBe(1);
  });
});
