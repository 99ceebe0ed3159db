import { writeFileSync } from 'node:fs';
import { fromJsonl, toJsonl } from '@pymem/trace';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { isJsonl, isTrace, readInput, traceInputError } from '../trace-input.js';
import type { CommandContext } from './command.js';

type Form = 'jsonl' | 'bin';

function formOfName(path: string): Form | undefined {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.(pymem|bin)$/i.test(path)) return 'bin';
  return undefined;
}

/** `pymem convert IN OUT`: binary ↔ JSONL. */
export async function convertCommand(o: Output, input: string, output: string, opts: { to?: string }): Promise<number> {
  if (opts.to !== undefined && opts.to !== 'jsonl' && opts.to !== 'bin') throw new CliError(`--to ${opts.to}: expected jsonl or bin`);
  const bytes = await readInput(input);
  const name = input === '-' ? 'stdin' : input;
  const from: Form | undefined = isTrace(bytes) ? 'bin' : isJsonl(bytes) ? 'jsonl' : undefined;
  if (from === undefined) throw new CliError(`${name}: neither a pymem trace nor its JSONL form`);
  const to: Form = opts.to ?? formOfName(output) ?? (from === 'bin' ? 'jsonl' : 'bin');
  let out: Uint8Array | string;
  try {
    if (from === to) out = bytes;
    else if (to === 'jsonl') out = await toJsonl(bytes);
    else out = await fromJsonl(new TextDecoder().decode(bytes));
  } catch (e) {
    traceInputError(input, e);
  }
  if (output === '-') {
    if (typeof out === 'string') o.out(out);
    else process.stdout.write(out);
    return 0;
  }
  writeFileSync(output, out);
  const size = typeof out === 'string' ? Buffer.byteLength(out) : out.length;
  const lines = typeof out === 'string' ? ` (${n(out.length === 0 ? 0 : out.split('\n').length - 1)} lines)` : '';
  o.out(`${input} (${from === 'bin' ? 'binary' : 'JSONL'}, ${n(bytes.length)} bytes) -> ${output} (${to === 'bin' ? 'binary' : 'JSONL'}, ${n(size)} bytes${lines})\n`);
  return 0;
}

/** Registers `pymem convert`. */
export function registerConvert(program: Command, ctx: CommandContext): void {
  program
    .command('convert')
    .description('convert a pymem trace between its binary form and its lossless JSONL form (binary -> JSONL -> binary gives the same bytes)')
    .argument('<input>', 'a .pymem trace or its .jsonl form (detected from the content), or - for stdin')
    .argument('<output>', 'the file to write, or - for stdout')
    .option('--to <form>', 'jsonl or bin (default: from the output name, .jsonl or .pymem, else the other form)')
    .action(async (input: string, output: string, opts: { to?: string }) => {
      ctx.setCode(await convertCommand(ctx.o, input, output, opts));
    });
}
