import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, OP_MALLOC, OP_MARK, parseStatsFile } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { captureSourcePath, pythonHelperDir } from './assets.js';
import { buildCaptureLibrary, compileArgs } from './library.js';
import { capture } from './run.js';
import { checkCaptureSupport } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-capture-writes-'));
const env = { ...process.env, PYMEM_CACHE_DIR: join(dir, 'cache') };

// 60 marks between bursts of every size, so that marks fall at every offset of
// a 4 KiB block and of a buffer: each mark writes the tail after the last whole
// block, and the next block write covers it again.
const CODE = [
  'import pymem_capture',
  'keep = []',
  'for k in range(60):',
  '    keep.append([str(i) * (k % 5) for i in range(k * 997 % 20011)])',
  '    pymem_capture.mark("m%d" % k)',
  '    if k % 7 == 0:',
  '        del keep[:]',
].join('\n');

async function run(direct: boolean): Promise<{ bytes: Uint8Array; stats: string }> {
  const support = await checkCaptureSupport('python3');
  const lib = await buildCaptureLibrary(support, { env });
  const out = join(dir, `run-${direct ? 'direct' : 'cached'}.bin`);
  const stats = `${out}.stats.txt`;
  execFileSync(support.python.executable, ['-c', CODE], {
    env: { ...env, LD_PRELOAD: lib.path, PYMEM_CAPTURE_OUT: out, PYMEM_CAPTURE_STATS: stats, PYMEM_CAPTURE_DIRECT: direct ? '1' : '0', PYTHONPATH: pythonHelperDir() },
    stdio: 'ignore',
  });
  expect(statSync(out).size).toBeGreaterThan(1 << 22);
  return { bytes: new Uint8Array(readFileSync(out)), stats: readFileSync(stats, 'utf8') };
}

describe('the capture file, written with O_DIRECT blocks or through the page cache', () => {
  it.each([
    ['O_DIRECT blocks (the default)', true],
    ['the page cache (PYMEM_CAPTURE_DIRECT=0)', false],
  ])('%s: holds every record once, in order, with each mark where the stats file says', async (_name, direct) => {
    const { bytes, stats } = await run(direct);
    const marks: [string, number][] = [];
    const summary = decodeRawCapture(bytes, (r) => {
      if (r.op === OP_MARK) marks.push([r.markLabel, r.index + 1]);
    });
    expect(summary.ended).toBe(true); // and the end record's count matched (else E_COUNT)
    expect(marks.map((m) => m[0])).toEqual([...Array.from({ length: 60 }, (_, k) => `m${k}`), 'atexit']);
    expect(parseStatsFile(stats).map((d) => [d.label, d.events])).toEqual(marks);
  });
});

describe('records longer than the stage the hooks write into (4 KiB)', () => {
  it('a 4,096-byte mark label and a 20,000-character function name (--stacks) come back whole', async () => {
    const label = 'L'.repeat(4000) + 'abcdefghijklmnopqrstuvwxyz'.repeat(4).slice(0, 96);
    const fname = `f${'x'.repeat(19_999)}`;
    const code = [
      'import pymem_capture, sys',
      `pymem_capture.mark(sys.argv[1])`,
      `exec("def ${fname}():\\n    return [str(i) for i in range(2000)]")`,
      `keep = ${fname}()`,
      'pymem_capture.mark("after")',
    ].join('\n');
    const output = join(dir, 'long.bin');
    const r = await capture({ argv: ['python3', '-c', code, label], output, env, stdio: 'ignore', stacks: true });
    expect(r).toMatchObject({ exitCode: 0, ended: true });
    expect(label).toHaveLength(4096);
    expect(r.marks.map((m) => m.label)).toEqual([label, 'after', 'atexit']);
    const byStack = new Map<number, number>();
    const summary = decodeRawCapture(new Uint8Array(readFileSync(output)), (rec) => {
      if (rec.op === OP_MALLOC) byStack.set(rec.stack, (byStack.get(rec.stack) ?? 0) + 1);
    });
    expect(summary.ended).toBe(true);
    const frames = [...summary.stacks!.stacks()].map((st) => st.frame);
    expect(frames.find((f) => f.function === fname)?.function).toHaveLength(20_000);
    // Its strings (1,990 of them are not cached one-character strings) were allocated under it, in its list comprehension.
    let inLong = 0;
    for (const [id, n] of byStack) if (id !== 0 && summary.stacks!.resolve(id).at(-2)?.function === fname) inLong += n;
    expect(inLong).toBeGreaterThanOrEqual(2000);
  });
});

