import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../test/shared.js';
import type { RequestEvent } from './events.js';
import type { ClassInfo } from './types.js';
import { ObjectSpace } from './space.js';

interface Measured {
  collect_return: number;
  pymalloc_frees: number;
  allocations: number;
  events: RequestEvent[];
}
interface Scenario extends Measured {
  simple_protocol: Measured;
  del_calls?: number;
  callback_calls?: number;
}
interface GcJson {
  threshold: number[];
  get_count: { right_after_collect: number[]; after_creating_10_lists: number[] };
  scenarios: Record<'self_list' | 'list_tuple' | 'slots_self' | 'bound_method_self' | 'del_cycle_pep442' | 'weakref_callback_reachable_ref', Scenario> & {
    deep_list_100000: { depth: number; pymalloc_frees: number; frees_by_size_route: Record<string, number> };
  };
}
const gcJson = readObjectsJson('gc.json') as GcJson;

/** A space with automatic GC off, as gc.json was measured. */
function space(): ObjectSpace {
  const vm = new ObjectSpace();
  vm.gc.disable();
  return vm;
}

/**
 * Instances of `cls` made and dropped before the scenario: the values array
 * of a 3.11 instance is sized from the shared keys' `usable`, which shrinks
 * by one per instance, so the measured values size tells how many instances
 * of the class the measuring script had made before (e.g. 248 bytes = 27
 * slots = the third instance).
 */
function priorInstances(vm: ObjectSpace, cls: ClassInfo, n: number): void {
  for (let i = 0; i < n; i++) vm.decref(vm.instance(cls));
}

/**
 * Runs a scenario under gc.json's protocols. `build` makes the garbage and
 * returns the external references to drop. Clean: collect with the
 * references held (the garbage survives, the free lists are emptied), drop
 * them, then the measured collect. Simple: collect, build, drop, measured collect.
 */
function run(vm: ObjectSpace, protocol: 'clean' | 'simple', build: () => number[]): { n: number; events: RequestEvent[] } {
  if (protocol === 'simple') vm.gc.collect();
  const refs = build();
  if (protocol === 'clean') vm.gc.collect();
  for (const r of refs) vm.decref(r);
  const rec = vm.recordRequests();
  const n = vm.gc.collect();
  rec.stop();
  vm.heap.check();
  return { n, events: rec.events };
}

const protocols = ['clean', 'simple'] as const;
const measured = (s: Scenario, p: 'clean' | 'simple'): Measured => (p === 'clean' ? s : s.simple_protocol);

