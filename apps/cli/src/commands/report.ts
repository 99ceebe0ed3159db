import { writeFileSync } from 'node:fs';
import type { TraceSummary } from '@pymem/trace';
import { MemorySink, readRawCapture } from '@pymem/trace';
import type { Command } from 'commander';
import { inputError } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { ImportReport } from '../import.js';
import { importCapture } from '../import.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS, trackBatches } from '../progress.js';
import { reportDataOfTrace } from '../report/data.js';
import { reportHtml } from '../report/html.js';
import type { ReportData } from '../report/packed.js';
import { isTrace, readInput, traceInputError } from '../trace-input.js';
import type { CommandContext } from './command.js';

const RAW_MAGIC = [0x50, 0x59, 0x4d, 0x54, 0x52, 0x43, 0x30, 0x31];

/** Whether `bytes` look like a raw capture: PYMTRC01, or gzip (a gzipped capture). */
function isRaw(bytes: Uint8Array): boolean {
  return (bytes[0] === 0x1f && bytes[1] === 0x8b) || RAW_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads a raw capture or a `.pymem` trace and computes what its report shows. */
export async function reportDataOfFile(path: string, progress: Progress = NO_PROGRESS): Promise<{ data: ReportData; summary: TraceSummary }> {
  const bytes = await readInput(path);
  const name = path === '-' ? 'stdin' : path;
  if (isTrace(bytes)) {
    try {
      return await reportDataOfTrace(path, 'trace', bytes, progress);
    } catch (e) {
      traceInputError(path, e);
    }
  }
  if (!isRaw(bytes)) throw new CliError(`${name}: neither a raw capture (PYMTRC01, plain or gzip) nor a .pymem trace`);
  const sink = new MemorySink();
  let imported: ImportReport;
  try {
    imported = await importCapture(trackBatches(readRawCapture(bytes), progress, 'import'), sink, { codec: 'none', checkpointEvery: 0 });
  } catch (e) {
    inputError(path, e);
  }
  const m = imported.mismatches;
  const mismatch = m === 0 ? null : `${n(m)} of ${n(imported.results)} results of the capture are elsewhere in the model's replay (pymem verify ${name} shows the first)`;
  return reportDataOfTrace(path, 'raw', sink.bytes(), progress, mismatch);
}

/** `pymem report TRACE -o FILE`; returns the exit code and the trace's summary. */
export async function writeReport(o: Output, path: string, opts: { output: string }, progress: Progress = NO_PROGRESS): Promise<{ code: number; summary: TraceSummary }> {
  const { data, summary } = await reportDataOfFile(path, progress);
  const html = reportHtml(data);
  progress.stop();
  const code = data.facts.mismatch === null ? EXIT_OK : EXIT_CHECK_FAILED;
  const warn = (): void => {
    if (data.facts.mismatch !== null) o.err(`pymem: the model does not reproduce ${path === '-' ? 'stdin' : path} exactly: ${data.facts.mismatch}; the report's heaps are the model's\n`);
  };
  if (opts.output === '-') {
    o.out(html);
    warn();
    return { code, summary };
  }
  try {
    writeFileSync(opts.output, html);
  } catch (e) {
    throw new CliError(`cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  o.err(`report    ${opts.output}: ${n(Buffer.byteLength(html))} bytes; ${n(data.facts.events)} events, peak ${n(data.peak.liveBytes)} live bytes, ${n(data.end.arenas)} arenas at the end\n`);
  warn();
  return { code, summary };
}

/** `pymem report TRACE -o FILE`. */
export async function reportCommand(o: Output, path: string, opts: { output: string }, progress: Progress = NO_PROGRESS): Promise<number> {
  return (await writeReport(o, path, opts, progress)).code;
}

/** Registers `pymem report`. */
export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('write one self-contained HTML report (timelines, arena maps at the peak and the end, size classes, top stacks) that opens offline')
    .argument('<trace>', 'raw capture (PYMTRC01, plain or gzip) or .pymem trace, or - for stdin')
    .requiredOption('-o, --output <file>', 'the HTML file to write, or - for stdout')
    .addHelpText('after', '\nExits 1 when the model does not reproduce the input exactly (the report is still\nwritten, and says so), 2 when the input cannot be read.\n')
    .action(async (trace: string, opts: { output: string }) => {
      ctx.setCode(await reportCommand(ctx.o, trace, opts, ctx.progress?.() ?? NO_PROGRESS));
    });
}
