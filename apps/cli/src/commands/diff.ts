import type { Command } from 'commander';
import type { Delta } from '@pymem/trace';
import { diffTraces } from '@pymem/trace';
import { EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { classLabel, summarizeFile } from '../summary-input.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

function signed(x: number): string {
  return x > 0 ? `+${n(x)}` : x < 0 ? `-${n(-x)}` : '0';
}

function row(o: Output, label: string, d: Delta): void {
  o.out(`${label.padEnd(24)} ${n(d.a).padStart(14)} ${n(d.b).padStart(14)} ${signed(d.delta).padStart(14)}\n`);
}

/** `pymem diff A B [--json]`: B − A of two trace summaries. */
export async function diffCommand(o: Output, a: string, b: string, opts: { json?: boolean; top?: string }, progress: Progress = NO_PROGRESS): Promise<number> {
  const sa = await summarizeFile(a, undefined, progress);
  const sb = await summarizeFile(b, undefined, progress);
  progress.stop();
  const d = diffTraces(sa, sb);
  if (opts.json === true) {
    o.out(`${JSON.stringify(d, null, 2)}\n`);
    return EXIT_OK;
  }
  o.out(`A ${a}\nB ${b}\n\n${''.padEnd(24)} ${'A'.padStart(14)} ${'B'.padStart(14)} ${'B - A'.padStart(14)}\n`);
  row(o, 'peak live bytes', d.peak);
  row(o, 'live bytes at the end', d.endBytes);
  row(o, 'arenas at most', d.maxArenas);
  row(o, 'arenas at the end', d.endArenas);
  row(o, 'pools at most', d.maxPools);
  row(o, 'temporary blocks', d.temporaries);
  const classes = d.classes.filter((c) => c.liveBytes.delta !== 0 || c.allocBytes.delta !== 0);
  if (classes.length > 0) {
    o.out('\nlive bytes at the end, per class\n');
    for (const c of classes) row(o, classLabel(sa, c.cls), c.liveBytes);
  }
  const stacks = d.stacks.filter((s) => s.liveBytes.delta !== 0).slice(0, 10);
  if (stacks.length > 0) {
    o.out('\nlive bytes at the end, per stack (largest changes)\n');
    for (const s of stacks) row(o, s.key === '' ? '<no stack>' : s.key.split(';').slice(-2).join(';'), s.liveBytes);
  }
  if (d.empty) o.out('\nno difference\n');
  return EXIT_OK;
}

/** Registers `pymem diff`. */
export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('compare two .pymem traces: peaks, arenas, pools, temporaries, per class and per stack (B - A)')
    .argument('<a>', 'the baseline trace')
    .argument('<b>', 'the trace to compare with it')
    .option('--json', 'print the diff as JSON')
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      ctx.setCode(await diffCommand(ctx.o, a, b, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
