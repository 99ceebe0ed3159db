import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Output } from '../src/output.js';
import { main } from '../src/main.js';

/** `../shared` beside the repository root (or $PYMEM_SHARED). */
export const SHARED = process.env['PYMEM_SHARED'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
export const TRACES = join(SHARED, 'traces');
export const haveShared = existsSync(join(TRACES, 'startup.bin.gz'));

/** Runs the CLI in-process and collects what it prints. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o: Output = { out: (t) => (out += t), err: (t) => (err += t), color: false };
  const code = await main(argv, o);
  return { code, out, err };
}

/** Runs `f` with `process.stdin` replaced by a stream of `bytes`. */
export async function withStdin<T>(bytes: Uint8Array, f: () => Promise<T>): Promise<T> {
  const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, value: Readable.from([Buffer.from(bytes)]) });
  try {
    return await f();
  } finally {
    Object.defineProperty(process, 'stdin', saved);
  }
}
