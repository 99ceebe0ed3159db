import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../test/shared.js';
import { ObjectSpace } from './space.js';

type Event = readonly (string | number | null)[];
interface Growth {
  scenarios: {
    a_list_append_100: { events: Event[]; capacity_sequence_slots: number[] };
    b_dict_insert_100: { events: Event[]; keys_object_sizes: number[] };
    d_tuple_build: { rows: { n: number; tuple_of_slice: Event[]; tuple_of_prebuilt_list: Event[] }[] };
    empty_region: { events: Event[] };
  };
}

const growth = readObjectsJson('growth.json') as Growth;
const { scenarios } = growth;

describe('pymalloc request sequences of growth.json (CPython 3.11.7)', () => {
  test('a_list_append_100: l = []; 100 x l.append(None)', () => {
    const vm = new ObjectSpace();
    const rec = vm.recordRequests();
    const l = vm.list();
    const capacities: number[] = [];
    for (let i = 0; i < 100; i++) {
      vm.listAppend(l, vm.none);
      const cap = vm.listAllocated(l);
      if (capacities.at(-1) !== cap) capacities.push(cap);
    }
    rec.stop();
    expect(rec.events).toEqual(scenarios.a_list_append_100.events);
    expect(capacities).toEqual(scenarios.a_list_append_100.capacity_sequence_slots);
    expect(vm.sizeof(l)).toBe(56 + 8 * 108);
    vm.heap.check();
  });

  test("b_dict_insert_100: d = {}; d[K[i]] = None for pre-made str keys 'k00'..'k99'", () => {
    const vm = new ObjectSpace();
    const keys = Array.from({ length: 100 }, (_, i) => vm.str(`k${String(i).padStart(2, '0')}`));
    const rec = vm.recordRequests();
    const d = vm.dict();
    for (const k of keys) vm.dictSet(d, k, vm.none);
    rec.stop();
    expect(rec.events).toEqual(scenarios.b_dict_insert_100.events);
    expect(vm.sizeof(d)).toBe(64 + scenarios.b_dict_insert_100.keys_object_sizes.at(-1)!);
    expect(vm.length(d)).toBe(100);
    expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual(keys.map((k) => vm.value(k)));
    for (const k of keys) expect(vm.dictGet(d, k)).toBe(vm.none);
    vm.heap.check();
  });

  describe('d_tuple_build: tuple(prelist[:n]) and tuple(L_n), n = 0..25, after gc.collect()', () => {
    for (const row of scenarios.d_tuple_build.rows) {
      test(`n = ${row.n}`, () => {
        const vm = new ObjectSpace();
        const prelist = vm.list(Array.from({ length: 25 }, (_, i) => vm.int(1000 + i)));
        const ln = vm.list(vm.items(prelist).slice(0, row.n));
        vm.clearFreeLists();
        let rec = vm.recordRequests();
        const sl = vm.listSlice(prelist, 0, row.n);
        const t1 = vm.tuple(vm.items(sl));
        vm.decref(sl);
        rec.stop();
        expect(rec.events).toEqual(row.tuple_of_slice);
        vm.decref(t1);
        vm.clearFreeLists();
        rec = vm.recordRequests();
        const t2 = vm.tuple(vm.items(ln));
        rec.stop();
        expect(rec.events).toEqual(row.tuple_of_prebuilt_list);
        expect(vm.sizeof(t2)).toBe(16 + 24 + 8 * row.n);
      });
    }
  });

  test('empty_region: no work, no requests', () => {
    const vm = new ObjectSpace();
    const rec = vm.recordRequests();
    rec.stop();
    expect(rec.events).toEqual(scenarios.empty_region.events);
  });
});
