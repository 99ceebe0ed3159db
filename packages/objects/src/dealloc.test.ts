import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../test/shared.js';
import { ObjectSpace } from './space.js';

interface DeepList {
  depth: number;
  pymalloc_frees: number;
  frees_by_size_route: Record<string, number>;
  free_order_segments: [number, number, string][];
}
interface GcJson {
  scenarios: {
    deep_list_100000: DeepList;
    slots_self: { events: unknown[] };
    del_cycle_pep442: { events: unknown[] };
  };
}
const gcJson = readObjectsJson('gc.json') as GcJson;

/** Addresses of deallocated objects, in order. */
function deallocOrder(vm: ObjectSpace): number[] {
  const order: number[] = [];
  vm.observer = { objectDealloc: (a) => order.push(a) };
  return order;
}

describe('dealloc order', () => {
  test('a list releases its items last to first, then frees its items array', () => {
    const vm = new ObjectSpace();
    const xs = [vm.int(1000), vm.int(1001), vm.int(1002)];
    const l = vm.list(xs);
    for (const x of xs) vm.decref(x);
    const order = deallocOrder(vm);
    const rec = vm.recordRequests();
    vm.decref(l);
    expect(order).toEqual([xs[2], xs[1], xs[0], l]);
    // three ints (28 bytes each), the 24-byte items array; the list object goes to the list free list
    expect(rec.events).toEqual([['free', 28, 'py'], ['free', 28, 'py'], ['free', 28, 'py'], ['free', 24, 'py']]);
  });

  test('a tuple releases its items last to first', () => {
    const vm = new ObjectSpace();
    const xs = [vm.str('alpha'), vm.str('beta'), vm.float(2.5)];
    const t = vm.tuple(xs);
    for (const x of xs) vm.decref(x);
    const order = deallocOrder(vm);
    vm.decref(t);
    expect(order).toEqual([xs[2], xs[1], xs[0], t]);
  });

  test('a dict releases key then value for each entry, first to last, then frees its keys object', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    const kv = [vm.str('one'), vm.int(1001), vm.str('two'), vm.int(1002)];
    vm.dictSet(d, kv[0]!, kv[1]!);
    vm.dictSet(d, kv[2]!, kv[3]!);
    for (const x of kv) vm.decref(x);
    const order = deallocOrder(vm);
    vm.clearFreeLists();
    const rec = vm.recordRequests();
    vm.decref(d);
    expect(order).toEqual([...kv, d]);
    // the 120-byte keys object and the dict object go to their free lists
    expect(rec.events).toEqual([['free', 52, 'py'], ['free', 28, 'py'], ['free', 52, 'py'], ['free', 28, 'py']]);
  });

  test('a set releases its elements in table order (the order CPython iterates)', () => {
    const vm = new ObjectSpace();
    const s = vm.set();
    const values = [100, 3, 17, 9, 25, 1000, -4, 33, 8, 16, 24];
    for (const v of values) {
      const x = vm.int(v);
      vm.setAdd(s, x);
      vm.decref(x);
    }
    // list({100, 3, 17, 9, 25, 1000, -4, 33, 8, 16, 24}) in CPython 3.11.7
    expect(vm.setElements(s).map((e) => vm.value(e))).toEqual([33, 3, 100, 1000, 9, 8, 16, 17, 24, 25, -4]);
    const big = vm.setElements(s).filter((e) => !vm.isStatic(e));
    const order = deallocOrder(vm);
    vm.decref(s);
    expect(order).toEqual([...big, s]);
  });

  test('an instance releases its slots, then its values, then its block', () => {
    const vm = new ObjectSpace();
    const Sl = vm.defineClass('Sl', { slots: ['b', 'a'] });
    const o = vm.instance(Sl);
    const a = vm.int(5000);
    const b = vm.int(6000);
    vm.setAttr(o, 'a', a);
    vm.setAttr(o, 'b', b);
    vm.decref(a);
    vm.decref(b);
    expect(vm.referents(o)).toEqual([a, b]); // members sorted by name
    const order = deallocOrder(vm);
    vm.decref(o);
    expect(order).toEqual([a, b, o]);
  });

  test("the frees of a dropped instance match gc.json's final frees (values array, then the object)", () => {
    const vm = new ObjectSpace();
    const D = vm.defineClass('D');
    const o = vm.instance(D);
    vm.setAttr(o, 'self', vm.none);
    const rec = vm.recordRequests();
    vm.decref(o);
    expect(rec.events).toEqual(gcJson.scenarios.del_cycle_pep442.events);

    const Sl = vm.defineClass('Sl', { slots: ['ref'] });
    const s = vm.instance(Sl);
    vm.setAttr(s, 'ref', vm.none);
    const rec2 = vm.recordRequests();
    vm.decref(s);
    expect(rec2.events).toEqual(gcJson.scenarios.slots_self.events);
  });
});

