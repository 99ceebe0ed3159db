/** Exit codes of the `pymem` command. */
export const EXIT_OK = 0;
/** A check ran and failed (a mismatch, a corrupt heap). */
export const EXIT_CHECK_FAILED = 1;
/** Wrong usage or unreadable input. */
export const EXIT_USAGE = 2;

/** An error that ends the command with a clear message and no stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
