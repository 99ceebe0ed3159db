// `pnpm bench` entry of @pymem/cli: the pymem trace format on the shared
// real captures after `pymem import` (format 1.1 with allocation domains,
// checkpoints every 64 events chunks, the default): bytes per event of the
// .pymem file with deflate-raw and stored chunks, next to plain and gzip'd
// JSONL of the same trace (its lossless text form) as baselines; the decode
// speed of the .pymem files (every events chunk through readTrace, one
// refilled batch) with zlib's CRC-32 and inflate (what `@pymem/trace/node`
// installs) and with the portable code alone (browsers); and the peak RSS of
// summarizeTrace on a synthetic 100 M-event trace streamed from a file in a
// child process. Prints a table and JSON (also written to
// bench-results/trace-format.json).
//
//   node --max-old-space-size=6144 bench/trace-format.mjs [--runs=3]
//   PYMEM_BENCH_SYNTHETIC_EVENTS=10000000 (fewer synthetic events; 0 skips them)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as traceModule from '@pymem/trace';
import { MemorySink, parseStatsFile, toJsonl } from '@pymem/trace';
import { openRawCapture, traceFileSink } from '@pymem/trace/node';
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

/**
 * Decode speed of a trace in a fresh child process (as `pymem` would read a file, and away from
 * this process's heap, which holds the imports and the JSONL baselines): `readTrace` with one
 * refilled batch, after a warm-up of at least one run and 5 M events, best of `runs`; wall time
 * and the CPU time of the child (single-threaded), with zlib's CRC-32 and inflate installed by
 * the node entry, or with the portable code only.
 */
function decodeBest(bytes, portable = false) {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-decode-'));
  const path = join(dir, 't.pymem');
  writeFileSync(path, bytes);
  const script = [
    "import { readFileSync } from 'node:fs';",
    "import { readTrace, setTracePlatform } from '@pymem/trace';",
    "import '@pymem/trace/node';",
    "if (process.env.PYMEM_PORTABLE === '1') setTracePlatform({});",
    'const bytes = readFileSync(process.env.PYMEM_TRACE);',
    'const runs = Number(process.env.PYMEM_RUNS);',
    'let best = Infinity, bestCpu = Infinity, events = 0, warm = 1;',
    'for (let r = 0; r < warm + runs; r++) {',
    '  const c = process.cpuUsage();',
    '  const t = performance.now();',
    '  let n = 0;',
    '  for await (const b of readTrace(bytes, { reuseBatches: true })) n += b.length;',
    '  const s = (performance.now() - t) / 1000;',
    '  const cpu = process.cpuUsage(c);',
    '  events = n;',
    '  if (r === 0) warm = Math.max(1, Math.ceil(5e6 / Math.max(1, n)));',
    '  else if (r >= warm) { best = Math.min(best, s); bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6); }',
    '}',
    'console.log(JSON.stringify({ events, seconds: best, cpuSeconds: bestCpu }));',
  ].join('\n');
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(here, '..'),
      env: { ...process.env, PYMEM_TRACE: path, PYMEM_RUNS: String(runs), PYMEM_PORTABLE: portable ? '1' : '0' },
      encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').at(-1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  const dDeflate = decodeBest(deflate.bytes);
  const dNone = decodeBest(none.bytes);
  const dNonePortable = decodeBest(none.bytes, true);
  const dDeflatePortable = decodeBest(deflate.bytes, true);
  const jsonl = Buffer.from(await toJsonl(deflate.bytes));
  const jsonlGzBytes = gzipSync(jsonl);
  const jsonlGz = jsonlGzBytes.length;
  // The baselines decoded: every line through JSON.parse (after gunzip for JSONL.gz); one run each.
  const parseJsonl = (buf) => {
    const t = performance.now();
    const text = buf.toString('utf8');
    let n = 0;
    for (let at = 0; at < text.length; ) {
      let nl = text.indexOf('\n', at);
      if (nl < 0) nl = text.length;
      if (nl > at && JSON.parse(text.slice(at, nl)).seq !== undefined) n++;
      at = nl + 1;
    }
    return { n, seconds: (performance.now() - t) / 1000 };
  };
  const pj = parseJsonl(jsonl);
  const tgz = performance.now();
  const pgz = parseJsonl(gunzipSync(jsonlGzBytes));
  const gzSeconds = (performance.now() - tgz) / 1000;
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
    decodeEventsPerCpuSecondDeflate: Math.round(dDeflate.events / dDeflate.cpuSeconds),
    decodeEventsPerCpuSecondNone: Math.round(dNone.events / dNone.cpuSeconds),
    decodeEventsPerCpuSecondDeflatePortable: Math.round(dDeflatePortable.events / dDeflatePortable.cpuSeconds),
    decodeEventsPerCpuSecondNonePortable: Math.round(dNonePortable.events / dNonePortable.cpuSeconds),
    decodeEventsPerSecondDeflatePortable: Math.round(dDeflatePortable.events / dDeflatePortable.seconds),
    decodeEventsPerSecondNonePortable: Math.round(dNonePortable.events / dNonePortable.seconds),
    decodeEventsPerSecondJsonlGzip: Math.round(pgz.n / gzSeconds),
    decodeEventsPerSecondJsonl: Math.round(pj.n / pj.seconds),
  });
}

