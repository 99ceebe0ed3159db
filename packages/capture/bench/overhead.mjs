// The capture's overhead: wall time of a json round-trip workload
// (bench/json_roundtrip.py) run untraced and traced, as `pymem capture`
// runs it, next to named peers in the same session:
//
//   untraced                 the baseline
//   pymem capture            the capture library as shipped (whole blocks
//                            written with O_DIRECT)
//   page-cache writes        the same library writing through the page cache
//                            (PYMEM_CAPTURE_DIRECT=0, capture({ directWrites: false }))
//   pymem capture --stacks   with the Python stack of every request
//   hooks forward only       a build of the library whose hooks only forward
//                            each request (-DPYMEM_CAPTURE_UNTIL=1)
//   staged, not written      a build that stages the records and moves them
//                            into its buffers, but drops full buffers instead
//                            of writing them (-DPYMEM_CAPTURE_UNTIL=2)
//
// The last two say where the time goes: the call itself, then the records,
// then (the difference to the page-cache row) writing them.
//
// Runs are interleaved: each round runs every mode once, in an order that
// rotates from round to round, so that a busy moment of a shared machine
// falls on all of them alike. A mode's overhead is the median, over the
// rounds, of its wall time divided by the untraced run of the same round;
// the spread is the lowest and highest of those ratios.
//
// `CPU s`: the process's user + system time; `read back s`: readCaptureBack()
// of the capture, as capture() does after the run.
//
// `pnpm --filter @pymem/capture bench` (turbo builds first). Prints the
// machine line and a table on stderr and stdout, and the figures as JSON on
// stdout.
//
// Environment: BENCH_RUNS (rounds, 15), BENCH_ROUNDS (round trips per run,
// 3000: about 1.2 s untraced on a 2-core EPYC), BENCH_PYTHON (python3).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCaptureLibrary, captureSourcePath, checkCaptureSupport, compileArgs, pythonHelperDir, pythonStacksDir, readCaptureBack } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
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
const loadNow = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = loadNow();

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

const tmp = mkdtempSync(join(os.tmpdir(), 'pymem-capture-bench-'));
const out = join(tmp, 'run.bin');
const stats = join(tmp, 'run.stats.txt');
const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PYMEM_CAPTURE_') && k !== 'LD_PRELOAD'));

