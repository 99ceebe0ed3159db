import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_REALLOC_CLASS, KIND_ARENA_ALLOC, KIND_FREE, KIND_MALLOC, KIND_MARK, KIND_REALLOC, KIND_REALLOC_CLASS, MemorySink, TraceWriter } from '@pymem/trace';
import type { LiveBlock, TraceCheckpointState } from '@pymem/trace';
import type { HeapState } from '@pymem/viz';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ViewerError, openSession } from '../components/trace-session.js';

const DEMO = join(import.meta.dirname, '..', '..', 'cli', 'assets', 'demo.bin.gz');
const CLI = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'pymem.js');

/** The in-use pools of a state as `arena pool class count` lines. */
function inUse(h: HeapState): string[] {
  return h.arenas.flatMap((a) => a.pools.filter((p) => p.count > 0).map((p) => `${a.address.toString(16)} ${p.index} ${p.szidx} ${p.count}/${p.capacity} ${p.status}`));
}

type Op = { readonly kind: 'malloc'; readonly arena: number; readonly pool: number } | { readonly kind: 'free'; readonly pick: number } | { readonly kind: 'mark' };

/**
 * Writes a .pymem trace of `ops` over `arenas` arenas (allocated first, at
 * 1 MiB-aligned bases: 64 pools each); pool p serves class p % 32, blocks in
 * carving order. Returns the bytes and, per position, the expected in-use pools.
 */
async function writeTrace(ops: readonly Op[], arenas: number, checkpointEvery: number): Promise<{ bytes: Uint8Array; expected: string[][]; events: number }> {
  const live = new Map<number, LiveBlock>();
  const next = new Map<string, number>();
  const sink = new MemorySink();
  const w = new TraceWriter(sink, {
    header: { pythonVersion: 0x030b07f0 },
    chunkSize: 64,
    checkpointEvery,
    checkpoint: (): TraceCheckpointState => {
      const used = new Map<number, Map<number, { cls: number; used: number }>>();
      for (const b of live.values()) {
        const m = used.get(b.arena) ?? new Map<number, { cls: number; used: number }>();
        used.set(b.arena, m);
        const p = m.get(b.pool) ?? { cls: b.cls, used: 0 };
        p.used++;
        m.set(b.pool, p);
      }
      return {
        blocks: [...live.values()],
        arenas: Array.from({ length: arenas }, (_, a) => ({ arena: a, base: (a + 1) * 2 ** 20, pools: 64, used: [...(used.get(a) ?? new Map<number, { cls: number; used: number }>()).entries()].map(([pool, p]) => ({ pool, cls: p.cls, used: p.used })) })),
        objects: [],
      };
    },
  });
  const expected: string[][] = [];
  const snapshot = (): void => {
    const count = new Map<string, number>();
    for (const b of live.values()) count.set(`${b.arena} ${b.pool}`, (count.get(`${b.arena} ${b.pool}`) ?? 0) + 1);
    expected.push(
      [...count.entries()]
        .map(([k, n]) => {
          const [a, p] = k.split(' ').map(Number) as [number, number];
          const cls = p % 32;
          const cap = Math.floor((16384 - 48) / ((cls + 1) * 16));
          return { a, p, line: `${((a + 1) * 2 ** 20).toString(16)} ${p} ${cls} ${n}/${cap} ${n >= cap ? 'full' : 'used'}` };
        })
        .sort((x, y) => x.a - y.a || x.p - y.p)
        .map((x) => x.line),
    );
  };
  snapshot();
  for (let a = 0; a < arenas; a++) {
    w.append({ kind: KIND_ARENA_ALLOC, arena: a, value: (a + 1) * 2 ** 20, count: 64 });
    snapshot();
  }
  let id = 0;
  for (const op of ops) {
    if (op.kind === 'malloc') {
      const key = `${op.arena} ${op.pool}`;
      const cls = op.pool % 32;
      const block = next.get(key) ?? 0;
      if (block >= Math.floor((16384 - 48) / ((cls + 1) * 16))) continue;
      next.set(key, block + 1);
      const b: LiveBlock = { id: id++, size: (cls + 1) * 16 - 3, large: false, cls, arena: op.arena, pool: op.pool, block, stack: 0 };
      w.append({ kind: KIND_MALLOC, ...b });
      live.set(b.id, b);
    } else if (op.kind === 'free') {
      const ids = [...live.keys()];
      if (ids.length === 0) continue;
      const b = live.get(ids[op.pick % ids.length]!)!;
      w.append({ kind: KIND_FREE, id: b.id, size: b.size });
      live.delete(b.id);
    } else w.append({ kind: KIND_MARK, value: 1, label: w.string('phase') });
    snapshot();
  }
  await w.close();
  return { bytes: sink.bytes(), expected, events: expected.length - 1 };
}

