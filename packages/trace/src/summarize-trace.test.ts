import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixtureEvent } from '../test/analysis-fixture.js';
import { HAND_EVENTS, randomWorkload, writeFixture } from '../test/analysis-fixture.js';
import { diffTraces } from './diff-traces.js';
import { openTrace } from './open-trace.js';
import { summarizeTrace } from './summarize-trace.js';
import * as K from './trace-record-kinds.js';
import type { TraceSummary } from './trace-summary-types.js';


const zeros = (n = 33): number[] => new Array<number>(n).fill(0);
const withAt = (xs: number[], pairs: [number, number][]): number[] => {
  for (const [i, v] of pairs) xs[i] = v;
  return xs;
};

/** A reference fold over the events as appended: Maps and objects, no cleverness. */
function reference(events: readonly FixtureEvent[], window: number) {
  const L = 32;
  const live = new Map<number, { size: number; c: number; stack: number; seq: number }>();
  const perClass = { blocks: zeros(), bytes: zeros() };
  const allocated = { blocks: zeros(), bytes: zeros() };
  const temp = { blocks: zeros(), bytes: zeros() };
  const tempStack = new Map<number, [number, number]>();
  let total = 0;
  let peak = { liveBytes: 0, seq: 0, time: 0, blocks: zeros(), bytes: zeros() };
  let arenas = 0;
  let pools = 0;
  let maxArenas = 0;
  let maxPools = 0;
  const add = (id: number, size: number, c: number, stack: number, seq: number) => {
    live.set(id, { size, c, stack, seq });
    perClass.blocks[c]! += 1;
    perClass.bytes[c]! += size;
    allocated.blocks[c]! += 1;
    allocated.bytes[c]! += size;
    total += size;
  };
  const del = (id: number, seq: number, isFree: boolean) => {
    const b = live.get(id)!;
    live.delete(id);
    perClass.blocks[b.c]! -= 1;
    perClass.bytes[b.c]! -= b.size;
    total -= b.size;
    if (isFree && seq - b.seq <= window) {
      temp.blocks[b.c]! += 1;
      temp.bytes[b.c]! += b.size;
      const t = tempStack.get(b.stack) ?? [0, 0];
      tempStack.set(b.stack, [t[0] + 1, t[1] + b.size]);
    }
  };
  for (const e of events) {
    const k = e.kind;
    if (k === K.KIND_MALLOC || k === K.KIND_CALLOC) add(e.id!, e.size!, e.cls!, e.stack!, e.seq);
    else if (k === K.KIND_MALLOC_LARGE || k === K.KIND_CALLOC_LARGE) add(e.id!, e.size!, L, e.stack!, e.seq);
    else if (k === K.KIND_REALLOC || k === K.KIND_REALLOC_LARGE) {
      del(e.oldId!, e.seq, false);
      add(e.id!, e.size!, k === K.KIND_REALLOC ? e.cls! : L, e.stack!, e.seq);
    } else if (k === K.KIND_FREE || k === K.KIND_FREE_LARGE) del(e.id!, e.seq, true);
    else if (k === K.KIND_ARENA_ALLOC) maxArenas = Math.max(maxArenas, ++arenas);
    else if (k === K.KIND_ARENA_FREE) arenas--;
    else if (k === K.KIND_POOL_INIT || k === K.KIND_POOL_REUSE) maxPools = Math.max(maxPools, ++pools);
    else if (k === K.KIND_POOL_EMPTY) pools--;
    if (total > peak.liveBytes) peak = { liveBytes: total, seq: e.seq, time: e.time, blocks: [...perClass.blocks], bytes: [...perClass.bytes] };
  }
  const liveStack = new Map<number, [number, number]>();
  for (const b of live.values()) {
    const t = liveStack.get(b.stack) ?? [0, 0];
    liveStack.set(b.stack, [t[0] + 1, t[1] + b.size]);
  }
  const sorted = (m: Map<number, [number, number]>) =>
    [...m].map(([stack, [blocks, bytes]]) => ({ stack, blocks, bytes })).sort((a, b) => b.bytes - a.bytes || b.blocks - a.blocks || a.stack - b.stack);
  return {
    peak,
    end: { liveBytes: total, liveBlocks: live.size, arenas, pools, ...perClass },
    max: { arenas: maxArenas, pools: maxPools },
    allocated,
    temporaries: { window, ...temp, byStack: sorted(tempStack) },
    liveAtEnd: { ...perClass, byStack: sorted(liveStack) },
  };
}

