import { describe, expect, it } from 'vitest';
import { CaptureError } from './capture-error.js';
import type { InterpreterInfo } from './interpreter.js';
import { checkCaptureEnvironment, checkInterpreter, parseInterpreterInfo } from './interpreter.js';

const INFO: InterpreterInfo = {
  version: [3, 11, 7],
  hexversion: 0x030b07f0,
  executable: '/opt/py/bin/python3.11',
  platform: 'linux',
  pointerSize: 8,
  include: '/opt/py/include/python3.11',
  libdir: '/opt/py/lib',
  ldlibrary: 'libpython3.11.so',
  instsoname: 'libpython3.11.so.1.0',
  multiarch: 'x86_64-linux-gnu',
  shared: true,
  gilDisabled: false,
  debug: false,
  devMode: false,
};

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CaptureError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('parseInterpreterInfo', () => {
  it('reads the query answer, taking the last line (a sitecustomize may print before it)', () => {
    const json = JSON.stringify({ ...INFO, version: [3, 11, 7] });
    expect(parseInterpreterInfo('python3', `hello from sitecustomize\n${json}\n`)).toEqual(INFO);
  });

  it('takes missing flags as false and refuses anything that is not the answer', () => {
    const { shared: _s, gilDisabled: _g, debug: _d, devMode: _m, ...rest } = INFO;
    expect(parseInterpreterInfo('py', JSON.stringify(rest))).toEqual({ ...INFO, shared: false });
    expect(codeOf(() => parseInterpreterInfo('py', 'Python 2.7.18'))).toMatch(/^E_PYTHON_QUERY: py did not answer the sysconfig query as CPython 3 does \(got "Python 2.7.18"\)/);
    expect(codeOf(() => parseInterpreterInfo('py', JSON.stringify({ ...INFO, version: [3, 11] })))).toMatch(/^E_PYTHON_QUERY/);
    expect(codeOf(() => parseInterpreterInfo('py', JSON.stringify({ ...INFO, include: null })))).toMatch(/^E_PYTHON_QUERY/);
  });
});

describe('checkInterpreter', () => {
  it('accepts a shared, GIL, release CPython 3.9 to 3.13 on 64-bit Linux', () => {
    for (const minor of [9, 10, 11, 12, 13]) expect(codeOf(() => checkInterpreter('python3', { ...INFO, version: [3, minor, 0] }))).toBe('ok');
  });

  it('refuses versions outside 3.9 – 3.13', () => {
    expect(codeOf(() => checkInterpreter('python3.8', { ...INFO, version: [3, 8, 18] }))).toBe(
      'E_PYTHON_VERSION: python3.8 is Python 3.8.18: capturing supports CPython 3.9 to 3.13. Pass a supported interpreter, e.g. pymem capture -- python3.11 script.py',
    );
    expect(codeOf(() => checkInterpreter('python3.14', { ...INFO, version: [3, 14, 0] }))).toMatch(/^E_PYTHON_VERSION: python3.14 is Python 3.14.0/);
    expect(codeOf(() => checkInterpreter('python4', { ...INFO, version: [4, 11, 0] }))).toMatch(/^E_PYTHON_VERSION/);
  });

  it('refuses a static libpython, saying so', () => {
    expect(codeOf(() => checkInterpreter('python3', { ...INFO, shared: false }))).toMatch(
      /^E_NOT_SHARED: python3 \(\/opt\/py\/bin\/python3.11\) has libpython linked in statically \(sysconfig Py_ENABLE_SHARED is 0\)/,
    );
  });

  it('refuses free-threaded and debug builds, development mode, other platforms and 32-bit', () => {
    expect(codeOf(() => checkInterpreter('python3.13t', { ...INFO, version: [3, 13, 1], gilDisabled: true }))).toMatch(/^E_FREE_THREADED: python3.13t is a free-threaded build \(Py_GIL_DISABLED\).*python3.13 instead of python3.13t$/);
    expect(codeOf(() => checkInterpreter('python3', { ...INFO, debug: true }))).toMatch(/^E_DEBUG_BUILD/);
    expect(codeOf(() => checkInterpreter('python3', { ...INFO, devMode: true }))).toMatch(/^E_PYTHONMALLOC: .*PYTHONDEVMODE/);
    expect(codeOf(() => checkInterpreter('python3', { ...INFO, platform: 'darwin' }))).toBe('E_PLATFORM: python3 is CPython 3.11.7 for darwin: capturing needs a Linux interpreter');
    expect(codeOf(() => checkInterpreter('python3', { ...INFO, pointerSize: 4 }))).toMatch(/^E_PLATFORM: python3 is a 32-bit interpreter/);
  });
});

describe('checkCaptureEnvironment', () => {
  it('needs Linux', () => {
    expect(codeOf(() => checkCaptureEnvironment('darwin', {}))).toBe("E_PLATFORM: capturing needs Linux (LD_PRELOAD and glibc's dynamic loader); this is darwin. Run it in a Linux machine or container");
    expect(codeOf(() => checkCaptureEnvironment('win32', {}))).toMatch(/^E_PLATFORM/);
    expect(codeOf(() => checkCaptureEnvironment('linux', {}))).toBe('ok');
  });

  it('refuses PYTHONMALLOC, PYTHONDEVMODE and -X dev, not an empty PYTHONMALLOC or other -X options', () => {
    expect(codeOf(() => checkCaptureEnvironment('linux', { PYTHONMALLOC: 'malloc' }))).toBe(
      "E_PYTHONMALLOC: PYTHONMALLOC=malloc is set: CPython would replace the capture's allocator hooks with its own. Unset it (env -u PYTHONMALLOC …) to capture pymalloc",
    );
    expect(codeOf(() => checkCaptureEnvironment('linux', { PYTHONMALLOC: '' }))).toBe('ok');
    expect(codeOf(() => checkCaptureEnvironment('linux', { PYTHONDEVMODE: '1' }))).toMatch(/^E_PYTHONMALLOC: Python development mode/);
    expect(codeOf(() => checkCaptureEnvironment('linux', {}, ['python3', '-X', 'dev', 'x.py']))).toMatch(/^E_PYTHONMALLOC/);
    expect(codeOf(() => checkCaptureEnvironment('linux', {}, ['python3', '-Xdev', 'x.py']))).toMatch(/^E_PYTHONMALLOC/);
    expect(codeOf(() => checkCaptureEnvironment('linux', {}, ['python3', '-X', 'importtime', 'x.py']))).toBe('ok');
  });

  it('needs a command', () => {
    expect(codeOf(() => checkCaptureEnvironment('linux', {}, []))).toMatch(/^E_USAGE: no command to capture/);
  });
});
