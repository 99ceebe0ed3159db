import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, OP_MALLOC, RAW_FLAG_STACKS } from '@pymem/trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-cli-capture-'));
const saved = process.env['PYMEM_CACHE_DIR'];

beforeAll(() => {
  // One compile for this file; capture() reads the cache folder from process.env.
  process.env['PYMEM_CACHE_DIR'] = join(dir, 'cache');
});
afterAll(() => {
  if (saved === undefined) delete process.env['PYMEM_CACHE_DIR'];
  else process.env['PYMEM_CACHE_DIR'] = saved;
});

const SCRIPT = join(dir, 'containers.py');
writeFileSync(
  SCRIPT,
  [
    'import pymem_capture',
    'table = {i: [str(j) * (j % 9) for j in range(i % 40)] for i in range(4000)}',
    'pairs = [(k, tuple(v)) for k, v in table.items()]',
    'pymem_capture.mark("after build")',
    'del table, pairs',
    'junk = [bytearray(i % 600) for i in range(5000)]',
    'pymem_capture.mark("after drop")',
  ].join('\n'),
);

// Line numbers matter: the frames name each function's first line.
const NESTED = join(dir, 'nested.py');
writeFileSync(
  NESTED,
  [
    'def inner():', // 1
    '    out = []',
    '    for i in range(3000):',
    '        out.append(str(i) * 3)',
    '    return out',
    '',
    'def outer():', // 7
    '    return inner()',
    '',
    'keep = outer()',
  ].join('\n'),
);

