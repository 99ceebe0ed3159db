// Measures decodeRawCapture on every shared capture: `pnpm --filter @pymem/trace bench:speed`
// (builds first). Prints records per second: best of BENCH_RUNS runs, after a warm-up.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRawCapture, OP_MALLOC } from '../dist/index.js';
import { readRawCaptureFile } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.PYMEM_SHARED ?? resolve(here, '../../../../shared');
const runs = Number(process.env.BENCH_RUNS ?? 15);

const captures = [];
for (const name of ['startup', 'ast_stdlib', 'json', 'churn']) {
  const path = join(shared, 'traces', `${name}.bin.gz`);
  if (existsSync(path)) captures.push({ name, bytes: await readRawCaptureFile(path) });
  else console.log(`${name}: missing (${path})`);
}

let mallocBytes = 0;
const onRecord = (r) => {
  if (r.op === OP_MALLOC) mallocBytes += r.size;
};
for (let i = 0; i < 3; i++) for (const c of captures) decodeRawCapture(c.bytes, onRecord);

for (const { name, bytes } of captures) {
  let best = Infinity;
  let records = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    records = decodeRawCapture(bytes, onRecord).records;
    best = Math.min(best, performance.now() - t0);
  }
  const rate = records / (best / 1000);
  console.log(`${name.padEnd(10)} ${String(records).padStart(9)} records  ${best.toFixed(1).padStart(6)} ms  ${(rate / 1e6).toFixed(1).padStart(5)} M records/s  ${(bytes.length / 1e6 / (best / 1000)).toFixed(0)} MB/s`);
}
console.log(`(bytes requested by malloc, summed over every decode: ${mallocBytes})`);
