import { renameSync, rmSync } from 'node:fs';
import { formatPyVersion } from '@pymem/trace';
import { traceFileSink } from '@pymem/trace/node';
import type { Command } from 'commander';
import { inputError, openCapture, readStats } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { ImportReport } from '../import.js';
import { importCapture } from '../import.js';
import type { Output } from '../output.js';
import { n, rate, style } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** Options of `pymem import`. */
export interface ImportCommandOpts {
  output: string;
  stats?: string;
  codec?: string;
  checkpointEvery?: string;
  json?: boolean;
}

/** `pymem import RAW -o FILE.pymem`. */
export async function importCommand(o: Output, path: string, opts: ImportCommandOpts, progress: Progress = NO_PROGRESS): Promise<number> {
  const codec = opts.codec === undefined || opts.codec === 'deflate' || opts.codec === 'deflate-raw' ? 'deflate-raw' : opts.codec === 'none' ? 'none' : undefined;
  if (codec === undefined) throw new CliError(`--codec ${opts.codec ?? ''}: expected none or deflate`);
  const every = opts.checkpointEvery === undefined ? 64 : Number(opts.checkpointEvery);
  if (!Number.isSafeInteger(every) || every < 0) throw new CliError(`--checkpoint-every ${opts.checkpointEvery ?? ''}: expected a number of events chunks (0: none)`);
  if (opts.output === '-') throw new CliError('-o -: the trace needs a file (it is written with its index at the end)');
  const stats = opts.stats === undefined ? [] : readStats(opts.stats);
  const reader = openCapture(path, progress, 'import');
  const tmp = `${opts.output}.partial`;
  let report: ImportReport;
  try {
    report = await importCapture(reader, traceFileSink(tmp), { stats, codec, checkpointEvery: every });
  } catch (e) {
    rmSync(tmp, { force: true });
    inputError(path, e);
  }
  progress.stop();
  renameSync(tmp, opts.output);
  const h = reader.header;
  if (opts.json === true) {
    o.out(`${JSON.stringify({ capture: path, trace: opts.output, pyVersion: h === undefined ? null : formatPyVersion(h.pyVersionHex), codec, bytesPerEvent: report.events === 0 ? 0 : report.bytes / report.events, ...report }, null, 2)}\n`);
  } else {
    const r = report;
    const v = h === undefined ? '' : ` (CPython ${formatPyVersion(h.pyVersionHex)}, pid ${h.pid}${r.ended ? '' : ', no end record: the process died'})`;
    o.out(`capture   ${path}${v}\n`);
    o.out(`trace     ${opts.output}\n`);
    o.out(`events    ${n(r.events)} written from ${n(r.records)} records: ${n(r.allocations)} allocations (the capture has ${n(r.results)} results), ${n(r.marks)} marks (${n(r.marksWithStats)} with statistics)${r.stacks > 0 ? `, ${n(r.stacks)} stacks` : ''}\n`);
    o.out(`bytes     ${n(r.bytes)} (${r.events === 0 ? '0' : (r.bytes / r.events).toFixed(2)} bytes/event, ${codec})\n`);
    o.out(`chunks    ${n(r.chunks.events)} events, ${n(r.chunks.dictionary)} dictionary, ${n(r.chunks.checkpoint)} checkpoints (every ${every} events chunks), ${r.chunks.index === 1 ? '1 index' : 'no index'}\n`);
    o.out(`time      ${r.seconds.toFixed(2)} s (${rate(r.seconds > 0 ? r.events / r.seconds : 0)} events/s)\n`);
    if (r.mismatches > 0) o.out(style(o.color, 'red', `WARNING: the replay put ${n(r.mismatches)} results elsewhere than the capture: their locations are the model's (run pymem verify on the capture)\n`));
  }
  return report.mismatches === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem import`. */
export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description('import a raw capture (PYMTRC01) into the pymem trace format, block locations from a replay through the pymalloc model')
    .argument('<capture>', 'raw capture file (plain or gzip), or - for stdin')
    .requiredOption('-o, --output <file>', 'the trace to write (FILE.pymem)')
    .option('--stats <file>', 'sys._debugmallocstats() dumps; each mark carries the pymalloc text of its dump')
    .option('--codec <codec>', 'chunk codec: none or deflate (default: deflate)')
    .option('--checkpoint-every <k>', 'a checkpoint of the live state every k events chunks, 0 for none (default: 64)')
    .option('--json', 'print the report as JSON')
    .action(async (capture: string, opts: ImportCommandOpts) => {
      ctx.setCode(await importCommand(ctx.o, capture, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
