import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OP_ARENA_ALLOC, OP_FREE, OP_MALLOC, OP_MARK, encodeRawCapture, parseStatsFile } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { TRACES, run, withStdin } from './helpers.js';

const dumps = (name: string) => parseStatsFile(readFileSync(join(TRACES, `${name}.stats.txt`), 'utf8'));
const AST = join(TRACES, 'ast_stdlib.bin.gz');
const STARTUP = join(TRACES, 'startup.bin.gz');

describe('pymem stats on the shared captures', () => {
  for (const d of dumps('ast_stdlib')) {
    it(`ast_stdlib --at ${d.id}: the real run's dump at mark ${d.id} (${d.label})`, async () => {
      const r = await run('stats', AST, '--at', String(d.id));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toBe(d.pymalloc);
    });
  }

  it('a mark by its label, and #N with the dump\'s events=N, give the same dump', async () => {
    const d = dumps('ast_stdlib')[2]!;
    expect(d.label).toBe('after 30 files');
    const byLabel = await run('stats', AST, '--at', 'after 30 files');
    expect(byLabel.out).toBe(d.pymalloc);
    const byEvent = await run('stats', AST, '--at', `#${d.events}`);
    expect(byEvent.out).toBe(d.pymalloc);
    // One record earlier is the state before the mark's own record: the same heap.
    const before = await run('stats', AST, '--at', `#${d.events - 1}`);
    expect(before.out).toBe(d.pymalloc);
  });

  it('defaults to the end: startup ends with its atexit mark', async () => {
    const d = dumps('startup')[0]!;
    expect(d).toMatchObject({ id: 1, label: 'atexit', events: 163_030 });
    const r = await run('stats', STARTUP);
    expect(r.code).toBe(0);
    expect(r.out).toBe(d.pymalloc);
    const end = await run('stats', STARTUP, '--at', '#163030');
    expect(end.out).toBe(d.pymalloc);
  });

  it('--json gives heap.stats() and heap.arenas()', async () => {
    const r = await run('stats', STARTUP, '--at', 'atexit', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      pyVersion: string;
      at: unknown;
      exact: boolean;
      stats: { arenasAllocatedTotal: number; arenasCurrent: number; bytesInAllocatedBlocks: number; classes: unknown[] };
      arenas: { slot: number; address: number; blocksInUse: number }[];
    };
    expect(j).toMatchObject({ pyVersion: '3.11.7', at: { events: 163_030, mark: { id: 1, label: 'atexit' } }, exact: true });
    expect(j.stats).toMatchObject({ arenasAllocatedTotal: 4, arenasCurrent: 3, bytesInAllocatedBlocks: 40_480 });
    expect(j.stats.classes).toHaveLength(32);
    expect(j.arenas.map((a) => [a.slot, a.address.toString(16), a.blocksInUse])).toEqual([[0, '7f85cb8e6000', 108], [1, '7f85cb7a5000', 357], [3, '7f85cb49c000', 0]]);
  });

  it('an unknown mark: exit 2, and the marks it has', async () => {
    const r = await run('stats', AST, '--at', 'after 60 files');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `pymem: no mark "after 60 files" in ${AST}; its marks (id "label"): 1 "after 10 files", 2 "after 20 files", 3 "after 30 files", 4 "after 40 files", 5 "after 50 files", 6 "end", 7 "atexit"\n`,
    );
  });

  it('#N beyond the end: exit 2', async () => {
    const r = await run('stats', STARTUP, '--at', '#163031');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`pymem: --at #163031 is beyond the end of ${STARTUP}, which has 163,030 records\n`);
  });
});

describe('pymem stats on synthetic captures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-stats-'));
  const BASE = 0x7f0000000000;
  const records = [
    { op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE },
    { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 48 },
    { op: OP_MARK, markId: 1, markLabel: 'one' },
    { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 80 },
    { op: OP_MARK, markId: 2, markLabel: '1' },
    { op: OP_FREE, domain: 2, ptr: BASE + 48 },
    { op: OP_MARK, markId: 3, markLabel: 'one' },
  ];
  const file = join(dir, 'marks.bin');
  writeFileSync(file, encodeRawCapture(records));
  const blocks = (text: string): string => /^ {4}1 {5}32 .*$/m.exec(text)?.[0] ?? '';

  it('--at names the first mark whose id or label it is', async () => {
    expect(blocks((await run('stats', file, '--at', 'one')).out)).toBe('    1     32           1               1           509');
    expect(blocks((await run('stats', file, '--at', '3')).out)).toBe('    1     32           1               1           509');
    // "1" is mark 1's id, which comes before mark 2's label "1"; "one" labels marks 1 and 3.
    expect(blocks((await run('stats', file, '--at', '1')).out)).toBe('    1     32           1               1           509');
    expect(blocks((await run('stats', file, '--at', '2')).out)).toBe('    1     32           1               2           508');
    expect(blocks((await run('stats', file)).out)).toBe('    1     32           1               1           509');
  });

  it('#0 is the empty heap; #N counts records', async () => {
    const empty = await run('stats', file, '--at', '#0');
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('# arenas allocated total           =                    0\n');
    expect(blocks((await run('stats', file, '--at', '#1')).out)).toBe('');
    expect(blocks((await run('stats', file, '--at', '#2')).out)).toBe('    1     32           1               1           509');
  });

  it('a capture without marks, a bad #N, stdin', async () => {
    const plain = join(dir, 'plain.bin');
    writeFileSync(plain, encodeRawCapture(records.slice(0, 2)));
    const none = await run('stats', plain, '--at', 'x');
    expect([none.code, none.err]).toEqual([2, `pymem: no mark "x" in ${plain}; it has no marks\n`]);
    const bad = await run('stats', plain, '--at', '#x');
    expect([bad.code, bad.err]).toEqual([2, 'pymem: --at #x: expected #N, a number of records, e.g. #10000\n']);
    const stdin = await withStdin(gzipSync(encodeRawCapture(records)), () => run('stats', '-', '--at', '2'));
    expect(stdin.code).toBe(0);
    expect(blocks(stdin.out)).toBe('    1     32           1               2           508');
    const missing = await withStdin(encodeRawCapture(records), () => run('stats', '-', '--at', 'nope'));
    expect(missing.err).toBe('pymem: no mark "nope" in stdin; its marks (id "label"): 1 "one", 2 "1", 3 "one"\n');
  });

  it('a capture the model does not replay exactly: the statistics, a warning, exit 1', async () => {
    const wrong = join(dir, 'wrong.bin');
    writeFileSync(wrong, encodeRawCapture([{ op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE }, { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 4096 }]));
    const r = await run('stats', wrong);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Small block threshold = 512, in 32 size classes.\n');
    expect(r.err).toBe("pymem: the replay differs from the capture at record 1 (result): malloc(24): the capture got 0x7f0000001000 (arena 0x7f0000000000 + 0x1000), the replay 0x7f0000000030 (arena 0x7f0000000000 + 0x30); these statistics are the model's, not the real run's\n");
  });

  it('--help', async () => {
    const r = await run('stats', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatchSnapshot();
  });
});
