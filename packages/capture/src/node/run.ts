import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { CaptureError } from '../capture-error.js';
import type { CaptureOpts, CaptureResult, CaptureStacks } from '../capture-types.js';
import { pythonHelperDir, pythonStacksDir } from './assets.js';
import { buildCaptureLibrary } from './library.js';
import { readCaptureBack } from './read-back.js';
import { checkCaptureSupport } from './support.js';

/** The environment of the traced program, without any capture settings inherited from ours. */
function baseEnv(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries({ ...process.env, ...extra }).filter(([k]) => !k.startsWith('PYMEM_CAPTURE_')));
}

function prepend(value: string, list: string | undefined, sep: string): string {
  return list === undefined || list === '' ? value : `${value}${sep}${list}`;
}

/** Runs the traced program, passing SIGTERM and SIGHUP on and outliving a terminal's SIGINT. */
function runTraced(file: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string | undefined, stdio: 'inherit' | 'ignore'): Promise<{ code: number; signal: string | null }> {
  return new Promise((done, fail) => {
    const child = spawn(file, [...args], { env, cwd, stdio });
    const forward = (s: NodeJS.Signals): void => {
      child.kill(s);
    };
    // Ctrl-C reaches the whole process group: the program gets it and exits
    // through its own handlers, which lets the capture write its end record.
    const ignore = (): void => undefined;
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    process.on('SIGINT', ignore);
    const cleanup = (): void => {
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      process.off('SIGINT', ignore);
    };
    child.on('error', (e) => {
      cleanup();
      fail(new CaptureError('E_PYTHON_NOT_FOUND', `${file} could not be started: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      const n = signal === null ? 0 : (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
      done({ code: code ?? 128 + n, signal });
    });
  });
}

/**
 * Records a CPython process: checks the interpreter (`argv[0]`), compiles
 * the capture library on first use (cached), runs the command with the
 * library preloaded and `pymem_capture` importable, and reads back what was
 * written. The command's stdio is inherited.
 *
 * @param opts - the command, the output files, environment and folder
 * @returns the exit code, the records and marks written, whether the library was compiled
 * @throws {@link CaptureError} when this machine or interpreter cannot be captured, or nothing was written
 *
 * @example
 * ```ts
 * const r = await capture({ argv: ['python3', 'script.py'], output: 'run.bin', stats: 'run.stats.txt' });
 * console.log(r.records, r.marks.map((m) => m.label), r.exitCode);
 * ```
 */
export async function capture(opts: CaptureOpts): Promise<CaptureResult> {
  const argv = opts.argv;
  const cwd = opts.cwd;
  const env = baseEnv(opts.env);
  const support = await checkCaptureSupport(argv[0] ?? '', { env, argv, ...(cwd === undefined ? {} : { cwd }) });
  const lib = await buildCaptureLibrary(support, { env });

  const output = resolve(cwd ?? '.', opts.output);
  const stats = opts.stats === undefined ? null : resolve(cwd ?? '.', opts.stats);
  for (const f of [output, stats]) {
    if (f === null) continue;
    mkdirSync(dirname(f), { recursive: true });
    rmSync(f, { force: true });
  }
  env['LD_PRELOAD'] = prepend(lib.path, env['LD_PRELOAD'], ':');
  env['PYMEM_CAPTURE_OUT'] = output;
  if (stats !== null) env['PYMEM_CAPTURE_STATS'] = stats;
  if (opts.children === true) env['PYMEM_CAPTURE_CHILDREN'] = '1';
  if (opts.directWrites === false) env['PYMEM_CAPTURE_DIRECT'] = '0';
  env['PYTHONPATH'] = prepend(pythonHelperDir(), env['PYTHONPATH'], ':');
  if (opts.stacks === true) {
    env['PYMEM_CAPTURE_STACKS'] = '1';
    env['PYTHONPATH'] = prepend(pythonStacksDir(), env['PYTHONPATH'], ':');
  }

  // The interpreter binary itself: a launcher (a pyenv shim is a shell
  // script) would take the preloaded library, and would not pass it on.
  const { code, signal } = await runTraced(support.python.executable, argv.slice(1), env, cwd, opts.stdio ?? 'inherit');

  if (!existsSync(output) || statSync(output).size < 40) {
    throw new CaptureError('E_NO_CAPTURE', `${argv.join(' ')} exited with code ${code} but wrote no capture to ${output} (see its messages above; was it CPython ${support.python.version.join('.')} itself, not a wrapper script?)`);
  }
  const back = await readCaptureBack(output);
  const table = back.stacks;
  const stacks: CaptureStacks | null = opts.stacks === true ? { stacks: table?.stackCount ?? 0, frames: table?.frameCount ?? 0, strings: table?.stringCount ?? 0, requestsInPython: back.requestsInPython } : null;
  return {
    exitCode: code,
    signal,
    pid: back.pid,
    output,
    stats,
    records: back.records,
    ended: back.ended,
    marks: back.marks,
    cut: back.cut,
    stacks,
    outputBytes: back.bytes,
    statsBytes: stats !== null && existsSync(stats) ? statSync(stats).size : 0,
    compiled: lib.compiled,
    library: lib.path,
    python: support.python,
  };
}
