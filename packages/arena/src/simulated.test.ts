import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PymemArenaError } from './errors.js';
import { resolveGeometry } from './geometry.js';
import { SIMULATED_LIBC_BASE, SIMULATED_MMAP_TOP, SimulatedArenaSource, SimulatedFallback, createSimulatedHeap } from './simulated.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const TOP = SIMULATED_MMAP_TOP;

describe('SimulatedArenaSource bases', () => {
  it('hands out arenas top-down, each directly below the last, page-aligned but not pool-aligned', () => {
    const source = new SimulatedArenaSource(resolveGeometry('cpython-3.11'));
    expect([source.allocArena(MIB), source.allocArena(MIB), source.allocArena(MIB)].map((b) => b.toString(16))).toEqual([
      '7effffeff000',
      '7effffdff000',
      '7effffcff000',
    ]);
    expect(source.allocArena(MIB)).toBe(TOP - 4096 - 4 * MIB);
    expect(source.fresh).toBe(4);
    expect(source.reused).toBe(0);
    expect(source.live).toBe(4);
  });

  it('reuses released ranges last released first, then goes on below the lowest', () => {
    const source = new SimulatedArenaSource(resolveGeometry('cpython-3.11'));
    const [a, b, c] = [source.allocArena(MIB), source.allocArena(MIB), source.allocArena(MIB)];
    source.freeArena(b);
    source.freeArena(a);
    expect(source.allocArena(MIB)).toBe(a);
    expect(source.allocArena(MIB)).toBe(b);
    expect(source.allocArena(MIB)).toBe(c - MIB);
    expect(source.fresh).toBe(4);
    expect(source.reused).toBe(2);
    expect(source.nextFreshBase).toBe(c - 2 * MIB);
  });

  it('rounds the stride up to an alignment above the arena size', () => {
    const source = new SimulatedArenaSource(resolveGeometry('cpython-3.11'), { alignment: 2 * MIB });
    expect(source.stride).toBe(2 * MIB);
    expect(source.allocArena(MIB)).toBe(TOP - 4 * MIB);
    expect(source.allocArena(MIB)).toBe(TOP - 6 * MIB);
  });

  it('keeps each live arena in its own shadow region, the base\'s offset within a pool kept', () => {
    const source = new SimulatedArenaSource(resolveGeometry('cpython-3.11'));
    const a = source.allocArena(MIB);
    const b = source.allocArena(MIB);
    // Region k starts at poolSize + k * (arenaSize + poolSize) + base mod poolSize.
    expect(source.offsetOf(a)).toBe(16 * KIB + 0x3000);
    expect(source.offsetOf(b)).toBe(16 * KIB + (MIB + 16 * KIB) + 0x3000);
    source.freeArena(a);
    expect(() => source.offsetOf(a)).toThrow('no live arena at 0x7effffeff000');
    expect(() => source.freeArena(a)).toThrow(PymemArenaError);
    expect(source.allocArena(MIB)).toBe(a);
    expect(source.offsetOf(a)).toBe(16 * KIB + 0x3000);
  });

  it('refuses alignments that are not powers of two from 4096 to 1 GiB', () => {
    const g = resolveGeometry('cpython-3.11');
    for (const alignment of [2048, 3000, 6144, 2 ** 31, 0.5]) {
      expect(() => new SimulatedArenaSource(g, { alignment })).toThrow(`arena alignment must be a power of two from 4096 to 1073741824, got ${alignment}`);
    }
    let code = '';
    try {
      new SimulatedArenaSource(g, { alignment: 3000 });
    } catch (e) {
      if (e instanceof PymemArenaError) code = e.code;
    }
    expect(code).toBe('E_ARGUMENT');
    expect(() => new SimulatedArenaSource(g).allocArena(2 * MIB)).toThrow('arena of 2097152 bytes asked for; this source hands out 1048576-byte arenas');
  });
});

describe('pools per arena by alignment', () => {
  it('3.11 geometry, 4096-aligned bases: 63 pools, the first at the next 16 KiB boundary', () => {
    const { heap } = createSimulatedHeap('cpython-3.11');
    const p = heap.malloc(56);
    expect(p.toString(16)).toBe('7efffff00030');
    const s = heap.stats();
    expect(s.unusedPools).toBe(62);
    expect(s.arenaAlignmentBytes).toBe(16 * KIB);
    expect(heap.arenas()).toMatchObject([{ address: 0x7effffeff000, totalPools: 63 }]);
    heap.check();
  });

  it('3.11 geometry, 16384-aligned bases: all 64 pools, the first at the base', () => {
    const { heap } = createSimulatedHeap('cpython-3.11', { alignment: 16 * KIB });
    expect(heap.malloc(56)).toBe(TOP - 16 * KIB - MIB + 48);
    expect(heap.stats()).toMatchObject({ unusedPools: 63, arenaAlignmentBytes: 0 });
    expect(heap.arenas()[0]!.totalPools).toBe(64);
  });

  it('3.8 geometry: 4 KiB pools make every page-aligned base pool-aligned (64 pools)', () => {
    const { heap } = createSimulatedHeap('cpython-3.8');
    expect(heap.malloc(500)).toBe(TOP - 4 * KIB - 256 * KIB + 48);
    expect(heap.arenas()).toMatchObject([{ address: 0x7efffffbf000, totalPools: 64 }]);
    expect(heap.stats().arenaAlignmentBytes).toBe(0);
  });

  it('fills a 63-pool arena before asking for the next one, directly below it', () => {
    const { heap, source } = createSimulatedHeap('cpython-3.11');
    // 512-byte blocks: 31 per 16 KiB pool, 63 pools: 1,953 blocks fill the first arena.
    const blocks: number[] = [];
    for (let i = 0; i < 31 * 63; i++) blocks.push(heap.malloc(512));
    expect(heap.arenasCurrent).toBe(1);
    blocks.push(heap.malloc(512));
    expect(heap.arenasCurrent).toBe(2);
    expect(blocks[blocks.length - 1]).toBe(TOP - 4096 - 2 * MIB + 0x1000 + 48);
    expect(source.fresh).toBe(2);
    heap.check();
  });
});

