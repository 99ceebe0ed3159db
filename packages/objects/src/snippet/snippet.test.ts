import { describe, expect, test } from 'vitest';
import { readObjectsJson } from '../../test/shared.js';
import type { RequestEvent } from '../events.js';
import { ObjectSpace } from '../space.js';
import { T_FLOAT } from '../layout.js';
import { SnippetError } from './errors.js';
import { floatRepr } from './float-repr.js';
import { Interpreter } from './interpreter.js';
import { parseSnippet } from './parser.js';
import { runSnippet, sizeofExpression } from './run.js';
import { tokenize } from './tokenizer.js';

type Event = readonly (string | number | null)[];
interface Growth {
  scenarios: {
    a_list_append_100: { events: Event[] };
    b_dict_insert_100: { events: Event[] };
    d_tuple_build: { rows: { n: number; tuple_of_slice: Event[]; tuple_of_prebuilt_list: Event[] }[] };
    empty_region: { events: Event[] };
  };
}
const { scenarios } = readObjectsJson('growth.json') as Growth;

/** Runs `setup`, then records the requests of `region` run in the same namespace (as growth.json: GC off, free lists emptied). */
function region(setup: string, code: string): RequestEvent[] {
  const vm = new ObjectSpace();
  const it = new Interpreter(vm);
  it.run(`import gc\ngc.disable()\n${setup}\ngc.collect()\n`);
  let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
  it.beforeRun = () => (rec = vm.recordRequests());
  it.run(code);
  rec!.stop();
  vm.heap.check();
  return rec!.events;
}

describe("a snippet's requests equal growth.json's regions (CPython 3.11.7)", () => {
  test('a_list_append_100: a = [] then 100 statements a.append(None)', () => {
    const code = `a = []\n${'a.append(None)\n'.repeat(100)}`;
    expect(region('a = None\na.__class__ if False else None', code)).toEqual(scenarios.a_list_append_100.events);
  });

  test("b_dict_insert_100: d = {} then d[K[i]] = None for pre-made keys 'k00'..'k99'", () => {
    const keys = Array.from({ length: 100 }, (_, i) => `'k${String(i).padStart(2, '0')}'`).join(', ');
    const code = `d = {}\n${Array.from({ length: 100 }, (_, i) => `d[K[${i}]] = None\n`).join('')}`;
    expect(region(`d = None\nK = [str(k) for k in [${keys}]]`, code)).toEqual(scenarios.b_dict_insert_100.events);
  });

  test('d_tuple_build: t = tuple(prelist[:n]) and t = tuple(L), n = 0..25', () => {
    let checked = 0;
    for (const row of scenarios.d_tuple_build.rows) {
      const setup = `t = None\nprelist = [int(str(1000 + i)) for i in range(25)]\nL = prelist[:${row.n}]`;
      expect(region(setup, `t = tuple(prelist[:${row.n}])`)).toEqual(row.tuple_of_slice);
      expect(region(setup, 't = tuple(L)')).toEqual(row.tuple_of_prebuilt_list);
      checked++;
    }
    expect(checked).toBe(26);
  });

  test('empty_region: pass', () => {
    expect(region('x = 1', 'pass')).toEqual(scenarios.empty_region.events);
  });
});

describe('references are counted as CPython counts them', () => {
  test('a float literal in a display is the code constant; float() makes a new object', () => {
    const { space: vm, interpreter: it } = runSnippet('a = [1.5, 1.5]\nb = float("1.5")\nc = [b, b]');
    const get = (n: string): number => vm.dictGet(it.namespace, vm.intern(n));
    const [x, y] = vm.items(get('a'));
    expect(x).toBe(y);
    expect(vm.typeOf(x!)).toBe(T_FLOAT);
    expect(vm.refcount(x!)).toBe(3); // co_consts + two list slots
    const b = get('b');
    expect(b).not.toBe(x);
    expect(vm.refcount(b)).toBe(3); // the name + two list slots
  });

  test('del and rebinding release; temporaries are freed after the statement', () => {
    const { space: vm, requests } = runSnippet('import gc\nx = [1] + [2]\ny = x\ndel x\ny = None\n[3, 4] * 2\ngc.collect()\n');
    // every block the run allocated is freed again (the lists once gc.collect() empties the free list), except the namespace's keys
    const live = new Map<number, number>();
    for (const e of requests) {
      if (e[0] === 'malloc' || e[0] === 'calloc') live.set(e[1], (live.get(e[1]) ?? 0) + 1);
      else if (e[0] === 'free' && e[1] !== null) live.set(e[1], (live.get(e[1]) ?? 0) - 1);
    }
    expect([...live].filter(([, k]) => k !== 0)).toEqual([[120, 1]]);
    vm.heap.check();
  });

  test('a name binding holds one reference; a method call binds self without a bound method object', () => {
    const r = runSnippet('import sys\nclass C:\n    def f(self):\n        return sys.getrefcount(self)\no = C()\nprint(o.f(), sys.getrefcount(o))\n');
    expect(r.output).toBe('3 2\n'); // python3 prints the same: the name, self (the call's stack reference moved into the frame), the argument
  });

  test('a __del__ runs when the last reference goes, before the statement ends', () => {
    const r = runSnippet("class C:\n    def __del__(self):\n        print('del')\nC()\nprint('next')\n");
    expect(r.output).toBe('del\nnext\n');
  });
});

