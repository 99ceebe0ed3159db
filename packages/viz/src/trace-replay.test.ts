import { createRecordedHeap } from '@pymem/arena';
import { FEATURE_REALLOC_CLASS, KIND_ARENA_ALLOC, KIND_FREE, KIND_MALLOC, KIND_REALLOC, KIND_REALLOC_CLASS, LEVEL_ALLOCATOR, MemorySink, TraceEventBatch, TraceWriter, readTrace } from '@pymem/trace';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { heapStateFromPymalloc, poolDetailFromPymalloc } from './from-heap.js';
import { poolListsFromPymalloc } from './lists.js';
import type { PoolListsState } from './lists.js';
import type { HeapState, PoolDetail } from './state.js';
import { TraceReplay, TraceReplayError, replayTrace } from './trace-replay.js';

interface Snapshot {
  seq: number;
  state: HeapState;
  lists: PoolListsState;
  pool: PoolDetail | undefined;
}

/**
 * Runs a workload on a recorded heap (arenas at made-up, not pool-aligned
 * bases) and writes its allocator events as a .pymem trace, keeping the
 * heap's views at a few positions.
 */
async function workload(ops: readonly [number, number][], snapshotEvery: number): Promise<{ bytes: Uint8Array; snapshots: Snapshot[]; inPlaceOtherClass: number }> {
  const { heap, source } = createRecordedHeap('cpython-3.11');
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { header: { level: LEVEL_ALLOCATOR, clockUnit: 'event', pythonVersion: 0x030b07f0, requiredFeatures: FEATURE_REALLOC_CLASS }, chunkSize: 64 });
  let nextBase = 0x7f1200003000;
  heap.observer = { arenaAlloc: (address, slot, pools) => w.append({ kind: KIND_ARENA_ALLOC, arena: slot, value: address, count: pools }) };
  const live: { id: number; address: number; size: number }[] = [];
  const snapshots: Snapshot[] = [];
  let id = 0;
  let inPlaceOtherClass = 0;
  const take = (): void => {
    snapshots.push({ seq: w.seq, state: heapStateFromPymalloc(heap), lists: poolListsFromPymalloc(heap), pool: poolDetailFromPymalloc(heap, 0, 0) });
  };
  const where = (p: number): { cls: number; arena: number; pool: number; block: number } => {
    const slot = heap.slotOf(p);
    const first = heap.aFirstPool[slot]! + heap.aDelta[slot]!;
    const pool = Math.floor((p - first) / 16384);
    const cls = heap.words[((first - heap.aDelta[slot]! + pool * 16384) >>> 2) + 9]!;
    return { cls, arena: slot, pool, block: (p - first - pool * 16384 - 48) / ((cls + 1) * 16) };
  };
  for (const [op, n] of ops) {
    if (op === 0 || live.length === 0) {
      const size = 1 + (n % 512);
      source.offer(nextBase);
      const p = heap.malloc(size);
      if (source.offered === 0) nextBase += 0x100000 * 3;
      source.clearOffers();
      live.push({ id, address: p, size });
      w.append({ kind: KIND_MALLOC, id, size, ...where(p) });
      id++;
    } else if (op === 1) {
      const [b] = live.splice(n % live.length, 1);
      heap.free(b!.address);
      w.append({ kind: KIND_FREE, id: b!.id, size: b!.size, cls: Math.floor((b!.size - 1) / 16) });
    } else {
      const b = live[n % live.length]!;
      // Half the reallocs shrink within the 75 % rule, so the block stays in place in its (bigger) class: a realloc_class record.
      const size = n % 2 === 0 ? Math.max(1, Math.ceil((b.size * 3) / 4) + 1) : b.size <= 256 ? b.size + 256 : b.size - 256;
      source.offer(nextBase);
      const p = heap.realloc(b.address, size);
      if (source.offered === 0) nextBase += 0x100000 * 3;
      source.clearOffers();
      const moved = p !== b.address;
      const loc = where(p);
      const kind = loc.cls === (size - 1) >> 4 ? KIND_REALLOC : KIND_REALLOC_CLASS;
      if (kind === KIND_REALLOC_CLASS) inPlaceOtherClass++;
      w.append({ kind, oldId: b.id, oldSize: b.size, id: moved ? id : b.id, size, ...loc });
      b.address = p;
      b.size = size;
      if (moved) b.id = id++;
    }
    if (w.seq % snapshotEvery === 0) take();
  }
  take();
  await w.close();
  return { bytes: sink.bytes(), snapshots, inPlaceOtherClass };
}

