// `pnpm bench` entry of @pymem/arena: replays the same seeded allocation
// streams through every allocator peer, in one run, and reports ops/s as a
// table and as JSON (also written to bench-results/latest.json).
//
//   node bench/run.mjs [--quick] [--runs=3] [--warmup=1] [--cap=10] [--seed=N] [--peers=arena,glibc,...]
//
// --quick divides every stream by 10 (for trying the harness, not for numbers);
// --cap is the per-run time limit in seconds (a run past it stops early and is
// marked partial). See bench/README.md.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_PEERS, prepareNative, runNative } from './native/native.mjs';
import { JS_PEERS } from './peers.mjs';
import { DEFAULT_SEED, generateStreams, LARGE, LARGE_PERCENT, SMALL_MIX, writeStreams } from './streams.mjs';

const started = performance.now();
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const packageDir = join(benchDir, '..');

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { quick: false, runs: 3, warmup: 1, cap: 10, warmupCap: 1, seed: DEFAULT_SEED, peers: null };
  for (const arg of argv) {
    const [k, v] = arg.replace(/^--/, '').split('=');
    if (k === 'quick') o.quick = true;
    else if (k === 'runs') o.runs = Math.max(1, Number(v));
    else if (k === 'warmup') o.warmup = Math.max(0, Number(v));
    else if (k === 'cap') o.cap = Number(v);
    else if (k === 'seed') o.seed = Number(v) >>> 0;
    else if (k === 'peers') o.peers = (v ?? '').split(',');
    else if (k !== '') throw new Error(`unknown option ${arg}`);
  }
  return o;
}
const opts = parseArgs(process.argv.slice(2));
const scale = opts.quick ? 10 : 1;
const wanted = (id) => opts.peers === null || opts.peers.includes(id);
const log = (s) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------- machine

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function machineInfo() {
  const cpuinfo = /^model name\s*:\s*(.+)$/m.exec(readText('/proc/cpuinfo'));
  const cpus = os.cpus();
  const osRelease = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readText('/etc/os-release'));
  return {
    cpu: cpuinfo ? cpuinfo[1].trim() : (cpus[0]?.model ?? 'unknown'),
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${osRelease ? osRelease[1] : os.type()} (${os.type()} ${os.release()} ${os.arch()})`,
    node: process.version,
    date: new Date().toISOString(),
    // Other work on the machine skews the numbers; this says how busy it was.
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
const machine = machineInfo();
const machineLine = `machine: ${machine.cpu} | ${machine.cores} cores | ${machine.ramGiB} GiB RAM | ${machine.os} | Node ${machine.node} | ${machine.date}`;
log(machineLine);

// ---------------------------------------------------------------- streams

log(`generating streams (seed ${opts.seed}${opts.quick ? ', --quick: 1/10 size' : ''}) ...`);
const streams = generateStreams(opts.seed, scale);
const tmp = mkdtempSync(join(os.tmpdir(), 'pymem-bench-'));
const streamFile = join(tmp, 'streams.bin');
const streamsSha256 = writeStreams(streamFile, streams);
const streamMeta = streams.map((s) => ({ name: s.name, description: s.description, ops: s.sizes.length, phases: s.phases.map((name, i) => ({ name, ops: i === 0 ? s.split : s.sizes.length - s.split })) }));

// ---------------------------------------------------------------- peers

const peerResults = [];

function runJsPeer(peer) {
  log(`${peer.label}: ${peer.detail}`);
  const workerOpts = { peer: peer.id, file: streamFile, runs: opts.runs, warmup: opts.warmup, capMs: opts.cap * 1000, warmupCapMs: opts.warmupCap * 1000 };
  const r = spawnSync(process.execPath, ['--expose-gc', join(benchDir, 'worker.mjs'), JSON.stringify(workerOpts)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (!line) {
    const why = r.error ? r.error.message : `exit code ${String(r.status)}${r.signal ? `, signal ${r.signal}` : ''}`;
    return { status: 'error', note: `worker died (${why}); see its output above` };
  }
  return JSON.parse(line.slice('BENCH-RESULT '.length));
}

for (const peer of JS_PEERS) {
  if (!wanted(peer.id)) continue;
  const res = runJsPeer(peer);
  if (res.status !== 'ok') log(`  ${peer.label}: ${res.status}: ${res.note}`);
  peerResults.push({ id: peer.id, label: peer.label, detail: peer.detail, status: res.status, note: res.note, results: res.results ?? {} });
}

const nativePrep = NATIVE_PEERS.some((p) => wanted(p.id)) ? prepareNative() : { peers: {}, info: {} };
for (const peer of NATIVE_PEERS) {
  if (!wanted(peer.id)) continue;
  log(`${peer.label}: ${peer.detail}`);
  const prep = nativePrep.peers[peer.id];
  const entry = { id: peer.id, label: peer.label, detail: peer.detail, status: 'ok', note: prep.note, results: {} };
  if (prep.error) {
    entry.status = 'skipped';
    entry.note = prep.error;
    log(`  ${peer.label}: skipped: ${prep.error}`);
  } else {
    try {
      for (const s of streams) {
        const runs = [];
        for (let i = 0; i < opts.warmup + opts.runs; i++) {
          const r = runNative(prep, streamFile, s.name);
          const res = { ops: r.ops, ns: r.ns, opsPerSec: r.ops / (r.ns / 1e9), complete: r.ops === s.sizes.length, nulls: r.nulls, phases: r.phases };
          // bench-pymalloc reports how many blocks pymalloc gained over the
          // malloc-only first phase: anything but one per malloc means
          // PyObject_Malloc was not pymalloc.
          if (r.phase1BlocksDelta >= 0 && r.phase1BlocksDelta !== s.split - r.nulls) {
            throw new Error(`PyObject_Malloc is not pymalloc here (pymalloc gained ${r.phase1BlocksDelta} blocks over ${s.split} mallocs)`);
          }
          const warm = i < opts.warmup;
          log(`  ${peer.label} ${s.name} ${warm ? 'warm-up' : `run ${i - opts.warmup + 1}`}: ${(res.opsPerSec / 1e6).toFixed(2)} M ops/s${res.nulls ? `, ${res.nulls} NULLs` : ''}`);
          if (!warm) runs.push(res);
        }
        entry.results[s.name] = { best: runs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a)), runs };
      }
    } catch (e) {
      entry.status = 'error';
      entry.note = e instanceof Error ? e.message : String(e);
      log(`  ${peer.label}: error: ${entry.note}`);
    }
  }
  peerResults.push(entry);
}

rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------- report

const mops = (x) => (x / 1e6).toFixed(2);
const rate = (ops, ns) => {
  const x = ops / (ns / 1e9);
  return x >= 1e5 ? `${mops(x)} M ops/s` : `${Math.round(x).toLocaleString('en-US')} ops/s`;
};
const best = (id, stream) => peerResults.find((p) => p.id === id && p.status === 'ok')?.results[stream]?.best;

const ratios = {};
for (const s of streams) {
  const a = best('arena', s.name);
  const p = best('pymalloc', s.name);
  ratios[s.name] = a && p ? a.opsPerSec / p.opsPerSec : null;
}

function cell(peer, stream) {
  if (peer.status !== 'ok') return peer.status;
  const b = peer.results[stream]?.best;
  if (!b) return 'n/a';
  return `${mops(b.opsPerSec)}${b.complete ? '' : ' p'}${b.nulls ? ' !' : ''}`;
}

const header = ['stream', ...peerResults.map((p) => p.label), 'arena/pymalloc'];
const rows = streams.map((s) => [
  `${s.name} (${(s.sizes.length / 1e6).toFixed(1)}M ops)`,
  ...peerResults.map((p) => cell(p, s.name)),
  ratios[s.name] === null ? '-' : `${ratios[s.name].toFixed(2)}x`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');

const wallSeconds = (performance.now() - started) / 1000;
const out = [];
out.push('', '@pymem/arena allocator benchmark', machineLine);
out.push(`streams: seed ${opts.seed}, sha256 ${streamsSha256.slice(0, 16)}${opts.quick ? ', --quick (1/10 size: not for comparison)' : ''}`);
for (const s of streamMeta) out.push(`  ${s.name}: ${s.description}`);
out.push(`  op = one malloc or one free; B/C mix: ${SMALL_MIX.map((m) => `${m.percent} % ${m.lo}..${m.hi} B`).join(', ')}; C adds ${LARGE_PERCENT} % ${LARGE.lo}..${LARGE.hi} B`);
out.push('', `M ops/s (higher is better), best of ${opts.runs} timed runs after ${opts.warmup} warm-up run(s); each run starts from a fresh allocator; a run stops at ${opts.cap} s`, '');
out.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('-+-'));
for (const r of rows) out.push(fmt(r));
out.push('');
for (const p of peerResults) {
  out.push(`${p.label}: ${p.detail}${p.status !== 'ok' ? ` -- ${p.status.toUpperCase()}: ${String(p.note)}` : p.note ? ` (${p.note})` : ''}`);
  for (const s of streams) {
    const b = p.results[s.name]?.best;
    if (!b) continue;
    if (!b.complete) {
      const ph = b.phases.map((x, i) => `${s.phases[i]}: ${x.ops.toLocaleString('en-US')} ops at ${rate(x.ops, x.ns)}`).join('; ');
      out.push(`  p = partial on ${s.name}: stopped at the ${opts.cap} s cap after ${b.ops.toLocaleString('en-US')} of ${s.sizes.length.toLocaleString('en-US')} ops (${ph}); ops/s is over the ops done; 1 timed run (a capped run is not repeated)`);
    }
    if (b.nulls) out.push(`  ! = ${b.nulls} mallocs returned NULL on ${s.name}`);
  }
}
if (peerResults.some((p) => p.id === 'uint8array')) out.push('new Uint8Array: garbage collection runs as it happens inside the timed loop and is included.');
out.push('arena/pymalloc = @pymem/arena ops/s divided by CPython pymalloc (native) ops/s.');
out.push('', 'Replay throughput of the real CPython captures: `pnpm --filter @pymem/cli bench` (part of `pnpm bench`).');
const loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
out.push('', `bench wall time: ${wallSeconds.toFixed(1)} s; load average (1/5/15 min) at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadEnd} on ${machine.cores} cores`);

const slim = (r) => ({ opsPerSec: Math.round(r.opsPerSec), ops: r.ops, ns: r.ns, complete: r.complete, nulls: r.nulls, phases: r.phases });
const json = {
  machine,
  toolchain: nativePrep.info,
  config: { seed: opts.seed, scale, runs: opts.runs, warmup: opts.warmup, capSeconds: opts.cap, warmupCapSeconds: opts.warmupCap, streamsSha256 },
  streams: streamMeta,
  peers: peerResults.map((p) => ({
    id: p.id,
    label: p.label,
    detail: p.detail,
    status: p.status,
    ...(p.note ? { note: p.note } : {}),
    results: Object.fromEntries(Object.entries(p.results).map(([k, v]) => [k, { best: slim(v.best), runsOpsPerSec: v.runs.map((r) => Math.round(r.opsPerSec)) }])),
  })),
  arenaToPymalloc: ratios,
  wallSeconds: Math.round(wallSeconds * 10) / 10,
};
const resultsDir = join(packageDir, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
out.push('', 'JSON (also in packages/arena/bench-results/latest.json):', JSON.stringify(json, null, 2));
process.stdout.write(`${out.join('\n')}\n`);