// ---- Peak memory of summarizeTrace on a synthetic 100 M-event trace ----
// A synthetic allocator trace (format 1.1, deflate-raw, checkpoints every 64 events chunks) is
// streamed to a temporary file, never held in memory; a child process summarizes it from a file
// stream and reports its peak RSS. PYMEM_BENCH_SYNTHETIC_EVENTS scales it (0 skips it).

const SYN_EVENTS = Number(process.env.PYMEM_BENCH_SYNTHETIC_EVENTS ?? 100_000_000);

/**
 * Writes `n` events to `path`: about 100,000 live blocks at any time; per step a free (of one of
 * the 1,024 newest blocks, or of any), a realloc (in place when pymalloc keeps the block, as a
 * realloc_class when the block keeps a bigger class), a calloc, a large malloc or a malloc (sizes
 * skewed to small classes); pools filled block by block in 64 arenas of 64 pools (pool_init,
 * pool_full, arena_alloc on first use), domains 85 % OBJ, a mark every million events.
 */
async function writeSyntheticTrace(path, n) {
  const K = traceModule;
  let seed = 0x9e3779b9;
  const rnd = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const CAP = 1 << 18;
  const TARGET = 100_000;
  const lid = new Float64Array(CAP);
  const lsize = new Float64Array(CAP);
  const lcls = new Int16Array(CAP); // -1: large
  const larena = new Int32Array(CAP);
  const lpool = new Int32Array(CAP);
  const lblock = new Int32Array(CAP);
  const ldomain = new Uint8Array(CAP);
  let count = 0;
  const classes = 32;
  const curPool = new Int32Array(classes).fill(-1);
  const curBlock = new Int32Array(classes);
  const arenaUsed = new Uint8Array(64);
  let nextPool = 0;
  let nextId = 0;
  let marks = 0;
  const w = new K.TraceWriter(traceFileSink(path), {
    header: { writer: 'pymem bench (synthetic)', pythonVersion: 0x030b07f0, requiredFeatures: K.FEATURE_DOMAINS | K.FEATURE_REALLOC_CLASS },
    codec: 'deflate-raw',
    checkpointEvery: 64,
    checkpoint: () => {
      const blocks = [];
      for (let r = 0; r < count; r++) {
        const large = lcls[r] < 0;
        blocks.push({ id: lid[r], size: lsize[r], large, cls: large ? 0 : lcls[r], arena: large ? 0 : larena[r], pool: large ? 0 : lpool[r], block: large ? 0 : lblock[r], stack: 0 });
      }
      return { blocks, arenas: [], objects: [] };
    },
  });
  const label = w.string('step');
  const e = K.emptyEvent();
  const put = (kind) => {
    e.kind = kind;
    e.time = w.seq;
    w.append(e);
    e.id = e.oldId = e.size = e.oldSize = e.cls = e.arena = e.pool = e.block = e.count = e.value = e.extra = e.label = e.domain = 0;
  };
  // A block of class c: the next one of the class's pool (a new pool when it is full).
  const place = (c) => {
    const per = Math.floor((16384 - 48) / ((c + 1) * 16));
    if (curPool[c] < 0 || curBlock[c] >= per) {
      if (curPool[c] >= 0) {
        e.arena = curPool[c] >> 6;
        e.pool = curPool[c] & 63;
        e.cls = c;
        put(K.KIND_POOL_FULL);
      }
      const p = nextPool++ & 4095;
      if (arenaUsed[p >> 6] === 0) {
        arenaUsed[p >> 6] = 1;
        e.arena = p >> 6;
        e.value = 0x7f00_0000_0000 + (p >> 6) * (1 << 20);
        e.count = 64;
        put(K.KIND_ARENA_ALLOC);
      }
      e.arena = p >> 6;
      e.pool = p & 63;
      e.cls = c;
      put(K.KIND_POOL_INIT);
      curPool[c] = p;
      curBlock[c] = 0;
    }
    return curPool[c] * 65536 + curBlock[c]++;
  };
  const smallSize = () => 1 + Math.floor(rnd() ** 3 * 512);
  const remove = (r) => {
    count--;
    lid[r] = lid[count];
    lsize[r] = lsize[count];
    lcls[r] = lcls[count];
    larena[r] = larena[count];
    lpool[r] = lpool[count];
    lblock[r] = lblock[count];
    ldomain[r] = ldomain[count];
  };
  const add = (id, size, c, loc, domain) => {
    lid[count] = id;
    lsize[count] = size;
    lcls[count] = c;
    larena[count] = c < 0 ? 0 : Math.floor(loc / 65536) >> 6;
    lpool[count] = c < 0 ? 0 : Math.floor(loc / 65536) & 63;
    lblock[count] = c < 0 ? 0 : loc % 65536;
    ldomain[count] = domain;
    count++;
  };
  const locate = (loc) => {
    e.arena = Math.floor(loc / 65536) >> 6;
    e.pool = Math.floor(loc / 65536) & 63;
    e.block = loc % 65536;
  };
  while (w.seq < n) {
    if (w.seq > 0 && w.seq % 1_000_000 === 0 && marks < w.seq / 1_000_000) {
      marks++;
      e.value = marks;
      e.label = label;
      put(K.KIND_MARK);
      await w.drain();
      continue;
    }
    const u = rnd();
    const domain = rnd() < 0.85 ? 2 : 1;
    if (count > 0 && (count >= TARGET || u < 0.46)) {
      const r = rnd() < 0.7 ? count - 1 - Math.floor(rnd() * Math.min(1024, count)) : Math.floor(rnd() * count);
      e.id = lid[r];
      e.size = lsize[r];
      e.domain = ldomain[r];
      put(lcls[r] < 0 ? K.KIND_FREE_LARGE : K.KIND_FREE);
      remove(r);
    } else if (count > 0 && u < 0.51) {
      const r = Math.floor(rnd() * count);
      const old = lsize[r];
      const c = lcls[r];
      const size = rnd() < 0.5 ? Math.max(1, Math.floor(old * (0.7 + rnd() * 0.3))) : smallSize();
      const large = size > 512;
      e.oldId = lid[r];
      e.oldSize = old;
      e.size = size;
      e.domain = ldomain[r];
      const blockSize = (c + 1) * 16;
      if (c >= 0 && size <= blockSize && 4 * size > 3 * blockSize) {
        // pymalloc keeps the block: same id, same place, same class
        e.id = lid[r];
        e.arena = larena[r];
        e.pool = lpool[r];
        e.block = lblock[r];
        e.cls = c;
        lsize[r] = size;
        put(c === (size - 1) >> 4 ? K.KIND_REALLOC : K.KIND_REALLOC_CLASS);
      } else {
        const id = nextId++;
        const nc = large ? -1 : (size - 1) >> 4;
        const loc = large ? 0 : place(nc);
        e.oldId = lid[r];
        e.oldSize = old;
        e.size = size;
        e.domain = ldomain[r];
        e.id = id;
        if (!large) locate(loc);
        put(large ? K.KIND_REALLOC_LARGE : K.KIND_REALLOC);
        remove(r);
        add(id, size, nc, loc, e.domain);
      }
    } else if (u < 0.52) {
      const id = nextId++;
      const size = 513 + Math.floor(rnd() * 200_000);
      e.id = id;
      e.size = size;
      e.domain = domain;
      put(K.KIND_MALLOC_LARGE);
      add(id, size, -1, 0, domain);
    } else {
      const id = nextId++;
      const calloc = u < 0.55;
      const nelem = calloc ? 1 + Math.floor(rnd() * 8) : 0;
      const size = calloc ? nelem * 8 : smallSize();
      const c = (size - 1) >> 4;
      const loc = place(c);
      e.id = id;
      if (calloc) {
        e.count = nelem;
        e.value = 8;
      } else e.size = size;
      e.domain = domain;
      locate(loc);
      put(calloc ? K.KIND_CALLOC : K.KIND_MALLOC);
      add(id, size, c, loc, domain);
    }
  }
  await w.close();
  return w.seq;
}