describe('gc.json scenarios: collect() return value and the frees it makes, in order', () => {
  for (const p of protocols) {
    test(`self_list (${p}): l = []; l.append(l)`, () => {
      const vm = space();
      const r = run(vm, p, () => {
        const l = vm.list();
        vm.listAppend(l, l);
        return [l];
      });
      const m = measured(gcJson.scenarios.self_list, p);
      expect(r.n).toBe(m.collect_return);
      expect(r.events).toEqual(m.events);
    });

    test(`list_tuple (${p}): l = []; t = (l,); l.append(t)`, () => {
      const vm = space();
      const r = run(vm, p, () => {
        const l = vm.list();
        const t = vm.tuple([l]);
        vm.listAppend(l, t);
        return [l, t];
      });
      const m = measured(gcJson.scenarios.list_tuple, p);
      expect(r.n).toBe(m.collect_return);
      expect(r.events).toEqual(m.events);
    });

    test(`slots_self (${p}): class Sl: __slots__ = ('ref',); s = Sl(); s.ref = s`, () => {
      const vm = space();
      const Sl = vm.defineClass('Sl', { slots: ['ref'] });
      const r = run(vm, p, () => {
        const s = vm.instance(Sl);
        vm.setAttr(s, 'ref', s);
        return [s];
      });
      const m = measured(gcJson.scenarios.slots_self, p);
      expect(r.n).toBe(m.collect_return);
      expect(r.events).toEqual(m.events);
    });

    test(`bound_method_self (${p}): o = C(); o.m = o.method`, () => {
      const vm = space();
      const C = vm.defineClass('C');
      priorInstances(vm, C, p === 'clean' ? 2 : 7);
      const r = run(vm, p, () => {
        const o = vm.instance(C);
        const m = vm.boundMethod(vm.none, o); // the function is held by the class
        vm.setAttr(o, 'm', m);
        vm.decref(m);
        return [o];
      });
      const m = measured(gcJson.scenarios.bound_method_self, p);
      expect(r.n).toBe(m.collect_return);
      expect(r.events).toEqual(m.events);
    });

    test(`del_cycle_pep442 (${p}): class D with __del__; o = D(); o.self = o`, () => {
      const vm = space();
      let calls = 0;
      const D = vm.defineClass('D', { del: () => calls++ });
      priorInstances(vm, D, p === 'clean' ? 0 : 1);
      calls = 0;
      const r = run(vm, p, () => {
        const o = vm.instance(D);
        vm.setAttr(o, 'self', o);
        return [o];
      });
      const s = gcJson.scenarios.del_cycle_pep442;
      const m = measured(s, p);
      expect(r.n).toBe(m.collect_return);
      expect(r.events).toEqual(m.events);
      expect(calls).toBe(s.del_calls);
    });

    test(`weakref_callback_reachable_ref (${p}): o = C(); o.self = o; r = weakref.ref(o, cb), r kept`, () => {
      const vm = space();
      const C = vm.defineClass('C');
      priorInstances(vm, C, p === 'clean' ? 3 : 8);
      const seen: number[] = [];
      let wr = 0;
      const r = run(vm, p, () => {
        const o = vm.instance(C);
        vm.setAttr(o, 'self', o);
        wr = vm.weakref(o, (w) => seen.push(w));
        // weakref.ref(o, cb) is a call: its 2-tuple of arguments ends in the tuple free list
        vm.decref(vm.tuple([o, vm.none]));
        return [o];
      });
      const s = gcJson.scenarios.weakref_callback_reachable_ref;
      const m = measured(s, p);
      expect(r.n).toBe(m.collect_return);
      // The clean protocol's first collect already emptied the free list holding the argument tuple.
      expect(r.events).toEqual(m.events);
      expect(seen).toEqual([wr]);
      expect(seen).toHaveLength(s.callback_calls!);
      expect(vm.weakrefGet(wr)).toBe(vm.none);
    });
  }

  test('deep_list_100000 with automatic GC on while building: `del x` frees as measured (refcounting only)', () => {
    const spec = gcJson.scenarios.deep_list_100000;
    const vm = new ObjectSpace();
    let x = vm.list();
    for (let i = 0; i < spec.depth; i++) {
      const nx = vm.list([x]);
      vm.decref(x);
      x = nx;
    }
    expect(vm.gc.getStats()[0]!.collections).toBeGreaterThan(100); // automatic collections ran
    vm.gc.collect();
    const rec = vm.recordRequests();
    vm.decref(x);
    rec.stop();
    const sizes: Record<string, number> = {};
    for (const e of rec.events) {
      const key = `${String(e[1])}/${String(e.at(-1))}`;
      sizes[key] = (sizes[key] ?? 0) + 1;
    }
    expect(sizes).toEqual(spec.frees_by_size_route);
    expect(rec.events).toHaveLength(spec.pymalloc_frees);
    expect(vm.gc.collect()).toBe(0);
    vm.heap.check();
  });

  test('thresholds and get_count as measured', () => {
    const vm = space();
    expect(vm.gc.getThreshold()).toEqual(gcJson.threshold);
    vm.gc.collect();
    expect(vm.gc.getCount()).toEqual(gcJson.get_count.right_after_collect);
    const ls = Array.from({ length: 10 }, () => vm.list());
    expect(vm.gc.getCount()).toEqual(gcJson.get_count.after_creating_10_lists);
    for (const l of ls) vm.decref(l);
  });
});

describe("the observer's gcObject verdicts", () => {
  test('collected objects are told before they are cleared, in order; objects held by a legacy finalizer are uncollectable; survivors are not told', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    const told: [number, string, boolean][] = [];
    vm.observer = { gcObject: (x, outcome) => told.push([x, outcome, outcome === 'uncollectable' || vm.length(x) > 0]) };
    const keep = vm.list();
    vm.listAppend(keep, keep);
    const a = vm.list();
    const b = vm.list([a]);
    vm.listAppend(a, b);
    vm.decref(a);
    vm.decref(b);
    const L = vm.defineClass('L', { legacyDel: true });
    const o = vm.instance(L);
    vm.setAttr(o, 'self', o);
    vm.decref(o);
    const n = vm.gc.collect();
    expect(n).toBe(3); // a and b collected, o uncollectable
    expect(told.filter(([, k]) => k === 'collected').map(([x]) => x).sort()).toEqual([a, b].sort());
    expect(told.every(([, k, full]) => k !== 'collected' || full)).toBe(true); // told while still holding their items
    expect(told.filter(([, k]) => k === 'uncollectable').map(([x]) => x)).toEqual([o]);
    expect(told.some(([x]) => x === keep)).toBe(false);
  });
});
