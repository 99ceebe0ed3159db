import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../test/shared.js';
import { ObjectSpace } from './space.js';

describe('free lists (3.11 constants)', () => {
  test('a freed float is reused by the next float without a pymalloc request', () => {
    const vm = new ObjectSpace();
    const f = vm.float(1.5);
    vm.decref(f);
    expect(vm.freeListSizes().float).toBe(1);
    const rec = vm.recordRequests();
    const g = vm.float(2.5);
    expect(g).toBe(f);
    expect(rec.events).toEqual([]);
    expect(vm.value(g)).toBe(2.5);
    expect(vm.freeListSizes().float).toBe(0);
  });

  test('the float free list holds 100: the 101st freed float goes back to pymalloc', () => {
    const vm = new ObjectSpace();
    const fs = Array.from({ length: 101 }, (_, i) => vm.float(i + 0.5));
    const rec = vm.recordRequests();
    for (const f of fs.slice(0, 100)) vm.decref(f);
    expect(rec.events).toEqual([]);
    vm.decref(fs[100]!);
    expect(rec.events).toEqual([['free', 24, 'py']]);
    expect(vm.freeListSizes().float).toBe(100);
  });

  test('tuples of length 1..20 are recycled per length; longer ones are freed', () => {
    const vm = new ObjectSpace();
    const items = (n: number): number[] => Array.from({ length: n }, () => vm.none);
    const t3 = vm.tuple(items(3));
    const t21 = vm.tuple(items(21));
    const rec = vm.recordRequests();
    vm.decref(t3);
    vm.decref(t21);
    expect(rec.events).toEqual([['free', 16 + 24 + 8 * 21, 'py']]);
    expect(vm.freeListSizes().tuple[2]).toBe(1);
    expect(vm.tuple(items(2))).not.toBe(t3);
    expect(vm.tuple(items(3))).toBe(t3);
    expect(rec.events).toEqual([['free', 208, 'py'], ['malloc', 56, 'py']]);
  });

  test('lists and dicts: 80 each; the minimum unicode keys object: 80', () => {
    const vm = new ObjectSpace();
    const ls = Array.from({ length: 81 }, () => vm.list());
    const ds = Array.from({ length: 81 }, () => {
      const d = vm.dict();
      vm.dictSet(d, vm.intern('k'), vm.none);
      return d;
    });
    const rec = vm.recordRequests();
    for (const l of ls) vm.decref(l);
    for (const d of ds) vm.decref(d);
    expect(rec.events).toEqual([['free', 56, 'py'], ['free', 120, 'py'], ['free', 64, 'py']]);
    expect(vm.freeListSizes()).toMatchObject({ list: 80, dict: 80, dictKeys: 80 });
    rec.events.length = 0;
    const l = vm.list();
    const d = vm.dict();
    vm.dictSet(d, vm.intern('k'), vm.none);
    expect(rec.events).toEqual([]);
    expect(l).toBe(ls[79]);
    expect(d).toBe(ds[79]);
  });

  test('clearFreeLists frees everything they hold, in the order of a full collection', () => {
    const vm = new ObjectSpace();
    const f = vm.float(1);
    const t = vm.tuple([vm.none]);
    const l = vm.list();
    const d = vm.dict();
    vm.dictSet(d, vm.intern('k'), vm.none);
    for (const x of [f, t, l, d]) vm.decref(x);
    const rec = vm.recordRequests();
    vm.clearFreeLists();
    expect(rec.events).toEqual([
      ['free', 48, 'py'],
      ['free', 24, 'py'],
      ['free', 56, 'py'],
      ['free', 64, 'py'],
      ['free', 120, 'py'],
    ]);
    expect(vm.freeListSizes()).toEqual({ float: 0, tuple: new Array(20).fill(0), list: 0, dict: 0, dictKeys: 0 });
    vm.heap.check();
  });

  test('gcCount0 counts GC allocations, not free-list reuse', () => {
    const vm = new ObjectSpace();
    const before = vm.gcCount0;
    const ls = Array.from({ length: 10 }, () => vm.list());
    expect(vm.gcCount0 - before).toBe(10);
    for (const l of ls) vm.decref(l);
    expect(vm.gcCount0 - before).toBe(10); // all ten went to the free list
    vm.list();
    expect(vm.gcCount0 - before).toBe(10);
    vm.clearFreeLists();
    expect(vm.gcCount0 - before).toBe(1);
  });

  test("gcCount0 after 100 lists made and dropped, then 10 more, as gc.json's get_count", () => {
    const spec = (readObjectsJson('gc.json') as { get_count: { with_full_list_free_list: { count_before: number[] } } }).get_count.with_full_list_free_list;
    const vm = new ObjectSpace();
    for (const l of Array.from({ length: 100 }, () => vm.list())) vm.decref(l);
    // 100 allocated, 20 freed to pymalloc (80 kept by the free list)
    expect(vm.gcCount0).toBe(spec.count_before[0]);
    for (let i = 0; i < 10; i++) vm.list();
    expect(vm.gcCount0).toBe(spec.count_before[0]); // lists from the free list are not counted
  });
});
