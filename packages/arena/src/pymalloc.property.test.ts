import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GeometryOpts, PresetName } from './geometry.js';
import { resolveGeometry } from './geometry.js';
import { createRecordedHeap } from './recorded.js';
import { ReferenceModel } from './test-support/reference-model.js';

type Op =
  | { kind: 'malloc'; size: number }
  | { kind: 'calloc'; nelem: number; elsize: number }
  | { kind: 'free'; pick: number }
  | { kind: 'realloc'; pick: number; size: number }
  | { kind: 'drain'; keep: number };

function opArb(threshold: number): fc.Arbitrary<Op> {
  const size = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 1, max: threshold }) },
    { weight: 1, arbitrary: fc.constantFrom(0, threshold + 1, 4 * threshold) },
  );
  return fc.oneof(
    { weight: 10, arbitrary: size.map((s) => ({ kind: 'malloc' as const, size: s })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('calloc' as const), nelem: fc.integer({ min: 0, max: 8 }), elsize: fc.integer({ min: 0, max: threshold / 8 }) }) },
    { weight: 7, arbitrary: fc.nat().map((pick) => ({ kind: 'free' as const, pick })) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('realloc' as const), pick: fc.nat(), size }) },
    // Free most live blocks at once, so that pools and arenas empty and are released.
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }).map((keep) => ({ kind: 'drain' as const, keep })) },
  );
}

/** Arena bases as mmap gives them: page-granular, some pool-aligned, some not. */
function baseStream(seed: number, arenaSize: number, poolSize: number): () => number {
  let k = 0;
  const page = Math.min(4096, poolSize / 4);
  return () => {
    k++;
    const excess = ((seed + k * 7) % 4) * page;
    return 0x7f0000000000 + k * 4 * arenaSize + excess;
  };
}

function run(geometry: PresetName | GeometryOpts, ops: Op[], seed: number): void {
  const g = resolveGeometry(geometry);
  const { heap, source, fallback } = createRecordedHeap(g);
  const heapBases = baseStream(seed, g.arenaSize, g.poolSize);
  let heapFallback = 0;
  let refFallback = 0;
  const ref = new ReferenceModel(g, baseStream(seed, g.arenaSize, g.poolSize), () => 0x1000 + 16 * refFallback++);
  const released: number[] = [];
  const allocated: number[] = [];
  heap.observer = { arenaAlloc: (a) => allocated.push(a), arenaFree: (a) => released.push(a) };
  const live: number[] = [];

  const call = (f: () => number, r: () => number): number => {
    if (source.offered === 0) source.offer(heapBases());
    fallback.expect(0x1000 + 16 * heapFallback);
    const before = fallback.served;
    const got = f();
    if (fallback.served !== before) heapFallback++;
    const want = r();
    expect(got).toBe(want);
    return got;
  };
  const freeOne = (i: number): void => {
    const p = live[i]!;
    live.splice(i, 1);
    heap.free(p);
    ref.free(p);
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'malloc':
        live.push(call(() => heap.malloc(op.size), () => ref.malloc(op.size)));
        break;
      case 'calloc':
        live.push(call(() => heap.calloc(op.nelem, op.elsize), () => ref.malloc(op.nelem * op.elsize)));
        break;
      case 'free':
        if (live.length > 0) freeOne(op.pick % live.length);
        break;
      case 'realloc': {
        if (live.length === 0) break;
        const i = op.pick % live.length;
        const p = live[i]!;
        live[i] = call(() => heap.realloc(p, op.size), () => ref.realloc(p, op.size));
        break;
      }
      case 'drain':
        while (live.length > op.keep) freeOne((live.length * 7919) % live.length);
        break;
    }
    heap.check();
  }
  expect(allocated).toEqual(ref.events.allocated);
  expect(released).toEqual(ref.events.released);
  expect(heap.stats().classes.map((c) => c.blocksInUse)).toEqual(ref.inUse());
}

const SMALL: GeometryOpts = { poolSize: 1024, arenaSize: 4096, threshold: 256 };
const cases: [string, PresetName | GeometryOpts, number, number][] = [
  ['cpython-3.11', 'cpython-3.11', 512, 40],
  ['cpython-3.8', 'cpython-3.8', 512, 60],
  ['small pools, keep one empty arena', SMALL, 256, 150],
  ['small pools, release every empty arena', { ...SMALL, keepEmptyArena: false }, 256, 150],
  ['alignment 32', { alignment: 32, poolSize: 2048, arenaSize: 8192, threshold: 512 }, 512, 100],
];

describe('Pymalloc agrees with a simple reference model on every address', () => {
  for (const [name, geometry, threshold, runs] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(fc.array(opArb(threshold), { minLength: 1, maxLength: 400 }), fc.nat(), (ops, seed) => {
          run(geometry, ops, seed);
        }),
        { numRuns: runs },
      );
    });
  }
});
