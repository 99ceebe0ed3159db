import type { Command } from 'commander';
import type { Output } from '../output.js';
import type { Progress } from '../progress.js';

/** What a command's action needs from the program. */
export interface CommandContext {
  readonly o: Output;
  /** Sets the process exit code the command ends with. */
  readonly setCode: (code: number) => void;
  /** A progress bar for a long command (nothing unless stderr is a TTY; pass true for `--json` output; absent: no bar). */
  readonly progress?: (json?: boolean) => Progress;
}

/** Adds one command (its options, help and action) to the program. */
export type Registrar = (program: Command, ctx: CommandContext) => void;
