// `pnpm bench` entry of @pymem/cli: the pymem trace format on the shared
// real captures after `pymem import` (checkpoints every 64 events chunks,
// the default): bytes per event of the .pymem file with deflate-raw and
// stored chunks, next to plain and gzip'd JSONL of the same trace (its
// lossless text form) as baselines, and the decode speed of the .pymem
// files (every events chunk through readTrace). Prints a table and JSON
// (also written to bench-results/trace-format.json).
//
//   node --max-old-space-size=6144 bench/trace-format.mjs [--runs=3]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MemorySink, parseStatsFile, readTrace, toJsonl } from '@pymem/trace';
import { openRawCapture } from '@pymem/trace/node';
import { importCapture } from '../dist/index.js';
import { benchDir, captureNames, machine, runsOption, shared } from './common.mjs';

const here = benchDir;
const runs = runsOption(3);
const names = captureNames;


async function importTo(file, stats, codec) {
  const sink = new MemorySink();
  const r = await importCapture(openRawCapture(file), sink, { stats, codec });
  return { bytes: sink.bytes(), report: r };
}

async function decodeBest(bytes) {
  let best = Infinity;
  let events = 0;
  for (let r = 0; r < runs + 1; r++) {
    const t = performance.now();
    let n = 0;
    for await (const b of readTrace(bytes, { reuseBatches: true })) n += b.length;
    const s = (performance.now() - t) / 1000;
    events = n;
    if (r > 0) best = Math.min(best, s);
  }
  return { events, seconds: best };
}

const rows = [];
for (const name of names) {
  const file = join(shared, 'traces', `${name}.bin.gz`);
  if (!existsSync(file)) {
    rows.push({ name, skipped: `no ${file}` });
    continue;
  }
  const statsFile = join(shared, 'traces', `${name}.stats.txt`);
  const stats = existsSync(statsFile) ? parseStatsFile(readFileSync(statsFile, 'utf8')) : [];
  const deflate = await importTo(file, stats, 'deflate-raw');
  const none = await importTo(file, stats, 'none');
  const events = deflate.report.events;
  const jsonl = Buffer.from(await toJsonl(deflate.bytes));
  const jsonlGz = gzipSync(jsonl).length;
  const dDeflate = await decodeBest(deflate.bytes);
  const dNone = await decodeBest(none.bytes);
  rows.push({
    name,
    events,
    importSeconds: deflate.report.seconds,
    checkpoints: deflate.report.chunks.checkpoint,
    bytesDeflate: deflate.bytes.length,
    bytesNone: none.bytes.length,
    bytesJsonl: jsonl.length,
    bytesJsonlGzip: jsonlGz,
    bytesPerEventDeflate: deflate.bytes.length / events,
    bytesPerEventNone: none.bytes.length / events,
    bytesPerEventJsonl: jsonl.length / events,
    bytesPerEventJsonlGzip: jsonlGz / events,
    decodeEventsPerSecondDeflate: Math.round(dDeflate.events / dDeflate.seconds),
    decodeEventsPerSecondNone: Math.round(dNone.events / dNone.seconds),
  });
}

const f2 = (x) => x.toFixed(2).padStart(7);
const M = (x) => (x / 1e6).toFixed(1).padStart(7);
const lines = [
  `machine: ${machine()}`,
  `pymem trace format on the shared CPython 3.11.7 captures after pymem import (checkpoints every 64 events chunks); decode: best of ${runs} after one warm-up`,
  '',
  '                         bytes/event                           decode M events/s',
  'capture       events  .pymem deflate  .pymem none  JSONL.gz   JSONL   deflate   none',
];
for (const r of rows) {
  if (r.skipped) lines.push(`${r.name.padEnd(11)} skipped: ${r.skipped}`);
  else lines.push(`${r.name.padEnd(11)} ${String(r.events).padStart(8)}  ${f2(r.bytesPerEventDeflate)}        ${f2(r.bytesPerEventNone)}     ${f2(r.bytesPerEventJsonlGzip)} ${f2(r.bytesPerEventJsonl)}  ${M(r.decodeEventsPerSecondDeflate)} ${M(r.decodeEventsPerSecondNone)}`);
}
lines.push('', 'targets (reported, not asserted): <= 2.5 bytes/event, >= 40 M events/s decode. Sizes include dictionary, checkpoints and index; JSONL is the lossless text form (toJsonl), gzip at the default level.');
const json = { machine: machine(), runs, rows };
console.log(lines.join('\n'));
console.log(JSON.stringify(json, null, 2));
const outDir = join(here, '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'trace-format.json'), `${JSON.stringify(json, null, 2)}\n`);
