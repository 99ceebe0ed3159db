import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixtureEvent } from '../test/analysis-fixture.js';
import { randomWorkload, writeFixture } from '../test/analysis-fixture.js';
import { liveBetween } from './live-between.js';
import { LiveBlockTable } from './live-block-table.js';
import { openTrace } from './open-trace.js';
import * as K from './trace-record-kinds.js';

const ALLOC = new Set([K.KIND_MALLOC, K.KIND_CALLOC, K.KIND_REALLOC, K.KIND_MALLOC_LARGE, K.KIND_CALLOC_LARGE, K.KIND_REALLOC_LARGE]);

/** Linear scan: blocks allocated at a time in [t1, t2] and not freed or reallocated by the last event at or before t2. */
function scan(events: readonly FixtureEvent[], t1: number, t2: number): { id: number; size: number; seq: number }[] {
  const live = new Map<number, { id: number; size: number; seq: number }>();
  for (const e of events) {
    if (e.time > t2) break;
    if (e.kind === K.KIND_FREE || e.kind === K.KIND_FREE_LARGE) live.delete(e.id!);
    if (e.kind === K.KIND_REALLOC || e.kind === K.KIND_REALLOC_LARGE) live.delete(e.oldId!);
    if (ALLOC.has(e.kind)) {
      if (e.time >= t1) live.set(e.id!, { id: e.id!, size: e.size!, seq: e.seq });
      else live.delete(e.id!);
    }
  }
  return [...live.values()].sort((a, b) => a.seq - b.seq);
}

describe('liveBetween', () => {
  it('equals a linear scan for any window (fast-check), reading only the chunks that overlap it', async () => {
    const { bytes, events } = await writeFixture(randomWorkload(2500, 7, 4), { chunkSize: 128, clockUnit: 'us' });
    const file = await openTrace(bytes);
    const last = events.at(-1)!.time;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: last + 5 }), fc.nat({ max: last + 5 }), async (x, y) => {
        const [t1, t2] = x <= y ? [x, y] : [y, x];
        const r = await liveBetween(file, t1, t2);
        const want = scan(events, t1, t2);
        expect(r.blocks.map((b) => ({ id: b.id, size: b.size, seq: b.seq }))).toEqual(want);
        expect(r.bytes).toBe(want.reduce((a, b) => a + b.size, 0));
        expect(r.byClass.blocks.reduce((a, b) => a + b, 0)).toBe(want.length);
        expect(r.byStack.reduce((a, s) => a + s.bytes, 0)).toBe(r.bytes);
        const inWindow = events.filter((e) => e.time >= t1 && e.time <= t2);
        expect([r.firstSeq, r.lastSeq]).toEqual(inWindow.length === 0 ? [-1, -1] : [inWindow[0]!.seq, inWindow.at(-1)!.seq]);
        const chunks = file.index.filter((e) => e.type === 2 && e.events > 0);
        expect(r.chunksRead).toBe(chunks.filter((e) => e.lastTime >= t1 && e.firstTime <= t2).length);
      }),
      { numRuns: 150 },
    );
  });

  it('reports a window exactly (hand-checked) and rejects t2 < t1', async () => {
    const { bytes } = await writeFixture([
      { kind: K.KIND_MALLOC, id: 0, size: 24, arena: 0, pool: 0, block: 0, stack: 2 }, // 0
      { kind: K.KIND_MALLOC, id: 1, size: 40, arena: 0, pool: 0, block: 0, stack: 3 }, // 1
      { kind: K.KIND_MALLOC_LARGE, id: 2, size: 700, stack: 3 }, // 2
      { kind: K.KIND_FREE, id: 1, size: 40 }, // 3
      { kind: K.KIND_MALLOC, id: 3, size: 16, arena: 0, pool: 0, block: 1, stack: 2 }, // 4
    ]);
    const r = await liveBetween(bytes, 1, 3);
    expect(r.blocks).toEqual([{ id: 2, size: 700, cls: 32, stack: 3, seq: 2, time: 2 }]);
    expect(r.byStack).toEqual([{ stack: 3, blocks: 1, bytes: 700 }]);
    expect(r.byClass.bytes[32]).toBe(700);
    expect((await liveBetween(bytes, 0, 4)).blocks.map((b) => b.id)).toEqual([0, 2, 3]);
    await expect(liveBetween(bytes, 3, 1)).rejects.toThrow(RangeError);
  });
});

describe('LiveBlockTable', () => {
  it('matches a Map under random inserts and removals, through growth (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.oneof(fc.nat({ max: 300 }), fc.maxSafeNat())), { maxLength: 2000 }), (ops) => {
        const t = new LiveBlockTable(16);
        const m = new Map<number, number>();
        for (const [add, id] of ops) {
          if (add) {
            t.set(id, id % 1000, 1, 2, 3, 4);
            m.set(id, id % 1000);
          } else {
            const s = t.find(id);
            expect(s >= 0).toBe(m.has(id));
            if (s >= 0) t.removeSlot(s);
            m.delete(id);
          }
        }
        expect(t.count).toBe(m.size);
        const seen = new Map<number, number>();
        t.forEach((id, s) => seen.set(id, t.size[s]!));
        expect(seen).toEqual(m);
        for (const id of m.keys()) expect(t.size[t.find(id)]).toBe(m.get(id));
      }),
      { numRuns: 200 },
    );
  });
});