describe('pymem capture', () => {
  it('captures a real python3 run that pymem verify then replays at 100 %', async () => {
    const out = join(dir, 'run.bin');
    const stats = join(dir, 'run.stats.txt');
    const c = await run('capture', '-o', out, '--stats', stats, '--', 'python3', SCRIPT);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(new RegExp(`^traced    python3 ${SCRIPT} \\(CPython 3\\.\\d+\\.\\d+, pid \\d+\\): exit code 0\n`));
    expect(c.out).toMatch(new RegExp(`\ncapture   ${out}: [\\d,]+ records, [\\d,]+ bytes\n`));
    expect(c.out).toContain('\nmarks     3: after build, after drop, atexit\n');
    expect(c.out).toMatch(new RegExp(`\nstats     ${stats}: 3 dumps, [\\d,]+ bytes\n`));
    expect(c.out).toContain(' (compiled now)\n');
    expect(c.out).toContain(`\nnext      pymem verify ${out} --stats ${stats}\n`);

    const v = await run('verify', out, '--stats', stats, '--json');
    expect(v.err).toBe('');
    const j = JSON.parse(v.out) as { ok: boolean; results: number; matched: number; statsDumps: number; statsMatched: number; ended: boolean; mismatches: number };
    expect(j.ok).toBe(true);
    expect(j.results).toBeGreaterThan(0);
    expect(j.matched).toBe(j.results);
    expect(j.statsDumps).toBeGreaterThanOrEqual(2);
    expect(j.statsMatched).toBe(j.statsDumps);
    expect(j.ended).toBe(true);
    expect(v.code).toBe(0);
  });

  it('defaults the stats file to the output name, reuses the compiled library and prints JSON', async () => {
    const out = join(dir, 'pass.bin');
    const c = await run('capture', '-o', out, '--json', '--', 'python3', '-c', 'pass');
    expect(c.code).toBe(0);
    const j = JSON.parse(c.out) as { command: string[]; stats: string; compiled: boolean; ended: boolean; marks: { label: string }[] };
    expect(j).toMatchObject({ command: ['python3', '-c', 'pass'], stats: join(dir, 'pass.stats.txt'), compiled: false, ended: true });
    expect(j.marks.map((m) => m.label)).toEqual(['atexit']);
    expect(readFileSync(join(dir, 'pass.stats.txt'), 'utf8')).toMatch(/^### MARK 1 atexit events=\d+\nSmall block threshold = 512, in 32 size classes\.\n/);
  });

  it('writes the capture of a failing program and exits with its code', async () => {
    const out = join(dir, 'fail.bin');
    const c = await run('capture', '-o', out, '--no-stats', '--', 'python3', '-c', 'import sys; sys.exit(3)');
    expect(c.code).toBe(3);
    expect(c.out).toContain('): exit code 3\n');
    expect(c.out).not.toContain('stats ');
    expect(c.out).toContain(`next      pymem verify ${out}\n`);
    expect(c.err).toBe('pymem: the traced program exited with code 3; the capture was written, and pymem capture exits with code 3\n');
    const v = await run('verify', out);
    expect(v.code).toBe(0);
  });

  it('--no-direct-writes writes through the page cache: the same capture, verified 100 %', async () => {
    const out = join(dir, 'cached.bin');
    const c = await run('capture', '-o', out, '--no-stats', '--no-direct-writes', '--json', '--', 'python3', SCRIPT);
    expect(c.code).toBe(0);
    const j = JSON.parse(c.out) as { ended: boolean; cut: unknown; records: number; outputBytes: number };
    expect(j).toMatchObject({ ended: true, cut: null });
    expect(j.records).toBeGreaterThan(10_000);
    expect(readFileSync(out).length).toBe(j.outputBytes);
    const v = await run('verify', out, '--json');
    const r = JSON.parse(v.out) as { ok: boolean; results: number; matched: number };
    expect(r.ok).toBe(true);
    expect(r.matched).toBe(r.results);
  });

  it('a program killed by SIGKILL: its capture is kept up to the last whole record, any partial one is cut and said, and it verifies', async () => {
    const out = join(dir, 'killed.bin');
    const code = 'import os, signal\nkeep = [str(i) * 3 for i in range(200000)]\nos.kill(os.getpid(), signal.SIGKILL)';
    const c = await run('capture', '-o', out, '--no-stats', '--', 'python3', '-c', code);
    expect(c.code).toBe(137);
    expect(c.out).toContain('): killed by SIGKILL\n');
    expect(c.out).toContain(' (no end record: the process did not exit normally)\n');
    const cut = /\ncut {7}([\d,]+) bytes of a partial record ([\d,]+) at byte ([\d,]+) \(the process died while writing it\)\n/.exec(c.out);
    const size = readFileSync(out).length;
    if (cut !== null) expect(Number(cut[3]!.replaceAll(',', ''))).toBe(size);
    const v = await run('verify', out, '--json');
    const r = JSON.parse(v.out) as { ok: boolean; results: number; matched: number; ended: boolean };
    expect(r).toMatchObject({ ended: false });
    expect(r.results).toBeGreaterThan(200_000);
    expect(r.matched).toBe(r.results);
  });

  it('--stacks records the Python stack of each request: inner() called from outer() resolves to <module>, outer, inner; verify still matches 100 %', async () => {
    const out = join(dir, 'nested.bin');
    const c = await run('capture', '--stacks', '-o', out, '--no-stats', '--', 'python3', NESTED);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/\nstacks {4}[\d,]+ stacks of [\d,]+ frames \([\d,]+ names\); [\d,]+ requests made in Python code\n/);

    const bytes = new Uint8Array(readFileSync(out));
    const mallocs = new Map<number, number>();
    const summary = decodeRawCapture(bytes, (r) => {
      if (r.op === OP_MALLOC) mallocs.set(r.stack, (mallocs.get(r.stack) ?? 0) + 1);
    });
    expect(summary.header.flags).toBe(3 | RAW_FLAG_STACKS);
    const table = summary.stacks!;
    const inInner = [...mallocs].filter(([id]) => id !== 0 && table.resolve(id).at(-1)!.function === 'inner');
    expect(inInner).toHaveLength(1);
    const [stack, count] = inInner[0]!;
    expect(table.resolve(stack).map((f) => [f.function, f.file, f.line])).toEqual([
      ['<module>', NESTED, 1],
      ['outer', NESTED, 7],
      ['inner', NESTED, 1],
    ]);
    expect(count).toBeGreaterThanOrEqual(3000); // one str per iteration, and the list's growth
    expect(mallocs.get(0)).toBeGreaterThan(0); // startup, before the profile function was installed

    const v = await run('verify', out, '--json');
    expect(v.err).toBe('');
    const j = JSON.parse(v.out) as { ok: boolean; results: number; matched: number; records: number };
    expect(j.ok).toBe(true);
    expect(j.matched).toBe(j.results);
    expect(v.code).toBe(0);
  });

  it('--stacks says so when no stack was recorded (python -S does not run sitecustomize)', async () => {
    const c = await run('capture', '--stacks', '-o', join(dir, 'nosite.bin'), '--no-stats', '--', 'python3', '-S', '-c', 'x = [str(i) for i in range(10)]');
    expect(c.code).toBe(0);
    expect(c.out).toContain('\nstacks    0 stacks of 0 frames (0 names); 0 requests made in Python code\n');
    expect(c.err).toBe('pymem: no Python stack was recorded: the stacks are turned on by a sitecustomize module on PYTHONPATH, which python -S or -I does not run\n');
  });

  it('refuses PYTHONMALLOC with exit 2 and says what to do', async () => {
    const out = join(dir, 'pm.bin');
    process.env['PYTHONMALLOC'] = 'malloc';
    let c;
    try {
      c = await run('capture', '-o', out, '--', 'python3', '-c', 'pass');
    } finally {
      delete process.env['PYTHONMALLOC'];
    }
    expect(c.code).toBe(2);
    expect(c.out).toBe('');
    expect(c.err).toBe("pymem: cannot capture: PYTHONMALLOC=malloc is set: CPython would replace the capture's allocator hooks with its own. Unset it (env -u PYTHONMALLOC …) to capture pymalloc\n");
    expect(existsSync(out)).toBe(false);
  });

  it('names a missing interpreter with exit 2', async () => {
    const c = await run('capture', '-o', join(dir, 'none.bin'), '--', 'no-such-python3.11', 'x.py');
    expect(c.code).toBe(2);
    expect(c.err).toBe('pymem: cannot capture: no-such-python3.11: not found. Give the interpreter as the first word of the command, e.g. pymem capture -- python3 script.py\n');
  });

  it('needs a command', async () => {
    const c = await run('capture');
    expect(c.code).toBe(2);
    expect(c.err).toContain("pymem: missing required argument 'cmd'");
  });

  it('--help says how to mark and what the exit code is', async () => {
    const c = await run('capture', '--help');
    expect(c.code).toBe(0);
    expect(c.out).toContain('Usage: pymem capture [options] <cmd...>');
    expect(c.out).toContain('pymem_capture.mark("label")');
    expect(c.out).toContain("Exits 0, or with the program's exit code when it");
  });
});

