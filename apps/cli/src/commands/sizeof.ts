import type { Command } from 'commander';
import { SnippetError, sizeofExpression } from '@pymem/objects';
import { CliError, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { CommandContext } from './command.js';

/** `pymem sizeof EXPR [--json]`: `sys.getsizeof` of the value, as the snippet runner makes it. */
export function sizeofCommand(o: Output, expr: string, opts: { json?: boolean }): number {
  let r: { size: number; type: string };
  try {
    r = sizeofExpression(expr);
  } catch (e) {
    if (e instanceof SnippetError) throw new CliError(e.message);
    throw e;
  }
  o.out(opts.json === true ? `${JSON.stringify({ expr, ...r })}\n` : `${r.size}\n`);
  return EXIT_OK;
}

/** Registers `pymem sizeof`. */
export function registerSizeof(program: Command, ctx: CommandContext): void {
  program
    .command('sizeof')
    .description("sys.getsizeof of a Python expression's value on CPython 3.11's object model (the snippet subset)")
    .argument('<expr>', "a Python expression, e.g. '[1, 2, 3]' or \"float('1.5')\"")
    .option('--json', 'print {expr, type, size} as JSON')
    .action((expr: string, opts: { json?: boolean }) => {
      ctx.setCode(sizeofCommand(ctx.o, expr, opts));
    });
}
