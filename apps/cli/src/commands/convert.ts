import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MemorySink, fromJsonlLines, toJsonlChunks } from '@pymem/trace';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { writeAll, writeThroughTemporary } from '../output-file.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import { isJsonl, isTrace, readInput, traceInputError } from '../trace-input.js';
import type { CommandContext } from './command.js';

type Form = 'jsonl' | 'bin';

function formOfName(path: string): Form | undefined {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.(pymem|bin)$/i.test(path)) return 'bin';
  return undefined;
}

/** The first bytes of a file (enough to tell a trace from its JSONL form). */
function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(4096);
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The lines of a JSONL file or stdin, a line at a time, reporting the bytes read. */
async function* jsonlLines(input: string, progress: Progress): AsyncGenerator<string, void, undefined> {
  const stream = input === '-' ? process.stdin : createReadStream(input);
  const total = input === '-' ? undefined : statSync(input).size;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if ((++n & 0x3fff) === 0) progress.update(input === '-' ? n : (stream as ReturnType<typeof createReadStream>).bytesRead, 'convert', total, input === '-' ? 'lines' : 'bytes');
    yield line;
  }
}

/**
 * Writes `pieces` to `output` (a temporary file renamed over it at the end,
 * so a failed conversion leaves an existing file as it was) or to stdout.
 */
async function writeOut(o: Output, output: string, pieces: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<{ size: number; lines: number }> {
  let size = 0;
  let lines = 0;
  const count = (p: string | Uint8Array): void => {
    if (typeof p === 'string') {
      size += Buffer.byteLength(p);
      for (let i = p.indexOf('\n'); i >= 0; i = p.indexOf('\n', i + 1)) lines++;
    } else size += p.length;
  };
  if (output === '-') {
    for await (const p of pieces) {
      count(p);
      if (typeof p === 'string') o.out(p);
      else process.stdout.write(p);
    }
    return { size, lines };
  }
  await writeThroughTemporary(output, async (fd) => {
    for await (const p of pieces) {
      count(p);
      writeAll(fd, typeof p === 'string' ? Buffer.from(p) : p);
    }
  });
  return { size, lines };
}

/** `pymem convert IN OUT`: binary ↔ JSONL, streamed (the JSONL text is never whole in memory). */
export async function convertCommand(o: Output, input: string, output: string, opts: { to?: string }, progress: Progress = NO_PROGRESS): Promise<number> {
  if (opts.to !== undefined && opts.to !== 'jsonl' && opts.to !== 'bin') throw new CliError(`--to ${opts.to}: expected jsonl or bin`);
  const name = input === '-' ? 'stdin' : input;
  let bytes: Uint8Array | undefined;
  let first: Uint8Array;
  if (input === '-') first = bytes = await readInput(input);
  else {
    if (!existsSync(input)) throw new CliError(`no such file: ${input}`);
    if (statSync(input).isDirectory()) throw new CliError(`${input} is a directory, not a file`);
    first = head(input);
  }
  const from: Form | undefined = isTrace(first) ? 'bin' : isJsonl(first) ? 'jsonl' : undefined;
  if (from === undefined) throw new CliError(`${name}: neither a pymem trace nor its JSONL form`);
  const to: Form = opts.to ?? formOfName(output) ?? (from === 'bin' ? 'jsonl' : 'bin');
  const inputBytes = bytes ?? statSync(input).size;
  let written: { size: number; lines: number };
  try {
    if (from === 'bin') {
      const trace = bytes ?? (await readInput(input));
      const pieces = to === 'jsonl' ? toJsonlChunks(trace, (done, total) => progress.update(done, 'convert', total, 'bytes')) : [trace];
      written = await writeOut(o, output, pieces);
    } else {
      const sink = new MemorySink();
      if (to === 'bin') await fromJsonlLines(bytes === undefined ? jsonlLines(input, progress) : new TextDecoder().decode(bytes).split('\n'), sink);
      const out = to === 'bin' ? sink.bytes() : (bytes ?? (await readInput(input)));
      written = await writeOut(o, output, [out]);
    }
  } catch (e) {
    traceInputError(input, e);
  } finally {
    progress.stop();
  }
  if (output === '-') return 0;
  const lines = to === 'jsonl' && from === 'bin' ? ` (${n(written.lines)} lines)` : '';
  o.out(`${input} (${from === 'bin' ? 'binary' : 'JSONL'}, ${n(typeof inputBytes === 'number' ? inputBytes : inputBytes.length)} bytes) -> ${output} (${to === 'bin' ? 'binary' : 'JSONL'}, ${n(written.size)} bytes${lines})\n`);
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
      ctx.setCode(await convertCommand(ctx.o, input, output, opts, ctx.progress?.() ?? NO_PROGRESS));
    });
}
