import type { Command } from 'commander';
import { formatPyVersion } from '@pymem/trace';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n, style } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import { readInput, requireTrace } from '../trace-input.js';
import { validateTrace } from '../trace-validate.js';
import type { CommandContext } from './command.js';

/** `pymem validate FILE`: exit 0 valid, 1 invalid (the first problem and its byte offset). */
export async function validateCommand(o: Output, path: string, opts: { json?: boolean }, progress: Progress = NO_PROGRESS): Promise<number> {
  const bytes = await readInput(path);
  requireTrace(path, bytes);
  let v;
  try {
    v = await validateTrace(bytes, (events) => progress.update(events, 'validate'));
  } finally {
    progress.stop();
  }
  if (opts.json === true) {
    o.out(`${JSON.stringify({ trace: path, bytes: bytes.length, ...v }, null, 2)}\n`);
    return v.valid ? EXIT_OK : EXIT_CHECK_FAILED;
  }
  const h = v.header;
  if (h !== undefined) {
    o.out(`trace     ${path} (format ${h.versionMajor}.${h.versionMinor}, ${h.writer} ${h.writerVersion}${h.pythonVersion !== 0 ? `, CPython ${formatPyVersion(h.pythonVersion)}` : ''}, clock ${h.clockUnit})\n`);
  }
  if (!v.valid) {
    const p = v.problem!;
    o.out(style(o.color, 'red', `INVALID at byte ${n(p.offset)}: ${p.code}: ${p.message}\n`));
    return EXIT_CHECK_FAILED;
  }
  const c = v.chunks;
  o.out(`chunks    ${n(c.events + c.dictionary + c.checkpoint + c.other)} (${n(c.events)} events, ${n(c.dictionary)} dictionary, ${n(c.checkpoint)} checkpoint${c.other > 0 ? `, ${n(c.other)} of unknown types` : ''}), every CRC good, every payload decoded\n`);
  o.out(`events    ${n(v.events)}\n`);
  o.out(v.complete ? `index     ${n(v.indexEntries)} entries, each equal to what its chunk gives; trailer good\n` : 'index     none: the writer did not finish (valid; pymem recover writes one)\n');
  o.out(style(o.color, 'green', `OK: ${bytes.length === 0 ? 'empty' : 'valid'}\n`));
  return EXIT_OK;
}

/** Registers `pymem validate`. */
export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description("check a pymem trace: header, every chunk's CRC and payload, the index against the chunks, the trailer")
    .argument('<trace>', 'the trace (.pymem), or - for stdin')
    .option('--json', 'print the result as JSON')
    .action(async (trace: string, opts: { json?: boolean }) => {
      ctx.setCode(await validateCommand(ctx.o, trace, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
