// What a view at a trace position costs. Peers in the same run, on the same
// trace: decoding the events alone (readTrace), @pymem/trace's own fold
// (summarizeTrace, no allocator), and TraceReplay through the pymalloc
// model; then the view models and SVG of the replayed heap.
//
//   pnpm --filter @pymem/viz run build && pnpm --filter @pymem/viz bench [FILE.pymem]
//
// Without a file, a trace of about 1 M allocator events is written first
// (a recorded heap, arenas at made-up bases), so the bench needs nothing
// else. RUNS=n sets the runs per peer (best of n is reported).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRecordedHeap } from '@pymem/arena';
import { KIND_ARENA_ALLOC, KIND_FREE, KIND_MALLOC, LEVEL_ALLOCATOR, MemorySink, TraceWriter, openTrace, readTrace, summarizeTrace } from '@pymem/trace';
import { arenaMapModel, heapStateFromPymalloc, poolListsFromPymalloc, renderArenaMapSvg, renderPoolListsHtml, replayTrace } from '../dist/index.js';

const RUNS = Number(process.env.RUNS ?? 3);

function machineLine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return `machine: ${cpu} | ${os.cpus().length} cores | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM | Node ${process.version} | load ${load} | ${new Date().toISOString()}`;
}

/** A workload of `n` requests on a recorded heap, written as a .pymem trace: grows to ~200k live blocks, then churns. */
async function syntheticTrace(n) {
  const { heap, source } = createRecordedHeap('cpython-3.11');
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { header: { level: LEVEL_ALLOCATOR, clockUnit: 'event', pythonVersion: 0x030b07f0 } });
  heap.observer = { arenaAlloc: (address, slot, pools) => w.append({ kind: KIND_ARENA_ALLOC, arena: slot, value: address, count: pools }) };
  let base = 0x7f3400003000;
  const live = [];
  let id = 0;
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    if (live.length < 200_000 ? rand() < 0.8 : rand() < 0.5) {
      const size = 1 + Math.floor(rand() * rand() * 512);
      source.offer(base);
      const p = heap.malloc(size);
      if (source.offered === 0) base += 0x300000;
      source.clearOffers();
      const slot = heap.slotOf(p);
      const first = heap.aFirstPool[slot] + heap.aDelta[slot];
      const pool = Math.floor((p - first) / 16384);
      const cls = (size - 1) >> 4;
      w.append({ kind: KIND_MALLOC, id, size, cls, arena: slot, pool, block: (p - first - pool * 16384 - 48) / ((cls + 1) * 16) });
      live.push([id++, p, size]);
    } else if (live.length > 0) {
      const j = Math.floor(rand() * live.length);
      const [bid, p, size] = live[j];
      live[j] = live[live.length - 1];
      live.pop();
      heap.free(p);
      w.append({ kind: KIND_FREE, id: bid, size, cls: (size - 1) >> 4 });
    }
  }
  await w.close();
  return sink.bytes();
}

async function best(fn) {
  let ms = Infinity;
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    out = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

const file = process.argv[2];
const bytes = file ? readFileSync(file) : await syntheticTrace(1_000_000);
const { header } = await openTrace(bytes);

const decode = await best(async () => {
  let n = 0;
  for await (const b of readTrace(bytes, { reuseBatches: true })) n += b.length;
  return n;
});
const events = decode.out;
const summary = await best(() => summarizeTrace(bytes));
const replay = await best(() => replayTrace(header, readTrace(bytes, { reuseBatches: true })));
const heap = replay.out.heap;
const state = await best(() => heapStateFromPymalloc(heap));
const map = await best(() => renderArenaMapSvg(arenaMapModel(state.out)));
const lists = await best(() => renderPoolListsHtml(poolListsFromPymalloc(heap)));

const rows = [
  { name: 'readTrace (decode only)', ms: decode.ms, perSecond: events / (decode.ms / 1000) },
  { name: 'summarizeTrace (@pymem/trace fold)', ms: summary.ms, perSecond: events / (summary.ms / 1000) },
  { name: 'replayTrace (pymalloc model)', ms: replay.ms, perSecond: events / (replay.ms / 1000) },
  { name: 'heapStateFromPymalloc', ms: state.ms },
  { name: 'arenaMapModel + renderArenaMapSvg', ms: map.ms },
  { name: 'poolListsFromPymalloc + renderPoolListsHtml', ms: lists.ms },
];

console.log(machineLine());
console.log(`trace: ${file ?? 'synthetic'} · ${events.toLocaleString('en')} events · ${bytes.length.toLocaleString('en')} bytes · ${state.out.arenas.length} arenas at the end · best of ${RUNS}`);
console.log('');
console.log('| step | ms | M events/s |');
console.log('|---|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(1)} | ${r.perSecond === undefined ? '' : (r.perSecond / 1e6).toFixed(2)} |`);
console.log('');
console.log(JSON.stringify({ trace: file ?? 'synthetic', events, bytes: bytes.length, arenas: state.out.arenas.length, runs: RUNS, loadavg: os.loadavg(), rows }));
