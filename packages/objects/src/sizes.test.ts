import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ObjectSpace } from './space.js';

/** sys.getsizeof along growth paths, measured on CPython 3.11.7 (see the file's descriptions). */
const { sizes } = JSON.parse(readFileSync(new URL('../test/cpython-sizes.json', import.meta.url), 'utf8')) as { sizes: Record<string, number[]> };

function run(name: string, steps: (vm: ObjectSpace) => Iterable<number>): void {
  test(`${name}: ${sizes[name]!.length} sizes equal CPython 3.11.7`, () => {
    const vm = new ObjectSpace();
    expect([...steps(vm)]).toEqual(sizes[name]);
    vm.heap.check();
  });
}

describe('sys.getsizeof along growth paths', () => {
  run('list_append', function* (vm) {
    const l = vm.list();
    for (let i = 0; i < 300; i++) {
      vm.listAppend(l, vm.none);
      yield vm.sizeof(l);
    }
  });
  run('dict_int', function* (vm) {
    const d = vm.dict();
    for (let i = 0; i < 300; i++) {
      vm.dictSet(d, vm.int(i), vm.none);
      yield vm.sizeof(d);
    }
  });
  run('set_int', function* (vm) {
    const s = vm.set();
    for (let i = 0; i < 300; i++) {
      vm.setAdd(s, vm.int(i));
      yield vm.sizeof(s);
    }
  });
  run('frozenset_range', function* (vm) {
    for (let n = 0; n < 100; n++) yield vm.sizeof(vm.frozenset(Array.from({ length: n }, (_, i) => vm.int(i))));
  });
  run('list_range', function* (vm) {
    for (let n = 0; n < 60; n++) {
      const l = vm.list();
      vm.listExtend(
        l,
        Array.from({ length: n }, (_, i) => vm.int(i)),
      );
      yield vm.sizeof(l);
    }
  });
  run('extend_tuple', function* (vm) {
    for (let n = 0; n < 60; n++) {
      const l = vm.list([vm.none, vm.none, vm.none]);
      vm.listExtend(
        l,
        Array.from({ length: n }, (_, i) => vm.int(i)),
      );
      yield vm.sizeof(l);
    }
  });
  run('pop', function* (vm) {
    const l = vm.list(Array.from({ length: 100 }, () => vm.none));
    for (let i = 0; i < 100; i++) {
      vm.listPop(l);
      yield vm.sizeof(l);
    }
  });
});
