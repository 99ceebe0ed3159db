import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CaptureError } from '../capture-error.js';
import type { CaptureSupport } from '../capture-types.js';
import { captureSourcePath } from './assets.js';
import { execQuiet } from './exec.js';

/**
 * Where compiled capture libraries are kept: `$PYMEM_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/pymem`, else `~/.cache/pymem`.
 */
export function captureCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['PYMEM_CACHE_DIR'];
  if (own !== undefined && own !== '') return own;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'pymem');
  return join(homedir(), '.cache', 'pymem');
}

/** What a compiled capture library depends on. */
export interface CaptureLibraryKeyParts {
  /** The C source text. */
  source: string;
  /** The interpreter binary (`sys.executable`). */
  executable: string;
  /** Its `sys.hexversion`. */
  hexversion: number;
  /** The headers folder compiled against. */
  include: string;
  /** The libpython linked against. */
  libpython: string;
  /** The compiler command and its `--version` line. */
  compiler: string;
  compilerVersion: string;
}

/**
 * The cache key of a capture library: the first 16 hex digits of the
 * SHA-256 of everything it was built from.
 */
export function captureLibraryKey(p: CaptureLibraryKeyParts): string {
  const h = createHash('sha256');
  for (const part of [p.source, p.executable, String(p.hexversion), p.include, p.libpython, p.compiler, p.compilerVersion]) {
    h.update(part);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** The compiler arguments that build the capture library. */
export function compileArgs(support: CaptureSupport, source: string, out: string): string[] {
  return ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-pthread', '-I', support.python.include, '-o', out, source, support.libpython, `-Wl,-rpath,${dirname(support.libpython)}`];
}

/**
 * Compiles the capture library for this interpreter and compiler into the
 * cache folder, or reuses the one built from the same inputs.
 *
 * @returns the library's path and whether it was compiled now
 * @throws {@link CaptureError} `E_COMPILE` with the compiler's messages
 */
export async function buildCaptureLibrary(support: CaptureSupport, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<{ path: string; compiled: boolean }> {
  const env = opts.env ?? process.env;
  const sourcePath = captureSourcePath();
  const source = readFileSync(sourcePath, 'utf8');
  const key = captureLibraryKey({
    source,
    executable: support.python.executable,
    hexversion: support.python.hexversion,
    include: support.python.include,
    libpython: support.libpython,
    compiler: support.compiler.command,
    compilerVersion: support.compiler.version,
  });
  const dir = captureCacheDir(env);
  const path = join(dir, `pymem_capture-${support.python.version[0]}.${support.python.version[1]}-${key}.so`);
  if (existsSync(path)) return { path, compiled: false };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CaptureError('E_COMPILE', `cannot create the cache folder ${dir}: ${e instanceof Error ? e.message : String(e)}. Set PYMEM_CACHE_DIR to a writable folder`);
  }
  // Build beside the final name, then rename: concurrent runs never see half a library.
  const tmp = `${path}.${process.pid}.tmp`;
  const r = await execQuiet(support.compiler.command, compileArgs(support, sourcePath, tmp), { env });
  if (r.code !== 0) {
    rmSync(tmp, { force: true });
    const msg = (r.stderr + r.stdout).trim().split('\n').slice(0, 20).join('\n');
    throw new CaptureError('E_COMPILE', `${support.compiler.command} could not build the capture library from ${sourcePath}:\n${msg}`);
  }
  renameSync(tmp, path);
  return { path, compiled: true };
}
