import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ObjectSpace } from './space.js';
import { trackLiveBlocks } from '../test/shared.js';

type Op =
  | { kind: 'int'; v: number }
  | { kind: 'float'; v: number }
  | { kind: 'str'; v: string }
  | { kind: 'tuple' | 'list' | 'frozenset'; picks: number[] }
  | { kind: 'dict' | 'set' | 'object' | 'instance' | 'slots' }
  | { kind: 'incref' | 'decref'; i: number }
  | { kind: 'append' | 'setadd' | 'attr'; c: number; i: number }
  | { kind: 'dictset'; c: number; k: number; i: number }
  | { kind: 'pop' | 'dictdel' | 'discard' | 'insert'; c: number; i: number };

const idx = fc.nat({ max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('int' as const), v: fc.oneof(fc.integer({ min: -10, max: 300 }), fc.integer()) }),
  fc.record({ kind: fc.constant('float' as const), v: fc.double({ noNaN: true }) }),
  fc.record({ kind: fc.constant('str' as const), v: fc.string({ maxLength: 12, unit: 'binary' }) }),
  fc.record({ kind: fc.constantFrom('tuple' as const, 'list' as const, 'frozenset' as const), picks: fc.array(idx, { maxLength: 5 }) }),
  fc.record({ kind: fc.constantFrom('dict' as const, 'set' as const, 'object' as const, 'instance' as const, 'slots' as const) }),
  fc.record({ kind: fc.constantFrom('incref' as const, 'decref' as const), i: idx }),
  fc.record({ kind: fc.constantFrom('append' as const, 'setadd' as const, 'attr' as const), c: idx, i: idx }),
  fc.record({ kind: fc.constant('dictset' as const), c: idx, k: idx, i: idx }),
  fc.record({ kind: fc.constantFrom('pop' as const, 'dictdel' as const, 'discard' as const, 'insert' as const), c: idx, i: idx }),
);

test('random create/incref/decref/insert sequences: counts stay consistent, nothing leaks', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const vm = new ObjectSpace();
      const C = vm.defineClass('C');
      const S = vm.defineClass('S', { slots: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] });
      for (const n of 'abcdefghij') vm.intern(n);
      // Every block allocated from here on must be freed in the end.
      const liveBlocks = trackLiveBlocks(vm.heap);
      // Owned references; `born` orders objects so that containers only hold older objects (no cycles).
      const held: number[] = [];
      const born = new Map<number, number>();
      let clock = 0;
      const own = (a: number): void => {
        held.push(a);
        if (!born.has(a)) born.set(a, clock++);
      };
      const pick = (i: number): number | undefined => (held.length === 0 ? undefined : held[i % held.length]);
      const older = (x: number, c: number): boolean => born.get(x)! < born.get(c)!;
      const hashable = (x: number): boolean => {
        const t = vm.typeName(x);
        return t !== 'list' && t !== 'dict' && t !== 'set' && (t !== 'tuple' || vm.items(x).every(hashable));
      };
      for (const o of ops) {
        switch (o.kind) {
          case 'int':
            own(vm.int(o.v));
            break;
          case 'float':
            own(vm.float(o.v));
            break;
          case 'str':
            own(vm.str(o.v));
            break;
          case 'tuple':
          case 'list':
          case 'frozenset': {
            let items = o.picks.map(pick).filter((x): x is number => x !== undefined);
            if (o.kind === 'frozenset') items = items.filter(hashable);
            const a = o.kind === 'tuple' ? vm.tuple(items) : o.kind === 'list' ? vm.list(items) : vm.frozenset(items);
            // fresh objects are newer than their items; recycled addresses get a new birth time
            born.delete(a);
            own(a);
            break;
          }
          case 'dict':
          case 'set':
          case 'object':
          case 'instance':
          case 'slots': {
            const a = o.kind === 'dict' ? vm.dict() : o.kind === 'set' ? vm.set() : o.kind === 'object' ? vm.object() : vm.instance(o.kind === 'instance' ? C : S);
            born.delete(a);
            own(a);
            break;
          }
          case 'incref': {
            const x = pick(o.i);
            if (x !== undefined) {
              vm.incref(x);
              held.push(x);
            }
            break;
          }
          case 'decref': {
            if (held.length === 0) break;
            const [x] = held.splice(o.i % held.length, 1);
            vm.decref(x!);
            if (!held.includes(x!) && vm.isAlive(x!) && !vm.isStatic(x!)) born.delete(x!);
            break;
          }
          case 'append':
          case 'setadd':
          case 'attr': {
            const c = pick(o.c);
            const x = pick(o.i);
            if (c === undefined || x === undefined || !older(x, c)) break;
            const t = vm.typeName(c);
            if (o.kind === 'append' && t === 'list') vm.listAppend(c, x);
            if (o.kind === 'setadd' && t === 'set' && hashable(x)) vm.setAdd(c, x);
            if (o.kind === 'attr' && (t === 'C' || t === 'S')) vm.setAttr(c, 'abcdefghij'[o.i % 10]!, x);
            break;
          }
          case 'dictset': {
            const d = pick(o.c);
            const k = pick(o.k);
            const v = pick(o.i);
            if (d === undefined || k === undefined || v === undefined || vm.typeName(d) !== 'dict') break;
            if (!older(k, d) || !older(v, d) || !hashable(k)) break;
            vm.dictSet(d, k, v);
            break;
          }
        }
        if (o.kind === 'pop' || o.kind === 'dictdel' || o.kind === 'discard' || o.kind === 'insert') {
          const c = pick(o.c);
          const x = pick(o.i);
          if (c !== undefined && x !== undefined) {
            const t = vm.typeName(c);
            if (o.kind === 'pop' && t === 'list' && vm.length(c) > 0) vm.decref(vm.listPop(c, o.i % vm.length(c)));
            if (o.kind === 'insert' && t === 'list' && older(x, c)) vm.listInsert(c, o.i % 7 - 3, x);
            if (o.kind === 'dictdel' && t === 'dict' && hashable(x)) vm.dictDel(c, x);
            if (o.kind === 'discard' && t === 'set' && hashable(x)) vm.setDiscard(c, x);
          }
        }
        // Every held reference is a live object whose count covers all references held to it.
        const counts = new Map<number, number>();
        for (const h of held) counts.set(h, (counts.get(h) ?? 0) + 1);
        for (const [h, n] of counts) {
          expect(vm.isAlive(h)).toBe(true);
          expect(vm.refcount(h)).toBeGreaterThanOrEqual(n);
        }
      }
      while (held.length > 0) vm.decref(held.pop()!);
      vm.clearFreeLists();
      // Interned names added to the shared keys stay (the class holds them); nothing else may remain.
      expect([...liveBlocks].filter((a) => !vm.isAlive(a))).toEqual([]);
      for (const a of liveBlocks) expect(vm.typeName(a)).toBe('str');
      vm.heap.check();
    }),
    { numRuns: 300 },
  );
});
