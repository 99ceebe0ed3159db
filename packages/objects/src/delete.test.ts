import { describe, expect, test } from 'vitest';
import { ObjectSpace } from './space.js';

// Measured on CPython 3.11.7 with PYTHONHASHSEED=0 (sys.getsizeof after each step, then the contents).
const measured = {"dict_sizes": [184, 184, 184, 184, 184, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 272, 464, 464, 464, 464, 464, 464, 464, 464, 464, 464, 464, 832, 832, 832, 832], "dict_keys": ["k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19", "k20", "k21", "k22", "k23", "k24", "k25", "k26", "k27", "k28", "k29"], "dict_int_sizes": [632, 632, 632, 632, 632, 632, 632, 632, 632, 1168], "dict_int_keys": [7, 21, 35, 49, 63, 77, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109], "set_sizes": [2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264, 2264], "set_order": [1, 3, 5, 134, 7, 133, 9, 132, 11, 131, 13, 128, 15, 130, 17, 129, 19, 139, 135, 136, 137, 138, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127], "small_set_order": [5, 40, 41, 42, 43], "small_set_size": 728, "list_sizes": [136, 136, 136, 136, 136, 136, 136, 184, 184, 184, 184, 184, 184, 152, 152, 120, 120, 120], "list_values": [-4, -3, -1]};

describe('deletion, as CPython 3.11.7', () => {
  test('dict: del leaves dummies; the table grows for used * 3 when usable runs out', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    const sizes: number[] = [];
    const key = (i: number): number => vm.intern(`k${i}`);
    for (let i = 0; i < 10; i++) {
      vm.dictSet(d, key(i), vm.int(i));
      sizes.push(vm.sizeof(d));
    }
    for (let i = 0; i < 5; i++) {
      expect(vm.dictDel(d, key(i))).toBe(true);
      sizes.push(vm.sizeof(d));
    }
    expect(vm.dictDel(d, key(0))).toBe(false);
    for (let i = 10; i < 30; i++) {
      vm.dictSet(d, key(i), vm.int(i));
      sizes.push(vm.sizeof(d));
    }
    expect(sizes).toEqual(measured.dict_sizes);
    expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual(measured.dict_keys);
    for (let i = 5; i < 30; i++) expect(vm.value(vm.dictGet(d, key(i)))).toBe(i);
    vm.heap.check();
  });

  test('dict with int keys: delete then insert', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    for (let i = 0; i < 12; i++) vm.dictSet(d, vm.int(i * 7), vm.int(i));
    for (let i = 0; i < 12; i += 2) vm.dictDel(d, vm.int(i * 7));
    const sizes: number[] = [];
    for (let i = 100; i < 110; i++) {
      vm.dictSet(d, vm.int(i), vm.int(0));
      sizes.push(vm.sizeof(d));
    }
    expect(sizes).toEqual(measured.dict_int_sizes);
    expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual(measured.dict_int_keys);
  });

  test('set: discard leaves dummies that later adds reuse; table order equals CPython', () => {
    const vm = new ObjectSpace();
    const s = vm.set(Array.from({ length: 20 }, (_, i) => vm.int(i)));
    const sizes = [vm.sizeof(s)];
    for (let i = 0; i < 20; i += 2) {
      expect(vm.setDiscard(s, vm.int(i))).toBe(true);
      sizes.push(vm.sizeof(s));
    }
    expect(vm.setDiscard(s, vm.int(0))).toBe(false);
    for (let i = 100; i < 140; i++) {
      vm.setAdd(s, vm.int(i));
      sizes.push(vm.sizeof(s));
    }
    expect(sizes).toEqual(measured.set_sizes);
    expect(vm.setElements(s).map((e) => vm.value(e))).toEqual(measured.set_order);

    const t = vm.set(Array.from({ length: 6 }, (_, i) => vm.int(i)));
    for (let i = 0; i < 5; i++) vm.setDiscard(t, vm.int(i));
    for (let i = 40; i < 44; i++) vm.setAdd(t, vm.int(i));
    expect(vm.setElements(t).map((e) => vm.value(e))).toEqual(measured.small_set_order);
    expect(vm.sizeof(t)).toBe(measured.small_set_size);
    vm.decref(s);
    vm.decref(t);
    vm.heap.check();
  });

  test('list: pop(0), insert(0, x), del l[i], pop()', () => {
    const vm = new ObjectSpace();
    const l = vm.list();
    vm.listExtend(
      l,
      Array.from({ length: 10 }, (_, i) => vm.int(i)),
    );
    const sizes = [vm.sizeof(l)];
    for (let i = 0; i < 3; i++) {
      vm.decref(vm.listPop(l, 0));
      sizes.push(vm.sizeof(l));
    }
    for (let i = 0; i < 5; i++) {
      vm.listInsert(l, 0, vm.int(-i));
      sizes.push(vm.sizeof(l));
    }
    vm.listDelItem(l, 2);
    sizes.push(vm.sizeof(l));
    for (let i = 0; i < 8; i++) {
      vm.decref(vm.listPop(l));
      sizes.push(vm.sizeof(l));
    }
    expect(sizes).toEqual(measured.list_sizes);
    expect(vm.items(l).map((x) => vm.value(x))).toEqual(measured.list_values);
  });
});
