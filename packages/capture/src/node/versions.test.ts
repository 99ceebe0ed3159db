import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, OP_MALLOC, parseStatsFile } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { pythonHelperDir, pythonStacksDir } from './assets.js';
import { buildCaptureLibrary } from './library.js';
import { checkCaptureSupport } from './support.js';

// Only CPython 3.11 is on this machine. The capture library's own version
// logic (which name a frame gets, whether there is an atexit statistics dump,
// the version written in the header, from which readers choose the pool and
// arena geometry) is compiled from PY_VERSION_HEX: here it is compiled
// against 3.11's headers with PY_VERSION_HEX replaced, and run on 3.11.
// This checks the library's branches for each version, not those versions'
// ABI.
const dir = mkdtempSync(join(tmpdir(), 'pymem-capture-versions-'));
const cacheEnv = { ...process.env, PYMEM_CACHE_DIR: join(dir, 'cache') };
const script = join(dir, 'work.py');
writeFileSync(
  script,
  [
    'import pymem_capture',
    'class Parser:',
    '    def field(self, i):',
    '        return {"i": i, "s": str(i) * 3}',
    'rows = [Parser().field(i) for i in range(2000)]',
    'pymem_capture.mark("built")',
  ].join('\n'),
);

async function runAs(hexversion: number): Promise<{ bin: Uint8Array; stats: string }> {
  const support = await checkCaptureSupport('python3');
  const include = join(dir, `include-${hexversion.toString(16)}`);
  mkdirSync(include, { recursive: true });
  const real = support.python.include;
  writeFileSync(join(include, 'Python.h'), `#include "${real}/Python.h"\n#undef PY_VERSION_HEX\n#define PY_VERSION_HEX 0x${hexversion.toString(16).toUpperCase()}\n`);
  writeFileSync(join(include, 'frameobject.h'), `#include "${real}/frameobject.h"\n`);
  const lib = await buildCaptureLibrary({ ...support, python: { ...support.python, include, hexversion } }, { env: cacheEnv });
  const out = join(dir, `run-${hexversion.toString(16)}.bin`);
  const stats = join(dir, `run-${hexversion.toString(16)}.stats.txt`);
  execFileSync(support.python.executable, [script], {
    env: {
      ...process.env,
      LD_PRELOAD: lib.path,
      PYMEM_CAPTURE_OUT: out,
      PYMEM_CAPTURE_STATS: stats,
      PYMEM_CAPTURE_STACKS: '1',
      PYTHONPATH: `${pythonStacksDir()}:${pythonHelperDir()}`,
    },
    stdio: 'ignore',
  });
  return { bin: new Uint8Array(readFileSync(out)), stats: readFileSync(stats, 'utf8') };
}

describe('the capture library compiled for each supported version', () => {
  it.each([
    ['3.9.18', 0x030912f0],
    ['3.10.13', 0x030a0df0],
    ['3.11.7', 0x030b07f0],
    ['3.12.1', 0x030c01f0],
    ['3.13.0', 0x030d00f0],
  ])('%s: writes its version in the header, names frames as that version does, dumps statistics at exit where pymalloc still exists', async (version, hex) => {
    const { bin, stats } = await runAs(hex);
    const stackIds = new Set<number>();
    const summary = decodeRawCapture(bin, (r) => {
      if (r.op === OP_MALLOC && r.stack !== 0) stackIds.add(r.stack);
    });
    const functions = new Set([...stackIds].flatMap((id) => summary.stacks!.resolve(id).map((f) => f.function)));
    expect(summary.header.pyVersionHex).toBe(hex);
    expect(summary.header.pyVersion).toBe(version);
    expect(summary.ended).toBe(true);
    // co_qualname exists from 3.11; before it a frame is named by co_name.
    expect(functions.has(hex >= 0x030b0000 ? 'Parser.field' : 'field')).toBe(true);
    expect(functions.has(hex >= 0x030b0000 ? 'field' : 'Parser.field')).toBe(false);
    // From 3.12 pymalloc's state lives in the interpreter, gone at exit: no atexit dump.
    expect(parseStatsFile(stats).map((d) => d.label)).toEqual(hex >= 0x030c0000 ? ['built'] : ['built', 'atexit']);
  });
});