const pick = (s: TraceSummary) => ({
  peak: s.peak,
  end: { liveBytes: s.end.liveBytes, liveBlocks: s.end.liveBlocks, arenas: s.end.arenas, pools: s.end.pools, blocks: s.end.blocks, bytes: s.end.bytes },
  max: s.max,
  allocated: s.allocated,
  temporaries: { window: s.temporaries.window, blocks: s.temporaries.blocks, bytes: s.temporaries.bytes, byStack: s.temporaries.byStack },
  liveAtEnd: s.liveAtEnd,
});

describe('summarizeTrace', () => {
  it('gives the hand-computed numbers of a small trace', async () => {
    const { bytes } = await writeFixture(HAND_EVENTS, { chunkSize: 64 });
    const s = await summarizeTrace(bytes, { temporaryWindow: 5, sampleEvery: 4 });
    expect(s.events).toBe(15);
    expect(s.complete).toBe(true);
    expect(s.classes).toBe(32);
    expect(s.peak).toEqual({ liveBytes: 1096, seq: 7, time: 7, blocks: withAt(zeros(), [[1, 1], [3, 1], [32, 1]]), bytes: withAt(zeros(), [[1, 32], [3, 64], [32, 1000]]) });
    expect(s.end).toEqual({ liveBytes: 132, liveBlocks: 3, arenas: 1, pools: 1, seq: 14, time: 14, blocks: withAt(zeros(), [[1, 2], [4, 1]]), bytes: withAt(zeros(), [[1, 52], [4, 80]]) });
    expect(s.max).toEqual({ arenas: 1, pools: 2 });
    expect(s.allocated).toEqual({ blocks: withAt(zeros(), [[1, 3], [3, 1], [4, 1], [32, 1]]), bytes: withAt(zeros(), [[1, 76], [3, 64], [4, 80], [32, 1000]]) });
    expect(s.temporaries).toEqual({
      window: 5,
      totalBlocks: 2,
      totalBytes: 1024,
      blocks: withAt(zeros(), [[1, 1], [32, 1]]),
      bytes: withAt(zeros(), [[1, 24], [32, 1000]]),
      byStack: [
        { stack: 3, blocks: 1, bytes: 1000 },
        { stack: 2, blocks: 1, bytes: 24 },
      ],
    });
    expect(s.liveAtEnd.byStack).toEqual([
      { stack: 3, blocks: 1, bytes: 80 },
      { stack: 2, blocks: 1, bytes: 32 },
      { stack: 0, blocks: 1, bytes: 20 },
    ]);
    expect(s.sites.map((x) => [x.stack, x.cls, x.allocBlocks, x.allocBytes, x.liveBlocks, x.liveBytes, x.tempBlocks, x.tempBytes])).toEqual([
      [2, 1, 2, 56, 1, 32, 1, 24],
      [3, 3, 1, 64, 0, 0, 0, 0],
      [3, 32, 1, 1000, 0, 0, 1, 1000],
      [0, 1, 1, 20, 1, 20, 0, 0],
      [3, 4, 1, 80, 1, 80, 0, 0],
    ]);
    expect(s.stacks[2]).toEqual([
      { function: 'f', file: 'app.py', line: 5 },
      { function: 'main', file: 'app.py', line: 1 },
    ]);
    expect(s.stacks[0]).toEqual([]);
    expect(s.instants).toEqual([
      { type: 'mark', seq: 8, time: 8, name: 'phase', args: { id: 1 } },
      { type: 'gc_start', seq: 11, time: 11, name: 'gc gen 0', args: { generation: 0 } },
      { type: 'gc_stop', seq: 12, time: 12, name: 'gc gen 0', args: { generation: 0, collected: 3, uncollectable: 0 } },
    ]);
    // Samples every 4 events (after events 3, 7, 11) and at chunk ends, then the end state.
    const at = (seq: number) => s.samples.find((x) => x.seq === seq)!;
    expect(s.samples.map((x) => x.seq)).toEqual([...new Set(s.samples.map((x) => x.seq))].sort((a, b) => a - b));
    expect(at(3)).toMatchObject({ liveBytes: 56, smallBytes: 56, arenas: 1, arenaBytes: 1 << 20, pools: 1, fragmentation: 56 / (1 << 20) });
    expect(at(7)).toMatchObject({ liveBytes: 1096, smallBytes: 96, pools: 2 });
    expect(at(7).classBytes[32]).toBe(1000);
    expect(at(7).classPools[3]).toBe(1);
    expect(s.samples.at(-1)).toMatchObject({ seq: 14, liveBytes: 132, smallBytes: 132, pools: 1, fragmentation: 132 / (1 << 20) });
  });

  it('equals a reference fold on random workloads (several chunkings, clocks, windows)', async () => {
    for (const [seed, window, chunkSize] of [
      [1, 1000, 256],
      [2, 3, 64],
      [3, 50, 4096],
    ] as const) {
      const { bytes, events } = await writeFixture(randomWorkload(3000, seed, seed === 2 ? 5 : 0), { chunkSize, clockUnit: seed === 2 ? 'us' : 'event' });
      const s = await summarizeTrace(bytes, { temporaryWindow: window });
      expect(pick(s)).toEqual(reference(events, window));
      expect(s.temporaries.totalBlocks).toBe(s.temporaries.blocks.reduce((a, x) => a + x, 0));
      expect(s.temporaries.totalBlocks).toBeGreaterThan(100);
      // The peak agrees with the footer index, which was computed by the writer.
      const file = await openTrace(bytes);
      expect(file.peak).toEqual({ bytes: s.peak.liveBytes, seq: s.peak.seq });
      // The same from an opened file and from a stream of small pieces.
      expect(pick(await summarizeTrace(file, { temporaryWindow: window }))).toEqual(pick(s));
    }
  });

  it('equals the reference fold for any small workload, window and chunking (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(64, 200, 1000), async (seed, n, window, chunkSize) => {
        const { bytes, events } = await writeFixture(randomWorkload(n, seed), { chunkSize });
        const s = await summarizeTrace(bytes, { temporaryWindow: window, sampleEvery: 1 + (seed % 50) });
        expect(pick(s)).toEqual(reference(events, window));
        const last = s.samples.at(-1);
        if (n > 0) expect(last).toMatchObject({ seq: n - 1, liveBytes: s.end.liveBytes, arenas: s.end.arenas, pools: s.end.pools });
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the series under maxSamples by thinning, ending with the end state', async () => {
    const { bytes, events } = await writeFixture(randomWorkload(5000, 9), { chunkSize: 64 });
    const s = await summarizeTrace(bytes, { sampleEvery: 1, maxSamples: 40 });
    expect(s.samples.length).toBeLessThan(40);
    expect(s.samples.length).toBeGreaterThan(10);
    expect(s.samples.at(-1)!.seq).toBe(events.length - 1);
    for (let i = 1; i < s.samples.length; i++) expect(s.samples[i]!.seq).toBeGreaterThan(s.samples[i - 1]!.seq);
  });

  it('reads an empty trace', async () => {
    const { bytes } = await writeFixture([]);
    const s = await summarizeTrace(bytes);
    expect([s.events, s.peak.liveBytes, s.end.liveBlocks, s.samples.length, s.sites.length]).toEqual([0, 0, 0, 0, 0]);
    expect(s.end.blocks).toEqual(zeros());
  });
});

