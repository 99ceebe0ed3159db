import { runSnippet } from '@pymem/objects';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EXAMPLES, GRAPH_ITEMS, MAX_OBJECTS, MAX_STEPS, runSteps } from '../components/snippet-steps.js';
import { statementEffects } from '../components/statement-objects.js';

describe('runSteps (the playground model)', () => {
  test.each(Object.entries(EXAMPLES))('example %s: the same output and requests as runSnippet', (_name, src) => {
    const r = runSteps(src);
    const ref = runSnippet(src);
    expect(r.error).toBeUndefined();
    expect(r.requests).toEqual(ref.requests);
    expect(r.steps.at(-1)?.output).toBe(ref.output);
    expect(r.steps.at(-1)?.requests).toBe(ref.requests.length);
    expect(r.steps.at(-1)?.heap.liveBytes).toBe(ref.space.heap.stats().bytesInAllocatedBlocks);
  });

  test('each statement: names, objects with refcounts, requests, heap', () => {
    const r = runSteps('a = []\nb = [a, 2.5]\ndel a\n');
    expect(r.steps.map((s) => s.line)).toEqual([0, 1, 2, 3]);
    expect(r.steps.map((s) => s.requests)).toEqual([0, 2, 4, 4]);
    expect(r.requests).toEqual([
      ['malloc', 56, 'py'],
      ['malloc', 120, 'py'],
      ['malloc', 56, 'py'],
      ['calloc', 16, 'py'],
    ]);
    const [s0, s1, s2, s3] = r.steps;
    // Step 0: the namespace and the constant 2.5, made at compile time.
    expect(s0!.objects.map((o) => [o.type, o.refcount, o.size, o.repr])).toEqual([
      ['dict', 1, 64, '{…} (the module namespace)'],
      ['float', 1, 24, '2.5'],
    ]);
    expect(s1!.names.map(([n]) => n)).toEqual(['a']);
    const list = s1!.names[0]![1];
    expect(s1!.objects.find((o) => o.address === list)).toEqual({ address: list, type: 'list', refcount: 1, size: 56, repr: '[]' });
    expect(s2!.objects.find((o) => o.address === list)?.refcount).toBe(2);
    expect(s2!.objects.find((o) => o.repr === '2.5')?.refcount).toBe(2);
    expect(s2!.objects.find((o) => o.repr === '[[], 2.5]')).toMatchObject({ type: 'list', refcount: 1, size: 72 });
    expect(s3!.names.map(([n]) => n)).toEqual(['b']);
    expect(s3!.objects.find((o) => o.address === list)?.refcount).toBe(1);
    // The heap: 1 arena, the pools of the blocks in use, as the allocator reports.
    expect(s2!.heap.arenas.length).toBe(1);
    expect(s2!.heap.liveBytes).toBe(64 + 128 + 64 + 64 + 32 + 16); // namespace dict 64, its keys 120 → 128, two lists 56 → 64, the float 24 → 32, the items array 16
    expect(s3!.pools.size).toBeGreaterThan(0);
    // The reference graph: b → list → [0] the first list, [1] the float.
    const edges = s3!.graph.edges.map((e) => e.label);
    expect(edges).toEqual(['', '[0]', '[1]']);
    expect(s3!.graph.nodes.map((n) => n.text)).toEqual(['b', 'list len 2', 'list len 0', 'float 2.5']);
  });

  test('an unsupported construct stops the run before it starts, naming it and its line', () => {
    const r = runSteps('x = 1.5\ny = lambda: x\n');
    expect(r.steps).toEqual([]);
    expect(r.error?.kind).toBe('unsupported');
    expect(r.error?.line).toBe(2);
    expect(r.error?.message).toBe("line 2: 'lambda' is not supported by the snippet runner");
  });

  test('a Python exception ends the run; the steps and output before it stay', () => {
    const r = runSteps('x = [1.5]\nprint(x)\ny = x[3]\nprint(y)\n');
    expect(r.error?.kind).toBe('runtime');
    expect(r.error?.message).toBe('line 3: IndexError: list index out of range');
    expect(r.steps.map((s) => s.line)).toEqual([0, 1, 2, 3]);
    expect(r.steps.at(-1)?.output).toBe('[1.5]\n');
  });

  test(`a long loop keeps the first ${MAX_STEPS} steps and still runs to the end`, () => {
    const r = runSteps('t = 0\nfor i in range(1000):\n    t = t + i\nprint(t)\n');
    expect(r.truncated).toBe(true);
    expect(r.steps.length).toBe(MAX_STEPS);
    expect(r.error).toBeUndefined();
    expect(runSnippet('t = 0\nfor i in range(1000):\n    t = t + i\nprint(t)\n').output).toBe('499500\n');
  });

  test(`a big heap: the namespace and the ${MAX_OBJECTS} objects made last are listed, containers by length, ${GRAPH_ITEMS} references each in the graph`, () => {
    const r = runSteps('a = [i * 0.5 for i in range(20000)]\nb = 2.5\n');
    const last = r.steps.at(-1)!;
    expect(last.objects.length).toBe(MAX_OBJECTS + 1);
    expect(last.liveObjects).toBeGreaterThan(20_000);
    expect(last.objects[0]!.repr).toBe('{…} (the module namespace)');
    const a = last.names.find(([n]) => n === 'a')![1];
    expect(last.objects.some((o) => o.address === a)).toBe(false); // made before the last 200 floats
    expect(r.steps[1]!.objects.find((o) => o.address === a)).toBeUndefined();
    expect(last.objects.filter((o) => o.type === 'float').length).toBe(MAX_OBJECTS);
    expect(last.graph.edges.filter((e) => e.from === `obj:${a}`).map((e) => e.label)).toEqual(Array.from({ length: GRAPH_ITEMS }, (_, i) => `[${i}]`));
    const small = runSteps('a = [i * 0.5 for i in range(20)]\n').steps.at(-1)!;
    expect(small.objects.find((o) => o.type === 'list')?.repr).toBe('list of 20 items');
  });

  test('property: one step per executed statement, and the last step is the final heap', () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const stmt = fc.oneof(
      fc.tuple(name, fc.double({ min: -1e6, max: 1e6, noNaN: true })).map(([n, v]) => `${n} = [${v.toString()}]`),
      name.map((n) => `${n} = {}`),
      fc.tuple(name, fc.string({ maxLength: 8 })).map(([n, v]) => `${n} = ${JSON.stringify(v.replace(/[^a-z ]/gi, ''))}`),
      fc.tuple(name, fc.integer({ min: -1000, max: 1000 })).map(([n, v]) => `${n} = (${v}, 0.5)`),
    );
    fc.assert(
      fc.property(fc.array(stmt, { minLength: 1, maxLength: 12 }), (body) => {
        const src = `${body.join('\n')}\n`;
        const r = runSteps(src);
        const ref = runSnippet(src);
        expect(r.error).toBeUndefined();
        expect(r.steps.length).toBe(body.length + 1);
        expect(r.steps.at(-1)?.heap.liveBytes).toBe(ref.space.heap.stats().bytesInAllocatedBlocks);
        expect(r.requests).toEqual(ref.requests);
      }),
      { numRuns: 60 },
    );
  });
});

