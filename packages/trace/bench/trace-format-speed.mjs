// Bytes per event and decode speed of the pymem trace format on a synthetic
// allocator stream: `pnpm --filter @pymem/trace bench:format` (builds first).
// The stream: N events of pymalloc malloc/free (about half each; sizes 1..512 with
// small sizes most common, 2 % large mallocs of 1..64 KiB), each malloc taking the next
// block of its class's current pool (a new pool every 1024/size blocks, a new arena
// every 64 pools), each free releasing one of the 64 most recent live blocks; clock
// "event" (time = sequence number).
import { KIND_FREE, KIND_FREE_LARGE, KIND_MALLOC, KIND_MALLOC_LARGE, MemorySink, TraceWriter, openTrace, readTrace, setTracePlatform } from '../dist/index.js';
import { nodeTracePlatform } from '../dist/node.js';

const N = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);

let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

function* stream() {
  const live = []; // [id, size, large]
  const pool = new Map(); // cls -> [arena, pool, nextBlock, capacity]
  let nextPool = 0;
  let id = 0;
  for (let i = 0; i < N; i++) {
    if (live.length > 0 && rnd() < 0.48) {
      const k = live.length - 1 - Math.floor(rnd() * Math.min(64, live.length));
      const [bid, size, large] = live[k];
      live[k] = live[live.length - 1];
      live.pop();
      yield { kind: large ? KIND_FREE_LARGE : KIND_FREE, id: bid, size };
      continue;
    }
    if (rnd() < 0.02) {
      const size = 1 + Math.floor(rnd() * 65536);
      live.push([id, size, true]);
      yield { kind: KIND_MALLOC_LARGE, id: id++, size };
      continue;
    }
    const size = 1 + Math.floor(rnd() ** 3 * 512);
    const cls = (size - 1) >> 4;
    let p = pool.get(cls);
    if (p === undefined || p[2] >= p[3]) {
      p = [Math.floor(nextPool / 64), nextPool % 64, 0, Math.floor(16336 / ((cls + 1) * 16))];
      nextPool++;
      pool.set(cls, p);
    }
    live.push([id, size, false]);
    yield { kind: KIND_MALLOC, id: id++, size, arena: p[0], pool: p[1], block: p[2]++ };
  }
}

for (const codec of ['none', 'deflate-raw']) {
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { codec });
  let n = 0;
  for (const e of stream()) {
    w.append(e);
    if (++n % 100_000 === 0) await w.drain();
  }
  await w.close();
  const bytes = sink.bytes();
  seed = 12345;
  console.log(`${codec}: ${N} events, ${bytes.length} bytes, ${(bytes.length / N).toFixed(3)} bytes/event`);

  const file = await openTrace(bytes);
  const chunks = file.index.filter((e) => e.type === 2);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    let reuse;
    let total = 0;
    for (const e of chunks) {
      reuse = await file.events(e, reuse);
      total += reuse.length;
    }
    best = Math.min(best, performance.now() - t0);
    if (total !== N) throw new Error(`decoded ${total}`);
  }
  console.log(`  random-access decode of every chunk (reused batch): ${(N / best / 1000).toFixed(1)} M events/s`);
  best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    let total = 0;
    for await (const b of readTrace(bytes)) total += b.length;
    best = Math.min(best, performance.now() - t0);
    if (total !== N) throw new Error(`streamed ${total}`);
  }
  console.log(`  streaming readTrace: ${(N / best / 1000).toFixed(1)} M events/s`);
  // One refilled batch, with node:zlib's CRC-32 and inflate (what @pymem/trace/node installs) and with the portable code.
  for (const [name, platform] of [['zlib', nodeTracePlatform], ['portable', {}]]) {
    setTracePlatform(platform);
    best = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      let total = 0;
      for await (const b of readTrace(bytes, { reuseBatches: true })) total += b.length;
      best = Math.min(best, performance.now() - t0);
      if (total !== N) throw new Error(`streamed ${total}`);
    }
    console.log(`  streaming readTrace, one refilled batch, ${name}: ${(N / best / 1000).toFixed(1)} M events/s`);
  }
  setTracePlatform(nodeTracePlatform);
}