describe('the trace viewer model', () => {
  test('the bundled raw capture: positions, marks, and the heap as pymem stats replays it', async () => {
    const s = await openSession(new Uint8Array(readFileSync(DEMO)), 'demo.bin.gz');
    expect(s.kind).toBe('raw');
    expect(s.unit).toBe('records');
    expect(s.length).toBe(168_322);
    expect(s.description).toBe('raw capture PYMTRC01 · CPython 3.11.7 · 168,322 records · replayed through @pymem/arena');
    expect(s.marks).toEqual([{ at: 168_322, label: 'atexit' }]);
    // `pymem stats demo.bin.gz --at '#1000'` (the CLI's own replay): 1 arena, 33,744 bytes in blocks, these classes.
    const early = await s.stateAt(1000);
    expect(early.position).toBe(1000);
    expect(early.heap.arenas.length).toBe(1);
    expect(early.heap.liveBytes).toBe(33_744);
    expect(early.heap.classes.filter((c) => c.pools > 0).map((c) => [c.idx, c.size, c.pools, c.blocksInUse, c.availBlocks])).toEqual([
      [1, 32, 1, 10, 500],
      [2, 48, 1, 14, 326],
      [3, 64, 1, 148, 107],
      [4, 80, 2, 244, 164],
      [7, 128, 1, 3, 124],
      [12, 208, 1, 2, 76],
      [13, 224, 1, 1, 71],
      [15, 256, 1, 1, 62],
      [17, 288, 1, 1, 55],
      [24, 400, 1, 3, 37],
      [29, 480, 1, 1, 33],
      [31, 512, 1, 1, 30],
    ]);
    // The end (`pymem stats demo.bin.gz`): 3 arenas, 40,480 bytes in allocated blocks.
    const end = await s.stateAt(s.length);
    expect(end.heap.arenas.length).toBe(3);
    expect(end.heap.liveBytes).toBe(40_480);
    expect(end.heap.arenaBytes).toBe(3 * 2 ** 20);
    // Seeking back replays from the start: the same state as before.
    const again = await s.stateAt(1000);
    expect(inUse(again.heap)).toEqual(inUse(early.heap));
    const pool = again.pool(again.heap.arenas[0]!.slot, 0);
    expect(pool?.count).toBe(again.heap.arenas[0]!.pools[0]!.count);
    // The timeline: sampled, from 0 to the end.
    expect(s.timeline.t[0]).toBe(0);
    expect(s.timeline.t[s.timeline.t.length - 1]).toBe(168_322);
    expect(s.timeline.liveBytes[s.timeline.t.length - 1]).toBe(40_480);
    expect(s.timeline.arenaBytes[s.timeline.t.length - 1]).toBe(3 * 2 ** 20);
  });

  test.skipIf(!existsSync(CLI))('a .pymem made by pymem import ends in the same heap as the raw replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pymem-docs-'));
    const out = join(dir, 'demo.pymem');
    execFileSync(process.execPath, [CLI, 'import', DEMO, '-o', out, '--checkpoint-every', '2'], { stdio: 'ignore' });
    const t = await openSession(new Uint8Array(readFileSync(out)), 'demo.pymem');
    const raw = await openSession(new Uint8Array(readFileSync(DEMO)), 'demo.bin.gz');
    expect(t.kind).toBe('pymem');
    expect(t.marks.map((m) => m.label)).toEqual(['atexit']);
    const a = (await t.stateAt(t.length)).heap;
    const b = (await raw.stateAt(raw.length)).heap;
    expect(a.arenas.map((x) => x.address)).toEqual(b.arenas.map((x) => x.address));
    expect(inUse(a)).toEqual(inUse(b));
    expect(a.liveBytes).toBe(40_480);
  });

  test('a written .pymem: exact pools at every position, with and without checkpoints', async () => {
    const ops: Op[] = [
      { kind: 'malloc', arena: 0, pool: 1 },
      { kind: 'malloc', arena: 0, pool: 1 },
      { kind: 'malloc', arena: 1, pool: 31 },
      { kind: 'mark' },
      { kind: 'free', pick: 0 },
    ];
    const { bytes, expected, events } = await writeTrace(ops, 2, 1);
    const s = await openSession(bytes, 'small.pymem');
    expect(s.length).toBe(events);
    expect(s.marks).toEqual([{ at: 6, label: 'phase' }]);
    expect(inUse((await s.stateAt(s.length)).heap)).toEqual(['100000 1 1 1/510 used', '200000 31 31 1/31 used']);
    for (let p = 0; p <= s.length; p++) expect(inUse((await s.stateAt(p)).heap)).toEqual(expected[p]);
    const end = await s.stateAt(s.length);
    expect(end.heap.liveBytes).toBe(32 + 512);
    expect(end.pool(0, 1)?.blocks.slice(0, 3)).toEqual(['free', 'allocated', 'untouched']);
    expect(end.pool(0, 2)).toBeUndefined();
  });

  test('realloc and realloc_class (format 1.1) move blocks and live bytes', async () => {
    const sink = new MemorySink();
    const w = new TraceWriter(sink, { header: { pythonVersion: 0x030b07f0, requiredFeatures: FEATURE_REALLOC_CLASS } });
    w.append({ kind: KIND_ARENA_ALLOC, arena: 0, value: 2 ** 20, count: 64 });
    w.append({ kind: KIND_MALLOC, id: 0, size: 100, cls: 6, arena: 0, pool: 0, block: 0 });
    // Kept in place in its 112-byte class although 90 bytes would be class 5.
    w.append({ kind: KIND_REALLOC_CLASS, oldId: 0, oldSize: 100, id: 0, size: 90, cls: 6, arena: 0, pool: 0, block: 0 });
    // Moved to a 400-byte block in another pool.
    w.append({ kind: KIND_REALLOC, oldId: 0, oldSize: 90, id: 1, size: 400, cls: 24, arena: 0, pool: 1, block: 0 });
    await w.close();
    const s = await openSession(sink.bytes(), 'realloc.pymem');
    expect(s.length).toBe(4);
    expect(inUse((await s.stateAt(3)).heap)).toEqual(['100000 0 6 1/145 used']);
    expect(inUse((await s.stateAt(4)).heap)).toEqual(['100000 1 24 1/40 used']);
    expect(Array.from(s.timeline.liveBytes)).toEqual([0, 0, 100, 90, 400]);
  });

  test('property: seeking through checkpoints gives the state of a linear replay', async () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('malloc' as const), arena: fc.integer({ min: 0, max: 1 }), pool: fc.integer({ min: 0, max: 63 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'mark' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 400, size: 'max' }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), async (ops, at) => {
        const withCp = await writeTrace(ops, 2, 1);
        const without = await writeTrace(ops, 2, 0);
        const a = await openSession(withCp.bytes, 'a.pymem');
        const b = await openSession(without.bytes, 'b.pymem');
        expect(a.length).toBe(b.length);
        for (const f of [...at, 1]) {
          const p = Math.round(f * a.length);
          const sa = await a.stateAt(p);
          expect(inUse(sa.heap)).toEqual(withCp.expected[p]);
          // Pools emptied before a checkpoint are not in it: only the pools in use must agree.
          const sb = (await b.stateAt(p)).heap;
          expect(inUse(sa.heap)).toEqual(inUse(sb));
          expect([sa.heap.liveBytes, sa.heap.arenaBytes, sa.heap.classes]).toEqual([sb.liveBytes, sb.arenaBytes, sb.classes]);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('bad input: a typed error that says what and where', async () => {
    await expect(openSession(new TextEncoder().encode('hello, world'), 'notes.txt')).rejects.toThrow(new ViewerError('notes.txt is neither a .pymem trace nor a raw PYMTRC01 capture (plain or gzip): it starts with 68 65 6c 6c 6f 2c 20 77'));
    await expect(openSession(new Uint8Array(0), 'empty.bin')).rejects.toThrow('empty.bin is neither a .pymem trace nor a raw PYMTRC01 capture (plain or gzip): it starts with nothing (it is empty)');
    const { bytes } = await writeTrace([{ kind: 'malloc', arena: 0, pool: 0 }], 1, 0);
    const cut = openSession(bytes.subarray(0, 20), 'cut.pymem');
    await expect(cut).rejects.toBeInstanceOf(ViewerError);
    await expect(cut).rejects.toThrow(/^cut\.pymem: .* \(E_[A-Z_]+\)$/);
    const raw = new Uint8Array(readFileSync(DEMO));
    await expect(openSession(raw.subarray(0, 1000), 'demo-cut.bin.gz')).rejects.toThrow(/^demo-cut\.bin\.gz: .* \(E_[A-Z_]+\)$/);
  });
});
