import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

/**
 * Snapshots of every command's --help and of what bad input gets: the
 * message, the exit code (2: usage or input error) and never a stack trace.
 * Paths under the temporary directory print as <tmp>, the demo capture as
 * <demo.bin.gz>.
 */
const tmp = mkdtempSync(join(tmpdir(), 'pymem-messages-'));
const DEMO = fileURLToPath(new URL('../assets/demo.bin.gz', import.meta.url));
const f = (name: string): string => join(tmp, name);

/** Every command: this file snapshots the help of each. */
const COMMANDS = ['verify', 'demo', 'capture', 'replay', 'stats', 'import', 'convert', 'validate', 'recover', 'summary', 'report', 'diff', 'export', 'run', 'sizeof'];

beforeAll(async () => {
  const raw = gunzipSync(readFileSync(DEMO));
  writeFileSync(f('demo.bin'), raw);
  // Cut inside a record (the 40-byte header and then a few records).
  writeFileSync(f('cut.bin'), raw.subarray(0, 1001));
  writeFileSync(f('text.txt'), 'just some text\n');
  writeFileSync(f('empty.bin'), new Uint8Array(0));
  mkdirSync(f('dir'));
  expect((await run('import', DEMO, '-o', f('demo.pymem'))).code).toBe(0);
  const trace = readFileSync(f('demo.pymem'));
  writeFileSync(f('half.pymem'), trace.subarray(0, trace.length >> 1));
  copyFileSync(f('demo.pymem'), f('copy.pymem'));
}, 60_000);

function clean(s: string): string {
  return s.replaceAll(tmp, '<tmp>').replaceAll(DEMO, '<demo.bin.gz>');
}

describe('--help of every command', () => {
  it('pymem --help lists them all', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(`\n  ${c} `);
  });

  for (const c of COMMANDS) {
    it(`pymem ${c} --help`, async () => {
      const r = await run(c, '--help');
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatchSnapshot();
    });
  }
});

/** Bad inputs: [what, argv]. */
const BAD: [string, () => string[]][] = [
  ['unknown command', () => ['frobnicate']],
  ['unknown flag', () => ['verify', DEMO, '--frobnicate']],
  ['missing argument', () => ['verify']],
  ['extra argument', () => ['summary', f('demo.pymem'), 'extra']],
  ['verify: missing file', () => ['verify', f('nope.bin.gz')]],
  ['verify: a directory', () => ['verify', f('dir')]],
  ['verify: not a capture', () => ['verify', f('text.txt')]],
  ['verify: empty file', () => ['verify', f('empty.bin')]],
  ['verify: truncated capture', () => ['verify', f('cut.bin')]],
  ['verify: missing stats file', () => ['verify', DEMO, '--stats', f('nope.stats.txt')]],
  ['verify: truncated trace', () => ['verify', f('half.pymem')]],
  ['replay: missing file', () => ['replay', f('nope.bin'), '--preset', 'cpython-3.8']],
  ['replay: unknown preset', () => ['replay', DEMO, '--preset', 'cpython-2.7']],
  ['replay: bad pool size', () => ['replay', DEMO, '--pool-size', '1000']],
  ['replay: bad arena alignment', () => ['replay', DEMO, '--preset', 'cpython-3.8', '--arena-alignment', '3']],
  ['replay: truncated capture', () => ['replay', f('cut.bin'), '--preset', 'cpython-3.8']],
  ['stats: bad #N', () => ['stats', DEMO, '--at', '#12x']],
  ['stats: unknown mark', () => ['stats', DEMO, '--at', 'nope']],
  ['stats: time on a raw capture', () => ['stats', DEMO, '--at', '1.5s']],
  ['stats: truncated capture', () => ['stats', f('cut.bin')]],
  ['import: no -o', () => ['import', DEMO]],
  ['import: bad codec', () => ['import', DEMO, '-o', f('x.pymem'), '--codec', 'zip']],
  ['import: bad checkpoint interval', () => ['import', DEMO, '-o', f('x.pymem'), '--checkpoint-every', '-1']],
  ['import: not a capture', () => ['import', f('text.txt'), '-o', f('x.pymem')]],
  ['convert: bad --to', () => ['convert', f('demo.pymem'), f('x.jsonl'), '--to', 'xml']],
  ['convert: not a trace', () => ['convert', f('text.txt'), f('x.jsonl')]],
  ['validate: missing file', () => ['validate', f('nope.pymem')]],
  ['validate: a raw capture', () => ['validate', DEMO]],
  ['recover: no -o', () => ['recover', f('half.pymem')]],
  ['summary: a raw capture', () => ['summary', DEMO]],
  ['summary: truncated trace', () => ['summary', f('half.pymem')]],
  ['summary: bad --top', () => ['summary', f('demo.pymem'), '--top', '0']],
  ['summary: bad --window', () => ['summary', f('demo.pymem'), '--window', 'soon']],
  ['report: no -o', () => ['report', DEMO]],
  ['report: not a trace', () => ['report', f('text.txt'), '-o', f('x.html')]],
  ['report: truncated capture', () => ['report', f('cut.bin'), '-o', f('x.html')]],
  ['report: truncated trace', () => ['report', f('half.pymem'), '-o', f('x.html')]],
  ['report: unwritable output', () => ['report', DEMO, '-o', f('dir/no/such/dir/r.html')]],
  ['diff: missing second file', () => ['diff', f('demo.pymem'), f('nope.pymem')]],
  ['export: unknown format', () => ['export', f('demo.pymem'), '--format', 'svg']],
  ['capture: no command', () => ['capture', '-o', f('x.bin')]],
  ['run: no snippet', () => ['run']],
  ['run: both -c and a file', () => ['run', '-c', 'x = 1', f('nope.py')]],
  ['run: missing file', () => ['run', f('nope.py')]],
  ['run: a directory', () => ['run', f('dir')]],
  ['run: --refcounts without --trace', () => ['run', '-c', 'x = 1', '--refcounts']],
  ['sizeof: no expression', () => ['sizeof']],
  ['sizeof: unsupported syntax', () => ['sizeof', 'lambda: 1']],
  ['sizeof: not a heap object', () => ['sizeof', 'range(3)']],
];

describe('bad input: a clear message, exit 2, no stack trace', () => {
  for (const [what, argv] of BAD) {
    it(what, async () => {
      const r = await run(...argv());
      // Offsets inside a cut .pymem file depend on the trace writer's output; the snapshot keeps their wording.
      const text = what.endsWith('truncated trace') ? clean(r.err).replace(/\d+/g, 'N') : clean(r.err);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^pymem: /);
      expect(r.err).not.toMatch(/\n\s+at .*[:(]/);
      expect(r.err).not.toContain('internal error');
      expect(text).toMatchSnapshot();
    });
  }

  it('--debug does not turn input errors into stack traces', async () => {
    const plain = await run('verify', f('text.txt'));
    const debug = await run('--debug', 'verify', f('text.txt'));
    expect(debug).toEqual(plain);
  });
});
