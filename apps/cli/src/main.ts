import { Command, CommanderError, Option } from 'commander';
import { captureCommand, DEFAULT_CAPTURE } from './commands/capture.js';
import type { CaptureCommandOpts } from './commands/capture.js';
import { demoCommand } from './commands/demo.js';
import { verifyCommand } from './commands/verify.js';
import { CliError, EXIT_USAGE } from './errors.js';
import type { Output } from './output.js';
import { processOutput } from './output.js';

/** The CLI's version, printed by `pymem --version`. */
export const VERSION = '0.0.0';

function program(o: Output, setCode: (c: number) => void): Command {
  const p = new Command('pymem')
    .description("CPython's memory manager, replayed: verify real captures allocation for allocation")
    .version(VERSION)
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => o.out(s), writeErr: (s) => o.err(s) })
    .configureHelp({ helpWidth: 80 });

  p.command('verify')
    .description('replay a raw capture (PYMTRC01, plain or gzip) through the pymalloc model and check every result, arena release and statistics dump')
    .argument('<capture>', 'raw capture file, or - for stdin')
    .option('--stats <file>', 'sys._debugmallocstats() dumps to compare at each mark (NAME.stats.txt)')
    .option('--json', 'print the report as JSON')
    .action(async (capture: string, opts: { stats?: string; json?: boolean }) => {
      setCode(await verifyCommand(o, capture, opts));
    });

  p.command('demo')
    .description('replay the bundled real CPython capture and show why its arenas stay mapped')
    .addOption(new Option('--json', 'print the report as JSON'))
    .action(async (opts: { json?: boolean }) => {
      setCode(await demoCommand(o, opts));
    });

  p.command('capture')
    .description('run a CPython program with allocator hooks and record every pymalloc request as a raw capture (Linux, CPython 3.9 – 3.13 with a shared libpython)')
    .argument('<cmd...>', 'the interpreter and its arguments, after --: -- python3 script.py')
    .option('-o, --output <file>', 'raw capture to write (PYMTRC01)', DEFAULT_CAPTURE)
    .option('--stats <file>', 'statistics dump file (default: the output name with .stats.txt)')
    .option('--no-stats', 'write no statistics dumps')
    .option('--children', 'trace child processes too, into OUTPUT.<pid>')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nIn the program, `import pymem_capture; pymem_capture.mark("label")` records a mark and\nthe statistics at that point. Exits 0, or with the program\'s exit code when it\nfailed (the capture is still written), or 2 when it cannot capture.\n')
    .action(async (command: string[], opts: CaptureCommandOpts) => {
      setCode(await captureCommand(o, command, opts));
    });
  return p;
}

/**
 * Runs the `pymem` command with `argv` (without node and the script) and
 * returns the exit code: 0 ok, 1 a check failed, 2 usage or input error.
 */
export async function main(argv: readonly string[], o: Output = processOutput()): Promise<number> {
  let code = 0;
  const p = program(o, (c) => (code = c));
  try {
    await p.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof CliError) {
      o.err(`pymem: ${e.message}\n`);
      return e.exitCode;
    }
    if (argv.includes('--debug')) o.err(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    else o.err(`pymem: internal error: ${e instanceof Error ? e.message : String(e)} (run with --debug for a stack trace)\n`);
    return EXIT_USAGE;
  }
}
