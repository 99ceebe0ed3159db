import type { Command } from 'commander';
import type { TraceSummary } from '@pymem/trace';
import { stackKey } from '@pymem/trace';
import { EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { classLabel, positiveInt, summarizeFile } from '../summary-input.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** Options of `pymem summary`. */
export interface SummaryOpts {
  window?: string;
  top?: string;
  json?: boolean;
}

function stackName(s: TraceSummary, stack: number): string {
  const frames = s.stacks[stack];
  return frames === undefined || frames.length === 0 ? '<no stack>' : stackKey(frames.slice(-3));
}

/** Prints the first lines of a summary: events, peak, end, fill and temporaries. */
export function printSummaryFacts(o: Output, path: string, s: TraceSummary): void {
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  o.out(`trace     ${path}: ${n(s.events)} events${s.complete ? '' : ' (incomplete: no index, the writer did not close)'}\n`);
  o.out(`peak      ${n(s.peak.liveBytes)} live bytes at event ${n(s.peak.seq)}\n`);
  o.out(`end       ${n(s.end.liveBytes)} live bytes in ${n(s.end.liveBlocks)} blocks; ${n(s.end.arenas)} arenas, ${n(s.end.pools)} pools (at most ${n(s.max.arenas)} arenas, ${n(s.max.pools)} pools)\n`);
  const last = s.samples.at(-1);
  if (last !== undefined) o.out(`fill      ${pct(last.fragmentation)} of the arena bytes hold live pymalloc blocks at the end\n`);
  o.out(`temporary ${n(s.temporaries.totalBlocks)} blocks (${n(s.temporaries.totalBytes)} bytes) freed within ${n(s.temporaries.window)} events of their allocation\n`);
  // Traces with the domains feature (format 1.1): PyMem_* (MEM), PyObject_* (OBJ) and PyMem_Raw* (RAW) requests apart.
  const d = s.domains;
  const named = DOMAIN_NAMES.map((name, i) => ({ name, i })).filter(({ i }) => (d.allocated.blocks[i] ?? 0) > 0);
  if (named.length > 0) {
    const part = ({ name, i }: { name: string; i: number }): string => `${name} ${n(d.allocated.blocks[i] ?? 0)} blocks allocated (${n(d.allocated.bytes[i] ?? 0)} bytes), ${n(d.liveAtEnd.blocks[i] ?? 0)} live at the end`;
    o.out(`domains   ${named.map(part).join('; ')}\n`);
  }
}

/** `summarizeTrace`'s domain indices: 0 unknown, 1 MEM, 2 OBJ, 3 RAW. */
const DOMAIN_NAMES = ['unknown', 'MEM', 'OBJ', 'RAW'] as const;

/** Prints a trace summary as text. */
export function printSummary(o: Output, path: string, s: TraceSummary, top: number): void {
  printSummaryFacts(o, path, s);
  o.out('\nclass     allocated bytes  bytes at peak   bytes at end  temp. blocks\n');
  for (let c = 0; c <= s.classes; c++) {
    if (s.allocated.bytes[c] === 0) continue;
    o.out(`${classLabel(s, c).padEnd(8)} ${n(s.allocated.bytes[c]!).padStart(16)} ${n(s.peak.bytes[c]!).padStart(14)} ${n(s.liveAtEnd.bytes[c]!).padStart(13)} ${n(s.temporaries.blocks[c]!).padStart(13)}\n`);
  }
  const byStack = s.liveAtEnd.byStack.slice(0, top);
  if (byStack.length > 0 && Object.keys(s.stacks).length > 0) {
    o.out(`\nstill live at the end, top ${byStack.length} stacks\n`);
    for (const t of byStack) o.out(`${n(t.bytes).padStart(14)} bytes ${n(t.blocks).padStart(9)} blocks  ${stackName(s, t.stack)}\n`);
  }
  if (s.instants.length > 0) {
    o.out('\nmarks and gc\n');
    for (const i of s.instants.slice(0, top)) o.out(`  event ${n(i.seq).padStart(12)}  ${i.type.padEnd(8)} ${i.name}\n`);
  }
}

/** `pymem summary TRACE [--window N] [--top N] [--json]`. */
export async function summaryCommand(o: Output, path: string, opts: SummaryOpts, progress: Progress = NO_PROGRESS): Promise<number> {
  const window = opts.window === undefined ? undefined : positiveInt('--window', opts.window);
  const top = opts.top === undefined ? 10 : positiveInt('--top', opts.top);
  const s = await summarizeFile(path, window, progress);
  progress.stop();
  if (opts.json === true) o.out(`${JSON.stringify(s, null, 2)}\n`);
  else printSummary(o, path, s, top);
  return EXIT_OK;
}

/** Registers `pymem summary`. */
export function registerSummary(program: Command, ctx: CommandContext): void {
  program
    .command('summary')
    .description('summarize a .pymem trace: peak and end live bytes, arenas and pools, fill, temporaries, per class and per stack')
    .argument('<trace>', '.pymem trace file, or - for stdin')
    .option('--window <events>', 'a block freed within this many events of its allocation is a temporary (default 1000)')
    .option('--top <n>', 'rows of the per-stack and marks lists (default 10)')
    .option('--json', 'print the whole summary as JSON')
    .action(async (trace: string, opts: SummaryOpts) => {
      ctx.setCode(await summaryCommand(ctx.o, trace, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
