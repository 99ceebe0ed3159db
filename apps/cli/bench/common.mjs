// What the CLI's bench scripts share: where the shared captures are, the
// --runs option and the machine line printed with every table.

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = fileURLToPath(new URL('.', import.meta.url));
export const shared = process.env.PYMEM_SHARED ?? join(benchDir, '../../../../shared');
/** The shared captures benched; `PYMEM_BENCH_CAPTURES=startup,churn` picks some. */
export const captureNames = process.env.PYMEM_BENCH_CAPTURES?.split(',').filter((x) => x !== '') ?? ['startup', 'ast_stdlib', 'json', 'churn'];

/** `--runs=N` from the command line, or `fallback`. */
export function runsOption(fallback = 3) {
  const arg = process.argv.find((a) => a.startsWith('--runs='));
  return arg === undefined ? fallback : Number(arg.slice(7));
}

/** CPU, cores, memory, OS, Node and date. */
export function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu.trim()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
