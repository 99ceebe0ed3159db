import { describe, expect, it } from 'vitest';
import { InvalidAddressError, PymemArenaError } from './errors.js';
import { LinearArenaSource } from './linear-source.js';
import { HeapMemory } from './memory.js';
import { Tlsf } from './tlsf.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const POOL = 16 * KIB;

function setup(alignment?: number, maxBytes = 64 * MIB): { memory: HeapMemory; tlsf: Tlsf; source: LinearArenaSource } {
  const memory = new HeapMemory(64 * KIB, { maxBytes });
  const tlsf = new Tlsf(memory, { start: 16 });
  const source = new LinearArenaSource(tlsf, memory, alignment === undefined ? {} : { alignment });
  return { memory, tlsf, source };
}

describe('LinearArenaSource', () => {
  it('defaults to 4096: deterministic bases, some not pool-aligned (63-pool arenas)', () => {
    const { source, tlsf } = setup();
    expect(source.alignment).toBe(4096);
    const a = source.allocArena(MIB);
    const b = source.allocArena(MIB);
    // First block header at 16: 32 is not 4 KiB-aligned, so the arena goes to
    // 4096, leaving [16, 4080) free. The next block header is at 4096 + 1 MiB.
    expect(a).toBe(4096);
    expect(b).toBe(MIB + 8192);
    expect(a % POOL).not.toBe(0);
    expect(b % POOL).not.toBe(0);
    for (const x of [a, b]) expect(x % 4096).toBe(0);
    expect(source.offsetOf(a)).toBe(a);
    tlsf.check();
  });

  it('with the default alignment both 63- and 64-pool arenas occur', () => {
    const { source, tlsf } = setup();
    const excess = new Set<boolean>();
    // Small TLSF blocks between arenas shift the next base by various amounts.
    for (let i = 0; i < 8; i++) {
      const a = source.allocArena(MIB);
      expect(a).toBeGreaterThan(0);
      excess.add(a % POOL === 0);
      tlsf.malloc(4096 * (i + 1));
    }
    expect(excess).toEqual(new Set([true, false]));
    tlsf.check();
  });

  it('alignment 16384 makes every arena pool-aligned', () => {
    const { source, tlsf } = setup(16384);
    for (let i = 0; i < 10; i++) {
      const a = source.allocArena(MIB);
      expect(a).toBeGreaterThan(0);
      expect(a % POOL).toBe(0);
      tlsf.malloc(1000 * i + 1);
    }
    tlsf.check();
  });

  it('alignment of a whole arena (1 MiB) also works', () => {
    const { source, tlsf } = setup(MIB);
    for (let i = 0; i < 3; i++) expect(source.allocArena(MIB) % MIB).toBe(0);
    tlsf.check();
  });

  it('freed arenas are reused at the same address and coalesced', () => {
    for (const alignment of [4096, 16384]) {
      const { source, tlsf, memory } = setup(alignment);
      const arenas = [0, 1, 2, 3].map(() => source.allocArena(MIB));
      const size = memory.byteLength;
      source.freeArena(arenas[1]!, MIB);
      tlsf.check();
      expect(source.allocArena(MIB)).toBe(arenas[1]);
      // Two neighbours freed: they merge, and a large TLSF block fits there.
      source.freeArena(arenas[1]!, MIB);
      source.freeArena(arenas[2]!, MIB);
      tlsf.check();
      const big = tlsf.malloc(2 * MIB);
      expect(big).toBeGreaterThan(arenas[0]!);
      expect(big).toBeLessThan(arenas[3]!);
      expect(memory.byteLength).toBe(size);
      tlsf.check();
    }
  });

  it('returns -1 when the memory cannot grow', () => {
    const { source, tlsf } = setup(4096, 2 * MIB);
    expect(source.allocArena(MIB)).toBeGreaterThan(0);
    expect(source.allocArena(MIB)).toBe(-1);
    tlsf.check();
  });

  it('rejects freeing a foreign address or a block smaller than an arena', () => {
    const { source, tlsf } = setup();
    const a = source.allocArena(MIB);
    const small = tlsf.malloc(100);
    expect(() => { source.freeArena(a + 4096, MIB); }).toThrow(InvalidAddressError);
    expect(() => { source.freeArena(small, MIB); }).toThrow(InvalidAddressError);
    expect(tlsf.isAllocated(small)).toBe(true);
    source.freeArena(a, MIB);
    expect(() => { source.freeArena(a, MIB); }).toThrow(expect.objectContaining({ reason: 'double-free' }) as Error);
    tlsf.check();
  });

  it('rejects bad alignments and a memory other than the TLSF one', () => {
    const memory = new HeapMemory(64 * KIB);
    const tlsf = new Tlsf(memory, { start: 16 });
    for (const alignment of [0, 8, 3000, 2 * MIB]) {
      expect(() => new LinearArenaSource(tlsf, memory, { alignment })).toThrow(PymemArenaError);
    }
    expect(() => new LinearArenaSource(tlsf, new HeapMemory(64 * KIB))).toThrow(/memory/);
  });
});

describe('LinearArenaSource with Pymalloc', () => {
  it('serves arenas and large blocks from one linear memory', async () => {
    const { Pymalloc } = await import('./pymalloc.js');
    const { source, tlsf, memory } = setup(4096);
    const heap = new Pymalloc({ source, fallback: tlsf });
    const small: number[] = [];
    for (let i = 0; i < 20_000; i++) small.push(heap.malloc(64));
    const large = heap.malloc(100_000);
    expect(heap.arenasCurrent).toBeGreaterThan(1);
    expect(tlsf.isAllocated(large)).toBe(true);
    for (const p of small) {
      expect(p).toBeGreaterThan(0);
      expect(tlsf.isAllocated(p)).toBe(false);
    }
    memory.u8.fill(0x5a, large, large + 100_000);
    for (const p of small) heap.free(p);
    heap.free(large);
    tlsf.check();
    expect(heap.arenasCurrent).toBeLessThanOrEqual(1);
  });
});
