import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { toChromeTrace, toCollapsedStacks, toPprof, toSpeedscope } from '@pymem/trace';
import { CliError, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { positiveInt, summarizeFile } from '../summary-input.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** The export formats and the viewers that open them. */
export const EXPORT_FORMATS = {
  pprof: 'gzip profile.proto: go tool pprof, Perfetto UI, speedscope, Pyroscope',
  collapsed: 'collapsed stacks: flamegraph.pl, inferno, speedscope',
  speedscope: 'speedscope JSON: https://www.speedscope.app',
  chrome: 'Chrome Trace Event JSON counter tracks: ui.perfetto.dev, chrome://tracing',
} as const;

/** Options of `pymem export`. */
export interface ExportOpts {
  format: keyof typeof EXPORT_FORMATS;
  output?: string;
  measure?: 'alloc' | 'inuse' | 'temporary';
  weight?: 'bytes' | 'count';
  window?: string;
}

/** `pymem export TRACE --format F [-o FILE]`. */
export async function exportCommand(o: Output, path: string, opts: ExportOpts, progress: Progress = NO_PROGRESS): Promise<number> {
  const window = opts.window === undefined ? undefined : positiveInt('--window', opts.window);
  const s = await summarizeFile(path, window, progress);
  progress.stop();
  const measure = opts.measure ?? 'inuse';
  let data: Uint8Array | string;
  switch (opts.format) {
    case 'pprof':
      data = await toPprof(s);
      break;
    case 'collapsed':
      data = toCollapsedStacks(s, { measure, weight: opts.weight ?? 'bytes' });
      break;
    case 'speedscope':
      data = `${JSON.stringify(toSpeedscope(s, { measure }))}\n`;
      break;
    case 'chrome':
      data = `${JSON.stringify(toChromeTrace(s))}\n`;
      break;
  }
  const out = opts.output ?? '-';
  if (out === '-') {
    if (typeof data !== 'string' && process.stdout.isTTY) throw new CliError('pprof output is binary: give -o FILE or redirect stdout');
    o.out(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
    return EXIT_OK;
  }
  writeFileSync(out, data);
  o.err(`wrote ${out}: ${opts.format}, ${n(typeof data === 'string' ? Buffer.byteLength(data) : data.length)} bytes (${EXPORT_FORMATS[opts.format]})\n`);
  return EXIT_OK;
}

/** Registers `pymem export`. */
export function registerExport(program: Command, ctx: CommandContext): void {
  program
    .command('export')
    .description('export a .pymem trace for the viewers people use: pprof, collapsed stacks, speedscope, Chrome trace (Perfetto)')
    .argument('<trace>', '.pymem trace file, or - for stdin')
    .addOption(new Option('--format <format>', 'what to write').choices(Object.keys(EXPORT_FORMATS)).makeOptionMandatory())
    .option('-o, --output <file>', 'where to write (default: stdout)')
    .addOption(new Option('--measure <measure>', 'which blocks weigh in collapsed and speedscope output').choices(['alloc', 'inuse', 'temporary']))
    .addOption(new Option('--weight <weight>', 'collapsed stacks: bytes or block count').choices(['bytes', 'count']))
    .option('--window <events>', 'temporaries: freed within this many events of their allocation (default 1000)')
    .action(async (trace: string, opts: ExportOpts) => {
      ctx.setCode(await exportCommand(ctx.o, trace, opts, ctx.progress?.() ?? NO_PROGRESS));
    });
}
