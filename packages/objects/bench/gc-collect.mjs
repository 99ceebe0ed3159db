// The object model's hot paths against named peers, in one run:
// - incref + decref pairs per second on a live list, next to the floor a
//   typed-array count can reach (a bare Uint32Array ++/--);
// - building a ring of N lists (each holds the next, the last the first)
//   and its full collection, next to CPython (`python3`) building and
//   collecting the same ring. Model and CPython runs alternate, so load on
//   the machine falls on both.
// Run after a build: `pnpm --filter @pymem/objects bench` (`--runs=N`,
// `N=...` for the ring size). Prints a table, then JSON (also written to
// bench-results/gc-collect.json).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ObjectSpace } from '../dist/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.env.N ?? 1_000_000);
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const RUNS = runsArg === undefined ? 5 : Number(runsArg.slice(7));
const PAIRS = 20_000_000;

function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return `${cpu.trim()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load ${load}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Seconds for PAIRS incref + decref of one list through the space's API. */
function modelRefcounts() {
  const vm = new ObjectSpace();
  const x = vm.list();
  const t = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    vm.incref(x);
    vm.decref(x);
  }
  const s = (performance.now() - t) / 1000;
  if (vm.refcount(x) !== 1) throw new Error(`refcount ${vm.refcount(x)} after balanced pairs`);
  return s;
}

/** Seconds for PAIRS ++/-- of a count in a Uint32Array (what a refcount in heap memory costs at least). */
function floorRefcounts() {
  const u32 = new Uint32Array(1 << 16);
  const at = 4096;
  u32[at] = 1;
  const t = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    u32[at] = u32[at] + 1;
    u32[at] = u32[at] - 1;
  }
  const s = (performance.now() - t) / 1000;
  if (u32[at] !== 1) throw new Error('floor count drifted');
  return s;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** [buildMs, collectMs, collectCpuMs] of the ring in the model. */
function modelRing() {
  const vm = new ObjectSpace();
  vm.gc.disable();
  const t0 = performance.now();
  const first = vm.list();
  let prev = first;
  vm.incref(prev);
  for (let i = 1; i < N; i++) {
    const l = vm.list();
    vm.listAppend(prev, l);
    vm.decref(prev);
    prev = l;
  }
  vm.listAppend(prev, first);
  vm.decref(prev);
  vm.decref(first);
  const c1 = cpuMs();
  const t1 = performance.now();
  const n = vm.gc.collect();
  const t2 = performance.now();
  const c2 = cpuMs();
  if (n !== N) throw new Error(`model collected ${n}, expected ${N}`);
  return [t1 - t0, t2 - t1, c2 - c1];
}

const py = `
import gc, time
gc.disable()
N = ${N}
t0 = time.perf_counter()
first = []; prev = first
for i in range(1, N):
    l = []; prev.append(l); prev = l
prev.append(first); del prev, first, l
c1 = time.process_time(); t1 = time.perf_counter(); n = gc.collect(); t2 = time.perf_counter(); c2 = time.process_time()
assert n == N, n
print((t1 - t0) * 1000, (t2 - t1) * 1000, (c2 - c1) * 1000)
`;

function pythonRing() {
  try {
    return execFileSync('python3', ['-c', py], { encoding: 'utf8' }).trim().split(' ').map(Number);
  } catch {
    return undefined;
  }
}

const pyVersion = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();

const best = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// warm-up (JIT), then alternate
modelRefcounts();
floorRefcounts();
modelRing();
const ref = { model: [], floor: [] };
const ring = { model: { build: [], collect: [], collectCpu: [] }, python: { build: [], collect: [], collectCpu: [] } };
for (let r = 0; r < RUNS; r++) {
  ref.model.push(modelRefcounts());
  ref.floor.push(floorRefcounts());
  const [mb, mc, mcpu] = modelRing();
  ring.model.build.push(mb);
  ring.model.collect.push(mc);
  ring.model.collectCpu.push(mcpu);
  const p = pythonRing();
  if (p !== undefined) {
    ring.python.build.push(p[0]);
    ring.python.collect.push(p[1]);
    ring.python.collectCpu.push(p[2]);
  }
}

const rows = [
  { what: 'incref + decref pairs', who: '@pymem/objects', perSecond: Math.round(PAIRS / best(ref.model)), unit: 'pairs/s' },
  { what: 'incref + decref pairs', who: 'Uint32Array ++/-- (floor)', perSecond: Math.round(PAIRS / best(ref.floor)), unit: 'pairs/s' },
  { what: `build a ${N}-list ring`, who: '@pymem/objects', bestMs: best(ring.model.build), medianMs: median(ring.model.build) },
  { what: `gc.collect() of the ring`, who: '@pymem/objects', bestMs: best(ring.model.collect), medianMs: median(ring.model.collect) },
  { what: `gc.collect(), CPU time`, who: '@pymem/objects', bestMs: best(ring.model.collectCpu), medianMs: median(ring.model.collectCpu) },
];
if (ring.python.collect.length > 0) {
  rows.push(
    { what: `build a ${N}-list ring`, who: `CPython ${pyVersion}`, bestMs: best(ring.python.build), medianMs: median(ring.python.build) },
    { what: `gc.collect() of the ring`, who: `CPython ${pyVersion}`, bestMs: best(ring.python.collect), medianMs: median(ring.python.collect) },
    { what: `gc.collect(), CPU time`, who: `CPython ${pyVersion}`, bestMs: best(ring.python.collectCpu), medianMs: median(ring.python.collectCpu) },
  );
}
const ratio =
  ring.python.collect.length > 0
    ? {
        best: best(ring.model.collect) / best(ring.python.collect),
        median: median(ring.model.collect) / median(ring.python.collect),
        perRun: ring.model.collect.map((m, i) => m / ring.python.collect[i]),
        cpuBest: best(ring.model.collectCpu) / best(ring.python.collectCpu),
        cpuMedian: median(ring.model.collectCpu) / median(ring.python.collectCpu),
      }
    : undefined;

const lines = [`machine: ${machine()}`, `best and median of ${RUNS} runs (after one warm-up), model and CPython runs alternating`, ''];
lines.push('what                           who                               best        median');
for (const r of rows) {
  const who = r.who.padEnd(32);
  if (r.perSecond !== undefined) lines.push(`${r.what.padEnd(30)} ${who} ${(r.perSecond / 1e6).toFixed(1).padStart(7)} M/s`);
  else lines.push(`${r.what.padEnd(30)} ${who} ${r.bestMs.toFixed(0).padStart(7)} ms  ${r.medianMs.toFixed(0).padStart(7)} ms`);
}
if (ratio !== undefined) {
  lines.push('', `collection, model / CPython: ${ratio.best.toFixed(2)}x best, ${ratio.median.toFixed(2)}x median (per run: ${ratio.perRun.map((x) => x.toFixed(2)).join(' ')})`);
  lines.push(`collection CPU time, model / CPython: ${ratio.cpuBest.toFixed(2)}x best, ${ratio.cpuMedian.toFixed(2)}x median (the model's includes V8's own threads)`);
}
else lines.push('', 'python3 not found: no CPython peer');
const json = { machine: machine(), runs: RUNS, ringSize: N, pairs: PAIRS, rows, ratio, raw: { ref, ring } };
console.log(lines.join('\n'));
console.log(JSON.stringify(json, null, 2));
const outDir = join(here, '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'gc-collect.json'), `${JSON.stringify(json, null, 2)}\n`);
