import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../capture-error.js';
import { checkCaptureSupport, findLibpython, queryInterpreter } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-support-'));
const include = join(dir, 'include');
const libdir = join(dir, 'lib');
mkdirSync(include);
mkdirSync(join(libdir, 'x86_64-linux-gnu'), { recursive: true });
writeFileSync(join(include, 'Python.h'), '');
writeFileSync(join(libdir, 'x86_64-linux-gnu', 'libpython3.11.so.1.0'), '');

const ANSWER = {
  version: [3, 11, 7],
  hexversion: 0x030b07f0,
  executable: '/opt/py/bin/python3.11',
  platform: 'linux',
  pointerSize: 8,
  include,
  libdir,
  ldlibrary: 'libpython3.11.so',
  instsoname: 'libpython3.11.so.1.0',
  multiarch: 'x86_64-linux-gnu',
  shared: true,
  gilDisabled: false,
  debug: false,
  devMode: false,
};

/** An executable that prints `text` (and exits with `code`) whatever its arguments: a stand-in interpreter or compiler. */
function fake(name: string, text: string, code = 0): string {
  const path = join(dir, name);
  // Shell builtins only: some tests run it with an empty PATH.
  writeFileSync(path, `#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' "$line"; done <<'EOF'\n${text}\nEOF\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CaptureError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

const cc = fake('fake-cc', 'fake-cc (pymem test) 1.0');
const env = { PATH: '/usr/bin:/bin', CC: cc };

describe('checkCaptureSupport with a stand-in interpreter', () => {
  it('returns the interpreter, the libpython found under LIBDIR/MULTIARCH and the compiler', async () => {
    const python = fake('python-ok', JSON.stringify(ANSWER));
    const s = await checkCaptureSupport(python, { env });
    expect(s.python.version).toEqual([3, 11, 7]);
    expect(s.libpython).toBe(join(libdir, 'x86_64-linux-gnu', 'libpython3.11.so.1.0'));
    expect(s.compiler).toEqual({ command: cc, version: 'fake-cc (pymem test) 1.0' });
  });

  it('says when libpython is static', async () => {
    const python = fake('python-static', JSON.stringify({ ...ANSWER, shared: false }));
    expect(await failure(checkCaptureSupport(python, { env }))).toMatch(/^E_NOT_SHARED: .* \(sysconfig Py_ENABLE_SHARED is 0\)/);
  });

  it('says how to get the headers when Python.h is missing', async () => {
    const python = fake('python-noheaders', JSON.stringify({ ...ANSWER, include: libdir }));
    expect(await failure(checkCaptureSupport(python, { env }))).toBe(
      `E_NO_HEADERS: Python.h not found in '${libdir}' (sysconfig INCLUDEPY of ${python}): install the interpreter's development headers (Debian/Ubuntu: sudo apt-get install python3.11-dev; Fedora: sudo dnf install python3.11-devel)`,
    );
  });

  it('says how to install gcc when there is no compiler', async () => {
    const python = fake('python-nocc', JSON.stringify(ANSWER));
    const empty = mkdtempSync(join(tmpdir(), 'pymem-nopath-'));
    expect(await failure(checkCaptureSupport(python, { env: { PATH: empty } }))).toBe(
      'E_NO_COMPILER: no C compiler found (tried cc, gcc): the capture library is compiled on first use. Install gcc (Debian/Ubuntu: sudo apt-get install gcc; Fedora/RHEL: sudo dnf install gcc; Alpine: apk add build-base) or set CC',
    );
  });

  it('refuses the version, a free-threaded build and PYTHONMALLOC before anything else', async () => {
    expect(await failure(checkCaptureSupport(fake('python-38', JSON.stringify({ ...ANSWER, version: [3, 8, 10] })), { env }))).toMatch(/^E_PYTHON_VERSION: .* is Python 3.8.10/);
    expect(await failure(checkCaptureSupport(fake('python-t', JSON.stringify({ ...ANSWER, version: [3, 13, 0], gilDisabled: true })), { env }))).toMatch(/^E_FREE_THREADED/);
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env: { ...env, PYTHONMALLOC: 'debug' } }))).toMatch(/^E_PYTHONMALLOC: PYTHONMALLOC=debug is set/);
  });

  it('names an interpreter that is missing, fails or is not CPython', async () => {
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env }))).toBe(
      'E_PYTHON_NOT_FOUND: /nonexistent/python3: not found. Give the interpreter as the first word of the command, e.g. pymem capture -- python3 script.py',
    );
    const broken = fake('python-broken', 'Traceback: boom', 1);
    expect(await failure(checkCaptureSupport(broken, { env }))).toBe(
      `E_PYTHON_QUERY: ${broken} did not answer the sysconfig query (exit code 1): is it CPython? Give a CPython 3.9 – 3.13 interpreter as the first word of the command`,
    );
    expect(await failure(checkCaptureSupport(fake('python2', 'Python 2.7.18'), { env }))).toMatch(/^E_PYTHON_QUERY: .* did not answer the sysconfig query as CPython 3 does \(got "Python 2.7.18\\n"\)/);
  });
});

describe('the real python3', () => {
  it('answers the query with a shared CPython 3 and a libpython that exists', async () => {
    const info = await queryInterpreter('python3');
    expect(info.version[0]).toBe(3);
    expect(info.shared).toBe(true);
    expect(info.pointerSize).toBe(8);
    expect(findLibpython(info)).toMatch(/libpython3\.\d+\.so/);
  });
});
