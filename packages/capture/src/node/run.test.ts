import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, DOMAIN_MEM, DOMAIN_OBJ, OP_CALLOC, OP_END, OP_MALLOC, OP_REALLOC, parseStatsFile, RAW_FLAG_STACKS } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../capture-error.js';
import { pythonHelperDir } from './assets.js';
import { capture } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-capture-run-'));
const env = { PYMEM_CACHE_DIR: join(dir, 'cache') };

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BUILD = script(
  'build.py',
  [
    'import pymem_capture',
    'rows = [{"k%d" % i: [i] * (i % 5), "t": (i, str(i))} for i in range(3000)]',
    'pymem_capture.mark("after build")',
    'del rows',
    'pymem_capture.mark("after drop")',
  ].join('\n'),
);

describe('capture() of a real python3', () => {
  it('writes a PYMTRC01 capture with marks, statistics dumps and an end record; the library is compiled once', async () => {
    const output = join(dir, 'build.bin');
    const stats = join(dir, 'build.stats.txt');
    const r = await capture({ argv: ['python3', BUILD], output, stats, env, stdio: 'ignore' });
    expect(r).toMatchObject({ exitCode: 0, signal: null, output, stats, ended: true, compiled: true });
    expect(r.marks.map((m) => [m.id, m.label])).toEqual([[1, 'after build'], [2, 'after drop'], [3, 'atexit']]);
    expect(r.marks[2]!.events).toBe(r.records); // the atexit mark is the last record before the end record

    const bytes = new Uint8Array(readFileSync(output));
    expect(r.outputBytes).toBe(bytes.length);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('PYMTRC01');
    expect([dv.getUint32(8, true), dv.getUint32(12, true), dv.getUint32(16, true), dv.getUint32(20, true)]).toEqual([1, 8, r.pid, 3]);
    expect(dv.getBigInt64(24, true)).toBe(0n); // installed before the first allocation
    expect(dv.getUint32(32, true)).toBe(r.python.hexversion);
    expect(dv.getUint32(36, true)).toBe(0);
    expect(bytes[bytes.length - 9]).toBe(OP_END);
    expect(dv.getBigUint64(bytes.length - 8, true)).toBe(BigInt(r.records));

    let mallocs = 0;
    const summary = decodeRawCapture(bytes, (rec) => {
      if (rec.op === OP_MALLOC) mallocs++;
    });
    expect(summary.records).toBe(r.records);
    expect(mallocs).toBeGreaterThan(3000);

    const dumps = parseStatsFile(readFileSync(stats, 'utf8'));
    expect(dumps.map((d) => [d.id, d.label, d.events])).toEqual(r.marks.map((m) => [m.id, m.label, m.events]));
    for (const d of dumps) expect(d.text.startsWith('Small block threshold = 512, in 32 size classes.\n\nclass   size   num pools   blocks in use  avail blocks\n')).toBe(true);
    expect(dumps[0]!.text).toContain(' free PyDictObjects * 48 bytes each =');
    expect(dumps[2]!.text).not.toContain('PyDictObjects'); // no free lists after finalization
    expect(dumps[2]!.text.endsWith('Total                              =              655,360\n\n')).toBe(true);

    const again = await capture({ argv: ['python3', '-c', 'pass'], output: join(dir, 'pass.bin'), env, stdio: 'ignore' });
    expect(again).toMatchObject({ compiled: false, library: r.library, stats: null, statsBytes: 0, ended: true });
    expect(again.marks.map((m) => m.label)).toEqual(['atexit']);
  });

  it('keeps children out unless asked, and traces them into OUTPUT.<pid> when asked', async () => {
    const probe = script(
      'spawn.py',
      [
        'import json, os, subprocess, sys',
        'child = subprocess.run([sys.executable, "-c", "import os, json; print(json.dumps([os.environ.get(\'LD_PRELOAD\', \'\'), \'PYMEM_CAPTURE_OUT\' in os.environ]))"], capture_output=True, text=True)',
        'open(sys.argv[1], "w").write(child.stdout)',
      ].join('\n'),
    );
    const seen = join(dir, 'seen.json');
    const alone = await capture({ argv: ['python3', probe, seen], output: join(dir, 'alone.bin'), env, stdio: 'ignore' });
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual(['', false]);
    expect(readdirSync(dir).filter((f) => f.startsWith('alone.bin.'))).toEqual([]);
    expect(alone.ended).toBe(true);

    const out = join(dir, 'family.bin');
    await capture({ argv: ['python3', probe, seen], output: out, env, stdio: 'ignore', children: true });
    const [preload, hasOut] = JSON.parse(readFileSync(seen, 'utf8')) as [string, boolean];
    expect(preload).toContain('pymem_capture-');
    expect(hasOut).toBe(true);
    const kids = readdirSync(dir).filter((f) => f.startsWith('family.bin.'));
    expect(kids).toHaveLength(1);
    const kid = decodeRawCapture(new Uint8Array(readFileSync(join(dir, kids[0]!))), () => undefined);
    expect(kid.ended).toBe(true);
    expect(kid.header.pid).toBe(Number(kids[0]!.slice('family.bin.'.length)));
  });

  it('records sizes exactly on both paths: under 16 MiB, from 16 MiB (slow path) and past 4 GiB (the size escape, a failed request)', async () => {
    const code = [
      'a = bytearray(4_999_999)', // PyObject_Realloc(NULL, 5,000,000)
      'b = bytearray(19_999_999)', // PyObject_Realloc(NULL, 20,000,000)
      'b *= 2', // PyObject_Realloc(b, 2 * 19,999,999 + 1)
      's = "x" * 19_999_951', // PyObject_Malloc(48 + 19,999,951 + 1)
      'l = [None] * 3_000_000', // PyMem_Malloc(3,000,000 * 8)
      'for n in (2**40 - 1, 2**45 - 1):',
      '    try:',
      '        bytearray(n)', // PyObject_Realloc(NULL, n + 1) fails: NULL
      '    except MemoryError:',
      '        pass',
      'try:',
      '    bytes(2**40 - 33)', // PyObject_Calloc(1, 2**40) fails: NULL
      'except MemoryError:',
      '    pass',
    ].join('\n');
    const output = join(dir, 'sizes.bin');
    const r = await capture({ argv: ['python3', '-c', code], output, env, stdio: 'ignore' });
    expect(r).toMatchObject({ exitCode: 0, ended: true });
    const seen: string[] = [];
    const summary = decodeRawCapture(new Uint8Array(readFileSync(output)), (rec) => {
      if (rec.op <= OP_REALLOC && (rec.size >= 4_000_000 || rec.size2 >= 4_000_000)) {
        seen.push(`${rec.domain} ${rec.op} ${rec.size} ${rec.size2} ${rec.result === 0 ? 'NULL' : 'ok'}`);
      }
    });
    expect(summary.records).toBe(r.records);
    expect(seen).toEqual([
      `${DOMAIN_OBJ} ${OP_REALLOC} 5000000 0 ok`,
      `${DOMAIN_OBJ} ${OP_REALLOC} 20000000 0 ok`,
      `${DOMAIN_OBJ} ${OP_REALLOC} 39999999 0 ok`,
      `${DOMAIN_OBJ} ${OP_MALLOC} 20000000 0 ok`,
      `${DOMAIN_MEM} ${OP_MALLOC} 24000000 0 ok`,
      `${DOMAIN_OBJ} ${OP_REALLOC} ${2 ** 40} 0 NULL`,
      `${DOMAIN_OBJ} ${OP_REALLOC} ${2 ** 45} 0 NULL`,
      `${DOMAIN_OBJ} ${OP_CALLOC} 1 ${2 ** 40} NULL`,
    ]);
  });

  it('reports the exit code of a program that failed', async () => {
    const failed = await capture({ argv: ['python3', '-c', 'import sys; sys.exit(5)'], output: join(dir, 'exit5.bin'), env, stdio: 'ignore' });
    expect(failed).toMatchObject({ exitCode: 5, signal: null, ended: true, cut: null });
  });

  it.each([
    ['through the page cache', false],
    ['with O_DIRECT blocks', true],
  ])('a process killed at a known point keeps every record written before the kill (%s); a partial last record is cut off', async (_mode, directWrites) => {
    // The program marks (everything so far is then in the file), goes on until the
    // writer thread has written a buffer after the mark (the file grew), tells the
    // test its pid through a FIFO and waits for the SIGKILL the test sends: the
    // point of the kill is an event, not a time.
    const fifo = join(dir, `ready-${directWrites}.fifo`);
    execFileSync('mkfifo', [fifo]);
    const output = join(dir, `killed-${directWrites}.bin`);
    const code = [
      'import os, signal, sys, pymem_capture',
      'out, fifo = sys.argv[1], sys.argv[2]',
      'x = [str(i) for i in range(300000)]',
      'pymem_capture.mark("ready")',
      'size = os.stat(out).st_size',
      'keep = []',
      'while os.stat(out).st_size == size:',
      '    keep.append([str(i) for i in range(1000)])',
      'with open(fifo, "w") as f:',
      '    f.write(str(os.getpid()))',
      'while True:',
      '    signal.pause()',
    ].join('\n');
    const run = capture({ argv: ['python3', '-c', code, output, fifo], output, env, stdio: 'ignore', directWrites });
    const pid = await Promise.race([
      readFile(fifo, 'utf8'),
      run.then((r) => {
        throw new Error(`the program exited (code ${r.exitCode}) before it was ready`);
      }),
    ]);
    process.kill(Number(pid), 'SIGKILL');
    const r = await run;
    expect(r).toMatchObject({ exitCode: 137, signal: 'SIGKILL', ended: false, pid: Number(pid) });
    expect(r.marks.map((m) => m.label)).toEqual(['ready']);
    expect(r.marks[0]!.events).toBeGreaterThan(300000);
    expect(r.records).toBeGreaterThan(r.marks[0]!.events + 1000); // the buffer written after the mark

    // The file now holds whole records only: every reader takes it.
    const bytes = new Uint8Array(readFileSync(output));
    expect(r.outputBytes).toBe(bytes.length);
    const summary = decodeRawCapture(bytes, () => undefined);
    expect(summary).toMatchObject({ records: r.records, ended: false });
    if (r.cut !== null) {
      // The record that straddled the end of the last buffer written is cut off.
      // With O_DIRECT the file ended at a whole 4 KiB block; through the page cache,
      // at the end of a whole 2 MiB buffer after the mark (the mark wrote everything
      // before it), or at a 4 KiB page when the kill cut a buffer's write short (the
      // kernel stops a write to the page cache between pages for a fatal signal).
      expect(r.cut.offset).toBe(bytes.length);
      expect(r.cut.record).toBe(r.records);
      expect(r.cut.bytes).toBeGreaterThan(0);
      expect(r.cut.bytes).toBeLessThan(25); // less than the longest record
      const end = r.cut.offset + r.cut.bytes;
      if (directWrites) {
        expect(end % 4096).toBe(0);
      } else {
        const mark = Buffer.from([7, 1, 0, 0, 0, 5, 0, ...Buffer.from('ready')]);
        const markEnd = Buffer.from(bytes).indexOf(mark) + mark.length;
        expect(markEnd).toBeGreaterThan(mark.length);
        expect((end - markEnd) % (2 << 20) === 0 || end % 4096 === 0).toBe(true);
      }
    }
  });

  it('a mark waits for the writer thread: a process killed after a mark keeps every record up to it', async () => {
    const code = 'import os, signal, pymem_capture\nx = [str(i) for i in range(300000)]\npymem_capture.mark("before kill")\ny = [str(i) for i in range(1000)]\nos.kill(os.getpid(), signal.SIGKILL)';
    const r = await capture({ argv: ['python3', '-c', code], output: join(dir, 'marked-kill.bin'), env, stdio: 'ignore' });
    expect(r).toMatchObject({ exitCode: 137, signal: 'SIGKILL', ended: false });
    expect(r.marks.map((m) => m.label)).toEqual(['before kill']);
    expect(r.records).toBe(r.marks[0]!.events); // the records after the mark were still in the buffer
    expect(r.records).toBeGreaterThan(300000); // several full buffers went through the writer thread before the mark
  });

  it('ends the capture in Py_FinalizeEx, so a KeyboardInterrupt exit (CPython re-raises SIGINT after finalizing) keeps its end record', async () => {
    const r = await capture({ argv: ['python3', '-c', 'import os, signal; os.kill(os.getpid(), signal.SIGINT)'], output: join(dir, 'sigint.bin'), stats: join(dir, 'sigint.stats.txt'), env, stdio: 'ignore' });
    expect(r).toMatchObject({ exitCode: 130, signal: 'SIGINT', ended: true });
    expect(r.marks.map((m) => m.label)).toEqual(['atexit']);
    expect(parseStatsFile(readFileSync(join(dir, 'sigint.stats.txt'), 'utf8')).map((d) => d.label)).toEqual(['atexit']);
  });

  it('fails with E_NO_CAPTURE when the program wrote nothing, and with E_PYTHONMALLOC before running anything', async () => {
    // -S -I: a startup short enough that nothing was flushed before exec replaced the process.
    const gone = capture({ argv: ['python3', '-S', '-I', '-c', 'import os; os.execv("/bin/true", ["true"])'], output: join(dir, 'gone.bin'), env, stdio: 'ignore' });
    await expect(gone).rejects.toThrow(CaptureError);
    await expect(gone).rejects.toMatchObject({ code: 'E_NO_CAPTURE' });
    const out = join(dir, 'never.bin');
    await expect(capture({ argv: ['python3', '-c', 'pass'], output: out, env: { ...env, PYTHONMALLOC: 'malloc' } })).rejects.toMatchObject({ code: 'E_PYTHONMALLOC' });
    expect(existsSync(out)).toBe(false);
  });
});

