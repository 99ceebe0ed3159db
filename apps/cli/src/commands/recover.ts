import type { Command } from 'commander';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import { writeAll, writeThroughTemporary } from '../output-file.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import { rebuildTrace } from '@pymem/trace';
import type { RebuiltTrace } from '@pymem/trace';
import { readInput, requireTrace, traceInputError } from '../trace-input.js';
import type { CommandContext } from './command.js';

/** `pymem recover IN -o OUT`: exit 0 when nothing was lost, 1 when something was. */
export async function recoverCommand(o: Output, path: string, opts: { output: string; json?: boolean }, progress: Progress = NO_PROGRESS): Promise<number> {
  if (opts.output === '-') throw new CliError('-o -: give a file to write the recovered trace to');
  const input = await readInput(path);
  requireTrace(path, input);
  let r: RebuiltTrace;
  try {
    r = await rebuildTrace(input, (done, total, phase) => progress.update(done, phase, total, 'bytes'));
  } catch (e) {
    traceInputError(path, e);
  } finally {
    progress.stop();
  }
  await writeThroughTemporary(opts.output, (fd) => {
    try {
      writeAll(fd, r.bytes);
    } catch (e) {
      throw new CliError(`cannot write ${opts.output}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const rep = r.report;
  const lost = rep.lostRanges.length > 0 || r.dropped > 0;
  if (opts.json === true) {
    o.out(`${JSON.stringify({ input: path, output: opts.output, ok: !lost, bytesIn: input.length, bytesOut: r.bytes.length, chunks: r.chunks, dropped: r.dropped, events: r.events, renumbered: r.renumbered, ...rep }, null, 2)}\n`);
  } else {
    o.out(`input     ${path} (${n(input.length)} bytes, ${rep.trailer ? 'with' : 'no'} index and trailer)\n`);
    o.out(`output    ${opts.output} (${n(r.bytes.length)} bytes, ${n(r.chunks)} chunks, ${n(r.events)} events, new index and trailer)\n`);
    o.out(`lost      ${n(rep.chunksLost)} chunks, ${n(rep.bytesSkipped)} bytes in ${n(rep.lostRanges.length)} ranges${r.dropped > 0 ? `; ${n(r.dropped)} good chunks left out (unreadable after a lost dictionary chunk)` : ''}${r.renumbered > 0 ? `; ${n(r.renumbered)} events chunks renumbered after lost events` : ''}\n`);
    for (const l of rep.lostRanges) o.out(`  byte ${n(l.offset)}, ${n(l.length)} bytes: ${l.reason}\n`);
    o.out(lost ? 'RECOVERED with losses\n' : 'OK: nothing was lost\n');
  }
  return lost ? EXIT_CHECK_FAILED : EXIT_OK;
}

/** Registers `pymem recover`. */
export function registerRecover(program: Command, ctx: CommandContext): void {
  program
    .command('recover')
    .description('write every complete chunk of a damaged or truncated pymem trace into a new valid one and report what was lost')
    .argument('<input>', 'the damaged trace (.pymem), or - for stdin')
    .requiredOption('-o, --output <file>', 'the trace to write')
    .option('--json', 'print the report as JSON')
    .action(async (input: string, opts: { output: string; json?: boolean }) => {
      ctx.setCode(await recoverCommand(ctx.o, input, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
