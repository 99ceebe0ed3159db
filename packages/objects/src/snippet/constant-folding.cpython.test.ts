import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { parseExpression } from './parser.js';
import { runSnippet } from './run.js';

// Which constant expressions CPython's AST optimizer folds: python3 compiles
// each one and reports whether a BINARY_OP / UNARY_* is left in the code.
const EXPRESSIONS = [
  "'a' * 20", "20 * 'a'", "'ab' * 2048", "'ab' * 2049", "'a' * -1", "'' * 100000", "b'x' * 4096", "b'x' * 4097",
  "'a' + 'b'", "b'a' + b'b'", '(1, 2) + (3,)', '(1,) * 256', '(1,) * 257', '(1, 2) * 128', '(1, 2) * 129', '((1, 2, 3),) * 256',
  '2 ** 64', '2 ** 65', '3 ** 80', '3 ** 81', '2 ** -1', '0 ** -1', '1 << 127', '1 << 128', '3 << 126', '3 << 127', '1 << -1', '5 >> 1', '5 >> -1',
  '7 // 2', '-7 // 2', '7 % -3', '1 // 0', '1 % 0', '1 / 0', '7.5 // 2', '7.5 % 2', '1.5 / 0.0', '0.0 ** -1', '2.0 ** 10',
  '6 & 3', '6 | 3', '6 ^ 3', 'True + 1', '-True', '~5', '~1.5', '-(1, 2)', 'not 0', "not ''", 'not (1,)', "'%s' % 1", '7 % 2',
  '2 ** 40 * 2 ** 40', '2 ** 64 * 2 ** 64', '2 ** 64 * 2 ** 65',
];

const py = `
import dis, json, sys
out = []
for e in json.loads(sys.argv[1]):
    code = compile('x = ' + e, '<e>', 'exec')
    ops = [i.opname for i in dis.get_instructions(code)]
    out.append(not any(o.startswith('BINARY_OP') or o.startswith('UNARY_') for o in ops))
print(json.dumps(out))
`;

const havePython = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!havePython)('constant folding decisions equal python3 (3.11 AST optimizer)', () => {
  test(`${EXPRESSIONS.length} expressions: folded where CPython folds, left alone where it does not`, () => {
    const r = spawnSync('python3', ['-c', py, JSON.stringify(EXPRESSIONS)], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const cpython = JSON.parse(r.stdout) as boolean[];
    const mine = EXPRESSIONS.map((e) => parseExpression(e).k === 'const');
    expect(Object.fromEntries(EXPRESSIONS.map((e, i) => [e, mine[i]]))).toEqual(Object.fromEntries(EXPRESSIONS.map((e, i) => [e, cpython[i]])));
    // both kinds are present
    expect(cpython.filter(Boolean).length).toBeGreaterThan(20);
    expect(cpython.filter((x) => !x).length).toBeGreaterThan(10);
  });

  test('the folded values print as python3 prints them', () => {
    const folded = EXPRESSIONS.filter((e) => parseExpression(e).k === 'const' && !e.includes('** 64 *') && !e.includes('* 2048') && !e.includes('* 4096') && !e.includes('* 256') && !e.includes('* 128') && !e.includes('100000'));
    const src = folded.map((e) => `print(repr(${e}))`).join('\n');
    const r = spawnSync('python3', ['-c', src], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(runSnippet(src).output).toBe(r.stdout);
  });
});
