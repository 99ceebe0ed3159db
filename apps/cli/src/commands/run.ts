import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RequestEvent } from '@pymem/objects';
import { Interpreter, ObjectSpace, SnippetError } from '@pymem/objects';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { CommandContext } from './command.js';

/** Options of `pymem run`. */
export interface RunCommandOpts {
  /** The snippet text (`-c CODE`). */
  code?: string;
  /** `--trace OUT.pymem` (not yet supported). */
  trace?: string;
  json?: boolean;
}

/** What `pymem run --json` prints. */
export interface RunReport {
  /** What the snippet printed (up to the error, if any). */
  readonly output: string;
  /** The allocator requests of the run, `[op, size, route]` / `['realloc', old, new, route]`. */
  readonly requests: RequestEvent[];
  /** Exceptions ignored in `__del__` methods and weakref callbacks. */
  readonly ignored: readonly string[];
  /** The error that ended the snippet (`line N: ...`), or null. */
  readonly error: string | null;
}

async function readSource(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const parts: Uint8Array[] = [];
  for await (const c of process.stdin as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Runs a snippet in a fresh object space; the requests are recorded from the end of compilation. */
export function runSource(src: string): RunReport {
  const space = new ObjectSpace();
  const it = new Interpreter(space);
  let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
  it.beforeRun = () => (rec = space.recordRequests());
  let error: string | null = null;
  try {
    it.run(src);
  } catch (e) {
    if (!(e instanceof SnippetError)) throw e;
    error = e.message;
  } finally {
    rec?.stop();
  }
  return { output: it.output, requests: rec === undefined ? [] : [...rec.events], ignored: it.ignored, error };
}

/** `pymem run (-c CODE | FILE) [--json]`: exit 0, or 1 when the snippet raised or used what the runner does not support. */
export async function runCommand(o: Output, file: string | undefined, opts: RunCommandOpts): Promise<number> {
  if (opts.trace !== undefined) throw new CliError('--trace: writing the objects of a run to a pymem trace is not yet supported (the events need block ids from allocation records); use --json for the request sequence');
  if ((opts.code === undefined) === (file === undefined)) throw new CliError('give the snippet as -c CODE or as a FILE (- for stdin), not both');
  const src = opts.code ?? (await readSource(file!));
  const r = runSource(src);
  if (opts.json === true) {
    o.out(`${JSON.stringify(r)}\n`);
  } else {
    o.out(r.output);
    for (const m of r.ignored) o.err(`${m}\n`);
    if (r.error !== null) o.err(`pymem run: ${r.error}\n`);
  }
  return r.error === null ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem run`. */
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description("run a Python snippet (the documented subset of @pymem/objects) on CPython 3.11's object model: prints what it prints; --json adds the pymalloc request sequence")
    .argument('[file]', 'snippet file, or - for stdin')
    .option('-c, --code <code>', 'the snippet text')
    .option('--trace <out>', 'write the run as a pymem trace (not yet supported)')
    .option('--json', 'print one JSON object: output, requests, ignored, error')
    .action(async (file: string | undefined, opts: RunCommandOpts) => {
      ctx.setCode(await runCommand(ctx.o, file, opts));
    });
}
