import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OP_ARENA_ALLOC, OP_FREE, OP_MALLOC, OP_MARK, encodeRawCapture } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { TRACES, run } from './helpers.js';

// The four real CPython 3.11.7 captures: records (end record not counted),
// allocation results, arenas allocated / released, statistics dumps.
const CAPTURES: [string, number, number, number, number, number][] = [
  ['startup', 163_030, 82_356, 4, 1, 1],
  ['ast_stdlib', 3_130_433, 1_578_599, 17, 12, 7],
  ['json', 3_090_638, 1_574_604, 20, 15, 6],
  ['churn', 3_426_751, 1_811_324, 43, 38, 12],
];

describe('pymem verify on the real captures', () => {
  for (const [name, events, results, allocated, released, dumps] of CAPTURES) {
    it(`${name}: every result, arena release and statistics dump matches`, async () => {
      const r = await run('verify', join(TRACES, `${name}.bin.gz`), '--stats', join(TRACES, `${name}.stats.txt`), '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as Record<string, unknown>;
      expect(j).toMatchObject({
        ok: true,
        pyVersion: '3.11.7',
        events,
        results,
        matched: results,
        statsDumps: dumps,
        statsMatched: dumps,
        arenasAllocated: allocated,
        arenasReleased: released,
        arenaReleasesMatched: released,
        mismatches: 0,
        firstMismatch: null,
        ended: true,
      });
      expect(j['eventsPerSecond']).toBeGreaterThan(0);
    });
  }
});

describe('pymem verify finds what differs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-verify-'));
  const BASE = 0x7f0000000000;

  it('reports a result at another address, with arena and offset, and exits 1', async () => {
    const file = join(dir, 'wrong.bin');
    writeFileSync(file, encodeRawCapture([
      { op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE },
      { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 48 },
      { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 48 + 64 },
      { op: OP_FREE, domain: 2, ptr: BASE + 48 },
    ]));
    const r = await run('verify', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('results   2 checked, 1 matched (50.00 %)');
    expect(r.out).toContain('MISMATCH: 1 found; the first at record 2 (result):');
    expect(r.out).toContain('malloc(24): the capture got 0x7f0000000070 (arena 0x7f0000000000 + 0x70), the replay 0x7f0000000050 (arena 0x7f0000000000 + 0x50)');
  });

  it('reports a request the replay needed an arena for but the capture logged none', async () => {
    const file = join(dir, 'noarena.bin');
    writeFileSync(file, encodeRawCapture([{ op: OP_MALLOC, domain: 2, size: 24, result: BASE + 48 }]));
    const r = await run('verify', file, '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { firstMismatch: unknown }).firstMismatch).toMatchObject({ kind: 'arena-missing', record: 0 });
  });

  it('names the first differing line of a statistics dump', async () => {
    const capture = join(TRACES, 'startup.bin.gz');
    const stats = readFileSync(join(TRACES, 'startup.stats.txt'), 'utf8').replace('# arenas highwater mark            =                    4', '# arenas highwater mark            =                    5');
    const file = join(dir, 'startup.stats.txt');
    writeFileSync(file, stats);
    const r = await run('verify', capture, '--stats', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('statistics dump of mark 1 (atexit) differs at line 26');
    expect(r.out).toContain('expected: "# arenas highwater mark            =                    5"');
    expect(r.out).toContain('replayed: "# arenas highwater mark            =                    4"');
  });

  it('checks marks against dumps and counts a dump whose mark is missing', async () => {
    const file = join(dir, 'marks.bin');
    writeFileSync(file, encodeRawCapture([{ op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE }, { op: OP_MALLOC, domain: 2, size: 8, result: BASE + 48 }, { op: OP_MARK, markId: 1, markLabel: 'one' }]));
    const stats = join(dir, 'marks.stats.txt');
    writeFileSync(stats, '### MARK 2 other events=3\nSmall block threshold = 512, in 32 size classes.\n### END MARK 2\n');
    const r = await run('verify', file, '--stats', stats, '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { firstMismatch: { message: string } }).firstMismatch.message).toContain('1 of 1 dumps');
  });
});

describe('pymem verify picks the geometry from the capture header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-geom-'));
  const BASE = 0x7f0000000000;

  it('replays a CPython 3.8 capture with 4 KiB pools and 256 KiB arenas', async () => {
    const file = join(dir, 'py38.bin');
    writeFileSync(file, encodeRawCapture([
      { op: OP_ARENA_ALLOC, domain: 3, size: 256 << 10, result: BASE },
      { op: OP_MALLOC, domain: 2, size: 500, result: BASE + 48 },
      { op: OP_MALLOC, domain: 2, size: 500, result: BASE + 48 + 512 },
      { op: OP_MALLOC, domain: 2, size: 100, result: BASE + 4096 + 48 },
    ], { header: { pyVersionHex: 0x030810f0 } }));
    const r = await run('verify', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ pyVersion: '3.8.16', matched: 3, arenasAllocated: 1 });
  });

  it('refuses a version it does not model, with exit 2', async () => {
    const file = join(dir, 'py37.bin');
    writeFileSync(file, encodeRawCapture([{ op: OP_MALLOC, domain: 2, size: 8, result: BASE }], { header: { pyVersionHex: 0x030700f0 } }));
    const r = await run('verify', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`pymem: ${file}: no pymalloc geometry for Python 3.7: versions 3.8 to 3.13 are modelled\n`);
  });
});

describe('pymem verify on bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-bad-'));

  it('a missing file: exit 2 and a one-line message', async () => {
    const r = await run('verify', join(dir, 'nope.bin.gz'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`pymem: no such file: ${join(dir, 'nope.bin.gz')}\n`);
  });

  it('not a capture: exit 2, names the byte', async () => {
    const file = join(dir, 'text.bin');
    writeFileSync(file, 'hello, this is not a capture at all........');
    const r = await run('verify', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pymem: .*text\.bin: not a PYMTRC01 capture: bad magic byte 0x68 at byte 0\n$/);
  });

  it('a truncated capture: exit 2 with the offset of the cut record', async () => {
    const full = gunzipSync(readFileSync(join(TRACES, 'startup.bin.gz')));
    const file = join(dir, 'cut.bin');
    writeFileSync(file, full.subarray(0, 100_003));
    const r = await run('verify', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cut\.bin: .*truncated.* at byte \d+/);
    expect(r.err).not.toContain('    at ');
  });

  it('an unknown flag: exit 2 and a hint', async () => {
    const r = await run('verify', '--frobnicate', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain("pymem: unknown option '--frobnicate'");
    expect(r.err).toContain('(run with --help for usage)');
  });

  it('no capture argument: exit 2', async () => {
    const r = await run('verify');
    expect(r.code).toBe(2);
    expect(r.err).toContain("pymem: missing required argument 'capture'");
  });
});