describe('diffTraces', () => {
  it('a trace against itself is empty; against another it names the changes', async () => {
    const a = await summarizeTrace((await writeFixture(HAND_EVENTS)).bytes, { temporaryWindow: 5 });
    const same = diffTraces(a, await summarizeTrace((await writeFixture(HAND_EVENTS, { chunkSize: 4096 })).bytes, { temporaryWindow: 5 }));
    expect(same).toEqual({
      peak: { a: 1096, b: 1096, delta: 0 },
      endBytes: { a: 132, b: 132, delta: 0 },
      maxArenas: { a: 1, b: 1, delta: 0 },
      endArenas: { a: 1, b: 1, delta: 0 },
      maxPools: { a: 2, b: 2, delta: 0 },
      temporaries: { a: 2, b: 2, delta: 0 },
      classes: [],
      stacks: [],
      empty: true,
    });
    // b: one more 48-byte block from main→g that stays live.
    const more = [...HAND_EVENTS, { kind: K.KIND_MALLOC, id: 6, size: 48, arena: 0, pool: 3, block: 0, stack: 3 }];
    const b = await summarizeTrace((await writeFixture(more)).bytes, { temporaryWindow: 5 });
    const d = diffTraces(a, b);
    expect(d.empty).toBe(false);
    expect(d.endBytes).toEqual({ a: 132, b: 180, delta: 48 });
    expect(d.peak.delta).toBe(0);
    expect(d.classes).toEqual([
      { cls: 2, liveBlocks: { a: 0, b: 1, delta: 1 }, liveBytes: { a: 0, b: 48, delta: 48 }, allocBytes: { a: 0, b: 48, delta: 48 }, tempBlocks: { a: 0, b: 0, delta: 0 }, peakBytes: { a: 0, b: 0, delta: 0 } },
    ]);
    expect(d.stacks).toEqual([
      { key: 'g (app.py:9);main (app.py:1)', liveBlocks: { a: 1, b: 2, delta: 1 }, liveBytes: { a: 80, b: 128, delta: 48 }, allocBytes: { a: 1144, b: 1192, delta: 48 }, tempBlocks: { a: 1, b: 1, delta: 0 } },
    ]);
  });
});

