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

/** A stand-in CPython 3.minor install: headers, a shared libpython under LIBDIR/MULTIARCH, and an interpreter that answers the query. */
function fakeInstall(minor: number, patch: Partial<typeof ANSWER> = {}): string {
  const root = join(dir, `py3${minor}`);
  mkdirSync(join(root, 'include'), { recursive: true });
  mkdirSync(join(root, 'lib', 'x86_64-linux-gnu'), { recursive: true });
  writeFileSync(join(root, 'include', 'Python.h'), '');
  writeFileSync(join(root, 'lib', 'x86_64-linux-gnu', `libpython3.${minor}.so.1.0`), '');
  const answer = {
    ...ANSWER,
    version: [3, minor, 1],
    hexversion: 0x030001f0 | (minor << 16) | (1 << 8),
    executable: `/opt/py3${minor}/bin/python3.${minor}`,
    include: join(root, 'include'),
    libdir: join(root, 'lib'),
    ldlibrary: `libpython3.${minor}.so`,
    instsoname: `libpython3.${minor}.so.1.0`,
    ...patch,
  };
  return fake(`python3.${minor}-${Object.keys(patch).join('-') || 'ok'}`, JSON.stringify(answer));
}

describe('checkCaptureSupport across versions and builds (faked probes)', () => {
  it('accepts each default build of CPython 3.9 to 3.13 and finds its own libpython', async () => {
    for (const minor of [9, 10, 11, 12, 13]) {
      const s = await checkCaptureSupport(fakeInstall(minor), { env });
      expect(s.python.version).toEqual([3, minor, 1]);
      expect(s.python.hexversion).toBe(0x030001f0 | (minor << 16) | 0x100);
      expect(s.libpython).toBe(join(dir, `py3${minor}`, 'lib', 'x86_64-linux-gnu', `libpython3.${minor}.so.1.0`));
    }
  });

  it('refuses 3.8 and 3.14 with the supported range, and each unsupported build with what to use instead', async () => {
    expect(await failure(checkCaptureSupport(fakeInstall(8), { env }))).toMatch(/^E_PYTHON_VERSION: .* is Python 3\.8\.1: capturing supports CPython 3\.9 to 3\.13\. Pass a supported interpreter/);
    expect(await failure(checkCaptureSupport(fakeInstall(14), { env }))).toMatch(/^E_PYTHON_VERSION: .* is Python 3\.14\.1/);
    expect(await failure(checkCaptureSupport(fakeInstall(13, { gilDisabled: true }), { env }))).toMatch(/^E_FREE_THREADED: .* is a free-threaded build \(Py_GIL_DISABLED\): it allocates with mimalloc, not pymalloc.*python3\.13 instead of python3\.13t$/);
    expect(await failure(checkCaptureSupport(fakeInstall(12, { debug: true }), { env }))).toMatch(/^E_DEBUG_BUILD: .* is a debug build \(Py_DEBUG\)/);
    expect(await failure(checkCaptureSupport(fakeInstall(10, { shared: false }), { env }))).toMatch(/^E_NOT_SHARED: .*\(\/opt\/py310\/bin\/python3\.10\) has libpython linked in statically/);
    expect(await failure(checkCaptureSupport(fakeInstall(11, { devMode: true }), { env }))).toMatch(/^E_PYTHONMALLOC: .* runs in development mode here \(PYTHONDEVMODE\)/);
    expect(await failure(checkCaptureSupport(fakeInstall(11, { platform: 'darwin' }), { env }))).toMatch(/^E_PLATFORM: .* is CPython 3\.11\.1 for darwin: capturing needs a Linux interpreter$/);
    expect(await failure(checkCaptureSupport(fakeInstall(11, { pointerSize: 4 }), { env }))).toMatch(/^E_PLATFORM: .* is a 32-bit interpreter: PYMTRC01 captures are written by 64-bit interpreters only$/);
  });

  it('says which package has the shared libpython when its file is missing', async () => {
    const python = fakeInstall(12, { instsoname: 'libpython3.12-gone.so.1.0', ldlibrary: 'libpython3.12-gone.so' });
    expect(await failure(checkCaptureSupport(python, { env }))).toBe(
      `E_NO_HEADERS: the shared libpython of ${python} (libpython3.12-gone.so) is not in '${join(dir, 'py312', 'lib')}': install the interpreter's development package (Debian/Ubuntu: sudo apt-get install libpython3.12-dev)`,
    );
  });

  it('refuses an unsupported OS, PYTHONMALLOC and -X dev before asking the interpreter anything', async () => {
    // The interpreter path does not exist: these fail before it would be run.
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env, platform: 'darwin' }))).toBe(
      "E_PLATFORM: capturing needs Linux (LD_PRELOAD and glibc's dynamic loader); this is darwin. Run it in a Linux machine or container",
    );
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env, platform: 'win32' }))).toMatch(/^E_PLATFORM: .* this is win32/);
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env: { ...env, PYTHONMALLOC: 'pymalloc_debug' } }))).toMatch(/^E_PYTHONMALLOC: PYTHONMALLOC=pymalloc_debug is set/);
    expect(await failure(checkCaptureSupport('/nonexistent/python3', { env, argv: ['/nonexistent/python3', '-X', 'dev', 'x.py'] }))).toMatch(/^E_PYTHONMALLOC: Python development mode/);
  });

  it('tries $CC, then cc, then gcc, and names the one it found', async () => {
    const python = fakeInstall(11);
    const bin = mkdtempSync(join(tmpdir(), 'pymem-ccpath-'));
    writeFileSync(join(bin, 'gcc'), '#!/bin/sh\necho "gcc (fake) 12.2.0"\n');
    chmodSync(join(bin, 'gcc'), 0o755);
    const s = await checkCaptureSupport(python, { env: { PATH: bin, CC: '/nonexistent/cc' } });
    expect(s.compiler).toEqual({ command: 'gcc', version: 'gcc (fake) 12.2.0' });
    expect(await failure(checkCaptureSupport(python, { env: { PATH: bin + '-none', CC: '/nonexistent/cc' } }))).toMatch(/^E_NO_COMPILER: no C compiler found \(tried \/nonexistent\/cc, cc, gcc\)/);
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