describe('statementEffects (the bytecode chapter widget)', () => {
  test('compile-time constants first, then what each statement made, freed and recounted', () => {
    const e = statementEffects(runSteps("x = 1.5\nitems = [x, 'pymem', 0.1 + 0.2]\nitems.append(x * 2)\ndel x\n"));
    expect(e.map((x) => x.line)).toEqual([0, 1, 2, 3, 4]);
    expect(e[0]!.made.map((o) => `${o.type} ${o.repr}`)).toEqual(['dict {…} (the module namespace)', "str 'pymem'", "str 'items'", "str 'append'", 'float 1.5', 'float 0.30000000000000004']);
    expect(e[1]!.requests).toEqual(['malloc(120)']);
    expect(e[2]!.made.map((o) => `${o.type} ${o.repr} ${o.size}`)).toEqual(["list [1.5, 'pymem', 0.30000000000000004] 80"]);
    expect(e[2]!.requests).toEqual(['malloc(56)', 'calloc(24)']);
    expect(e[3]!.made.map((o) => o.repr)).toEqual(['3.0']);
    expect(e[3]!.requests).toEqual(['malloc(24)', 'realloc(24 → 64)']);
    expect(e[4]!.made).toEqual([]);
    expect(e[4]!.freed).toEqual([]);
    expect(e[4]!.recounted.map(([o, was]) => [o.repr, was, o.refcount])).toEqual([['1.5', 3, 2]]);
  });
});
