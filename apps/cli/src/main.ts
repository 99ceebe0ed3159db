import { Command, CommanderError } from 'commander';
import { registerCapture } from './commands/capture.js';
import { registerConvert } from './commands/convert.js';
import type { Registrar } from './commands/command.js';
import { registerDemo } from './commands/demo.js';
import { registerDiff } from './commands/diff.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerRecover } from './commands/recover.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSizeof } from './commands/sizeof.js';
import { registerStats } from './commands/stats.js';
import { registerSummary } from './commands/summary.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { CliError, EXIT_USAGE } from './errors.js';
import type { Output } from './output.js';
import { processOutput } from './output.js';
import type { Progress } from './progress.js';
import { NO_PROGRESS, processProgress } from './progress.js';

/** The CLI's version, printed by `pymem --version`. */
export const VERSION = '0.0.0';

/** Every command, in the order `pymem --help` lists them. */
const COMMANDS: readonly Registrar[] = [registerVerify, registerDemo, registerCapture, registerReplay, registerStats, registerImport, registerConvert, registerValidate, registerRecover, registerSummary, registerReport, registerDiff, registerExport, registerRun, registerSizeof];

function program(o: Output, setCode: (c: number) => void, progress: (json?: boolean) => Progress): Command {
  const p = new Command('pymem')
    .description("CPython's memory manager, replayed: verify real captures allocation for allocation")
    .version(VERSION)
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => o.out(s),
      writeErr: (s) => o.err(s),
      // Usage errors read like every other error: "pymem: what is wrong".
      outputError: (s, write) => write(s.replace(/^error: /, 'pymem: ')),
    })
    .configureHelp({ helpWidth: 80 });

  for (const register of COMMANDS) register(p, { o, setCode, progress });
  return p;
}

/**
 * Runs the `pymem` command with `argv` (without node and the script) and
 * returns the exit code: 0 ok, 1 a check failed, 2 usage or input error.
 */
export async function main(argv: readonly string[], output?: Output): Promise<number> {
  let code = 0;
  // Progress bars go to the process's stderr, so only when the process's streams are the output.
  const o = output ?? processOutput();
  const bars: Progress[] = [];
  const progress = (json?: boolean): Progress => {
    if (output !== undefined) return NO_PROGRESS;
    const b = processProgress(json === true);
    bars.push(b);
    return b;
  };
  const p = program(o, (c) => (code = c), progress);
  try {
    await p.parseAsync([...argv], { from: 'user' });
    for (const b of bars) b.stop();
    return code;
  } catch (e) {
    for (const b of bars) b.stop();
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
