import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidAddressError } from './errors.js';
import { createDebugHeap, createLinearHeap } from './heap.js';
import { HeapMemory } from './memory.js';
import { Tlsf } from './tlsf.js';

function tlsfOf(heap: ReturnType<typeof createLinearHeap>): Tlsf {
  const f = heap.fallback;
  if (!(f instanceof Tlsf)) throw new Error('a linear heap falls back to its TLSF');
  return f;
}

describe('createLinearHeap', () => {
  it('places arenas in the same memory as large blocks, at exact addresses', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384 });
    const p = heap.malloc(24);
    const base = heap.aAddress[0]!;
    expect(base % 16384).toBe(0);
    expect(p).toBe(base + 48);
    expect(heap.malloc(24)).toBe(base + 48 + 32);
    const big = heap.malloc(4000);
    expect(heap.owns(big)).toBe(false);
    expect(tlsfOf(heap).isAllocated(big)).toBe(true);
    heap.check();
    tlsfOf(heap).check();
  });

  it('gives 63-pool arenas when an arena base is not pool-aligned (mmap-like 4 KiB alignment)', () => {
    const heap = createLinearHeap({ arenaAlignment: 4096 });
    const pools: number[] = [];
    heap.observer = { arenaAlloc: (_a, _s, n) => pools.push(n) };
    const keep: number[] = [];
    heap.malloc(1);
    // A 5000-byte block between arenas shifts the next base off the pool grid.
    keep.push(heap.malloc(5000));
    for (let i = 0; i < 3 * 64 * 31; i++) keep.push(heap.malloc(512));
    expect(pools).toContain(63);
    expect(pools).toContain(64);
    heap.check();
  });

  it('holds real bytes: calloc zeroes, realloc copies between pymalloc and TLSF blocks', () => {
    const heap = createLinearHeap();
    const dv = (): DataView => heap.memory.dv;
    const p = heap.malloc(40);
    for (let i = 0; i < 5; i++) dv().setFloat64(p + 8 * i, i + 0.5, true);
    const q = heap.realloc(p, 200); // pymalloc → pymalloc, other class
    const r = heap.realloc(q, 3000); // pymalloc → TLSF
    const s = heap.realloc(r, 100_000); // TLSF → TLSF
    expect(heap.owns(r)).toBe(false);
    for (let i = 0; i < 5; i++) expect(dv().getFloat64(s + 8 * i, true)).toBe(i + 0.5);
    heap.free(s);
    const m = heap.malloc(300);
    heap.memory.u8.fill(0xee, m, m + 300);
    heap.free(m);
    const z = heap.calloc(10, 30);
    expect(z).toBe(m);
    expect([...heap.memory.u8.subarray(z, z + 300)].every((b) => b === 0)).toBe(true);
    heap.check();
    tlsfOf(heap).check();
  });

  it('returns released arena space to TLSF, which reuses it', () => {
    const heap = createLinearHeap({ arenaAlignment: 16384, geometry: { keepEmptyArena: false } });
    const p = heap.malloc(64);
    const base = heap.aAddress[0]!;
    heap.free(p);
    expect(heap.arenasCurrent).toBe(0);
    expect(tlsfOf(heap).isAllocated(base)).toBe(false);
    const q = heap.malloc(64);
    expect(heap.aAddress[0]).toBe(base);
    expect(q).toBe(p);
  });

  it('works over a WebAssembly.Memory and a growable SharedArrayBuffer', () => {
    for (const memory of [new WebAssembly.Memory({ initial: 1, maximum: 256 }), new SharedArrayBuffer(65536, { maxByteLength: 64 << 20 })]) {
      const heap = createLinearHeap({ memory });
      const blocks: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const p = heap.malloc(1 + (i % 700));
        heap.memory.u8[p] = i & 0xff;
        blocks.push(p);
      }
      blocks.forEach((p, i) => expect(heap.memory.u8[p]).toBe(i & 0xff));
      expect(heap.memory.byteLength).toBeGreaterThan(65536);
      heap.check();
    }
  });

  it('returns 0 when a fixed buffer is full, and keeps working', () => {
    const heap = createLinearHeap({ memory: new ArrayBuffer(64 * 1024) });
    // No room for a 1 MiB arena: like CPython, the request falls back (here to TLSF).
    const small = heap.malloc(16);
    expect(small).toBe(32);
    expect(heap.owns(small)).toBe(false);
    expect(heap.arenasCurrent).toBe(0);
    expect(heap.malloc(100_000)).toBe(0);
    expect(heap.malloc(1000)).toBeGreaterThan(0);
    heap.check();
    tlsfOf(heap).check();
  });

  it('rejects freeing a large-block address it never returned with a typed error', () => {
    const heap = createLinearHeap();
    heap.malloc(8);
    const big = heap.malloc(5000);
    expect(() => heap.free(big + 16)).toThrow(InvalidAddressError);
    expect(() => heap.free(heap.memory.byteLength + 4096)).toThrow(InvalidAddressError);
    heap.free(big);
    expect(() => heap.free(big)).toThrow(expect.objectContaining({ reason: 'double-free' }) as Error);
    heap.check();
    tlsfOf(heap).check();
  });

  it('keeps every live block intact under random use (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 6000 }), fc.nat()), { maxLength: 300 }),
        fc.constantFrom(4096, 16384),
        (ops, arenaAlignment) => {
          const heap = createLinearHeap({ arenaAlignment, memory: new HeapMemory(1 << 16, { maxBytes: 64 << 20 }) });
          const live: { p: number; n: number; tag: number }[] = [];
          let tag = 0;
          const fill = (b: { p: number; n: number; tag: number }): void => {
            heap.memory.u8.fill(b.tag, b.p, b.p + Math.min(b.n, 64));
          };
          const verify = (b: { p: number; n: number; tag: number }): void => {
            const u8 = heap.memory.u8;
            for (let i = 0; i < Math.min(b.n, 64); i++) if (u8[b.p + i] !== b.tag) throw new Error(`block ${b.p} byte ${i} clobbered`);
          };
          for (const [kind, size, pick] of ops) {
            if (kind < 5 || live.length === 0) {
              const n = size % 7 === 0 ? size : size % 600;
              const p = heap.malloc(n);
              if (p === 0) continue;
              const b = { p, n, tag: (tag++ % 250) + 1 };
              fill(b);
              live.push(b);
            } else if (kind < 8) {
              const [b] = live.splice(pick % live.length, 1);
              verify(b!);
              heap.free(b!.p);
            } else {
              const b = live[pick % live.length]!;
              verify(b);
              const q = heap.realloc(b.p, size % 900);
              if (q === 0) continue;
              b.p = q;
              b.n = Math.min(b.n, size % 900);
              verify(b);
              b.n = size % 900;
              fill(b);
            }
          }
          live.forEach(verify);
          heap.check();
          tlsfOf(heap).check();
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('createDebugHeap', () => {
  it('detects a double free, a foreign address and a write past the end; the heap is unchanged', () => {
    const heap = createDebugHeap();
    const p = heap.malloc(30);
    const q = heap.malloc(30);
    heap.free(p);
    const snapshot = heap.memory.u8.slice();
    expect(() => heap.free(p)).toThrow(expect.objectContaining({ reason: 'double-free', address: p }) as Error);
    expect(() => heap.free(p + 8)).toThrow(InvalidAddressError);
    expect(() => heap.realloc(p + 8, 10)).toThrow(InvalidAddressError);
    expect(Buffer.compare(heap.memory.u8, snapshot)).toBe(0);
    heap.memory.u8[q + 30] = 0; // one byte past the end
    expect(() => heap.free(q)).toThrow(expect.objectContaining({ reason: 'overrun' }) as Error);
    expect(heap.isLive(q)).toBe(true);
  });
});
