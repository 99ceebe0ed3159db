// Test helper (not exported by the package): traces for the analysis and export tests, written
// with TraceWriter, plus the events as appended (with seq and time) for reference folds.
import type { TraceCheckpointState } from '../src/trace-checkpoint.js';
import { LEVEL_ALLOCATOR, LEVEL_GC, LEVEL_STACKS } from '../src/trace-constants.js';
import type { TraceEventInit } from '../src/trace-event.js';
import * as K from '../src/trace-record-kinds.js';
import { MemorySink } from '../src/trace-sink.js';
import { TraceWriter } from '../src/trace-writer.js';

/** An appended event with its sequence number and time. */
export type FixtureEvent = TraceEventInit & { seq: number; time: number };

/** A written fixture trace. */
export interface FixtureTrace {
  /** The trace bytes. */
  bytes: Uint8Array;
  /** The events, as appended. */
  events: FixtureEvent[];
}

/**
 * Writes `events` (times given or the sequence number) with string 1 = `phase` and stacks
 * `main → f` (stack 2) and `main → g` (stack 3) defined first.
 *
 * @internal
 */
export async function writeFixture(events: readonly TraceEventInit[], opts: { stacks?: boolean; chunkSize?: number; clockUnit?: string } = {}): Promise<FixtureTrace> {
  const stacks = opts.stacks ?? true;
  const live = new Map<number, { size: number; large: boolean; cls: number; stack: number }>();
  const sink = new MemorySink();
  const w = new TraceWriter(sink, {
    header: { level: LEVEL_ALLOCATOR | LEVEL_GC | (stacks ? LEVEL_STACKS : 0), clockUnit: opts.clockUnit ?? 'event' },
    chunkSize: opts.chunkSize ?? 256,
    checkpointEvery: 2,
    checkpoint: (): TraceCheckpointState => ({ blocks: [...live].map(([id, b]) => ({ id, size: b.size, large: b.large, cls: b.cls, arena: 0, pool: 0, block: 0, stack: b.stack })), arenas: [], objects: [] }),
  });
  w.string('phase');
  if (stacks) {
    const file = w.string('app.py');
    const main = w.stack(0, w.frame(w.string('main'), file, 1));
    w.stack(main, w.frame(w.string('f'), file, 5));
    w.stack(main, w.frame(w.string('g'), file, 9));
  }
  const out: FixtureEvent[] = [];
  const smallKinds = new Set([K.KIND_MALLOC, K.KIND_CALLOC, K.KIND_REALLOC]);
  for (const e of events) {
    const ev = { ...e, stack: stacks ? (e.stack ?? 0) : 0 };
    if (ev.kind === K.KIND_CALLOC || ev.kind === K.KIND_CALLOC_LARGE) ev.size = (ev.count ?? 0) * (ev.value ?? 0);
    if (smallKinds.has(ev.kind) || ev.kind === K.KIND_FREE) ev.cls = ev.size === undefined || ev.size === 0 ? 0 : Math.floor((ev.size - 1) / 16);
    const seq = w.seq;
    const time = ev.time ?? seq;
    w.append({ ...ev, time });
    out.push({ ...ev, seq, time });
    if (ev.kind === K.KIND_REALLOC || ev.kind === K.KIND_REALLOC_LARGE || ev.kind === K.KIND_FREE || ev.kind === K.KIND_FREE_LARGE) live.delete(ev.kind === K.KIND_FREE || ev.kind === K.KIND_FREE_LARGE ? ev.id! : ev.oldId!);
    if ([K.KIND_MALLOC, K.KIND_CALLOC, K.KIND_REALLOC, K.KIND_MALLOC_LARGE, K.KIND_CALLOC_LARGE, K.KIND_REALLOC_LARGE].includes(ev.kind)) {
      const large = !smallKinds.has(ev.kind);
      live.set(ev.id!, { size: ev.size ?? 0, large, cls: large ? 0 : ev.cls!, stack: ev.stack });
    }
  }
  await w.close();
  return { bytes: sink.bytes(), events: out };
}

/**
 * The hand-computed trace of the tests and the README (stacks A = main→f
 * (2), B = main→g (3)), one event per line with its sequence number.
 *
 * @internal
 */
