import type { TraceSummary } from '@pymem/trace';
import { summarizeTrace } from '@pymem/trace';
import { CliError } from './errors.js';
import type { Progress } from './progress.js';
import { NO_PROGRESS, trackBytes } from './progress.js';
import { readInput, requireTrace, traceInputError } from './trace-input.js';

/** Summarizes a `.pymem` trace file (or stdin for `-`); bad input is a one-line error (exit 2). */
export async function summarizeFile(path: string, temporaryWindow?: number, progress: Progress = NO_PROGRESS): Promise<TraceSummary> {
  const bytes = await readInput(path);
  requireTrace(path, bytes);
  try {
    return await summarizeTrace(progress === NO_PROGRESS ? bytes : trackBytes(bytes, progress, 'summary'), temporaryWindow === undefined ? {} : { temporaryWindow });
  } catch (e) {
    traceInputError(path, e);
  }
}

/** Parses a positive integer option. */
export function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Size-class label of bucket `cls` of a summary: `"32 B"` or `"large"`. */
export function classLabel(summary: TraceSummary, cls: number): string {
  return cls === summary.classes ? 'large' : `${(cls + 1) * summary.header.alignment} B`;
}
