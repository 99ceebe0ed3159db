import { describe, expect, test } from 'vitest';
import { T_INT, T_OBJECT } from './layout.js';
import { ObjectSpace } from './space.js';

/** The request sizes of the blocks the space allocated and freed while `f` ran. */
function requests(vm: ObjectSpace, f: () => void): (string | number | null)[][] {
  const rec = vm.recordRequests();
  try {
    f();
  } finally {
    rec.stop();
  }
  return rec.events.map((e) => [...e]);
}

describe('functions, builtin functions, modules, class objects (CPython 3.11.7 sizes)', () => {
  test('a function is one 152-byte tracked block holding its globals, name, qualname and doc', () => {
    const vm = new ObjectSpace();
    const g = vm.dict();
    for (const n of ['f', 'C.f']) vm.intern(n); // the code object's names exist before MAKE_FUNCTION
    let f = 0;
    const ev = requests(vm, () => (f = vm.func('f', g, 'C.f')));
    expect(ev).toEqual([['malloc', 152, 'py']]);
    expect([vm.typeName(f), vm.sizeof(f), vm.isTracked(f), vm.qualname(f)]).toEqual(['function', 152, true, 'C.f']);
    expect(vm.refcount(g)).toBe(2);
    // func_traverse: globals, doc, name, qualname (code, module, defaults… are NULL)
    expect(vm.referents(f)).toEqual([g, vm.none, vm.intern('f'), vm.intern('C.f')]);
    expect(requests(vm, () => vm.decref(f))).toEqual([['free', 152, 'py']]);
    expect(vm.refcount(g)).toBe(1);
    vm.heap.check();
  });

  test("a function's __module__ is its globals' __name__", () => {
    const vm = new ObjectSpace();
    const g = vm.dict();
    const name = vm.str('__main__');
    vm.dictSet(g, vm.intern('__name__'), name);
    const f = vm.func('f', g);
    expect(vm.referents(f)).toEqual([g, name, vm.none, vm.intern('f'), vm.intern('f')]);
  });

  test('a builtin function is 72 bytes, tracked, and holds its self', () => {
    const vm = new ObjectSpace();
    const l = vm.list();
    const m = vm.builtinFunction(l);
    expect([vm.typeName(m), vm.sizeof(m), vm.isTracked(m), vm.refcount(l)]).toEqual(['builtin_function_or_method', 72, true, 2]);
    expect(vm.referents(m)).toEqual([l]);
    vm.decref(m);
    expect(vm.refcount(l)).toBe(1);
  });

  test('a module is 72 bytes plus its __dict__ with the five module attributes', () => {
    const vm = new ObjectSpace();
    for (const n of ['__name__', '__doc__', '__package__', '__loader__', '__spec__']) vm.intern(n);
    let m = 0;
    const ev = requests(vm, () => (m = vm.module('mod')));
    // the module, its dict (GC head + 48), the name 'mod', the dict's first keys
    expect(ev).toEqual([['malloc', 72, 'py'], ['malloc', 64, 'py'], ['malloc', 52, 'py'], ['malloc', 120, 'py']]);
    expect([vm.typeName(m), vm.sizeof(m), vm.isTracked(m), vm.qualname(m)]).toEqual(['module', 72, true, 'mod']);
    const d = vm.moduleDict(m);
    expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual(['__name__', '__doc__', '__package__', '__loader__', '__spec__']);
    expect(vm.referents(m)).toEqual([d]);
  });

  test('a class object: 1688 with a managed dict (904 + 16 + 768 of shared keys), 920 without; its __dict__ in CPython order', () => {
    const vm = new ObjectSpace();
    const g = vm.dict();
    const plain = vm.classObject(vm.defineClass('Plain'));
    expect([vm.typeName(plain), vm.sizeof(plain), vm.isTracked(plain), vm.qualname(plain)]).toEqual(['type', 1688, true, 'Plain']);
    const f = vm.func('f', g, 'S.f');
    const slots = vm.tuple([vm.str('b'), vm.str('a')]);
    const info = vm.defineClass('S', { slots: ['b', 'a'] });
    for (const n of ['S', '__module__', '__slots__', '__doc__']) vm.intern(n);
    let s = 0;
    const ev = requests(vm, () => (s = vm.classObject(info, [['__slots__', slots], ['f', f]])));
    // bases (object,), the type (16 + 904 + 40 * (2 slots + 1)), its dict, '__main__', the dict's keys, the slots' names,
    // two member descriptors, the keys grown past 5 entries, the mro
    expect(ev.filter((e) => e[0] === 'malloc').map((e) => e[1])).toEqual([48, 1040, 64, 57, 120, 56, 64, 64, 208, 56]);
    expect(vm.sizeof(s)).toBe(920);
    const [d, mro, bases, base] = vm.referents(s);
    expect(vm.dictItems(d!).map(([k]) => vm.value(k))).toEqual(['__module__', '__slots__', 'f', 'a', 'b', '__doc__']);
    expect(vm.dictItems(d!).slice(3, 5).map(([, v]) => vm.typeName(v))).toEqual(['member_descriptor', 'member_descriptor']);
    expect(vm.items(mro!)).toEqual([s, vm.staticType(T_OBJECT)]);
    expect(vm.items(bases!)).toEqual([base]);
    expect(vm.classOfObject(s)).toBe(info);
  });

  test('static types are 424 bytes, untracked, and never deallocated', () => {
    const vm = new ObjectSpace();
    const t = vm.staticType(T_INT);
    expect([vm.typeName(t), vm.sizeof(t), vm.isTracked(t), vm.isStatic(t), vm.qualname(t)]).toEqual(['type', 424, false, true, 'int']);
    expect(() => vm.decref(t)).toThrow(expect.objectContaining({ code: 'E_STATIC' }) as Error);
    expect(() => vm.staticType(99)).toThrow(expect.objectContaining({ code: 'E_VALUE' }) as Error);
  });
});