/** Summarizes the trace at `path` in a child process: its events/s and peak RSS. */
function summarizeInChild(path) {
  const script = [
    "import { createReadStream } from 'node:fs';",
    "import { summarizeTrace } from '@pymem/trace';",
    "import '@pymem/trace/node';",
    'const t = performance.now();',
    'const s = await summarizeTrace(createReadStream(process.env.PYMEM_TRACE, { highWaterMark: 1 << 20 }));',
    'const seconds = (performance.now() - t) / 1000;',
    // Linux keeps ru_maxrss across exec, so a child's maxRSS is at least its parent's RSS at the fork
    // (this bench's, after the captures: about 1 GB); VmHWM is the peak of the child's own memory.
    "const hwm = /^VmHWM:\\s+(\\d+) kB/m.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'));",
    'const maxRss = process.resourceUsage().maxRSS * 1024;',
    "console.log(JSON.stringify({ events: s.events, seconds, peakRssBytes: hwm === null ? maxRss : Number(hwm[1]) * 1024, peakRssSource: hwm === null ? 'maxRSS' : 'VmHWM', maxRssBytes: maxRss, peakLiveBytes: s.peak.liveBytes, liveBlocksAtEnd: s.end.liveBlocks }));",
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(here, '..'), env: { ...process.env, PYMEM_TRACE: path }, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1));
}

