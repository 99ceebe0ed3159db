import { createLinearHeap, createRecordedHeap } from '@pymem/arena';
import { describe, expect, test } from 'vitest';
import { ObjectModelError } from './errors.js';
import { ObjectSpace } from './space.js';

function thrown(f: () => unknown): ObjectModelError {
  try {
    f();
  } catch (e) {
    if (e instanceof ObjectModelError) return e;
    throw e;
  }
  throw new Error('expected an ObjectModelError');
}

describe('misuse raises ObjectModelError naming the object', () => {
  test('decref below zero', () => {
    const vm = new ObjectSpace();
    const x = vm.int(123456);
    vm.decref(x);
    const e = thrown(() => vm.decref(x));
    expect(e.code).toBe('E_REFCOUNT');
    expect(e.address).toBe(x);
    expect(e.typeName).toBe('int');
    expect(e.message).toBe(`decref: reference count of int at 0x${x.toString(16)} would go below zero (it was already deallocated)`);
    vm.heap.check();
  });

  test('use after free', () => {
    const vm = new ObjectSpace();
    const l = vm.list();
    vm.decref(l);
    const e = thrown(() => vm.listAppend(l, vm.none));
    expect(e.code).toBe('E_DEAD');
    expect(e.typeName).toBe('list');
    expect(e.message).toContain(`no live object at list at 0x${l.toString(16)}`);
    expect(thrown(() => vm.incref(l)).code).toBe('E_DEAD');
    expect(thrown(() => vm.sizeof(12345)).code).toBe('E_DEAD');
  });

  test('deallocating a static object', () => {
    const vm = new ObjectSpace();
    const e = thrown(() => vm.decref(vm.none));
    expect(e.code).toBe('E_STATIC');
    expect(e.message).toBe(`decref: would deallocate the static NoneType at 0x${vm.none.toString(16)}`);
    expect(vm.refcount(vm.none)).toBe(1);
  });

  test('wrong types, unhashable keys, bad indices, bad heaps', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    const l = vm.list();
    expect(thrown(() => vm.listAppend(d, l)).code).toBe('E_TYPE');
    const e = thrown(() => vm.dictSet(d, l, l));
    expect(e.code).toBe('E_UNHASHABLE');
    expect(e.message).toBe(`unhashable type: 'list' (at 0x${l.toString(16)})`);
    expect(vm.refcount(l)).toBe(1);
    expect(thrown(() => vm.listSetItem(l, 0, l)).code).toBe('E_INDEX');
    expect(thrown(() => vm.int(1.5)).code).toBe('E_VALUE');
    expect(thrown(() => new ObjectSpace({ heap: createRecordedHeap().heap })).code).toBe('E_HEAP');
    const vm38 = new ObjectSpace({ heap: createLinearHeap({ geometry: 'cpython-3.8' }) });
    expect(vm38.sizeof(vm38.list([vm38.none]))).toBe(64);
  });
});