describe('arena release and reuse through pymalloc', () => {
  it('3.8 geometry: an emptied arena is released and its range is the next one mapped', () => {
    const { heap, source } = createSimulatedHeap('cpython-3.8');
    // 7 blocks of 512 bytes per 4 KiB pool, 64 pools: 448 blocks per arena.
    const first: number[] = [];
    for (let i = 0; i < 448; i++) first.push(heap.malloc(500));
    const second: number[] = [];
    for (let i = 0; i < 448; i++) second.push(heap.malloc(500));
    expect(heap.arenas().map((a) => a.address)).toEqual([TOP - 4096 - 256 * KIB, TOP - 4096 - 512 * KIB]);
    for (const p of first) heap.free(p);
    expect(heap.arenasCurrent).toBe(1);
    expect(heap.malloc(16)).toBe(0x7efffffbf000 + 48);
    expect(source.reused).toBe(1);
    expect(heap.arenas().map((a) => a.address).sort((x, y) => x - y)).toEqual([TOP - 4096 - 512 * KIB, TOP - 4096 - 256 * KIB]);
    heap.check();
  });
});

describe('SimulatedFallback', () => {
  it('hands out fresh 16-aligned addresses spaced like glibc chunks, never reused', () => {
    const f = new SimulatedFallback();
    expect(f.malloc(1000)).toBe(SIMULATED_LIBC_BASE + 16);
    expect(f.malloc(0)).toBe(SIMULATED_LIBC_BASE + 16 + 1008);
    expect(f.calloc(24)).toBe(SIMULATED_LIBC_BASE + 16 + 1008 + 32);
    f.free(SIMULATED_LIBC_BASE + 16);
    expect(f.realloc(SIMULATED_LIBC_BASE + 16 + 1008, 100)).toBe(SIMULATED_LIBC_BASE + 16 + 1008 + 32 + 32);
    expect(f.served).toBe(4);
    expect(f.freed).toBe(1);
  });

  it('serves what pymalloc declines, outside every arena', () => {
    const { heap, fallback } = createSimulatedHeap('cpython-3.11');
    const small = heap.malloc(24);
    const big = heap.malloc(513);
    const none = heap.malloc(0);
    expect([big, none]).toEqual([SIMULATED_LIBC_BASE + 16, SIMULATED_LIBC_BASE + 16 + 528]);
    expect(heap.owns(small)).toBe(true);
    expect(heap.owns(big)).toBe(false);
    // A small block grown past the threshold moves to the fallback; a fallback block stays there.
    const moved = heap.realloc(small, 600);
    expect(moved).toBe(SIMULATED_LIBC_BASE + 16 + 528 + 32);
    expect(heap.realloc(moved, 8)).toBe(SIMULATED_LIBC_BASE + 16 + 528 + 32 + 608);
    expect(fallback.served).toBe(4);
    expect(heap.stats().bytesInAllocatedBlocks).toBe(0);
    heap.check();
  });
});

describe('simulated heap invariants (property)', () => {
  it('any request stream keeps check() passing, arenas disjoint and block contents intact', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('malloc' as const), size: fc.integer({ min: 0, max: 700 }) }),
      fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('realloc' as const), pick: fc.nat(), size: fc.integer({ min: 1, max: 700 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom('cpython-3.11' as const, 'cpython-3.8' as const), fc.constantFrom(4096, 16384, 2 * MIB), fc.array(op, { maxLength: 400 }), (geometry, alignment, ops) => {
        const { heap } = createSimulatedHeap(geometry, { alignment });
        const live = new Map<number, number>();
        let tag = 1;
        const write = (p: number, t: number): void => {
          if (heap.owns(p)) heap.memory.dv.setUint32(heap.offsetOf(p), t, true);
          live.set(p, t);
        };
        for (const o of ops) {
          const keys = [...live.keys()];
          if (o.kind === 'malloc') {
            const p = heap.malloc(o.size);
            expect(live.has(p)).toBe(false);
            if (o.size >= 4) write(p, tag++);
            else live.set(p, 0);
          } else if (keys.length > 0) {
            const p = keys[o.pick % keys.length]!;
            live.delete(p);
            if (o.kind === 'free') heap.free(p);
            else {
              const q = heap.realloc(p, o.size);
              expect(live.has(q)).toBe(false);
              write(q, tag++);
            }
          }
        }
        heap.check();
        for (const [p, t] of live) {
          if (t !== 0 && heap.owns(p)) expect(heap.memory.dv.getUint32(heap.offsetOf(p), true)).toBe(t);
        }
        const bases = heap.arenas().map((a) => a.address).sort((x, y) => x - y);
        for (let i = 1; i < bases.length; i++) expect(bases[i]! - bases[i - 1]!).toBeGreaterThanOrEqual(heap.geometry.arenaSize);
        for (const b of bases) expect(b % alignment).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
