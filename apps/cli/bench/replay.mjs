// `pnpm bench` entry of @pymem/cli: replay throughput of the shared real
// captures through @pymem/arena, the way `pymem verify` does it (decode the
// raw records into batches, replay every request, check every result).
// Prints a table and JSON (also written to bench-results/replay.json).
//
//   node bench/replay.mjs [--runs=3]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeRawCapture, readRawCapture } from '@pymem/trace';
import { CaptureVerifier } from '../dist/index.js';
import { benchDir, captureNames, machine, runsOption, shared } from './common.mjs';

const here = benchDir;
const runs = runsOption(3);
const names = captureNames;


async function batchesOf(raw) {
  const out = [];
  for await (const b of readRawCapture(raw, { gzip: false, batchSize: 65536 })) out.push(b);
  return out;
}

const rows = [];
for (const name of names) {
  const file = join(shared, 'traces', `${name}.bin.gz`);
  if (!existsSync(file)) {
    rows.push({ name, skipped: `no ${file}` });
    continue;
  }
  const gz = readFileSync(file);
  let t = performance.now();
  const raw = gunzipSync(gz);
  const gunzipS = (performance.now() - t) / 1000;
  let decodeBest = Infinity;
  let replayBest = Infinity;
  let events = 0;
  let ok = true;
  for (let r = 0; r < runs + 1; r++) {
    t = performance.now();
    let n = 0;
    decodeRawCapture(raw, () => n++);
    const decodeS = (performance.now() - t) / 1000;
    const batches = await batchesOf(raw);
    t = performance.now();
    const v = new CaptureVerifier();
    for (const b of batches) v.feed(b);
    const rep = v.finish();
    const replayS = (performance.now() - t) / 1000;
    if (r === 0) continue; // warm-up
    events = rep.events;
    ok &&= rep.matched === rep.results;
    decodeBest = Math.min(decodeBest, decodeS);
    replayBest = Math.min(replayBest, replayS);
  }
  rows.push({
    name,
    events,
    allMatched: ok,
    gunzipSeconds: gunzipS,
    decodeEventsPerSecond: Math.round(events / decodeBest),
    replayEventsPerSecond: Math.round(events / replayBest),
    endToEndEventsPerSecond: Math.round(events / (gunzipS + decodeBest + replayBest)),
  });
}

const M = (x) => (x / 1e6).toFixed(1).padStart(8);
const lines = [
  `machine: ${machine()}`,
  `replay of the shared CPython 3.11.7 captures (best of ${runs}, after one warm-up), M events/s`,
  '',
  'capture        events    decode   replay  gunzip+decode+replay  all results matched',
];
for (const r of rows) {
  if (r.skipped) lines.push(`${r.name.padEnd(11)} skipped: ${r.skipped}`);
  else lines.push(`${r.name.padEnd(11)} ${String(r.events).padStart(9)}  ${M(r.decodeEventsPerSecond)} ${M(r.replayEventsPerSecond)}  ${M(r.endToEndEventsPerSecond)}              ${r.allMatched ? 'yes' : 'NO'}`);
}
lines.push('', 'decode: raw records parsed from the uncompressed capture; replay: batches through the pymalloc model with every result checked (what `pymem verify` does after reading).');
const json = { machine: machine(), runs, rows };
console.log(lines.join('\n'));
console.log(JSON.stringify(json, null, 2));
const outDir = join(here, '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'replay.json'), `${JSON.stringify(json, null, 2)}\n`);
