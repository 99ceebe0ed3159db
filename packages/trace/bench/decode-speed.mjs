// Measures decodeRawCapture on every shared capture: `pnpm --filter @pymem/trace bench:speed`
// (after a build). Prints records per second, best of several runs.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRawCapture, OP_MALLOC } from '../dist/index.js';
import { readRawCaptureFile } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.PYMEM_SHARED ?? resolve(here, '../../../../shared');
const names = ['startup', 'ast_stdlib', 'json', 'churn'];
const runs = Number(process.env.BENCH_RUNS ?? 7);

for (const name of names) {
  const path = join(shared, 'traces', `${name}.bin.gz`);
  if (!existsSync(path)) {
    console.log(`${name}: missing (${path})`);
    continue;
  }
  const bytes = await readRawCaptureFile(path);
  let best = Infinity;
  let records = 0;
  let mallocBytes = 0;
  for (let i = 0; i < runs; i++) {
    mallocBytes = 0;
    const t0 = performance.now();
    records = decodeRawCapture(bytes, (r) => {
      if (r.op === OP_MALLOC) mallocBytes += r.size;
    }).records;
    best = Math.min(best, performance.now() - t0);
  }
  const rate = records / (best / 1000);
  console.log(`${name.padEnd(10)} ${String(records).padStart(9)} records  ${best.toFixed(1).padStart(7)} ms  ${(rate / 1e6).toFixed(1)} M records/s  (${(bytes.length / 1e6 / (best / 1000)).toFixed(0)} MB/s, malloc bytes ${mallocBytes})`);
}
