import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rows } from '../test/trace-samples.js';
import { openTrace } from './open-trace.js';
import { CHUNK_CHECKPOINT, CHUNK_EVENTS, TRACE_TRAILER_SIZE } from './trace-constants.js';
import type { TraceEventBatch } from './trace-event.js';
import { KIND_FREE_LARGE, KIND_MALLOC_LARGE } from './trace-record-kinds.js';
import { MemorySink } from './trace-sink.js';
import { TraceWriter } from './trace-writer.js';

/** A trace of large mallocs and frees whose checkpoints list the live blocks; returns the live set after each event too. */
async function liveSetTrace(n: number, codec: 'none' | 'deflate-raw') {
  const live = new Map<number, number>();
  const after: number[][] = [];
  const sink = new MemorySink();
  const w: TraceWriter = new TraceWriter(sink, {
    codec,
    chunkSize: 128,
    checkpointEvery: 3,
    header: { clockUnit: 'us' },
    checkpoint: () => ({
      blocks: [...live].map(([id, size]) => ({ id, size, large: true, cls: 0, arena: 0, pool: 0, block: 0, stack: 0 })),
      arenas: [],
      objects: [],
    }),
  });
  let next = 0;
  let time = 0;
  for (let i = 0; i < n; i++) {
    time += i % 5 === 0 ? 7 : i % 2; // repeated times too
    const victim = live.size > 3 && i % 3 === 0 ? [...live.keys()][(i * 7) % live.size]! : undefined;
    if (victim !== undefined) {
      w.append({ kind: KIND_FREE_LARGE, time, id: victim, size: live.get(victim)! });
      live.delete(victim);
    } else {
      w.append({ kind: KIND_MALLOC_LARGE, time, id: next, size: 1000 + (next % 77) });
      live.set(next, 1000 + (next % 77));
      next++;
    }
    after.push([...live.keys()].sort((a, b) => a - b));
  }
  await w.close();
  return { bytes: sink.bytes(), after };
}

function replay(start: number[], batches: readonly TraceEventBatch[]): number[] {
  const live = new Set(start);
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      if (b.kind[i] === KIND_MALLOC_LARGE) live.add(b.id[i]!);
      else live.delete(b.id[i]!);
    }
  }
  return [...live].sort((a, b) => a - b);
}

describe('openTrace: random access', () => {
  it('seekSeq(n) = nearest checkpoint + events up to n, equal to a linear scan, from the footer index or a rescan', async () => {
    const { bytes, after } = await liveSetTrace(600, 'deflate-raw');
    const file = await openTrace(bytes);
    expect(file.indexed).toBe(true);
    expect(file.eventCount).toBe(600);
    // The writer died before close: no index, no trailer; the index is rebuilt by a scan.
    const last = file.index.at(-1)!;
    const cut = await openTrace(bytes.subarray(0, last.offset + last.length));
    expect(cut.indexed).toBe(false);
    expect(cut.index).toEqual(file.index);
    // Cut inside a chunk: openTrace refuses (recoverTrace reads the rest).
    await expect(openTrace(bytes.subarray(0, bytes.length - TRACE_TRAILER_SIZE - 3))).rejects.toMatchObject({ code: 'E_TRUNCATED' });
    expect(file.index.filter((e) => e.type === CHUNK_CHECKPOINT).length).toBeGreaterThan(5);
    for (const n of [0, 1, 2, 77, 299, 300, 598, 599]) {
      const r = await file.seekSeq(n);
      const start = r.checkpoint?.blocks.map((b) => b.id) ?? [];
      const from = r.checkpoint?.seq ?? 0;
      expect(r.events[0]?.firstSeq ?? from).toBe(from);
      expect(r.events.reduce((s, b) => s + b.length, 0)).toBe(n + 1 - from);
      expect(replay(start, r.events)).toEqual(after[n]);
      // At most checkpointEvery (3) events chunks after the checkpoint.
      expect(r.events.length).toBeLessThanOrEqual(3);
    }
    await expect(file.seekSeq(600)).rejects.toThrow(RangeError);
  });

  it('seekTime(t) lands on the last event with time <= t (property, against a linear scan)', async () => {
    const { bytes, after } = await liveSetTrace(300, 'none');
    const file = await openTrace(bytes);
    const all = rows(await Promise.all(file.index.filter((e) => e.type === CHUNK_EVENTS).map((e) => file.events(e))));
    const lastTime = all.at(-1)!.time;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -5, max: lastTime + 5 }), async (t) => {
        let want = -1;
        all.forEach((e, i) => {
          if (e.time <= t) want = i;
        });
        const r = await file.seekTime(t);
        expect(r.seq).toBe(want);
        expect(replay(r.checkpoint?.blocks.map((b) => b.id) ?? [], r.events)).toEqual(want < 0 ? [] : after[want]);
      }),
      { numRuns: 60 },
    );
  });

  it('the index gives the peak without decoding events', async () => {
    const { bytes } = await liveSetTrace(200, 'none');
    const file = await openTrace(bytes);
    let live = 0;
    let peak = { bytes: 0, seq: 0 };
    const all = rows(await Promise.all(file.index.filter((e) => e.type === CHUNK_EVENTS).map((e) => file.events(e))));
    all.forEach((e, i) => {
      live += e.kind === KIND_MALLOC_LARGE ? e.size : -e.size;
      if (live > peak.bytes) peak = { bytes: live, seq: i };
    });
    expect(file.peak).toEqual(peak);
  });
});

describe('readTrace({ reuseBatches })', () => {
  it('gives the same events while refilling one batch', async () => {
    const { writeSample, everyKind, rows } = await import('../test/trace-samples.js');
    const { readTrace } = await import('./read-trace.js');
    const events = Array.from({ length: 6 }, (_, k) => everyKind().map((e) => ({ ...e, time: (e.time ?? 0) + k * 2_000_000 }))).flat();
    const bytes = await writeSample(events, { chunkSize: 64 });
    const fresh: unknown[] = [];
    let batches = 0;
    for await (const b of readTrace(bytes)) {
      fresh.push(...rows([b]));
      batches++;
    }
    const reused: unknown[] = [];
    const seen = new Set<unknown>();
    for await (const b of readTrace(bytes, { reuseBatches: true })) {
      reused.push(...rows([b]));
      seen.add(b);
    }
    expect(batches).toBeGreaterThan(3);
    expect(reused).toEqual(fresh);
    expect(seen.size).toBeLessThan(batches);
  });
});


describe('readTrace({ reuseBatches }) on random traces', () => {
  it('a refilled batch holds exactly what a fresh one holds (no stale cells)', async () => {
    const fc = (await import('fast-check')).default;
    const { randomTrace } = await import('../test/trace-arbitrary.js');
    const { rows } = await import('../test/trace-samples.js');
    const { readTrace } = await import('./read-trace.js');
    await fc.assert(
      fc.asyncProperty(randomTrace(400), async (t) => {
        const bytes = await t.write();
        const fresh: unknown[] = [];
        for await (const b of readTrace(bytes)) fresh.push(...rows([b]));
        const reused: unknown[] = [];
        for await (const b of readTrace(bytes, { reuseBatches: true })) reused.push(...rows([b]));
        expect(reused).toEqual(fresh);
      }),
      { numRuns: 60 },
    );
  });
});