describe('capture({ stacks: true })', () => {
  it('keeps a shadow stack per thread, balanced across generators and exceptions, and still runs the program\'s own sitecustomize', async () => {
    const own = join(dir, 'own-site');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'sitecustomize.py'), 'import os\nos.environ["OWN_SITE_RAN"] = "yes"\n');
    const seen = join(dir, 'own-site-ran.txt');
    const path = script(
      'threads.py',
      [
        'import os, sys, threading', // 1
        'def leaf():', // 2
        '    return [bytearray(40) for _ in range(200)]',
        'def gen():', // 4
        '    for _ in range(3):',
        '        yield leaf()',
        'def fails():', // 7
        '    leaf()',
        '    raise ValueError("x")',
        'def work():', // 10
        '    list(gen())',
        '    try:',
        '        fails()',
        '    except ValueError:',
        '        pass',
        '    return leaf()',
        't = threading.Thread(target=work)',
        't.start(); t.join()',
        'keep = work()',
        'open(sys.argv[1], "w").write(os.environ.get("OWN_SITE_RAN", "no"))',
      ].join('\n'),
    );
    const output = join(dir, 'threads.bin');
    const r = await capture({ argv: ['python3', path, seen], output, env: { ...env, PYTHONPATH: own }, stdio: 'ignore', stacks: true });
    expect(r).toMatchObject({ exitCode: 0, ended: true });
    expect(readFileSync(seen, 'utf8')).toBe('yes');
    expect(r.stacks!.stacks).toBeGreaterThan(10);
    expect(r.stacks!.requestsInPython).toBeGreaterThan(1000);

    const byStack = new Map<number, number>();
    const summary = decodeRawCapture(new Uint8Array(readFileSync(output)), (rec) => {
      if (rec.op === OP_MALLOC) byStack.set(rec.stack, (byStack.get(rec.stack) ?? 0) + 1);
    });
    expect(summary.header.flags).toBe(3 | RAW_FLAG_STACKS);
    expect(summary.records).toBe(r.records);
    const table = summary.stacks!;
    const names = (id: number): string => table.resolve(id).map((f) => `${f.function}:${f.line}`).join(' > ');
    const leafStacks = [...byStack.keys()].filter((id) => id !== 0 && table.resolve(id).some((f) => f.function === 'leaf')).map(names).sort();
    // The thread's stack starts at threading's bootstrap frames (pushed when the
    // profile function was installed in it); leaf's list comprehension is a frame of its own in 3.11.
    const thread = 'Thread._bootstrap:';
    const inThread = leafStacks.filter((s) => s.startsWith(thread));
    const inMain = leafStacks.filter((s) => s.startsWith('<module>:1 > '));
    expect(inThread.length + inMain.length).toBe(leafStacks.length);
    const tails = (list: string[]): string[] => list.map((s) => s.slice(s.indexOf('work:10'))).sort();
    const want = ['work:10 > fails:7 > leaf:2', 'work:10 > gen:4 > leaf:2', 'work:10 > leaf:2'].flatMap((s) => [s, `${s} > leaf.<locals>.<listcomp>:3`]).sort();
    expect(tails(inMain)).toEqual(want);
    expect(tails(inThread)).toEqual(want);
    expect(inThread.every((s) => s.includes(' > Thread.run:') && s.indexOf('work:10') > 0)).toBe(true);
    expect(inMain.every((s) => s.startsWith('<module>:1 > work:10'))).toBe(true);
  });

  it('writes no stack records without it', async () => {
    const output = join(dir, 'nostacks.bin');
    const r = await capture({ argv: ['python3', '-c', 'def f():\n  return [str(i) for i in range(100)]\nf()'], output, env, stdio: 'ignore' });
    expect(r.stacks).toBeNull();
    const bytes = new Uint8Array(readFileSync(output));
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true)).toBe(3);
    const summary = decodeRawCapture(bytes, (rec) => expect(rec.stack).toBe(0));
    expect(summary.stacks).toBeUndefined();
  });
});

describe('pymem_capture.py outside a capture', () => {
  it('mark() returns 0 and checks its label', () => {
    const run = (code: string): string => execFileSync('python3', ['-c', code], { env: { ...process.env, PYTHONPATH: pythonHelperDir() }, encoding: 'utf8' }).trim();
    expect(run('import pymem_capture; print(pymem_capture.active(), pymem_capture.mark("x"))')).toBe('False 0');
    expect(run('import pymem_capture\ntry:\n  pymem_capture.mark("a\\nb")\nexcept ValueError as e:\n  print(e)')).toBe('mark label must be a single line');
  });
});