let synthetic;
if (SYN_EVENTS > 0) {
  const tmp = mkdtempSync(join(tmpdir(), 'pymem-bench-'));
  const path = join(tmp, 'synthetic.pymem');
  try {
    const t = performance.now();
    const events = await writeSyntheticTrace(path, SYN_EVENTS);
    const writeSeconds = (performance.now() - t) / 1000;
    const fileBytes = statSync(path).size;
    const s = summarizeInChild(path);
    synthetic = { events, fileBytes, bytesPerEvent: fileBytes / events, writeSeconds, summarizeSeconds: s.seconds, summarizeEventsPerSecond: Math.round(s.events / s.seconds), peakRssBytes: s.peakRssBytes, peakRssSource: s.peakRssSource, maxRssBytes: s.maxRssBytes, peakLiveBytes: s.peakLiveBytes, liveBlocksAtEnd: s.liveBlocksAtEnd };
    if (s.events !== events) throw new Error(`the summary saw ${s.events} events, ${events} were written`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const f2 = (x) => x.toFixed(2).padStart(7);
const lines = [
  `machine: ${machine()}`,
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
  `pymem trace format 1.1 on the shared CPython 3.11.7 captures after pymem import (checkpoints every 64 events chunks); decode: readTrace in a fresh child process, best of ${runs} after a warm-up of at least 5 M events; zlib = CRC-32 and inflate of node:zlib (@pymem/trace/node), js = portable code only; JSONL: JSON.parse of every line, one run`,
  '',
  '                       bytes/event                          decode M events/s',
  'capture       events  .pymem deflate  .pymem none  JSONL.gz   JSONL   deflate  none  deflate(js) none(js)  JSONL.gz  JSONL',
];
const M1 = (x, w) => (x / 1e6).toFixed(1).padStart(w);
for (const r of rows) {
  if (r.skipped) lines.push(`${r.name.padEnd(11)} skipped: ${r.skipped}`);
  else
    lines.push(
      `${r.name.padEnd(11)} ${String(r.events).padStart(8)}  ${f2(r.bytesPerEventDeflate)}        ${f2(r.bytesPerEventNone)}     ${f2(r.bytesPerEventJsonlGzip)} ${f2(r.bytesPerEventJsonl)}  ${M1(r.decodeEventsPerSecondDeflate, 7)} ${M1(r.decodeEventsPerSecondNone, 5)} ${M1(r.decodeEventsPerSecondDeflatePortable, 12)} ${M1(r.decodeEventsPerSecondNonePortable, 8)} ${M1(r.decodeEventsPerSecondJsonlGzip, 9)} ${M1(r.decodeEventsPerSecondJsonl, 6)}`,
      `${''.padEnd(11)} ${'per CPU second, all threads:'.padStart(56)}  ${M1(r.decodeEventsPerCpuSecondDeflate, 7)} ${M1(r.decodeEventsPerCpuSecondNone, 5)} ${M1(r.decodeEventsPerCpuSecondDeflatePortable, 12)} ${M1(r.decodeEventsPerCpuSecondNonePortable, 8)}`,
    );
}
if (synthetic !== undefined) {
  const s = synthetic;
  lines.push(
    '',
    `synthetic trace: ${s.events.toLocaleString('en-US')} events (format 1.1, deflate-raw, ${s.bytesPerEvent.toFixed(2)} bytes/event, ${(s.fileBytes / 2 ** 20).toFixed(0)} MiB, written in ${s.writeSeconds.toFixed(0)} s)`,
    `summarizeTrace from a file stream, child process: ${M1(s.summarizeEventsPerSecond, 0)} M events/s, peak RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB (${s.peakRssSource}; target < 256 MB), ${s.liveBlocksAtEnd.toLocaleString('en-US')} blocks live at the end`,
  );
}
lines.push('', 'targets (reported, not asserted): <= 2.5 bytes/event, >= 40 M events/s decode, < 256 MB peak RSS. Sizes include dictionary, checkpoints and index; JSONL is the lossless text form (toJsonl), gzip at the default level.');
const json = { machine: machine(), loadAverage: loadavg(), runs, rows, synthetic };
console.log(lines.join('\n'));
console.log(JSON.stringify(json, null, 2));
const outDir = join(here, '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'trace-format.json'), `${JSON.stringify(json, null, 2)}\n`);