/** A build of the library that stops at stage `until` (see the top of c/pymem_capture.c). */
function stageLibrary(until) {
  const path = join(tmp, `pymem_capture-until-${until}.so`);
  execFileSync(support.compiler.command, [`-DPYMEM_CAPTURE_UNTIL=${until}`, ...compileArgs(support, captureSourcePath(), path)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return path;
}

/** The environment `capture()` gives the traced program (src/node/run.ts). */
function tracedEnv({ stacks = false, direct = true, library = lib.path } = {}) {
  const env = { ...base, LD_PRELOAD: library, PYMEM_CAPTURE_OUT: out, PYMEM_CAPTURE_STATS: stats };
  const path = [pythonHelperDir(), ...(base.PYTHONPATH ? [base.PYTHONPATH] : [])];
  if (stacks) {
    env.PYMEM_CAPTURE_STACKS = '1';
    path.unshift(pythonStacksDir());
  }
  if (!direct) env.PYMEM_CAPTURE_DIRECT = '0';
  env.PYTHONPATH = path.join(':');
  return env;
}

const modes = [
  { id: 'untraced', label: 'untraced', env: base },
  { id: 'capture', label: 'pymem capture', env: tracedEnv() },
  { id: 'pageCache', label: 'page-cache writes', env: tracedEnv({ direct: false }) },
  { id: 'stacks', label: 'pymem capture --stacks', env: tracedEnv({ stacks: true }) },
  { id: 'forwardOnly', label: 'hooks forward only', env: tracedEnv({ direct: false, library: stageLibrary(1) }), stage: true },
  { id: 'staged', label: 'staged, not written', env: tracedEnv({ direct: false, library: stageLibrary(2) }), stage: true },
];

async function runOnce(mode) {
  rmSync(out, { force: true });
  rmSync(stats, { force: true });
  const t0 = performance.now();
  const r = spawnSync(python, [script, String(rounds)], { env: mode.env, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${mode.label}: ${python} exited with ${r.status}: ${r.stderr}`);
  const [loop, cpuSeconds] = r.stdout.trim().split(' ').map(Number);
  // The stage builds' files are not whole captures: nothing to read back.
  if (mode.id === 'untraced' || mode.stage === true) return { wall, loop, cpu: cpuSeconds, read: 0, records: 0, bytes: 0 };
  // What capture() does next: read the whole capture back (from the page cache, or
  // from the disk after O_DIRECT writes).
  const t1 = performance.now();
  const back = await readCaptureBack(out);
  const read = (performance.now() - t1) / 1000;
  return { wall, loop, cpu: cpuSeconds, read, records: back.records, bytes: back.bytes };
}

log(`capture overhead: ${rounds} json round trips, ${runs} interleaved rounds of ${modes.length} modes (load ${loadBefore})`);
const results = Object.fromEntries(modes.map((m) => [m.id, { wall: [], loop: [], cpu: [], read: [], records: 0, bytes: 0 }]));
await runOnce(modes[0]); // warm the page cache
for (let i = 0; i < runs; i++) {
  for (let j = 0; j < modes.length; j++) {
    const mode = modes[(i + j) % modes.length];
    const r = await runOnce(mode);
    const into = results[mode.id];
    into.wall.push(r.wall);
    into.loop.push(r.loop);
    into.cpu.push(r.cpu);
    into.read.push(r.read);
    into.records = r.records;
    into.bytes = r.bytes;
    log(`  round ${i + 1}/${runs} ${mode.label.padEnd(24)} ${r.wall.toFixed(3)} s wall, ${r.loop.toFixed(3)} s in the loop, ${r.cpu.toFixed(3)} s CPU, ${r.read.toFixed(3)} s to read back`);
  }
}
rmSync(tmp, { recursive: true, force: true });
const loadAfter = loadNow();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (ratio) => Number(((ratio - 1) * 100).toFixed(1));
/** Per round, this mode's figure over the untraced one of the same round. */
const ratios = (id, key) => results[id][key].map((x, i) => x / results.untraced[key][i]);
const rows = modes.map((m) => {
  const r = results[m.id];
  const wallRatios = ratios(m.id, 'wall');
  return {
    mode: m.label,
    wallSeconds: Number(median(r.wall).toFixed(3)),
    wallOverheadPercent: pct(median(wallRatios)),
    wallOverheadLowPercent: pct(Math.min(...wallRatios)),
    wallOverheadHighPercent: pct(Math.max(...wallRatios)),
    loopOverheadPercent: pct(median(ratios(m.id, 'loop'))),
    cpuSeconds: Number(median(r.cpu).toFixed(3)),
    cpuOverheadPercent: pct(median(ratios(m.id, 'cpu'))),
    readBackSeconds: Number(median(r.read).toFixed(3)),
    records: r.records,
    bytes: r.bytes,
    traced: m.id !== 'untraced',
  };
});

const machineLine = `machine: ${cpu} | ${os.cpus().length} cores | ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM | ${osName} (${os.type()} ${os.release()} ${os.arch()}) | Node ${process.version} | CPython ${support.python.version.join('.')} | load ${loadBefore} before, ${loadAfter} after | ${new Date().toISOString()}`;
const sign = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(24) : String(c).padStart(i === 3 ? 20 : 11))).join('  ').trimEnd();
console.log(machineLine);
console.log(`capture overhead: ${rounds} json round trips (bench/json_roundtrip.py), ${runs} interleaved rounds; overhead = median over the rounds of (mode / untraced in the same round), spread = lowest .. highest`);
console.log(line(['mode', 'wall s', 'overhead', 'spread', 'loop', 'CPU s', 'CPU', 'read back s', 'records', 'bytes']));
for (const r of rows) {
  const traced = r.traced;
  const whole = r.records > 0;
  console.log(
    line([
      r.mode,
      r.wallSeconds.toFixed(3),
      traced ? sign(r.wallOverheadPercent) : '',
      traced ? `${sign(r.wallOverheadLowPercent)} .. ${sign(r.wallOverheadHighPercent)}` : '',
      traced ? sign(r.loopOverheadPercent) : '',
      r.cpuSeconds.toFixed(3),
      traced ? sign(r.cpuOverheadPercent) : '',
      whole ? r.readBackSeconds.toFixed(3) : '',
      whole ? r.records.toLocaleString('en-US') : '',
      whole ? r.bytes.toLocaleString('en-US') : '',
    ]),
  );
}
console.log(JSON.stringify({ machine: machineLine, rounds, runs, library: lib.path, rows, samples: Object.fromEntries(modes.map((m) => [m.id, results[m.id]])) }, null, 2));
