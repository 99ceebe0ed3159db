import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../test/shared.js';
import { T_INT } from './layout.js';
import { ObjectSpace } from './space.js';

interface SizeofEntry {
  group: string;
  expr: string;
  type: string;
  getsizeof: number;
  gc_is_tracked: boolean;
  len?: number;
}

const entries = (readObjectsJson('sizeof.json') as { entries: SizeofEntry[] }).entries;

/** Literal `'x'`, `'x'*n`, `b'x'`, `b'x'*n` of the measured expressions. */
function literal(expr: string, prefix: string): string | undefined {
  const m = new RegExp(`^${prefix}'(.*)'(?:\\*(\\d+))?$`, 'u').exec(expr);
  if (m === null) return undefined;
  return m[1]!.repeat(m[2] === undefined ? 1 : Number(m[2]));
}

const ints = (vm: ObjectSpace, n: number): number[] => Array.from({ length: n }, (_, i) => vm.int(i));

/** How each measured expression is built with the space, or why it is out of this layer's scope. */
function build(vm: ObjectSpace, e: SizeofEntry): number {
  const { expr } = e;
  const bigs: Record<string, bigint> = { '0': 0n, '2**30-1': 2n ** 30n - 1n, '2**60': 2n ** 60n, '-1': -1n, '256': 256n, '2**63': 2n ** 63n };
  if (e.type === 'int') return vm.int(bigs[expr]!);
  if (expr === '0.0') return vm.float(0);
  if (expr === "float('inf')") return vm.float(Infinity);
  if (expr === 'True') return vm.bool(true);
  if (expr === 'None') return vm.newNone();
  const s = literal(expr, '');
  if (s !== undefined) return vm.str(s);
  const b = literal(expr, 'b');
  if (b !== undefined) return vm.bytes(Array.from(b, (c) => c.charCodeAt(0)));
  if (expr === 'bytearray()') return vm.bytearray();
  if (expr === "bytearray(b'x'*10)") return vm.bytearray(new Uint8Array(10).fill(120));
  let m = /^tuple\(range\((\d+)\)\)$/.exec(expr);
  if (m !== null) return vm.tuple(ints(vm, Number(m[1])));
  if (expr === '(1, 2)') return vm.tuple([vm.int(1), vm.int(2)]);
  if (expr === '[]') return vm.list();
  if (/^\[v0(, v\d)*\]$/.test(expr)) return vm.list(Array.from({ length: expr.split(',').length }, () => vm.object()));
  m = /^\[(\d+(?:, \d+)*)\]$/.exec(expr);
  if (m !== null) {
    // 1-2 constants: BUILD_LIST n; 3+: BUILD_LIST 0 + LIST_EXTEND of a constant tuple.
    const items = m[1]!.split(', ').map((x) => vm.int(Number(x)));
    if (items.length <= 2) return vm.list(items);
    const l = vm.list();
    vm.listExtend(l, items);
    return l;
  }
  m = /^l = \[\]; (\d+) x l\.append\(None\)$/.exec(expr);
  if (m !== null) {
    const l = vm.list();
    for (let i = 0; i < Number(m[1]); i++) vm.listAppend(l, vm.none);
    return l;
  }
  if (expr === 'list(range(10))') {
    // list.__init__: list_preallocate_exact(len), then extend.
    const l = vm.list();
    vm.listExtend(l, ints(vm, 10));
    return l;
  }
  if (expr === '[None] * 10') return vm.list(Array.from({ length: 10 }, () => vm.none));
  if (expr === '{}') return vm.dict();
  m = /^d = \{\}; d\['k%d' % i\] = i for i in range\((\d+)\)$/.exec(expr);
  if (m !== null) {
    const d = vm.dict();
    for (let i = 0; i < Number(m[1]); i++) vm.dictSet(d, vm.str(`k${i}`), vm.int(i));
    return d;
  }
  if (expr === 'set()') return vm.set();
  m = /^s = set\(\); s\.add\(i\) for i in range\((\d+)\)$/.exec(expr);
  if (m !== null) {
    const st = vm.set();
    for (let i = 0; i < Number(m[1]); i++) vm.setAdd(st, vm.int(i));
    return st;
  }
  if (expr === 'frozenset()') return vm.frozenset();
  if (expr === 'frozenset(range(10))') return vm.frozenset(ints(vm, 10));
  if (expr.startsWith('Plain()')) return vm.instance(vm.defineClass('Plain'));
  if (expr.startsWith('Plain2().__dict__')) {
    const o = vm.instance(vm.defineClass('Plain2'));
    vm.setAttr(o, 'a', vm.int(1));
    vm.setAttr(o, 'b', vm.int(2));
    return vm.instanceDict(o);
  }
  if (expr.startsWith('Slots1()')) {
    const o = vm.instance(vm.defineClass('Slots1', { slots: ['a'] }));
    vm.setAttr(o, 'a', vm.int(1));
    return o;
  }
  if (expr.startsWith('DC(1, 2)')) {
    const o = vm.instance(vm.defineClass('DC'));
    vm.setAttr(o, 'x', vm.int(1));
    vm.setAttr(o, 'y', vm.int(2));
    return o;
  }
  if (expr === 'def func(): pass') return vm.func('func', vm.dict());
  if (expr === 'len  # builtin') return vm.builtinFunction();
  if (expr === 'p2.__init__  # bound method') {
    const g = vm.dict();
    const init = vm.func('__init__', g, 'P2.__init__');
    const cls = vm.defineClass('P2');
    const p2 = vm.instance(cls);
    return vm.boundMethod(init, p2);
  }
  if (expr === 'class Plain: pass') return vm.classObject(vm.defineClass('Plain'));
  if (expr === 'int  # static type') return vm.staticType(T_INT);
  if (expr === "types.ModuleType('m')") return vm.module('m');
  throw new Error(`no builder for ${expr}`);
}

describe('sys.getsizeof of every sizeof.json entry (CPython 3.11.7)', () => {
  test('the file has the 75 measured entries', () => {
    expect(entries).toHaveLength(75);
  });
  for (const e of entries) {
    test(`${e.expr} (${e.type}) = ${e.getsizeof}`, () => {
      const vm = new ObjectSpace();
      const a = build(vm, e);
      expect(vm.typeName(a)).toBe(e.type);
      expect(vm.sizeof(a)).toBe(e.getsizeof);
      expect(vm.isTracked(a)).toBe(e.gc_is_tracked);
      if (e.len !== undefined) expect(vm.length(a)).toBe(e.len);
      vm.heap.check();
    });
  }
});
