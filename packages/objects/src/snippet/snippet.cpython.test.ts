import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { runSnippet } from './run.js';
import { SNIPPETS } from './cpython-snippets.test-data.js';

// The reference output is what the real CPython prints for the same text:
// python3 (3.11.7 here and in CI) is run by the test, with PYTHONHASHSEED=0
// as the model's str hashes assume.
function python(src: string): { status: number | null; stdout: string; version: string } {
  const r = spawnSync('python3', ['-c', src], { env: { ...process.env, PYTHONHASHSEED: '0' }, encoding: 'utf8' });
  const v = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, version: v.stdout.trim() };
}

const havePython = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!havePython)('snippets print exactly what python3 -c prints', () => {
  test('python3 is CPython 3.11', () => {
    expect(python('pass').version).toBe('3.11');
  });
  test('there are at least 15 snippets', () => {
    expect(Object.keys(SNIPPETS).length).toBeGreaterThanOrEqual(15);
  });
  for (const [name, src] of Object.entries(SNIPPETS)) {
    test(name, () => {
      const ref = python(src);
      expect(ref.status).toBe(0);
      const mine = runSnippet(src);
      expect(mine.output).toBe(ref.stdout);
      expect(mine.ignored).toEqual([]);
      mine.space.heap.check();
    });
  }
});
