import { existsSync, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { RawCaptureReader, StatsDump } from '@pymem/trace';
import { TraceFormatError, parseStatsFile, readRawCapture } from '@pymem/trace';
import { openRawCapture } from '@pymem/trace/node';
import { GeometryError } from '@pymem/arena';
import { CliError } from './errors.js';

/** Opens a raw capture file (plain or gzip), or stdin for `-`. */
export function openCapture(path: string): RawCaptureReader {
  if (path === '-') {
    return readRawCapture(Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>);
  }
  if (!existsSync(path)) throw new CliError(`no such file: ${path}`);
  if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory, not a capture file`);
  return openRawCapture(path);
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
