import { CaptureError } from './capture-error.js';

/** What the target interpreter says about itself (one `python -c` query). */
export interface InterpreterInfo {
  /** `sys.version_info[:3]`, e.g. `[3, 11, 7]`. */
  version: [number, number, number];
  /** `sys.hexversion` (`PY_VERSION_HEX`), e.g. `0x030B07F0`. */
  hexversion: number;
  /** `sys.executable`: the interpreter binary itself (not a launcher shim). */
  executable: string;
  /** `sys.platform`, e.g. `"linux"`. */
  platform: string;
  /** Pointer size in bytes (`struct.calcsize('P')`). */
  pointerSize: number;
  /** sysconfig `INCLUDEPY`: the folder holding `Python.h`. */
  include: string;
  /** sysconfig `LIBDIR`. */
  libdir: string;
  /** sysconfig `LDLIBRARY`, e.g. `"libpython3.11.so"`. */
  ldlibrary: string;
  /** sysconfig `INSTSONAME`, e.g. `"libpython3.11.so.1.0"` (`""` when unknown). */
  instsoname: string;
  /** sysconfig `MULTIARCH`, e.g. `"x86_64-linux-gnu"` (`""` when unknown). */
  multiarch: string;
  /** sysconfig `Py_ENABLE_SHARED` (1: the interpreter runs from a shared libpython). */
  shared: boolean;
  /** sysconfig `Py_GIL_DISABLED` (a free-threaded build). */
  gilDisabled: boolean;
  /** A debug build (`Py_DEBUG`). */
  debug: boolean;
  /** `sys.flags.dev_mode` under the capture's environment (`PYTHONDEVMODE`). */
  devMode: boolean;
}

/** The oldest and newest supported minor versions of CPython 3. */
export const SUPPORTED_PYTHON: { readonly min: readonly [number, number]; readonly max: readonly [number, number] } = { min: [3, 9], max: [3, 13] };

/**
 * The Python source of the interpreter query: prints one JSON object, the
 * raw material of {@link parseInterpreterInfo}. Valid Python 3 from 3.6 on,
 * so that old interpreters get a version error rather than a syntax error.
 */
export const INTERPRETER_QUERY = [
  'import json, struct, sys, sysconfig',
  'v = sysconfig.get_config_var',
  'print(json.dumps({',
  "  'version': list(sys.version_info[:3]), 'hexversion': sys.hexversion,",
  "  'executable': sys.executable, 'platform': sys.platform,",
  "  'pointerSize': struct.calcsize('P'),",
  "  'include': v('INCLUDEPY') or '', 'libdir': v('LIBDIR') or '', 'ldlibrary': v('LDLIBRARY') or '',",
  "  'instsoname': v('INSTSONAME') or '', 'multiarch': v('MULTIARCH') or '',",
  "  'shared': bool(v('Py_ENABLE_SHARED')), 'gilDisabled': bool(v('Py_GIL_DISABLED')),",
  "  'debug': bool(v('Py_DEBUG')) or hasattr(sys, 'gettotalrefcount'),",
  "  'devMode': bool(getattr(sys.flags, 'dev_mode', False)),",
  '}))',
].join('\n');

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Parses the output of {@link INTERPRETER_QUERY}.
 *
 * @param python - the interpreter that answered, for messages
 * @param stdout - what it printed
 * @throws {@link CaptureError} `E_PYTHON_QUERY` when the output is not the expected object
 */
export function parseInterpreterInfo(python: string, stdout: string): InterpreterInfo {
  let j: unknown;
  try {
    j = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    j = undefined;
  }
  const bad = (): never => {
    throw new CaptureError('E_PYTHON_QUERY', `${python} did not answer the sysconfig query as CPython 3 does (got ${JSON.stringify(stdout.slice(0, 200))}): pass a CPython 3.9 – 3.13 interpreter as the first word of the command`);
  };
  if (!isRecord(j)) return bad();
  const v = j['version'];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number')) return bad();
  const str = (k: string): string => {
    const x = j[k];
    return typeof x === 'string' ? x : bad();
  };
  const num = (k: string): number => {
    const x = j[k];
    return typeof x === 'number' ? x : bad();
  };
  const bool = (k: string): boolean => j[k] === true;
  return {
    version: [v[0] as number, v[1] as number, v[2] as number],
    hexversion: num('hexversion'),
    executable: str('executable'),
    platform: str('platform'),
    pointerSize: num('pointerSize'),
    include: str('include'),
    libdir: str('libdir'),
    ldlibrary: str('ldlibrary'),
    instsoname: str('instsoname'),
    multiarch: str('multiarch'),
    shared: bool('shared'),
    gilDisabled: bool('gilDisabled'),
    debug: bool('debug'),
    devMode: bool('devMode'),
  };
}