describe('summarizeTrace on format 1.1', () => {
  it('counts a realloc_class block in its stored class, and blocks and bytes per domain (a free against its block’s domain)', async () => {
    const { MemorySink } = await import('./trace-sink.js');
    const { TraceWriter } = await import('./trace-writer.js');
    const { FEATURES_1_1 } = await import('./trace-constants.js');
    const K = await import('./trace-record-kinds.js');
    const sink = new MemorySink();
    const w = new TraceWriter(sink, { codec: 'none', header: { requiredFeatures: FEATURES_1_1 } });
    w.append({ kind: K.KIND_MALLOC, id: 0, size: 80, domain: 2 }); // class 4, OBJ
    w.append({ kind: K.KIND_MALLOC, id: 1, size: 10, block: 0, domain: 1 }); // class 0, MEM
    w.append({ kind: K.KIND_REALLOC_CLASS, oldId: 0, oldSize: 80, id: 0, size: 64, cls: 4, domain: 2 }); // kept in class 4
    w.append({ kind: K.KIND_FREE, id: 1, size: 10, domain: 2 }); // freed through OBJ: counted against MEM, its allocation's
    w.append({ kind: K.KIND_MALLOC_LARGE, id: 2, size: 1000, domain: 1 });
    await w.close();
    const s = await summarizeTrace(sink.bytes());
    expect(s.end.blocks[4]).toBe(1);
    expect(s.end.bytes[4]).toBe(64);
    expect(s.end.blocks[3]).toBe(0);
    expect(s.allocated.blocks[4]).toBe(2);
    expect(s.domains).toEqual({
      allocated: { blocks: [0, 2, 2, 0], bytes: [0, 1010, 144, 0] },
      liveAtEnd: { blocks: [0, 1, 1, 0], bytes: [0, 1000, 64, 0] },
    });
  });
});