describe('trashcan', () => {
  test('a list nested 100,000 deep frees in the order of gc.json (chunks of 49, LIFO), without JS recursion', () => {
    const spec = gcJson.scenarios.deep_list_100000;
    const vm = new ObjectSpace();
    const lists: number[] = [];
    let x = vm.list();
    lists.push(x);
    for (let i = 0; i < spec.depth; i++) {
      const nx = vm.list([x]);
      vm.decref(x);
      x = nx;
      lists.push(x);
    }
    lists.reverse(); // lists[d] is the list at depth d (0 = outermost)
    const depthOf = new Map<number, [number, string]>();
    lists.forEach((l, d) => {
      depthOf.set(l - 16, [d, 'L']);
      const items = vm.items(l).length > 0 ? vm.heap.memory.u32[(l + 24) >>> 2]! : 0;
      if (items !== 0) depthOf.set(items, [d, 'I']);
    });
    vm.clearFreeLists();
    const frees: [number, string][] = [];
    const sizes = new Map<string, number>();
    vm.heap.observer = {
      blockFree: (a) => {
        const hit = depthOf.get(a);
        if (hit === undefined) throw new Error(`unexpected free of 0x${a.toString(16)}`);
        frees.push(hit);
      },
    };
    const rec = vm.recordRequests();
    vm.decref(x);
    rec.stop();
    for (const [op, size, route] of rec.events) {
      expect(op).toBe('free');
      const key = `${String(size)}/${String(route)}`;
      sizes.set(key, (sizes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(sizes)).toEqual(spec.frees_by_size_route);
    expect(frees.length).toBe(spec.pymalloc_frees);
    // Runs of consecutive depths (descending) with the same kind: I, L or IL (items first).
    const tokens: [number, string][] = [];
    for (const [d, k] of frees) {
      const last = tokens.at(-1);
      if (last !== undefined && last[0] === d) last[1] += k;
      else tokens.push([d, k]);
    }
    const segments: [number, number, string][] = [];
    for (const [d, k] of tokens) {
      const seg = segments.at(-1);
      if (seg !== undefined && seg[2] === k && seg[1] === d + 1) seg[1] = d;
      else segments.push([d, d, k]);
    }
    expect(segments).toEqual(spec.free_order_segments);
    expect(vm.freeListSizes().list).toBe(80);
    vm.heap.check();
  });

  test('a tuple chain and a dict chain deeper than 50 free completely', () => {
    const vm = new ObjectSpace();
    let t = vm.tuple([vm.none]);
    for (let i = 0; i < 5000; i++) {
      const n = vm.tuple([t]);
      vm.decref(t);
      t = n;
    }
    let d = vm.dict();
    for (let i = 0; i < 5000; i++) {
      const n = vm.dict();
      vm.dictSet(n, vm.none, d);
      vm.decref(d);
      d = n;
    }
    const order = deallocOrder(vm);
    vm.decref(t);
    vm.decref(d);
    expect(order).toHaveLength(10002);
    expect(new Set(order).size).toBe(10002);
    vm.clearFreeLists();
    vm.heap.check();
  });
});