/**
 * The checks that need no file system: the platform, the environment the
 * target will run in, and the command line.
 *
 * @param platform - `process.platform` of the machine
 * @param env - the environment the traced program gets
 * @param argv - the command line, interpreter first
 * @throws {@link CaptureError} `E_PLATFORM`, `E_PYTHONMALLOC`, `E_USAGE`
 */
export function checkCaptureEnvironment(platform: string, env: Readonly<Record<string, string | undefined>>, argv: readonly string[] = ['python3']): void {
  if (platform !== 'linux') {
    throw new CaptureError('E_PLATFORM', `capturing needs Linux (LD_PRELOAD and glibc's dynamic loader); this is ${platform}. Run it in a Linux machine or container`);
  }
  if (argv.length === 0 || argv[0] === '') throw new CaptureError('E_USAGE', 'no command to capture: give the interpreter and its arguments, e.g. python3 script.py');
  const pm = env['PYTHONMALLOC'];
  if (pm !== undefined && pm !== '') {
    throw new CaptureError('E_PYTHONMALLOC', `PYTHONMALLOC=${pm} is set: CPython would replace the capture's allocator hooks with its own. Unset it (env -u PYTHONMALLOC …) to capture pymalloc`);
  }
  const dev = env['PYTHONDEVMODE'];
  const devArg = argv.findIndex((a, i) => a === '-Xdev' || (a === '-X' && argv[i + 1] === 'dev'));
  if ((dev !== undefined && dev !== '') || devArg > 0) {
    throw new CaptureError('E_PYTHONMALLOC', 'Python development mode (PYTHONDEVMODE or -X dev) installs debug allocator hooks over the capture\'s: capture without it');
  }
}

/**
 * Checks what the interpreter said about itself: version, build flavour and
 * shared library.
 *
 * @param python - the interpreter as given, for messages
 * @param info - its answer to {@link INTERPRETER_QUERY}
 * @throws {@link CaptureError} `E_PLATFORM`, `E_PYTHON_VERSION`, `E_FREE_THREADED`, `E_DEBUG_BUILD`, `E_NOT_SHARED`, `E_PYTHONMALLOC`
 */
export function checkInterpreter(python: string, info: InterpreterInfo): void {
  const [major, minor] = info.version;
  const v = info.version.join('.');
  if (!info.platform.startsWith('linux')) {
    throw new CaptureError('E_PLATFORM', `${python} is CPython ${v} for ${info.platform}: capturing needs a Linux interpreter`);
  }
  if (info.pointerSize !== 8) {
    throw new CaptureError('E_PLATFORM', `${python} is a ${info.pointerSize * 8}-bit interpreter: PYMTRC01 captures are written by 64-bit interpreters only`);
  }
  const [minMaj, minMin] = SUPPORTED_PYTHON.min;
  const [maxMaj, maxMin] = SUPPORTED_PYTHON.max;
  const key = major * 1000 + minor;
  if (key < minMaj * 1000 + minMin || key > maxMaj * 1000 + maxMin) {
    throw new CaptureError('E_PYTHON_VERSION', `${python} is Python ${v}: capturing supports CPython ${minMaj}.${minMin} to ${maxMaj}.${maxMin}. Pass a supported interpreter, e.g. pymem capture -- python3.11 script.py`);
  }
  if (info.gilDisabled) {
    throw new CaptureError('E_FREE_THREADED', `${python} is a free-threaded build (Py_GIL_DISABLED): it allocates with mimalloc, not pymalloc, and has no GIL to order events. Use the default (GIL) build, e.g. python${major}.${minor} instead of python${major}.${minor}t`);
  }
  if (info.debug) {
    throw new CaptureError('E_DEBUG_BUILD', `${python} is a debug build (Py_DEBUG): its debug allocator hooks replace the capture's and change every block's layout. Use a release build`);
  }
  if (!info.shared) {
    throw new CaptureError('E_NOT_SHARED', `${python} (${info.executable}) has libpython linked in statically (sysconfig Py_ENABLE_SHARED is 0): the capture library must hook the libpython the interpreter runs from. Use a CPython built with --enable-shared (Debian/Ubuntu python3 packages from deadsnakes, pyenv with PYTHON_CONFIGURE_OPTS=--enable-shared, conda)`);
  }
  if (info.devMode) {
    throw new CaptureError('E_PYTHONMALLOC', `${python} runs in development mode here (PYTHONDEVMODE): its debug allocator hooks replace the capture's. Unset PYTHONDEVMODE`);
  }
}
