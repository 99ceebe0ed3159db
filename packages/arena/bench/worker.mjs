// Runs one JS peer over every stream in a stream file, in a process of its
// own (started by run.mjs with --expose-gc). Prints one line
// `BENCH-RESULT <json>` on stdout; progress goes to stderr.
//
// Per stream: `warmup` untimed runs then `runs` timed runs, or fewer when a
// timed run stops at the time cap (repeating it would only burn the cap
// again). Each run builds a
// fresh allocator and a fresh, pre-touched pointer table outside the timing,
// after a full GC, then times the stream's two phases with hrtime.

import { runAddressOps, runObjectOps } from './loops.mjs';
import { JS_PEERS } from './peers.mjs';
import { readStreams } from './streams.mjs';

const opts = JSON.parse(process.argv[2] ?? '{}');
const peer = JS_PEERS.find((p) => p.id === opts.peer);
if (!peer) throw new Error(`unknown peer ${String(opts.peer)}`);

function emit(result) {
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(result)}\n`);
}

function fullGc() {
  const gc = globalThis.gc;
  if (typeof gc === 'function') {
    gc();
    gc();
  }
}

function newTable(kind, slotCount) {
  if (kind === 'object') return new Array(slotCount).fill(undefined);
  const table = new Float64Array(slotCount);
  table.fill(1); // touch every page before timing
  table.fill(0);
  return table;
}

function oneRun(make, stream, capMs) {
  fullGc();
  const alloc = make(stream);
  const table = newTable(peer.kind, stream.slotCount);
  const loop = peer.kind === 'object' ? runObjectOps : runAddressOps;
  const deadline = performance.now() + capMs;
  const n = stream.sizes.length;
  const phases = [];
  let at = 0;
  let nulls = 0;
  for (const [from, to] of [[0, stream.split], [stream.split, n]]) {
    if (at < from) break; // stopped early in an earlier phase
    const t0 = process.hrtime.bigint();
    const r = loop(alloc, stream.sizes, stream.slots, table, from, to, deadline);
    const ns = Number(process.hrtime.bigint() - t0);
    phases.push({ ops: r.done - from, ns });
    nulls += r.nulls;
    at = r.done;
  }
  const ops = phases.reduce((s, p) => s + p.ops, 0);
  const ns = phases.reduce((s, p) => s + p.ns, 0);
  return { ops, ns, opsPerSec: ops / (ns / 1e9), complete: ops === n, nulls, phases };
}

let make;
try {
  make = await peer.load();
} catch (e) {
  emit({ peer: peer.id, status: 'skipped', note: e instanceof Error ? e.message : String(e) });
  process.exit(0);
}

const streams = readStreams(opts.file);
const results = {};
try {
  for (const stream of streams) {
    const runs = [];
    for (let r = 0; r < opts.warmup + opts.runs; r++) {
      const warm = r < opts.warmup;
      const res = oneRun(make, stream, warm ? opts.warmupCapMs : opts.capMs);
      process.stderr.write(`  ${peer.label} ${stream.name} ${warm ? 'warm-up' : `run ${r - opts.warmup + 1}`}: ${(res.opsPerSec / 1e6).toFixed(2)} M ops/s${res.complete ? '' : ` (stopped at cap after ${res.ops} of ${stream.sizes.length} ops)`}${res.nulls ? `, ${res.nulls} NULLs` : ''}\n`);
      if (!warm) runs.push(res);
      // A timed run that hit the cap would hit it again: don't repeat it.
      if (!warm && !res.complete) break;
    }
    const best = runs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    results[stream.name] = { best, runs };
  }
} catch (e) {
  emit({ peer: peer.id, status: 'error', note: e instanceof Error ? (e.stack ?? e.message) : String(e), results });
  process.exit(0);
}
emit({ peer: peer.id, status: 'ok', results });
