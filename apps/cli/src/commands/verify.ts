import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { isTrace, traceInputError } from '../trace-input.js';
import type { TraceVerifyReport } from '../trace-verify.js';
import { verifyTrace } from '../trace-verify.js';
import { formatPyVersion } from '@pymem/trace';
import type { RawHeader } from '@pymem/trace';
import { inputError, openCapture, readStats } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';
import { n, percent, rate, style } from '../output.js';
import type { VerifyReport } from '../verify.js';
import { verifyCapture } from '../verify.js';

/** Options of `pymem verify`. */
export interface VerifyCommandOpts {
  stats?: string;
  json?: boolean;
}

/** Replays a capture and checks it; returns the report and the header read. */
export async function runVerify(path: string, statsPath: string | undefined, progress: Progress = NO_PROGRESS): Promise<{ report: VerifyReport; header: RawHeader | undefined }> {
  const stats = statsPath === undefined ? [] : readStats(statsPath);
  const reader = openCapture(path, progress, 'verify');
  let report: VerifyReport;
  try {
    ({ report } = await verifyCapture(reader, { stats }));
  } catch (e) {
    inputError(path, e);
  }
  if (statsPath !== undefined && report.statsDumps < stats.length) {
    report.mismatches++;
    report.firstMismatch ??= {
      kind: 'stats',
      record: report.events,
      message: `${stats.length - report.statsDumps} of ${stats.length} dumps in ${statsPath} name marks the capture does not have`,
    };
  }
  return { report, header: reader.header };
}

/** Prints a verify report as text. */
export function printVerify(o: Output, path: string, header: RawHeader | undefined, r: VerifyReport): void {
  const ok = r.mismatches === 0;
  const v = header === undefined ? '' : ` (CPython ${formatPyVersion(header.pyVersionHex)}, pid ${header.pid}${r.ended ? '' : ', no end record: the process died'})`;
  o.out(`capture   ${path}${v}\n`);
  o.out(`events    ${n(r.events)} replayed in ${r.seconds.toFixed(2)} s (${rate(r.eventsPerSecond)} events/s)\n`);
  o.out(`results   ${n(r.results)} checked, ${n(r.matched)} matched (${percent(r.matched, r.results)}), ${n(r.libcRouted)} of them served by libc\n`);
  o.out(`arenas    ${n(r.arenasAllocated)} allocated, ${n(r.arenasReleased)} released (${n(r.arenaReleasesMatched)} releases matched), highwater ${n(r.arenasHighwater)}\n`);
  if (r.statsDumps > 0 || r.firstMismatch?.kind === 'stats') o.out(`stats     ${n(r.statsDumps)} dumps checked, ${n(r.statsMatched)} identical\n`);
  if (ok) {
    o.out(style(o.color, 'green', 'OK: every result, arena release and statistics dump matches the capture\n'));
    return;
  }
  const m = r.firstMismatch!;
  o.out(style(o.color, 'red', `MISMATCH: ${n(r.mismatches)} found; the first at record ${n(m.record)} (${m.kind}):\n`));
  o.out(`  ${m.message}\n`);
  if (m.line !== undefined) {
    o.out(`  expected: ${JSON.stringify(m.expected)}\n`);
    o.out(`  replayed: ${JSON.stringify(m.actual)}\n`);
  }
}

/** Whether `path` is a pymem trace (by its magic bytes). */
function isTraceFile(path: string): boolean {
  if (path === '-' || !existsSync(path) || statSync(path).isDirectory()) return false;
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(8);
    readSync(fd, head, 0, 8, 0);
    return isTrace(head);
  } finally {
    closeSync(fd);
  }
}

/** `pymem verify FILE.pymem`: replays the trace's allocator events through the model. */
export async function verifyTraceCommand(o: Output, path: string, opts: VerifyCommandOpts): Promise<number> {
  if (opts.stats !== undefined) throw new CliError('--stats: a pymem trace carries its statistics text in its marks');
  let r: TraceVerifyReport;
  try {
    r = await verifyTrace(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>);
  } catch (e) {
    traceInputError(path, e);
  }
  const ok = r.mismatches === 0;
  if (opts.json === true) {
    o.out(`${JSON.stringify({ trace: path, ok, ...r }, null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_CHECK_FAILED;
  }
  o.out(`trace     ${path}${r.complete ? '' : ' (no index: the writer did not finish)'}\n`);
  o.out(`events    ${n(r.events)} replayed in ${r.seconds.toFixed(2)} s (${rate(r.eventsPerSecond)} events/s)\n`);
  o.out(`blocks    ${n(r.allocations)} allocations checked, ${n(r.matched)} at the trace's location and route (${percent(r.matched, r.allocations)})\n`);
  o.out(`arenas    ${n(r.arenasAllocated)} allocated, ${n(r.arenasReleased)} released at the trace's bases; ${n(r.poolEvents)} pool events, the same in the replay\n`);
  o.out(`state     ${n(r.checkpoints)} checkpoints equal to the replayed state; ${n(r.statsDumps)} marks with statistics, ${n(r.statsMatched)} identical\n`);
  if (ok) {
    o.out(style(o.color, 'green', 'OK: every location, arena, pool event, checkpoint and statistics text matches the replay\n'));
    return EXIT_OK;
  }
  const m = r.firstMismatch!;
  o.out(style(o.color, 'red', `MISMATCH: ${n(r.mismatches)} found; the first at event ${n(m.seq)} (${m.kind}):\n`));
  o.out(`  ${m.message}\n`);
  if (m.line !== undefined) {
    o.out(`  expected: ${JSON.stringify(m.expected)}\n`);
    o.out(`  replayed: ${JSON.stringify(m.actual)}\n`);
  }
  return EXIT_CHECK_FAILED;
}

/** `pymem verify CAPTURE [--stats FILE] [--json]`. */
export async function verifyCommand(o: Output, path: string, opts: VerifyCommandOpts, progress: Progress = NO_PROGRESS): Promise<number> {
  if (isTraceFile(path)) return verifyTraceCommand(o, path, opts);
  const { report, header } = await runVerify(path, opts.stats, progress);
  progress.stop();
  if (opts.json === true) {
    const { finalStats: _finalStats, ...rest } = report;
    o.out(`${JSON.stringify({ capture: path, pyVersion: header === undefined ? null : formatPyVersion(header.pyVersionHex), ok: report.mismatches === 0, ...rest }, null, 2)}\n`);
  } else {
    printVerify(o, path, header, report);
  }
  return report.mismatches === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem verify`. */
export function registerVerify(program: Command, ctx: CommandContext): void {
  program
    .command('verify')
    .description('replay a raw capture (PYMTRC01, plain or gzip) through the pymalloc model and check every result, arena release and statistics dump; or replay a pymem trace with arena bases (as pymem import writes) and check every location, checkpoint and statistics text')
    .argument('<capture>', 'raw capture file, or - for stdin; or a .pymem trace')
    .option('--stats <file>', 'sys._debugmallocstats() dumps to compare at each mark (NAME.stats.txt)')
    .option('--json', 'print the report as JSON')
    .action(async (capture: string, opts: { stats?: string; json?: boolean }) => {
      ctx.setCode(await verifyCommand(ctx.o, capture, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