describe('the collector and the class objects (counts measured with python3 -c, gc disabled)', () => {
  /** A class with one method; its class object is returned and the caller's references dropped. */
  function classWithMethod(vm: ObjectSpace, name: string, g: number, opts: { slots?: string[] } = {}): number {
    const f = vm.func('f', g, `${name}.f`);
    const c = vm.classObject(vm.defineClass(name, opts), [['f', f]]);
    vm.decref(f);
    return c;
  }

  test('`class C: def f` then del C: 7 unreachable (type, dict, mro, bases, 2 getsets, f); the blocks are all freed', () => {
    const vm = new ObjectSpace();
    const g = vm.dict();
    vm.gc.disable();
    const c = classWithMethod(vm, 'C', g);
    const [d, mro, bases] = vm.referents(c);
    const parts = [c, d!, mro!, bases!, ...vm.dictItems(d!).map(([, v]) => v).filter((v) => vm.isTracked(v))];
    expect(parts.map((x) => vm.typeName(x))).toEqual(['type', 'dict', 'tuple', 'tuple', 'function', 'getset_descriptor', 'getset_descriptor']);
    vm.decref(c);
    expect(vm.gc.collect()).toBe(7);
    expect(parts.filter((x) => vm.isAlive(x))).toEqual([]);
    expect(vm.refcount(g)).toBe(1);
    vm.heap.check();
  });

  test('`class D: __slots__ = (); def f`: 5 (no getsets)', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    vm.decref(classWithMethod(vm, 'D', vm.dict(), { slots: [] }));
    expect(vm.gc.collect()).toBe(5);
  });

  test('an instance keeps its class alive (refcount and collector); the class goes with its last instance', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    const info = vm.defineClass('N');
    const c = vm.classObject(info);
    const n = vm.instance(info);
    const rc = vm.refcount(c);
    vm.decref(c);
    expect(vm.gc.collect()).toBe(0);
    expect(vm.refcount(c)).toBe(rc - 1);
    expect(vm.referents(n).at(-1)).toBe(c);
    vm.decref(n);
    // the bases tuple (object,) was untracked by the first collection, as in CPython
    expect(vm.gc.collect()).toBe(5);
    expect(vm.isAlive(c)).toBe(false);
    expect(() => vm.instance(info)).toThrow(expect.objectContaining({ code: 'E_DEAD' }) as Error);
    vm.heap.check();
  });

  test('a module in a cycle through its own dict is freed by an explicit collect: 2', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    const m = vm.module('m');
    vm.dictSet(vm.moduleDict(m), vm.intern('m'), m);
    vm.decref(m);
    expect(vm.gc.collect()).toBe(2);
    vm.heap.check();
  });
});
