import { describe, expect, test } from 'vitest';
import { ObjectSpace } from './space.js';

function space(): ObjectSpace {
  const vm = new ObjectSpace();
  vm.gc.disable();
  vm.gc.collect();
  return vm;
}

describe('tp_clear in delete_garbage', () => {
  test('dict (PyDict_Clear): the keys object releases key then value, goes to the keys free list; the dict to its free list; both freed by the free-list clearing', () => {
    const vm = space();
    const d = vm.dict();
    const k = vm.str('key');
    vm.dictSet(d, k, d);
    vm.decref(k);
    vm.decref(d);
    const rec = vm.recordRequests();
    expect(vm.gc.collect()).toBe(1);
    expect(rec.events).toEqual([['free', 52, 'py'], ['free', 64, 'py'], ['free', 120, 'py']]);
  });

  test('set (set_clear_internal): a malloc\'ed table is freed after its elements; the set block last', () => {
    const vm = space();
    const C = vm.defineClass('C', { slots: ['s'] });
    const s = vm.set();
    const xs = Array.from({ length: 6 }, (_, i) => vm.int(1000 + i));
    for (const x of xs) {
      vm.setAdd(s, x);
      vm.decref(x);
    }
    const o = vm.instance(C);
    vm.setAttr(o, 's', s);
    vm.setAdd(s, o);
    vm.decref(o);
    vm.decref(s);
    const order: number[] = [];
    vm.observer = { objectDealloc: (a) => order.push(a) };
    const rec = vm.recordRequests();
    expect(vm.gc.collect()).toBe(2);
    // unreachable order is creation order: the set is cleared first (its elements in table order, then the 512-byte table)
    expect(new Set(order.slice(0, 7))).toEqual(new Set([...xs, o])); // the elements (o dies with its last reference)
    expect(order[7]).toBe(s);
    expect(rec.events.filter((e) => e[1] === 512)).toEqual([['free', 512, 'py']]);
    expect(rec.events.at(-1)).toEqual(['free', 216, 'py']);
    vm.heap.check();
  });

  test('instance (subtype_clear): slots first, then the values (first to last); the values array stays until dealloc', () => {
    const vm = space();
    const C = vm.defineClass('C', { slots: ['__dict__', 'a'] });
    const o = vm.instance(C);
    const x = vm.float(1.5);
    const y = vm.float(2.5);
    vm.setAttr(o, 'a', o);
    vm.setAttr(o, 'x', x);
    vm.setAttr(o, 'y', y);
    vm.decref(x);
    vm.decref(y);
    vm.decref(o);
    const order: number[] = [];
    vm.observer = { objectDealloc: (a) => order.push(a) };
    expect(vm.gc.collect()).toBe(1);
    expect(order).toEqual([x, y, o]);
  });

  test('tuples and bound methods have no tp_clear: a cycle of only tuples and methods is broken through the other members', () => {
    const vm = space();
    const l = vm.list();
    const t = vm.tuple([l]);
    const m = vm.boundMethod(vm.none, t);
    vm.listAppend(l, m);
    for (const a of [l, t, m]) vm.decref(a);
    const order: number[] = [];
    vm.observer = { objectDealloc: (a) => order.push(a) };
    expect(vm.gc.collect()).toBe(3);
    // clearing l drops m; method_dealloc releases self (t, which dies first) before freeing m; l dies last
    expect(order).toEqual([t, m, l]);
  });
});
