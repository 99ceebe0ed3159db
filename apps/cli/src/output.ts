import { commas } from '@pymem/arena';

/** Where a command writes; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Colours are used when the stream is a TTY and NO_COLOR is not set. */
  readonly color: boolean;
}

/** The process's stdout and stderr. */
export function processOutput(): Output {
  // A reader that goes away (`pymem ... | head`) ends the output, not the process with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const noColor = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: !noColor && process.stdout.isTTY,
  };
}

/** Wraps `text` in an ANSI style when `on`. */
export function style(on: boolean, code: 'red' | 'green' | 'bold' | 'dim', text: string): string {
  if (!on) return text;
  const open = { red: 31, green: 32, bold: 1, dim: 2 }[code];
  return `\u001b[${open}m${text}\u001b[0m`;
}

/** 1234567 → "1,234,567". */
export const n = commas;

/** Events per second in millions: "6.02 M". */
export function rate(perSecond: number): string {
  return `${(perSecond / 1e6).toFixed(2)} M`;
}

/** A ratio as a percentage with two decimals. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '100.00 %' : `${((100 * part) / whole).toFixed(2)} %`;
}
