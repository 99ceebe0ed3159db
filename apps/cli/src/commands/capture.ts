import { CaptureError } from '@pymem/capture';
import type { CaptureResult } from '@pymem/capture';
import { capture } from '@pymem/capture/node';
import type { Command } from 'commander';
import { CliError, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { CommandContext } from './command.js';
import { n } from '../output.js';

/** Options of `pymem capture`. */
export interface CaptureCommandOpts {
  output?: string;
  /** A path, or `false` for `--no-stats`. */
  stats?: string | false;
  children?: boolean;
  stacks?: boolean;
  /** `false` for `--no-direct-writes`: write through the page cache. */
  directWrites?: boolean;
  json?: boolean;
}

/** The capture file's default name. */
export const DEFAULT_CAPTURE = 'pymem-capture.bin';

/** `run.bin` → `run.stats.txt`; any other name gets `.stats.txt` appended. */
export function defaultStatsPath(output: string): string {
  return output.endsWith('.bin') ? `${output.slice(0, -4)}.stats.txt` : `${output}.stats.txt`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

function printCapture(o: Output, argv: readonly string[], output: string, stats: string | null, r: CaptureResult): void {
  const v = r.python.version.join('.');
  o.out(`traced    ${argv.map(shellQuote).join(' ')} (CPython ${v}, pid ${r.pid}): ${r.signal === null ? `exit code ${r.exitCode}` : `killed by ${r.signal}`}\n`);
  o.out(`capture   ${output}: ${n(r.records)} records, ${n(r.outputBytes)} bytes${r.ended ? '' : ' (no end record: the process did not exit normally)'}\n`);
  if (r.stacks !== null) {
    const s = r.stacks;
    o.out(`stacks    ${n(s.stacks)} stacks of ${n(s.frames)} frames (${n(s.strings)} names); ${n(s.requestsInPython)} requests made in Python code\n`);
    if (s.stacks === 0) o.err('pymem: no Python stack was recorded: the stacks are turned on by a sitecustomize module on PYTHONPATH, which python -S or -I does not run\n');
  }
  if (r.cut !== null) o.out(`cut       ${n(r.cut.bytes)} bytes of a partial record ${n(r.cut.record)} at byte ${n(r.cut.offset)} (the process died while writing it)\n`);
  const labels = r.marks.map((m) => m.label);
  o.out(`marks     ${r.marks.length}${labels.length > 0 ? `: ${labels.join(', ')}` : ''}\n`);
  if (stats !== null) o.out(`stats     ${stats}: ${r.marks.length} ${r.marks.length === 1 ? 'dump' : 'dumps'}, ${n(r.statsBytes)} bytes\n`);
  o.out(`library   ${r.library} (${r.compiled ? 'compiled now' : 'reused from the cache'})\n`);
  o.out(`next      pymem verify ${shellQuote(output)}${stats === null ? '' : ` --stats ${shellQuote(stats)}`}\n`);
  if (r.exitCode !== 0) o.err(`pymem: the traced program ${r.signal === null ? `exited with code ${r.exitCode}` : `was killed by ${r.signal}`}; the capture was written, and pymem capture exits with code ${r.exitCode}\n`);
}

/**
 * `pymem capture [-o FILE] [--stats FILE] -- python3 script.py [args]`:
 * runs the program with the capture library preloaded and reports what was
 * written. Returns 0, or the traced program's exit code when it failed
 * (after the capture was written).
 */
export async function captureCommand(o: Output, argv: readonly string[], opts: CaptureCommandOpts): Promise<number> {
  const output = opts.output ?? DEFAULT_CAPTURE;
  const stats = opts.stats === false ? null : (opts.stats ?? defaultStatsPath(output));
  let r: CaptureResult;
  try {
    r = await capture({ argv, output, ...(stats === null ? {} : { stats }), children: opts.children === true, stacks: opts.stacks === true, directWrites: opts.directWrites !== false });
  } catch (e) {
    if (e instanceof CaptureError) throw new CliError(`cannot capture: ${e.message}`);
    throw e;
  }
  if (opts.json === true) {
    o.out(`${JSON.stringify({ command: argv, ...r }, null, 2)}\n`);
  } else {
    printCapture(o, argv, output, stats, r);
  }
  return r.exitCode === 0 ? EXIT_OK : r.exitCode;
}

/** Registers `pymem capture`. */
export function registerCapture(program: Command, ctx: CommandContext): void {
  program
    .command('capture')
    .description('run a CPython program with allocator hooks and record every pymalloc request as a raw capture (Linux, CPython 3.9 – 3.13 with a shared libpython)')
    .argument('<cmd...>', 'the interpreter and its arguments, after --: -- python3 script.py')
    .option('-o, --output <file>', 'raw capture to write (PYMTRC01)', DEFAULT_CAPTURE)
    .option('--stats <file>', 'statistics dump file (default: the output name with .stats.txt)')
    .option('--no-stats', 'write no statistics dumps')
    .option('--children', 'trace child processes too, into OUTPUT.<pid>')
    .option('--stacks', 'record the Python stack of every request (function, file, first line)')
    .option('--no-direct-writes', 'write the capture through the page cache instead of whole blocks with O_DIRECT (slower for the traced program; for file systems that refuse O_DIRECT)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nIn the program, `import pymem_capture; pymem_capture.mark("label")` records a mark and\nthe statistics at that point. Exits 0, or with the program\'s exit code when it\nfailed (the capture is still written), or 2 when it cannot capture.\n')
    .action(async (command: string[], opts: CaptureCommandOpts) => {
      ctx.setCode(await captureCommand(ctx.o, command, opts));
    });
}