describe('TraceReplay', () => {
  test('the state at a position equals the traced heap at that position', async () => {
    const ops: [number, number][] = [];
    for (let i = 0; i < 6000; i++) ops.push([i < 2500 ? 0 : (i * 2654435761) % 5 < 2 ? 0 : (i * 40503) % 3 === 0 ? 2 : 1, (i * 2654435761) >>> 8]);
    const { bytes, snapshots, inPlaceOtherClass } = await workload(ops, 700);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(inPlaceOtherClass).toBeGreaterThan(100);
    expect(snapshots.at(-1)!.state.arenas.length).toBeGreaterThan(1);
    for (const s of snapshots) {
      const reader = readTrace(bytes);
      const header = { pythonVersion: 0x030b07f0, alignment: 16, smallRequestThreshold: 512, poolSize: 16384, arenaSize: 1 << 20 };
      const r = await replayTrace(header, reader, s.seq);
      expect(r.position).toBe(s.seq);
      expect(r.state()).toEqual(s.state);
      expect(r.lists()).toEqual(s.lists);
      expect(r.pool(0, 0)).toEqual(s.pool);
    }
  });

  test('property: any workload replays to the same final heap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat()), { minLength: 1, maxLength: 400, size: 'max' }), async (ops) => {
        const { bytes, snapshots } = await workload(ops, 1e9);
        const last = snapshots.at(-1)!;
        // Without a Python version the geometry comes from the header's fields (named custom).
        const r = await replayTrace({ pythonVersion: 0, alignment: 16, smallRequestThreshold: 512, poolSize: 16384, arenaSize: 1 << 20 }, readTrace(bytes));
        expect({ ...r.state(), geometry: null }).toEqual({ ...last.state, geometry: null });
        expect({ ...r.lists(), geometry: null }).toEqual({ ...last.lists, geometry: null });
      }),
      { numRuns: 40 },
    );
  });

  test('a free of a block that is not live, and a gap, are typed errors with the position', () => {
    const r = new TraceReplay({ pythonVersion: 0, alignment: 16, smallRequestThreshold: 512, poolSize: 16384, arenaSize: 1 << 20 });
    const b = new TraceEventBatch(1);
    b.length = 1;
    b.firstSeq = 0;
    b.kind[0] = KIND_FREE;
    b.id[0] = 7;
    expect(() => r.feed(b)).toThrow(TraceReplayError);
    expect(() => r.feed(b)).toThrow('event 0: free of block 7, which is not live');
    const later = new TraceEventBatch(1);
    later.length = 1;
    later.firstSeq = 10;
    expect(() => r.feed(later)).toThrow('event 10: a gap in the events: the replay is at 0');
  });
});

describe('TraceReplay fuzz', () => {
  test('random event batches apply or fail with a TraceReplayError at the event, never another error', () => {
    const kinds = [KIND_ARENA_ALLOC, KIND_MALLOC, KIND_FREE, KIND_REALLOC, KIND_REALLOC_CLASS, 0, 99];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 300, size: 'max' }),
        (rows) => {
          const b = new TraceEventBatch(rows.length);
          b.length = rows.length;
          rows.forEach(([k, id, size, base], i) => {
            b.kind[i] = k;
            b.id[i] = id;
            b.oldId[i] = (id * 7) % 41;
            b.size[i] = size;
            // A few bases, 1 MiB apart or overlapping, some not page-aligned.
            b.value[i] = 0x7f0000000000 + base * 0x80000 + (base % 3) * 0x1000;
          });
          const r = new TraceReplay({ pythonVersion: 0x030b07f0, alignment: 16, smallRequestThreshold: 512, poolSize: 16384, arenaSize: 1 << 20 });
          try {
            expect(r.feed(b)).toBe(rows.length);
          } catch (e) {
            expect(e).toBeInstanceOf(TraceReplayError);
            const err = e as TraceReplayError;
            expect(err.seq).toBe(r.position);
            expect(err.message.startsWith(`event ${err.seq}: `)).toBe(true);
          }
          r.heap.check();
        },
      ),
      { numRuns: 300 },
    );
  });
});
