import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { registerRun } from '../src/commands/run.js';
import { registerSizeof } from '../src/commands/sizeof.js';
import type { Registrar } from '../src/commands/command.js';
import type { Output } from '../src/output.js';
import { SHARED } from './helpers.js';

/** Builds a program with one registrar and runs `argv` through it. */
async function cli(register: Registrar, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code = 0;
  const o: Output = { out: (t) => (out += t), err: (t) => (err += t), color: false };
  const program = new Command('pymem').exitOverride();
  register(program, { o, setCode: (c) => (code = c) });
  await program.parseAsync(argv, { from: 'user' });
  return { code, out, err };
}

const havePython = spawnSync('python3', ['--version']).status === 0;
const SNIPPET = `import sys
class Node:
    __slots__ = ('value', 'next')
    def __init__(self, value):
        self.value = value
        self.next = None
head = Node(1.5)
head.next = Node('two')
sizes = [sys.getsizeof(x) for x in [head, [], {}, (1, 2), 'abc', 2 ** 40]]
print(sizes, head.next.value, [n * 2 for n in range(4)])
`;

describe('pymem run', () => {
  test('-c prints what the snippet prints', async () => {
    const r = await cli(registerRun, 'run', '-c', SNIPPET);
    expect(r).toEqual({ code: 0, out: '[48, 56, 64, 56, 52, 32] two [0, 2, 4, 6]\n', err: '' });
  });

  test.skipIf(!havePython)('the output equals python3 -c', async () => {
    const py = spawnSync('python3', ['-c', SNIPPET], { encoding: 'utf8', env: { ...process.env, PYTHONHASHSEED: '0' } });
    const r = await cli(registerRun, 'run', '-c', SNIPPET);
    expect(r.out).toBe(py.stdout);
  });

  test('FILE --json: output and the request sequence (growth.json a_list_append_100 after the first statements)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pymem-run-'));
    const file = join(dir, 'append.py');
    writeFileSync(file, `import gc\ngc.disable()\na = None\ngc.collect()\na = []\n${'a.append(None)\n'.repeat(100)}print(len(a))\n`);
    const r = await cli(registerRun, 'run', file, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { output: string; requests: unknown[][]; ignored: string[]; error: string | null };
    expect(j.output).toBe('100\n');
    expect(j.error).toBeNull();
    // `a = None` inserts the first name: the namespace's keys object (120); the rest is the list's growth
    const growth = JSON.parse(readFileSync(join(SHARED, 'objects', 'growth.json'), 'utf8')) as { scenarios: { a_list_append_100: { events: unknown[][] } } };
    expect(j.requests[0]).toEqual(['malloc', 120, 'py']);
    expect(j.requests.slice(1)).toEqual(growth.scenarios.a_list_append_100.events);
  });

  test('an unsupported construct is refused before anything runs: the error with its line, exit 1', async () => {
    const r = await cli(registerRun, 'run', '-c', "print('before')\nf = lambda: 1\n");
    expect(r).toEqual({ code: 1, out: '', err: "pymem run: line 2: 'lambda' is not supported by the snippet runner\n" });
  });

  test('a runtime error keeps the output printed before it', async () => {
    const r = await cli(registerRun, 'run', '-c', "print('before')\nprint(undefined_name)\n");
    expect(r).toEqual({ code: 1, out: 'before\n', err: "pymem run: line 2: NameError: name 'undefined_name' is not defined\n" });
  });

  test('a Python exception', async () => {
    const r = await cli(registerRun, 'run', '-c', 'x = [1]\nprint(x[3])\n', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ output: '', error: 'line 2: IndexError: list index out of range' });
    expect(r.code).toBe(1);
  });

  test('-c and FILE together are refused; --refcounts needs --trace', async () => {
    await expect(cli(registerRun, 'run', '-c', 'pass', '--refcounts')).rejects.toThrow('--refcounts: only with --trace');
    await expect(cli(registerRun, 'run', '-c', 'pass', 'file.py')).rejects.toThrow('give the snippet as -c CODE or as a FILE');
    await expect(cli(registerRun, 'run')).rejects.toThrow('no snippet: give it as -c CODE or as a FILE');
  });
});

describe('pymem sizeof', () => {
  // python3 -c 'import sys; print(sys.getsizeof([1, 2, 3]), ...)' printed the same numbers
  const cases: [string, string][] = [
    ['[1, 2, 3]', '88'],
    ['[1, 2, 3, 4, 5]', '104'],
    ["float('1.5')", '24'],
    ["{'a': 1}", '184'],
    ['(1, 2)', '56'],
    ["'abc' * 10", '79'],
    ['2 ** 100', '40'],
    ['{1, 2, 3}', '216'],
    ['len', '72'],
    ['int', '424'],
  ];
  for (const [expr, size] of cases) {
    test(expr, async () => {
      expect(await cli(registerSizeof, 'sizeof', expr)).toEqual({ code: 0, out: `${size}\n`, err: '' });
    });
  }

  test('--json', async () => {
    const r = await cli(registerSizeof, 'sizeof', 'bytearray(b"abc")', '--json');
    expect(JSON.parse(r.out)).toEqual({ expr: 'bytearray(b"abc")', type: 'bytearray', size: 60 });
    // builtins exist before any snippet: CPython 3.11.7's sizes
    expect(JSON.parse((await cli(registerSizeof, 'sizeof', 'list', '--json')).out)).toEqual({ expr: 'list', type: 'type', size: 424 });
  });

  test('not a heap object, and a syntax error', async () => {
    await expect(cli(registerSizeof, 'sizeof', 'range(3)')).rejects.toThrow('not a heap object in the model');
    await expect(cli(registerSizeof, 'sizeof', '[1,')).rejects.toThrow("line 1: '[' was never closed");
  });
});