// A script whose memory stays mapped: many small objects, one in 50 kept.
const KEEPER = join(dir, 'keeper.py');
writeFileSync(
  KEEPER,
  [
    'import pymem_capture',
    'def build():', // 2
    '    return [{"n": i, "s": str(i) * 3} for i in range(60000)]',
    'rows = build()',
    'pymem_capture.mark("built")',
    'kept = rows[::50]',
    'del rows',
    'pymem_capture.mark("dropped")',
  ].join('\n'),
);

describe('done when: capture a script, then report and replay it', () => {
  it('pymem capture --stacks -- python3 keeper.py; pymem report; pymem replay --preset cpython-3.8', async () => {
    const out = join(dir, 'keeper.bin');
    const c = await run('capture', '--stacks', '-o', out, '--', 'python3', KEEPER);
    expect(c.code).toBe(0);
    expect(c.out).toContain('\nmarks     3: built, dropped, atexit\n');

    // The report: one HTML file whose figures are the replay's.
    const html = join(dir, 'keeper.html');
    const r = await run('report', out, '-o', html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    const m = /<script id="pymem-data" type="application\/json">(.*?)<\/script>/s.exec(page)!;
    const d = JSON.parse(m[1]!) as {
      facts: { python: string; marks: number; stacks: boolean };
      max: { arenas: number };
      end: { arenas: number };
      instants: { name: string }[];
      stacks: { allocBytes: number; liveBytes: number; frames: string[] }[];
      heapAtPeak: { arenas: unknown[] };
    };
    expect(d.facts.python).toMatch(/^3\.\d+\.\d+$/);
    expect(d.instants.map((i) => i.name)).toEqual(['built', 'dropped', 'atexit']);
    expect(d.facts.stacks).toBe(true);
    // 60,000 dicts and strs at the peak need well over 4 arenas; 1,200 kept rows pin some of them.
    expect(d.heapAtPeak.arenas.length).toBe(d.max.arenas);
    expect(d.max.arenas).toBeGreaterThan(4);
    // The most bytes were allocated by the comprehension in build() in keeper.py.
    expect(d.stacks[0]!.frames.some((f) => f.startsWith('build (') && f.includes('keeper.py'))).toBe(true);
    expect(d.stacks[0]!.allocBytes).toBeGreaterThan(1_000_000);

    // The end state agrees with pymem stats on the same capture.
    const st = JSON.parse((await run('stats', out, '--json')).out) as { exact: boolean; stats: { arenasCurrent: number; arenasHighwater: number } };
    expect(st.exact).toBe(true);
    expect(st.stats.arenasCurrent).toBe(d.end.arenas);

    // The what-if: the same requests under CPython 3.8's 256 KiB arenas, 4 KiB pools.
    const w = await run('replay', out, '--preset', 'cpython-3.8', '--json');
    expect(w.code).toBe(0);
    const j = JSON.parse(w.out) as {
      results: number;
      original: { arenasHighwater: number; arenasLive: number; blocksInUse: number; matched: number; mismatches: number };
      whatIf: { geometry: { arenaSize: number; poolSize: number }; blocksInUse: number; arenaBytes: number; arenasLive: number };
    };
    expect(j.original.mismatches).toBe(0);
    expect(j.original.matched).toBe(j.results);
    expect(j.original.arenasHighwater).toBe(d.max.arenas);
    expect(j.original.arenasLive).toBe(d.end.arenas);
    expect(j.whatIf.geometry).toMatchObject({ arenaSize: 262144, poolSize: 4096 });
    expect(j.whatIf.blocksInUse).toBe(j.original.blocksInUse);
    expect(j.whatIf.arenaBytes).toBe(j.whatIf.arenasLive * 262144);
    const text = await run('replay', out, '--preset', 'cpython-3.8');
    expect(text.out).toMatch(/\narenas high-water +[\d,]+ +[\d,]+\n/);
    expect(text.out).toContain(`replayed exactly, ${j.results.toLocaleString('en')} of ${j.results.toLocaleString('en')} results`);
  }, 120_000);
});
