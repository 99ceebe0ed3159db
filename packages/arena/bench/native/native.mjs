// Builds bench.c with the system gcc (-O2) into bench/native/bin/ and runs it.
// Two binaries: bench-glibc (malloc/free) and bench-pymalloc (PyObject_Malloc/
// PyObject_Free from the shared libpython that `python3` reports through
// sysconfig). A binary is rebuilt when bench.c is newer than it or when its
// compiler command changed. A peer whose toolchain is missing is skipped
// with a note.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = join(here, 'bench.c');
const binDir = join(here, 'bin');

export const NATIVE_PEERS = [
  { id: 'glibc', label: 'glibc malloc', detail: 'malloc/free of the system C library, gcc -O2' },
  { id: 'pymalloc', label: 'CPython pymalloc', detail: 'PyObject_Malloc/PyObject_Free of the shared libpython, gcc -O2' },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** What python3 says about linking against it, or a reason why not. */
function pythonConfig() {
  const keys = ['INCLUDEPY', 'LIBDIR', 'LDLIBRARY', 'VERSION', 'ABIFLAGS', 'Py_ENABLE_SHARED', 'WITH_PYMALLOC', 'MULTIARCH'];
  const code = `import json, sys, sysconfig; print(json.dumps({"version": sys.version.split()[0], **{k: sysconfig.get_config_var(k) for k in ${JSON.stringify(keys)}}}))`;
  const r = run('python3', ['-c', code]);
  if (!r.ok) return { error: `python3 not usable (${r.error ? r.error.message : r.stderr.trim()})` };
  const c = JSON.parse(r.stdout);
  if (!c.INCLUDEPY || !existsSync(join(c.INCLUDEPY, 'Python.h'))) return { error: `no Python.h in ${String(c.INCLUDEPY)} (install the python3-dev package)` };
  if (String(c.Py_ENABLE_SHARED) !== '1') return { error: `python3 ${c.version} was built without a shared libpython` };
  if (String(c.WITH_PYMALLOC) !== '1') return { error: `python3 ${c.version} was built without pymalloc` };
  const dirs = [c.LIBDIR, c.MULTIARCH ? join(c.LIBDIR, c.MULTIARCH) : null].filter(Boolean);
  const libDir = dirs.find((d) => existsSync(join(d, c.LDLIBRARY)));
  if (!libDir) return { error: `${String(c.LDLIBRARY)} not found in ${dirs.join(' or ')}` };
  return { ...c, libDir, lib: `python${c.VERSION}${c.ABIFLAGS ?? ''}` };
}

function build(name, args) {
  const bin = join(binDir, name);
  const cmdFile = `${bin}.cmd`;
  // Sources before libraries: the linker resolves -l against what precedes it.
  const argv = [...args.compile, source, '-o', bin, ...args.link];
  const cmd = ['gcc', ...argv].join(' ');
  const fresh = existsSync(bin) && existsSync(cmdFile) && statSync(bin).mtimeMs >= statSync(source).mtimeMs && readFileSync(cmdFile, 'utf8') === cmd;
  if (fresh) return { bin };
  mkdirSync(binDir, { recursive: true });
  const r = run('gcc', argv);
  if (!r.ok) return { error: `gcc failed: ${(r.error ? r.error.message : r.stderr).trim().split('\n').slice(0, 5).join(' | ')}` };
  writeFileSync(cmdFile, cmd);
  return { bin };
}

/**
 * Builds what can be built. Returns, per peer id, `{ bin, env }` or `{ error }`,
 * plus toolchain facts for the report.
 */
export function prepareNative() {
  const info = {};
  const out = {};
  const gcc = run('gcc', ['--version']);
  if (!gcc.ok) {
    const error = 'no gcc on PATH';
    for (const p of NATIVE_PEERS) out[p.id] = { error };
    return { peers: out, info };
  }
  info.gcc = gcc.stdout.split('\n')[0];
  out.glibc = build('bench-glibc', { compile: ['-O2', '-std=c11', '-Wall'], link: [] });
  const glibc = run('ldd', ['--version']);
  if (glibc.ok) info.glibc = glibc.stdout.split('\n')[0];

  const py = pythonConfig();
  if (py.error) {
    out.pymalloc = { error: py.error };
  } else {
    info.python = `${py.version} (${join(py.libDir, py.LDLIBRARY)})`;
    const b = build('bench-pymalloc', {
      compile: ['-O2', '-std=c11', '-Wall', '-DWITH_PYTHON', `-I${py.INCLUDEPY}`],
      link: [`-L${py.libDir}`, `-l${py.lib}`, `-Wl,-rpath,${py.libDir}`],
    });
    // PYTHONMALLOC=pymalloc makes sure the object domain is pymalloc (no debug hooks).
    out.pymalloc = b.error ? b : { ...b, env: { PYTHONMALLOC: 'pymalloc' }, note: py.VERSION === '3.11' ? undefined : `libpython is ${py.version}, not 3.11` };
  }
  return { peers: out, info };
}

/** Runs one native stream run; returns the parsed JSON line or throws. */
export function runNative(prepared, file, streamName) {
  const env = { ...process.env, ...(prepared.env ?? {}) };
  const r = run(prepared.bin, [file, streamName], { env });
  if (!r.ok) throw new Error(`${prepared.bin} ${streamName} failed: ${(r.error ? r.error.message : r.stderr).trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}
