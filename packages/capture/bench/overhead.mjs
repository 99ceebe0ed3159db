// The capture's overhead: wall time of a json round-trip workload
// (bench/json_roundtrip.py) run untraced, under the capture library as
// `pymem capture` runs it, and as `pymem capture --stacks` runs it. Best of
// BENCH_RUNS (5) runs each, the modes interleaved in the same session.
// `pnpm --filter @pymem/capture bench` (turbo builds first). Prints the
// machine line, a table and the figures as JSON on stdout.
//
// Environment: BENCH_RUNS (5), BENCH_ROUNDS (round trips per run, 3000:
// about 1.3 s untraced on a 2-core Xeon), BENCH_PYTHON (python3).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRawCapture } from '@pymem/trace';
import { buildCaptureLibrary, checkCaptureSupport, pythonHelperDir, pythonStacksDir } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3000);
const script = join(here, 'json_roundtrip.py');
const log = (s) => process.stderr.write(`${s}\n`);

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const cpu = /^model name\s*:\s*(.+)$/m.exec(readText('/proc/cpuinfo'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
const osName = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readText('/etc/os-release'))?.[1] ?? os.type();
const load = os.loadavg().map((x) => x.toFixed(2));

let support;
try {
  support = await checkCaptureSupport(process.env.BENCH_PYTHON ?? 'python3');
} catch (e) {
  // A machine that cannot capture (no gcc, no shared libpython) skips this benchmark.
  log(`capture overhead: skipped: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(0);
}
const lib = await buildCaptureLibrary(support);
const python = support.python.executable;
const machineLine = `machine: ${cpu} | ${os.cpus().length} cores | ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM | ${osName} (${os.type()} ${os.release()} ${os.arch()}) | Node ${process.version} | CPython ${support.python.version.join('.')} | load ${load.join(' ')} | ${new Date().toISOString()}`;

const tmp = mkdtempSync(join(os.tmpdir(), 'pymem-capture-bench-'));
const out = join(tmp, 'run.bin');
const stats = join(tmp, 'run.stats.txt');
const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PYMEM_CAPTURE_') && k !== 'LD_PRELOAD'));

/** The environment `capture()` gives the traced program (src/node/run.ts). */
function tracedEnv(stacks) {
  const env = { ...base, LD_PRELOAD: lib.path, PYMEM_CAPTURE_OUT: out, PYMEM_CAPTURE_STATS: stats };
  const path = [pythonHelperDir(), ...(base.PYTHONPATH ? [base.PYTHONPATH] : [])];
  if (stacks) {
    env.PYMEM_CAPTURE_STACKS = '1';
    path.unshift(pythonStacksDir());
  }
  env.PYTHONPATH = path.join(':');
  return env;
}

const modes = [
  { id: 'untraced', label: 'untraced', env: base },
  { id: 'capture', label: 'pymem capture', env: tracedEnv(false) },
  { id: 'stacks', label: 'pymem capture --stacks', env: tracedEnv(true) },
];

function runOnce(mode) {
  rmSync(out, { force: true });
  rmSync(stats, { force: true });
  const t0 = performance.now();
  const r = spawnSync(python, [script, String(rounds)], { env: mode.env, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${mode.label}: ${python} exited with ${r.status}: ${r.stderr}`);
  return { wall, loop: Number(r.stdout.trim()) };
}

log(machineLine);
log(`capture overhead: ${rounds} json round trips, best of ${runs} runs per mode, interleaved`);
const results = Object.fromEntries(modes.map((m) => [m.id, { wall: [], loop: [], records: 0, bytes: 0 }]));
runOnce(modes[0]); // warm the page cache
for (let i = 0; i < runs; i++) {
  for (const mode of modes) {
    const r = runOnce(mode);
    const into = results[mode.id];
    into.wall.push(r.wall);
    into.loop.push(r.loop);
    if (mode.id !== 'untraced' && i === runs - 1) {
      const bytes = new Uint8Array(readFileSync(out));
      into.records = decodeRawCapture(bytes, () => undefined).records;
      into.bytes = statSync(out).size;
    }
    log(`  run ${i + 1}/${runs} ${mode.label.padEnd(24)} ${r.wall.toFixed(3)} s wall, ${r.loop.toFixed(3)} s in the loop`);
  }
}
rmSync(tmp, { recursive: true, force: true });

const best = (xs) => Math.min(...xs);
const baseWall = best(results.untraced.wall);
const baseLoop = best(results.untraced.loop);
const rows = modes.map((m) => {
  const r = results[m.id];
  const wall = best(r.wall);
  const loop = best(r.loop);
  return {
    mode: m.label,
    wallSeconds: Number(wall.toFixed(3)),
    wallOverheadPercent: Number(((wall / baseWall - 1) * 100).toFixed(1)),
    loopSeconds: Number(loop.toFixed(3)),
    loopOverheadPercent: Number(((loop / baseLoop - 1) * 100).toFixed(1)),
    records: r.records,
    bytes: r.bytes,
  };
});

const pct = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(24) : String(c).padStart(12))).join('  ').trimEnd();
console.log(machineLine);
console.log(`capture overhead: ${rounds} json round trips (bench/json_roundtrip.py), best of ${runs} runs per mode`);
console.log(line(['mode', 'wall s', 'overhead', 'loop s', 'overhead', 'records', 'bytes']));
for (const r of rows) {
  const traced = r.records > 0;
  console.log(line([r.mode, r.wallSeconds.toFixed(3), traced ? pct(r.wallOverheadPercent) : '', r.loopSeconds.toFixed(3), traced ? pct(r.loopOverheadPercent) : '', traced ? r.records.toLocaleString('en-US') : '', traced ? r.bytes.toLocaleString('en-US') : '']));
}
console.log(JSON.stringify({ machine: machineLine, rounds, runs, library: lib.path, rows }, null, 2));
