import { existsSync, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { RawCaptureReader, StatsDump } from '@pymem/trace';
import { TraceFormatError, parseStatsFile, readRawCapture } from '@pymem/trace';
import { openRawCapture } from '@pymem/trace/node';
import { GeometryError } from '@pymem/arena';
import { CliError } from './errors.js';
import type { Progress } from './progress.js';
import { NO_PROGRESS, trackBatches } from './progress.js';

/** Opens a raw capture file (plain or gzip), or stdin for `-`; iterating it reports the records read to `progress` as `phase`. */
export function openCapture(path: string, progress: Progress = NO_PROGRESS, phase = 'read'): RawCaptureReader {
  if (path === '-') {
    return trackBatches(readRawCapture(Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>), progress, phase);
  }
  if (!existsSync(path)) throw new CliError(`no such file: ${path}`);
  if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory, not a capture file`);
  return trackBatches(openRawCapture(path), progress, phase);
}

/** Reads and parses a `sys._debugmallocstats()` dump file. */
export function readStats(path: string): StatsDump[] {
  if (!existsSync(path)) throw new CliError(`no such stats file: ${path}`);
  try {
    return parseStatsFile(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof TraceFormatError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Turns a format error into a CLI error naming the file. */
export function inputError(path: string, e: unknown): never {
  const name = path === '-' ? 'stdin' : path;
  if (e instanceof TraceFormatError) throw new CliError(`${name}: ${e.message}`);
  if (e instanceof GeometryError) throw new CliError(`${name}: ${e.message}`);
  throw e;
}
