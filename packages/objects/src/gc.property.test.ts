import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ObjectSpace } from './space.js';
import { trackLiveBlocks } from '../test/shared.js';

type Kind = 'list' | 'dict' | 'tuple' | 'set' | 'instance' | 'slots' | 'method' | 'weakref' | 'int' | 'str' | 'float';
const kinds: Kind[] = ['list', 'dict', 'tuple', 'set', 'instance', 'slots', 'method', 'weakref', 'int', 'str', 'float'];
const graph = fc.record({
  nodes: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 40 }),
  edges: fc.array(fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 })), { maxLength: 120 }),
  gen: fc.constantFrom(0, 1, 2),
  del: fc.boolean(),
});

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

test('random object graphs with cycles: after dropping every external reference, collect() frees all of it and returns the number of GC objects left in cycles', () => {
  fc.assert(
    fc.property(graph, ({ nodes, edges, gen, del }) => {
      const vm = new ObjectSpace();
      vm.gc.disable();
      let finalized = 0;
      const C = vm.defineClass('C', del ? { del: () => finalized++ } : {});
      const S = vm.defineClass('S', { slots: NAMES });
      for (const n of NAMES) vm.intern(n);
      vm.gc.collect();
      // Every block allocated from here on must be freed in the end (free lists included: a full collection empties them).
      const liveBlocks = trackLiveBlocks(vm.heap);
      const objs: number[] = [];
      const hashable = (x: number): boolean => ['int', 'str', 'float', 'C', 'S', 'tuple'].includes(vm.typeName(x)) && (vm.typeName(x) !== 'tuple' || vm.items(x).every(hashable));
      nodes.forEach((k, i) => {
        const earlier = edges.filter(([f, t]) => f % nodes.length === i && t % nodes.length < i).map(([, t]) => objs[t % nodes.length]!);
        switch (k) {
          case 'list':
            return void objs.push(vm.list());
          case 'dict':
            return void objs.push(vm.dict());
          case 'tuple':
            return void objs.push(vm.tuple(earlier.length > 0 ? earlier : [vm.none]));
          case 'set':
            return void objs.push(vm.set());
          case 'instance':
            return void objs.push(vm.instance(C));
          case 'slots':
            return void objs.push(vm.instance(S));
          case 'method':
            return void objs.push(vm.boundMethod(vm.none, earlier[0] ?? vm.none));
          case 'weakref': {
            const target = earlier.find((x) => vm.typeName(x) === 'C' || vm.typeName(x) === 'set');
            return void objs.push(target === undefined ? vm.int(1000 + i) : vm.weakref(target, () => undefined));
          }
          case 'int':
            return void objs.push(vm.int(1000 + i));
          case 'str':
            return void objs.push(vm.str(`s${i}`));
          case 'float':
            return void objs.push(vm.float(i + 0.5));
        }
      });
      for (const [f, t] of edges) {
        const a = objs[f % objs.length]!;
        const b = objs[t % objs.length]!;
        switch (vm.typeName(a)) {
          case 'list':
            vm.listAppend(a, b);
            break;
          case 'dict':
          {
            const key = vm.int(t);
            vm.dictSet(a, key, b);
            vm.decref(key);
            break;
          }
          case 'set':
            if (hashable(b)) vm.setAdd(a, b);
            break;
          case 'C':
          case 'S':
            vm.setAttr(a, NAMES[t % NAMES.length]!, b);
            break;
        }
      }
      for (const x of objs) vm.decref(x);
      // What refcounting could not free: GC objects kept by cycles (dicts of atomics are untracked and freed through their owner).
      const inCycles = objs.filter((x) => vm.isAlive(x) && vm.gc.isTracked(x)).length;
      const n = vm.gc.collect(gen);
      if (gen < 2) vm.gc.collect(); // the older generation frees nothing more, and empties the free lists
      expect(n).toBe(inCycles);
      expect(objs.filter((x) => vm.isAlive(x))).toEqual([]);
      expect(liveBlocks.size).toBe(0);
      if (del) expect(finalized).toBe(nodes.filter((k) => k === 'instance').length);
      vm.heap.check();
    }),
    { numRuns: 300 },
  );
});