describe('the stage builds of bench/overhead.mjs (-DPYMEM_CAPTURE_UNTIL)', () => {
  // 5 MiB of records or so: more than two 2 MiB buffers, so that stage 2 drops some.
  const work = 'import pymem_capture\nkeep = [str(i) * 2 for i in range(150000)]\npymem_capture.mark("done")';
  async function runUntil(until: number): Promise<Uint8Array> {
    const support = await checkCaptureSupport('python3');
    const lib = join(dir, `until-${until}.so`);
    execFileSync(support.compiler.command, [`-DPYMEM_CAPTURE_UNTIL=${until}`, ...compileArgs(support, captureSourcePath(), lib)], { stdio: 'ignore' });
    const out = join(dir, `until-${until}.bin`);
    execFileSync(support.python.executable, ['-c', work], { env: { ...env, LD_PRELOAD: lib, PYMEM_CAPTURE_OUT: out, PYMEM_CAPTURE_DIRECT: '0', PYTHONPATH: pythonHelperDir() }, stdio: 'ignore' });
    return new Uint8Array(readFileSync(out));
  }

  it('1: the hooks only forward: no request is recorded, only arenas, marks and the end', async () => {
    let requests = 0;
    const summary = decodeRawCapture(await runUntil(1), (r) => {
      if (r.op === OP_MALLOC) requests++;
    });
    expect(requests).toBe(0);
    expect(summary.ended).toBe(true);
  });

  it('2: records are staged and moved, but full buffers are dropped, not written', async () => {
    const whole = await runUntil(0); // the library as shipped, for the same program
    expect(decodeRawCapture(whole, () => undefined).ended).toBe(true);
    expect(whole.length).toBeGreaterThan(4 << 20);
    // Only what the mark and the end hand over of a buffer not yet full reaches the
    // file (less than a buffer each), and its first full buffer, with the header, is gone.
    const dropped = await runUntil(2);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.length).toBeLessThan(4 << 20);
    expect(Buffer.from(dropped.subarray(0, 8)).toString('latin1')).not.toBe('PYMTRC01');
    // It still ends with the end record (op 8, then the count), like the whole capture.
    expect(dropped[dropped.length - 9]).toBe(8);
    expect(whole[whole.length - 9]).toBe(8);
  });
});

describe('a writer slower than the program (a build with -DPYMEM_CAPTURE_WRITER_DELAY_US)', () => {
  // The writer of this build sleeps before each write, and the library says at
  // exit how many of its 8 buffers it took into use and how often it waited.
  async function runSlow(delayUs: number, code: string): Promise<{ stderr: string; bytes: Uint8Array }> {
    const support = await checkCaptureSupport('python3');
    const lib = join(dir, `slow-writer-${delayUs}.so`);
    execFileSync(support.compiler.command, [`-DPYMEM_CAPTURE_WRITER_DELAY_US=${delayUs}`, ...compileArgs(support, captureSourcePath(), lib)], { stdio: 'ignore' });
    const out = join(dir, `slow-writer-${delayUs}.bin`);
    const r = spawnSync(support.python.executable, ['-c', code], { env: { ...env, LD_PRELOAD: lib, PYMEM_CAPTURE_OUT: out, PYTHONPATH: pythonHelperDir() }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    return { stderr: r.stderr, bytes: new Uint8Array(readFileSync(out)) };
  }

  it('a program that never fills a buffer uses one', async () => {
    const { stderr } = await runSlow(1, 'pass');
    expect(stderr).toBe('pymem-capture: slow writer: buffers in use 1, waits for the writer 0, direct writes on\n');
  });

  it('takes buffers into use up to all 8, then waits; after the third wait writes through the page cache; every record arrives once, in order', async () => {
    // About 27 MiB of records, made faster than a writer that needs 20 ms a buffer writes them.
    const code = 'import pymem_capture\nkeep = [str(i) * 2 for i in range(800000)]\npymem_capture.mark("burst")\ndel keep\nmore = [str(i) for i in range(100000)]';
    const { stderr, bytes } = await runSlow(20_000, code);
    const said = /^pymem-capture: slow writer: buffers in use (\d+), waits for the writer (\d+), direct writes (on|off)\n$/.exec(stderr);
    expect(said).not.toBeNull();
    expect(Number(said![1])).toBe(8);
    expect(Number(said![2])).toBeGreaterThanOrEqual(3);
    expect(said![3]).toBe('off');
    expect(bytes.length).toBeGreaterThan(20 << 20);
    const marks: string[] = [];
    const summary = decodeRawCapture(bytes, (r) => {
      if (r.op === OP_MARK) marks.push(r.markLabel);
    });
    expect(summary.ended).toBe(true); // the end record's count matched every record read (else E_COUNT)
    expect(marks).toEqual(['burst', 'atexit']);
  });
});
