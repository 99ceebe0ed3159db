import { existsSync, readFileSync, statSync } from 'node:fs';
import { TRACE_MAGIC, TraceFormatError } from '@pymem/trace';
import { CliError } from './errors.js';

/** Reads a whole file, or stdin for `-`. */
export async function readInput(path: string): Promise<Uint8Array> {
  if (path === '-') {
    const parts: Uint8Array[] = [];
    for await (const c of process.stdin as AsyncIterable<Uint8Array>) parts.push(c);
    return Buffer.concat(parts);
  }
  if (!existsSync(path)) throw new CliError(`no such file: ${path}`);
  if (statSync(path).isDirectory()) throw new CliError(`${path} is a directory, not a file`);
  return readFileSync(path);
}

/** Whether `bytes` start with the pymem trace magic. */
export function isTrace(bytes: Uint8Array): boolean {
  return TRACE_MAGIC.every((b, i) => bytes[i] === b);
}

/** Whether `bytes` look like the JSONL form (first non-blank character `{`). */
export function isJsonl(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b;
  }
  return false;
}

/** Refuses input that is not a pymem trace, with exit 2. */
export function requireTrace(path: string, bytes: Uint8Array): void {
  if (!isTrace(bytes)) throw new CliError(`${path === '-' ? 'stdin' : path}: not a pymem trace (no 89 50 59 4D magic at byte 0)`);
}

/** Turns a format error into a one-line CLI error naming the file (exit 2). */
export function traceInputError(path: string, e: unknown): never {
  if (e instanceof TraceFormatError) throw new CliError(`${path === '-' ? 'stdin' : path}: ${e.message}`);
  throw e;
}
