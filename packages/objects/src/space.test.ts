import { createLinearHeap } from '@pymem/arena';
import { describe, expect, test } from 'vitest';
import { hashBigInt, hashDouble, hashTuple } from './hash.js';
import { ObjectSpace } from './space.js';

describe('values in memory', () => {
  test('ints of any size round-trip through 30-bit digits', () => {
    const vm = new ObjectSpace();
    for (const v of [0, 1, -1, 256, 257, -6, 2 ** 30 - 1, 2 ** 30, -(2 ** 45), Number.MAX_SAFE_INTEGER]) expect(vm.value(vm.int(v))).toBe(v);
    for (const v of [2n ** 60n, -(2n ** 63n), 3n ** 100n]) expect(vm.value(vm.int(v))).toBe(v);
    expect(vm.sizeof(vm.int(3n ** 100n))).toBe(24 + 4 * 6); // 159 bits: 6 digits
    expect(vm.isStatic(vm.int(-5))).toBe(true);
    expect(vm.isStatic(vm.int(-6))).toBe(false);
  });

  test('str kinds: ASCII, latin-1, UCS-2, UCS-4 (surrogate pairs are one character)', () => {
    const vm = new ObjectSpace();
    const cases: [string, number][] = [
      ['hello', 48 + 5 + 1],
      ['héllo', 72 + 6],
      ['h€llo', 72 + 12],
      ['h😀llo', 72 + 24],
    ];
    for (const [s, size] of cases) {
      const a = vm.str(s);
      expect(vm.value(a)).toBe(s);
      expect(vm.sizeof(a)).toBe(size);
      expect(vm.length(a)).toBe(Array.from(s).length);
    }
    expect(vm.str('é')).toBe(vm.str('é')); // one-character latin-1 strings are static
    expect(vm.str('€')).not.toBe(vm.str('€'));
    expect(vm.value(vm.bytes([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(vm.value(vm.bytearray([9, 8]))).toEqual(new Uint8Array([9, 8]));
  });

  test('the list header lives in arena memory at the documented offsets', () => {
    const vm = new ObjectSpace();
    const x = vm.float(0.25);
    const l = vm.list([x, x]);
    const dv = vm.heap.memory.dv;
    expect(dv.getUint32(l, true)).toBe(1); // ob_refcnt
    expect(dv.getUint32(l + 16, true)).toBe(2); // ob_size
    const items = dv.getUint32(l + 24, true); // ob_item
    expect(dv.getUint32(l + 32, true)).toBe(2); // allocated
    expect(dv.getUint32(items, true)).toBe(x);
    expect(dv.getFloat64(x + 16, true)).toBe(0.25);
    expect(vm.refcount(x)).toBe(3);
  });
});

describe('heaps', () => {
  test('objects survive the memory growing under them (a resizable ArrayBuffer from 1 MiB)', () => {
    const vm = new ObjectSpace({ heap: createLinearHeap({ memory: new ArrayBuffer(1 << 20, { maxByteLength: 64 << 20 }) }) });
    const before = vm.heap.memory.byteLength;
    const d = vm.dict();
    const l = vm.list();
    for (let i = 0; i < 20_000; i++) {
      const k = vm.str(`key${i}`);
      const v = vm.float(i / 4);
      vm.dictSet(d, k, v);
      vm.listAppend(l, k);
      vm.decref(k);
      vm.decref(v);
    }
    expect(vm.heap.memory.byteLength).toBeGreaterThan(before);
    const items = vm.items(l);
    for (let i = 0; i < 20_000; i += 997) {
      expect(vm.value(items[i]!)).toBe(`key${i}`);
      expect(vm.value(vm.dictGet(d, items[i]!))).toBe(i / 4);
    }
    vm.decref(d);
    vm.decref(l);
    vm.clearFreeLists();
    vm.heap.check();
  });
});

describe('hashing and equality as CPython 3.11', () => {
  test('numeric hashes equal hash() of CPython 3.11.7', () => {
    expect(hashDouble(1.5)).toBe(1152921504606846977n);
    expect(hashDouble(-2.75)).toBe(-1729382256910270466n);
    expect(hashDouble(1e300)).toBe(1224995262755759164n);
    expect(hashDouble(0.1)).toBe(230584300921369408n);
    expect(hashDouble(-0.1)).toBe(-230584300921369408n);
    expect(hashDouble(Infinity)).toBe(314159n);
    expect(hashBigInt(2n ** 100n)).toBe(549755813888n);
    expect(hashBigInt(-(2n ** 100n))).toBe(-549755813888n);
    expect(hashBigInt(-1n)).toBe(-2n);
    expect(hashBigInt(2n ** 61n - 1n)).toBe(0n);
    expect(hashTuple([1n, 2n])).toBe(-3550055125485641917n);
    expect(hashTuple([])).toBe(5740354900026072187n);
    expect(hashTuple([hashDouble(1.5), -3n])).toBe(2936311641029127278n);
  });

  test('str and bytes hashes equal CPython 3.11.7 with PYTHONHASHSEED=0 (SipHash-1-3, zero key)', () => {
    const vm = new ObjectSpace();
    const expected: [string, bigint][] = [
      ['', 0n],
      ['a', 4644417185603328019n],
      ['ab', 6148830537548944441n],
      ['abcdefg', 7904145750247929094n],
      ['abcdefgh', 4574395652268504554n],
      ['abcdefghi', -532774252720507163n],
      ['k00', -8930125873593456717n],
      ['hello world!', 839851713330019024n],
      ['é', 6047309291227476195n],
      ['héllo', 6395329678795984700n],
      ['€uro', 7542247858446192590n],
      ['h😀llo', 8256407882603523177n],
      ['x'.repeat(33), 3129705393707619204n],
    ];
    for (const [s, h] of expected) expect(vm.hashOf(vm.str(s))).toBe(h);
    expect(vm.hashOf(vm.bytes([97, 98, 99]))).toBe(-4594863902769663758n);
    expect(vm.hashOf(vm.bytes([]))).toBe(0n);
    expect(vm.hashOf(vm.int(-1))).toBe(-2n);
    expect(vm.hashOf(vm.float(1.5))).toBe(1152921504606846977n);
  });

  test('set table order of strs equals CPython with PYTHONHASHSEED=0', () => {
    const vm = new ObjectSpace();
    const s = vm.set(Array.from({ length: 20 }, (_, i) => vm.str(`k${i}`)));
    // PYTHONHASHSEED=0: list(set('k%d' % i for i in range(20)))
    expect(vm.setElements(s).map((e) => vm.value(e))).toEqual(
      ['k1', 'k8', 'k14', 'k18', 'k7', 'k15', 'k9', 'k3', 'k0', 'k10', 'k5', 'k19', 'k17', 'k6', 'k16', 'k11', 'k12', 'k2', 'k13', 'k4'],
    );
  });

  test('set table order of ints equals CPython iteration order', () => {
    const vm = new ObjectSpace();
    const s = vm.set(Array.from({ length: 29 }, (_, i) => vm.int(7 * i)));
    // list(set(range(0, 200, 7))) in CPython 3.11.7
    expect(vm.setElements(s).map((e) => vm.value(e))).toEqual([
      0, 133, 7, 140, 14, 147, 21, 154, 28, 161, 35, 168, 42, 175, 49, 182, 56, 189, 63, 196, 70, 77, 84, 91, 98, 105, 112, 119, 126,
    ]);
  });

  test('equal keys collide: 1, 1.0 and True are one dict key; equal strs and tuples too', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    vm.dictSet(d, vm.int(1), vm.str('int'));
    vm.dictSet(d, vm.float(1), vm.str('float'));
    vm.dictSet(d, vm.true, vm.str('bool'));
    expect(vm.length(d)).toBe(1);
    expect(vm.value(vm.dictGet(d, vm.int(1)))).toBe('bool');
    vm.dictSet(d, vm.str('key!'), vm.none);
    expect(vm.dictGet(d, vm.str('key!'))).toBe(vm.none);
    vm.dictSet(d, vm.tuple([vm.int(1000), vm.str('x')]), vm.false);
    expect(vm.dictGet(d, vm.tuple([vm.int(1000), vm.str('x')]))).toBe(vm.false);
    expect(vm.dictGet(d, vm.int(2))).toBe(0);
    expect(vm.length(d)).toBe(3);
    const s = vm.set([vm.str('ab'), vm.str('ab'), vm.int(1), vm.float(1)]);
    expect(vm.length(s)).toBe(2);
    expect(vm.setContains(s, vm.true)).toBe(true);
  });

  test('a non-str key converts a unicode table to a general one (24-byte entries), sized as CPython 3.11.7', () => {
    // sys.getsizeof(d) - 64 after n str keys, then d[5] = 1, for n = 0..11 (CPython 3.11.7)
    const measured = [160, 288, 288, 288, 288, 288, 568, 568, 568, 568, 568, 1104];
    measured.forEach((keys, n) => {
      const vm = new ObjectSpace();
      const d = vm.dict();
      for (let i = 0; i < n; i++) vm.dictSet(d, vm.str(`k${i}`), vm.int(i));
      vm.dictSet(d, vm.int(5), vm.int(1));
      expect(vm.sizeof(d) - 64).toBe(keys);
      expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual([...Array.from({ length: n }, (_, i) => `k${i}`), 5]);
    });
    const vm = new ObjectSpace();
    const d = vm.dict();
    vm.dictSet(d, vm.str('a'), vm.none);
    const rec = vm.recordRequests();
    vm.dictSet(d, vm.int(7), vm.none);
    expect(rec.events).toEqual([['malloc', 32 + 16 + 10 * 24, 'py']]); // the unicode keys went to the keys free list
  });
});

describe('GC-facing structure', () => {
  test('referents follow tp_traverse order', () => {
    const vm = new ObjectSpace();
    const [a, b, c] = [vm.int(1000), vm.int(2000), vm.int(3000)];
    expect(vm.referents(vm.list([a, b, c]))).toEqual([c, b, a]);
    expect(vm.referents(vm.tuple([a, b, c]))).toEqual([c, b, a]);
    const ds = vm.dict();
    vm.dictSet(ds, vm.str('x'), a);
    vm.dictSet(ds, vm.str('y'), b);
    expect(vm.referents(ds)).toEqual([a, b]); // str keys are not visited
    const dg = vm.dict();
    vm.dictSet(dg, c, a);
    vm.dictSet(dg, b, c);
    expect(vm.referents(dg)).toEqual([a, c, c, b]); // value, key per entry
    expect(vm.referents(a)).toEqual([]);
    const C = vm.defineClass('C');
    const o = vm.instance(C);
    vm.setAttr(o, 'p', b);
    vm.setAttr(o, 'q', a);
    expect(vm.referents(o)).toEqual([b, a]);
  });

  test('tracking: dicts start untracked and are tracked when a container is stored; GC heads form generation 0', () => {
    const vm = new ObjectSpace();
    const d = vm.dict();
    vm.dictSet(d, vm.str('k'), vm.int(1));
    expect(vm.isTracked(d)).toBe(false);
    vm.dictSet(d, vm.str('l'), vm.list());
    expect(vm.isTracked(d)).toBe(true);
    const l = vm.list();
    const u32 = vm.heap.memory.u32;
    const gc = l - 16;
    const prev = u32[(gc + 8) >>> 2]!;
    expect(prev).toBe(d - 16); // linked after the dict, the last tracked object
    expect(u32[prev >>> 2]).toBe(gc);
    expect(vm.isTracked(vm.object())).toBe(false);
  });

  test('the managed dict of an instance: values array, then a split dict on request', () => {
    const vm = new ObjectSpace();
    const P = vm.defineClass('P');
    const rec = vm.recordRequests();
    const p = vm.instance(P);
    const q = vm.instance(P);
    // 56-byte block, then values of 29 and 28 slots (usable shrinks by one per instance)
    expect(rec.events).toEqual([
      ['malloc', 56, 'py'],
      ['malloc', 32 + 8 * 29, 'py'],
      ['malloc', 56, 'py'],
      ['malloc', 32 + 8 * 28, 'py'],
    ]);
    vm.setAttr(p, 'x', vm.int(1));
    vm.setAttr(p, 'y', vm.int(2));
    expect(vm.value(vm.getAttr(p, 'y'))).toBe(2);
    const d = vm.instanceDict(p);
    expect(vm.sizeof(d)).toBe(64 + 8 * 28);
    expect(vm.dictItems(d).map(([k, v]) => [vm.value(k), vm.value(v)])).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
    vm.setAttr(p, 'z', vm.int(3));
    expect(vm.value(vm.getAttr(p, 'z'))).toBe(3);
    vm.decref(d);
    vm.decref(p);
    vm.decref(q);
    vm.heap.check();
  });

  test('a materialised instance dict stays split while the shared keys have room, as CPython 3.11.7', () => {
    const vm = new ObjectSpace();
    const P = vm.defineClass('P');
    const p = vm.instance(P);
    const d = vm.instanceDict(p);
    expect(vm.sizeof(d)).toBe(296);
    vm.dictSet(d, vm.str('x'), vm.int(1));
    expect(vm.sizeof(d)).toBe(296); // the key went into the shared keys
    vm.dictSet(d, vm.int(5), vm.int(1));
    expect(vm.sizeof(d)).toBe(352); // a non-str key: combined, general, log2 4
    expect(vm.dictItems(d).map(([k]) => vm.value(k))).toEqual(['x', 5]);

    // class Q: 30 attributes set one by one, __dict__ read after the 28th (CPython 3.11.7: 296, 296, 1584)
    const Q = vm.defineClass('Q');
    const q = vm.instance(Q);
    const sizes: number[] = [];
    let qd = 0;
    for (let i = 0; i < 35; i++) {
      vm.setAttr(q, `a${i}`, vm.int(i));
      if (i === 27) qd = vm.instanceDict(q);
      if (i >= 27) sizes.push(vm.sizeof(qd));
    }
    expect(sizes).toEqual([296, 296, 1584, 1584, 1584, 1584, 1584, 1584]);
    expect(vm.value(vm.getAttr(q, 'a34'))).toBe(34);
    const q2 = vm.instance(Q);
    vm.setAttr(q2, 'z', vm.int(1));
    expect(vm.sizeof(vm.instanceDict(q2))).toBe(184); // the shared keys are full: a combined dict
  });

  test('object events: create with size, dealloc with recycling', () => {
    const vm = new ObjectSpace();
    const log: string[] = [];
    vm.observer = {
      objectCreate: (a, t, size, recycled) => log.push(`+${vm.typeNameOfId(t)} ${size}${recycled ? ' recycled' : ''}`),
      objectDealloc: (a, t, recycled) => log.push(`-${vm.typeNameOfId(t)}${recycled ? ' recycled' : ''}`),
    };
    const f = vm.float(1);
    const l = vm.list([f]);
    vm.decref(f);
    vm.decref(l);
    vm.float(2);
    expect(log).toEqual(['+float 24', '+list 56', '-float recycled', '-list recycled', '+float 24 recycled']);
  });
});
