import { describe, expect, test } from 'vitest';
import type { RequestEvent } from '../events.js';
import { ObjectSpace } from '../space.js';
import { Interpreter } from './interpreter.js';

/**
 * Allocator requests of statements measured on CPython 3.11.7 with
 * `pymem capture -- python3 regions.py` (the script below: one region per
 * statement between `pymem_capture.mark()` calls, GC disabled, after
 * `gc.collect()`; the mark calls' own requests removed). Routes are `py`
 * unless given (`libc`: over 512 bytes).
 * CPython's free lists held one dict and one 8-slot str keys object when
 * `dict6` ran (it takes the dict object from the free list, `dict3` the keys
 * object); the model gets the same state by running `e = {'q': 1}` and
 * `e = None`, unrecorded, before `dict6`.
 */
const SETUP = `import gc
gc.disable()
x = object()
a = [1, 2, 3]
b = [4, 5]
c = None
d = None
s = None
t = None
d6 = {'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6}
s5 = {1, 2, 3, 4, 5}
gc.collect()
`;

const REGIONS: readonly (readonly [label: string, code: string, cpython: readonly (readonly (string | number | null)[])[]])[] = [
  ['empty', "", []],
  ['concat', "c = a + b", [["malloc", 56], ["malloc", 40]]],
  ['repeat', "c = b * 3", [["malloc", 56], ["malloc", 48], ["free", 40]]],
  ['listclear', "a.clear()", [["free", 32]]],
  ['dict6', "d = {'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6}", [["malloc", 208]]],
  ['dict3', "d = {'a': 1, 'b': 2, 'c': 3}", [["malloc", 64], ["free", 208]]],
  ['dict10nonconst', "d = {'a': x, 'b': x, 'c': x, 'd': x, 'e': x, 'f': x, 'g': x, 'h': x, 'i': x, 1: x}", [["malloc", 288]]],
  ['dict16', "d = {'a': x, 'b': x, 'c': x, 'd': x, 'e': x, 'f': x, 'g': x, 'h': x, 'i': x, 'j': x, 'k': x, 'l': x, 'm': x, 'n': x, 'o': x, 'p': x}", [["malloc", 208], ["malloc", 400], ["free", 208], ["free", 288]]],
  ['dictclear', "d6.clear()", [["free", 208]]],
  ['set5', "s = {1, 2, 3, 4, 5}", [["malloc", 216], ["malloc", 256]]],
  ['set12', "s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}", [["malloc", 216], ["malloc", 512], ["free", 256], ["free", 216]]],
  ['setclear', "s5.clear()", [["free", 256]]],
  ['list31', "t = [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]", [["realloc", null, 32], ["realloc", 32, 64], ["realloc", 64, 128], ["realloc", 128, 192], ["realloc", 192, 256]]],
  ['tuple31', "t = (x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)", [["malloc", 56], ["realloc", null, 32], ["realloc", 32, 64], ["realloc", 64, 128], ["realloc", 128, 192], ["realloc", 192, 256], ["malloc", 288], ["free", 256], ["free", 256]]],
  ['dict17', "d = {'k0': x, 'k1': x, 'k2': x, 'k3': x, 'k4': x, 'k5': x, 'k6': x, 'k7': x, 'k8': x, 'k9': x, 'k10': x, 'k11': x, 'k12': x, 'k13': x, 'k14': x, 'k15': x, 'k16': x}", [["malloc", 208], ["malloc", 400], ["free", 208], ["free", 400]]],
  ['dict20', "d = {'k0': x, 'k1': x, 'k2': x, 'k3': x, 'k4': x, 'k5': x, 'k6': x, 'k7': x, 'k8': x, 'k9': x, 'k10': x, 'k11': x, 'k12': x, 'k13': x, 'k14': x, 'k15': x, 'k16': x, 'k17': x, 'k18': x, 'k19': x}", [["malloc", 208], ["malloc", 400], ["free", 208], ["malloc", 64], ["free", 400]]],
  ['dict40const', "d = {'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4, 'k5': 5, 'k6': 6, 'k7': 7, 'k8': 8, 'k9': 9, 'k10': 10, 'k11': 11, 'k12': 12, 'k13': 13, 'k14': 14, 'k15': 15, 'k16': 16, 'k17': 17, 'k18': 18, 'k19': 19, 'k20': 20, 'k21': 21, 'k22': 22, 'k23': 23, 'k24': 24, 'k25': 25, 'k26': 26, 'k27': 27, 'k28': 28, 'k29': 29, 'k30': 30, 'k31': 31, 'k32': 32, 'k33': 33, 'k34': 34, 'k35': 35, 'k36': 36, 'k37': 37, 'k38': 38, 'k39': 39}", [["malloc", 208], ["malloc", 400], ["free", 208], ["malloc", 208], ["malloc", 400], ["free", 208], ["malloc", 768, "libc"], ["free", 400], ["free", 400], ["malloc", 208], ["free", 208], ["free", 400]]],
];

describe('allocator requests of statements equal CPython 3.11.7 (measured with pymem capture)', () => {
  const vm = new ObjectSpace();
  const it = new Interpreter(vm);
  it.run(SETUP);
  for (const [label, code, cpython] of REGIONS) {
    test(`${label}: ${code.split('\\n')[0]!.slice(0, 60)}`, () => {
      if (label === 'dict6') it.run("e = {'q': 1}\ne = None\n");
      let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
      it.beforeRun = () => (rec = vm.recordRequests());
      try {
        it.run(`${code}\n`);
      } finally {
        rec?.stop();
        it.beforeRun = undefined;
      }
      const mine = rec!.events.map((e: RequestEvent) => e.filter((x) => x !== 'py'));
      expect(mine).toEqual(cpython);
      vm.heap.check();
    });
  }
});

describe('str concatenation at module level (CPython 3.11.7, measured the same way)', () => {
  test("s = 'a' * 20 is a folded constant: s = s + t makes a new str and frees nothing; s += t then frees the previous one", () => {
    const vm = new ObjectSpace();
    const it = new Interpreter(vm);
    it.run("import gc\ngc.disable()\ns = 'a' * 20\nt = 'bc'\nu = None\ngc.collect()\n");
    const region = (code: string): unknown[][] => {
      let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
      it.beforeRun = () => (rec = vm.recordRequests());
      it.run(`${code}\n`);
      rec!.stop();
      return rec!.events.map((e) => e.filter((x) => x !== 'py'));
    };
    expect(region('s = s + t')).toEqual([['malloc', 71]]);
    expect(region('s += t')).toEqual([['malloc', 73], ['free', 71]]);
    expect(region('u = s + t')).toEqual([['malloc', 75]]);
  });
});