describe('errors name the construct and the line', () => {
  const cases: [string, string][] = [
    ['x = 1\ny = 2\nf = lambda: 1\n', "line 3: 'lambda' is not supported by the snippet runner"],
    ['try:\n    pass\nexcept:\n    pass\n', "line 1: 'try' is not supported by the snippet runner"],
    ['with x:\n    pass\n', "line 1: 'with' is not supported by the snippet runner"],
    ["x = f'{1}'\n", "line 1: 'f-string' is not supported by the snippet runner"],
    ['x = sum(i for i in range(3))\n', "line 1: 'generator expression' is not supported by the snippet runner"],
    ['@d\ndef f():\n    pass\n', "line 1: 'decorator' is not supported by the snippet runner"],
    ['from os import path\n', "line 1: 'from ... import' is not supported by the snippet runner"],
    ['import os\n', "line 1: 'import os' is not supported by the snippet runner"],
    ['x = {k: 1 for k in "ab"}\n', "line 1: 'dict comprehension' is not supported by the snippet runner"],
    ['class C(B):\n    pass\n', "line 1: 'base classes' is not supported by the snippet runner"],
    ['class C:\n    x = 1\n', "line 2: 'class body statement other than __slots__ = ... and def' is not supported by the snippet runner"],
    ['for x in []:\n    pass\nelse:\n    pass\n', "line 3: 'for ... else' is not supported by the snippet runner"],
    ['def f(*a):\n    pass\n', "line 1: '* in parameters' is not supported by the snippet runner"],
    ['x = 1j\n', "line 1: 'complex' is not supported by the snippet runner"],
    ['def f():\n    def g():\n        pass\nf()\n', "line 2: 'def inside a function' is not supported by the snippet runner"],
    ['print(y)\n', "line 1: NameError: name 'y' is not defined"],
    ['x = [1]\n\nx[5] = 2\n', 'line 3: IndexError: list assignment index out of range'],
    ["d = {}\nd['k']\n", "line 2: KeyError: 'k'"],
    ["x = 1 + 'a'\n", "line 1: TypeError: unsupported operand type(s) for +: 'int' and 'str'"],
    ['x = 1 / 0\n', 'line 1: ZeroDivisionError: division by zero'],
    ['if True:\n  x = 1\n y = 2\n', 'line 3: unindent does not match any outer indentation level'],
    ['x = 1\ny = (1,\n', "line 2: '(' was never closed"],
    ['x = [1)\n', "line 1: closing parenthesis ')' does not match opening parenthesis '['"],
  ];
  for (const [src, message] of cases) {
    test(message, () => {
      let err: unknown;
      try {
        runSnippet(src);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SnippetError);
      expect((err as SnippetError).message).toBe(message);
    });
  }

  test('the kind and construct of an unsupported construct', () => {
    expect(() => parseSnippet('a = 1\nb = yield 2\n')).toThrow(expect.objectContaining({ kind: 'unsupported', line: 2, construct: 'yield' }) as Error);
  });
});

describe('tokenizer', () => {
  test('INDENT and DEDENT follow the indentation stack; brackets and blank lines do not count', () => {
    const kinds = tokenize('if a:\n    b = [1,\n  2]\n\n    # c\n    if c:\n        d\ne\n').map((t) => (t.kind === 'name' || t.kind === 'op' || t.kind === 'int' ? t.text : t.kind.toUpperCase()));
    expect(kinds.join(' ')).toBe('if a : NEWLINE INDENT b = [ 1 , 2 ] NEWLINE if c : NEWLINE INDENT d NEWLINE DEDENT DEDENT e NEWLINE EOF');
  });

  test('strings: escapes, raw, bytes, triple quotes, adjacent literals; lines are counted through them', () => {
    const t = tokenize("s = 'a\\n' r'\\n' \"\"\"x\ny\"\"\"\nb = b'\\x01'\n");
    expect(t.filter((x) => x.kind === 'str').map((x) => x.text)).toEqual(['a\n', '\\n', 'x\ny']);
    expect(t.find((x) => x.kind === 'bytes')).toEqual({ kind: 'bytes', text: '\x01', line: 3 });
  });
});

describe('float repr (python3 printed the expected strings)', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [1e-5, '1e-05'], [0.0001, '0.0001'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
    [-0, '-0.0'], [2.5, '2.5'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [1.2345678901234568e17, '1.2345678901234568e+17'], [100, '100.0'],
  ];
  for (const [x, s] of cases) test(s, () => expect(floatRepr(x)).toBe(s));
});

describe('sizeofExpression', () => {
  test('sizes of values made as a snippet makes them (python3: 88 104 72 24 216 52)', () => {
    expect(['[1, 2, 3]', '[1, 2, 3, 4, 5]', '[1.5, 2.5]', "float('1.5')", '{1, 2, 3}', "'abc'"].map((e) => sizeofExpression(e).size)).toEqual([88, 104, 72, 24, 216, 52]);
    expect(sizeofExpression('(1, 2)')).toEqual({ size: 56, type: 'tuple' });
  });

  test('a value that is not a heap object here', () => {
    expect(() => sizeofExpression('range(3)')).toThrow("line 1: 'sys.getsizeof of a range (not a heap object in the model)' is not supported by the snippet runner");
  });
});

describe('sizeofExpression of the interpreter objects', () => {
  test("builtins, types and modules as CPython 3.11.7 has them (python3: 72 424 72 72)", () => {
    expect(['len', 'int', 'sys', "types.ModuleType('m')"].map((e) => sizeofExpression(e))).toEqual([
      { size: 72, type: 'builtin_function_or_method' },
      { size: 424, type: 'type' },
      { size: 72, type: 'module' },
      { size: 72, type: 'module' },
    ]);
  });
});
