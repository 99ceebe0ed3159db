import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureError } from '../capture-error.js';
import type { CaptureSupport } from '../capture-types.js';
import { checkCaptureEnvironment, checkInterpreter, INTERPRETER_QUERY, parseInterpreterInfo } from '../interpreter.js';
import type { InterpreterInfo } from '../interpreter.js';
import { execQuiet } from './exec.js';

/** Options of {@link checkCaptureSupport}. */
export interface CaptureSupportOpts {
  /** The environment the traced program will get. @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the query (a pyenv shim picks the version from it). */
  cwd?: string;
  /** The whole command line, to check its interpreter options (`-X dev`). */
  argv?: readonly string[];
  /** The platform to check for. @defaultValue `process.platform` */
  platform?: string;
}

/**
 * Asks `python` about itself with one `python -c` call.
 *
 * @throws {@link CaptureError} `E_PYTHON_NOT_FOUND`, `E_PYTHON_QUERY`
 */
export async function queryInterpreter(python: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<InterpreterInfo> {
  const r = await execQuiet(python, ['-c', INTERPRETER_QUERY], { env: opts.env ?? process.env, cwd: opts.cwd });
  if (r.spawnError !== null) {
    const why = r.spawnError === 'ENOENT' ? 'not found' : r.spawnError === 'EACCES' ? 'not executable' : `could not be started (${r.spawnError})`;
    throw new CaptureError('E_PYTHON_NOT_FOUND', `${python}: ${why}. Give the interpreter as the first word of the command, e.g. pymem capture -- python3 script.py`);
  }
  if (r.code !== 0) {
    const err = r.stderr.trim().split('\n')[0] ?? '';
    throw new CaptureError('E_PYTHON_QUERY', `${python} did not answer the sysconfig query (exit code ${r.code ?? 'none'}${err === '' ? '' : `, '${err.slice(0, 160)}'`}): is it CPython? Give a CPython 3.9 – 3.13 interpreter as the first word of the command`);
  }
  return parseInterpreterInfo(python, r.stdout);
}

/**
 * Finds the shared libpython the interpreter runs from, by sysconfig
 * `LIBDIR` (and its `MULTIARCH` subfolder) and `LDLIBRARY` / `INSTSONAME`.
 *
 * @returns its path, or `null`
 */
export function findLibpython(info: InterpreterInfo): string | null {
  const dirs = [info.libdir, ...(info.multiarch === '' ? [] : [join(info.libdir, info.multiarch)])].filter((d) => d !== '');
  const names = [info.ldlibrary, info.instsoname].filter((n) => n.includes('.so'));
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return null;
}

/**
 * Finds a C compiler: `$CC`, then `cc`, then `gcc`.
 *
 * @throws {@link CaptureError} `E_NO_COMPILER`, saying how to install gcc
 */
export async function findCompiler(env: NodeJS.ProcessEnv = process.env): Promise<{ command: string; version: string }> {
  const cc = env['CC']?.trim();
  const tried = [...(cc !== undefined && cc !== '' ? [cc] : []), 'cc', 'gcc'];
  for (const command of tried) {
    const r = await execQuiet(command, ['--version'], { env });
    if (r.code === 0) return { command, version: r.stdout.split('\n')[0]!.trim() };
  }
  throw new CaptureError(
    'E_NO_COMPILER',
    `no C compiler found (tried ${tried.join(', ')}): the capture library is compiled on first use. Install gcc (Debian/Ubuntu: sudo apt-get install gcc; Fedora/RHEL: sudo dnf install gcc; Alpine: apk add build-base) or set CC`,
  );
}

/**
 * Checks that `python` can be captured on this machine: Linux, a supported
 * CPython (3.9 – 3.13, GIL build, release build) running from a shared
 * libpython with its headers, no `PYTHONMALLOC` or development mode in the
 * environment, and a C compiler.
 *
 * @param python - the interpreter, e.g. `"python3"` or a path
 * @returns what was found
 * @throws {@link CaptureError} naming what is missing and how to get it
 *
 * @example
 * ```ts
 * const { python, compiler } = await checkCaptureSupport('python3');
 * console.log(python.version.join('.'), compiler.version);
 * ```
 */
export async function checkCaptureSupport(python = 'python3', opts: CaptureSupportOpts = {}): Promise<CaptureSupport> {
  const env = opts.env ?? process.env;
  checkCaptureEnvironment(opts.platform ?? process.platform, env, opts.argv ?? [python]);
  const info = await queryInterpreter(python, { env, ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) });
  checkInterpreter(python, info);
  const v = `${info.version[0]}.${info.version[1]}`;
  if (!existsSync(join(info.include, 'Python.h'))) {
    throw new CaptureError('E_NO_HEADERS', `Python.h not found in '${info.include}' (sysconfig INCLUDEPY of ${python}): install the interpreter's development headers (Debian/Ubuntu: sudo apt-get install python${v}-dev; Fedora: sudo dnf install python${v}-devel)`);
  }
  const libpython = findLibpython(info);
  if (libpython === null) {
    throw new CaptureError('E_NO_HEADERS', `the shared libpython of ${python} (${info.ldlibrary || `libpython${v}.so`}) is not in '${info.libdir}': install the interpreter's development package (Debian/Ubuntu: sudo apt-get install libpython${v}-dev)`);
  }
  const compiler = await findCompiler(env);
  return { python: info, libpython, compiler };
}