export const HAND_EVENTS: TraceEventInit[] = [
  { kind: K.KIND_ARENA_ALLOC, arena: 0, value: 0x10000, count: 64 }, // 0
  { kind: K.KIND_POOL_INIT, arena: 0, pool: 0, cls: 1 }, // 1
  { kind: K.KIND_MALLOC, id: 0, size: 24, arena: 0, pool: 0, block: 0, stack: 2 }, // 2  live 24
  { kind: K.KIND_MALLOC, id: 1, size: 32, arena: 0, pool: 0, block: 1, stack: 2 }, // 3  live 56
  { kind: K.KIND_POOL_INIT, arena: 0, pool: 1, cls: 3 }, // 4
  { kind: K.KIND_MALLOC, id: 2, size: 64, arena: 0, pool: 1, block: 0, stack: 3 }, // 5  live 120
  { kind: K.KIND_FREE, id: 0, size: 24 }, // 6  live 96, temporary (4 events)
  { kind: K.KIND_MALLOC_LARGE, id: 3, size: 1000, stack: 3 }, // 7  live 1096: the peak
  { kind: K.KIND_MARK, value: 1, label: 1 }, // 8  'phase'
  { kind: K.KIND_FREE_LARGE, id: 3, size: 1000 }, // 9  live 96, temporary (2 events)
  { kind: K.KIND_MALLOC, id: 4, size: 20, arena: 0, pool: 0, block: 2, stack: 0 }, // 10 live 116
  { kind: K.KIND_GC_START, count: 0 }, // 11
  { kind: K.KIND_GC_STOP, count: 0, value: 3, extra: 0 }, // 12
  { kind: K.KIND_REALLOC, oldId: 2, oldSize: 64, id: 5, size: 80, arena: 0, pool: 2, block: 0, stack: 3 }, // 13 live 132
  { kind: K.KIND_POOL_EMPTY, arena: 0, pool: 1, cls: 3 }, // 14
];

/** A tiny PRNG (mulberry32), for reproducible fixtures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random but valid allocator workload: arenas and pools, mallocs, callocs
 * and reallocs in several classes and large, on stacks 0, 2 and 3, frees
 * soon (temporaries) or late, marks and gc passes.
 *
 * @internal
 */
export function randomWorkload(n: number, seed: number, timeStep = 0): TraceEventInit[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const live: { id: number; size: number; large: boolean }[] = [];
  const out: TraceEventInit[] = [];
  let next = 0;
  let time = 0;
  let arenas = 0;
  const tick = (): number => (time += timeStep === 0 ? 0 : Math.floor(r() * timeStep));
  for (let i = 0; i < n; i++) {
    const x = r();
    const stack = pick([0, 2, 3, 3]);
    const t = timeStep === 0 ? {} : { time: tick() };
    if (x < 0.02) {
      out.push({ kind: K.KIND_ARENA_ALLOC, arena: arenas++, value: 0x10000 * arenas, count: 64, ...t });
    } else if (x < 0.03 && arenas > 1) {
      out.push({ kind: K.KIND_ARENA_FREE, arena: --arenas, ...t });
    } else if (x < 0.06) {
      out.push({ kind: pick([K.KIND_POOL_INIT, K.KIND_POOL_REUSE, K.KIND_POOL_EMPTY, K.KIND_POOL_FULL]), arena: 0, pool: Math.floor(r() * 64), cls: Math.floor(r() * 32), ...t });
    } else if (x < 0.07) {
      out.push({ kind: K.KIND_MARK, value: i, label: 1, ...t });
    } else if (x < 0.08) {
      out.push({ kind: pick([K.KIND_GC_START, K.KIND_GC_STOP]), count: Math.floor(r() * 3), value: Math.floor(r() * 9), extra: Math.floor(r() * 2), ...t });
    } else if (x < 0.5 || live.length === 0) {
      const large = r() < 0.1;
      const size = large ? 513 + Math.floor(r() * 5000) : 1 + Math.floor(r() * 512);
      const id = next++;
      if (r() < 0.1) {
        const elsize = pick([1, 2, 4, 8]);
        const count = Math.max(1, Math.floor(size / elsize));
        out.push({ kind: large ? K.KIND_CALLOC_LARGE : K.KIND_CALLOC, id, count, value: elsize, arena: 0, pool: 0, block: 0, stack, ...t });
        live.push({ id, size: count * elsize, large });
      } else {
        out.push({ kind: large ? K.KIND_MALLOC_LARGE : K.KIND_MALLOC, id, size, arena: 0, pool: 0, block: 0, stack, ...t });
        live.push({ id, size, large });
      }
    } else {
      // Mostly the newest blocks (temporaries), sometimes any.
      const j = r() < 0.7 ? live.length - 1 - Math.floor(r() * Math.min(3, live.length)) : Math.floor(r() * live.length);
      const b = live[j]!;
      live.splice(j, 1);
      if (r() < 0.15) {
        const large = r() < 0.2;
        const size = large ? 513 + Math.floor(r() * 5000) : 1 + Math.floor(r() * 512);
        const id = r() < 0.3 ? b.id : next++;
        out.push({ kind: large ? K.KIND_REALLOC_LARGE : K.KIND_REALLOC, oldId: b.id, oldSize: b.size, id, size, arena: 0, pool: 0, block: 0, stack, ...t });
        live.push({ id, size, large });
      } else {
        out.push({ kind: b.large ? K.KIND_FREE_LARGE : K.KIND_FREE, id: b.id, size: b.size, ...t });
      }
    }
  }
  return out;
}
