import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeapCorruptionError, InvalidAddressError, PymemArenaError } from './errors.js';
import { HeapMemory } from './memory.js';
import { Tlsf, TLSF_HEADER } from './tlsf.js';

const KIB = 1024;
const MIB = 1024 * KIB;

function heap(bytes = 64 * KIB, maxBytes = 64 * MIB): { memory: HeapMemory; tlsf: Tlsf } {
  const memory = new HeapMemory(bytes, { maxBytes });
  return { memory, tlsf: new Tlsf(memory, { start: 16 }) };
}

function expectInvalid(fn: () => unknown, reason: string, address: number): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidAddressError);
  expect((err as InvalidAddressError).reason).toBe(reason);
  expect((err as InvalidAddressError).address).toBe(address);
}

/** Snapshot of the whole memory, to prove a rejected call changed nothing. */
function snapshot(memory: HeapMemory): Uint8Array {
  return memory.u8.slice();
}

describe('Tlsf: exact addresses', () => {
  it('places the first block right after its header at start', () => {
    const { tlsf } = heap();
    expect(tlsf.malloc(100)).toBe(32);
    // 100 bytes -> 112 + 16 header = 128-byte block; next header at 144.
    expect(tlsf.malloc(1)).toBe(160);
    expect(tlsf.malloc(0)).toBe(192);
    expect(tlsf.usableSize(32)).toBe(112);
    expect(tlsf.usableSize(160)).toBe(16);
    tlsf.check();
  });

  it('rounds start up to 16 and keeps every address 16-aligned', () => {
    const memory = new HeapMemory(64 * KIB);
    const tlsf = new Tlsf(memory, { start: 1000 });
    expect(tlsf.base).toBe(1008);
    expect(tlsf.malloc(7)).toBe(1024);
    for (let i = 1; i < 50; i++) expect(tlsf.malloc(i * 13) % 16).toBe(0);
    tlsf.check();
  });

  it('coalesces freed neighbours so the range is reused at the same address', () => {
    const { tlsf } = heap();
    const a = tlsf.malloc(100);
    const b = tlsf.malloc(100);
    const c = tlsf.malloc(100);
    const guard = tlsf.malloc(16);
    expect([a, b, c]).toEqual([32, 160, 288]);
    tlsf.free(a);
    tlsf.free(c);
    tlsf.check();
    expect(tlsf.stats().freeBlocks).toBe(3); // a, c, and the tail
    tlsf.free(b); // merges a + b + c into one 384-byte block
    tlsf.check();
    expect(tlsf.stats().freeBlocks).toBe(2);
    expect(tlsf.malloc(384 - TLSF_HEADER)).toBe(32);
    expect(tlsf.isAllocated(guard)).toBe(true);
    tlsf.check();
  });

  it('merges a freed last block back into the tail', () => {
    const { tlsf } = heap();
    const a = tlsf.malloc(1000);
    tlsf.free(a);
    expect(tlsf.stats()).toEqual({ usedBytes: 0, freeBytes: 64 * KIB - 16, usedBlocks: 0, freeBlocks: 1, largestFree: 64 * KIB - 32 });
    tlsf.check();
  });

  it('reallocs in place when shrinking or when the next block is free, and moves otherwise', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(64);
    memory.u8.fill(0xab, a, a + 64);
    expect(tlsf.realloc(a, 32)).toBe(a); // shrink in place (tail split off)
    expect(tlsf.usableSize(a)).toBe(32);
    expect(tlsf.realloc(a, 500)).toBe(a); // grows into the free tail
    const b = tlsf.malloc(16);
    expect(b).toBe(a + 528); // a is a 528-byte block now
    expect(tlsf.realloc(a, 600)).not.toBe(a); // b is in the way: moves
    tlsf.check();
  });

  it('realloc that moves copies the contents and frees the old block', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(48);
    const blocker = tlsf.malloc(16);
    for (let i = 0; i < 48; i++) memory.u8[a + i] = i;
    const b = tlsf.realloc(a, 4000);
    expect(b).not.toBe(a);
    expect(Array.from(memory.u8.subarray(b, b + 48))).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(tlsf.isAllocated(a)).toBe(false);
    expect(tlsf.isAllocated(blocker)).toBe(true);
    expect(tlsf.malloc(48)).toBe(a); // the old place is free again
    tlsf.check();
  });

  it('realloc(0, n) is malloc and calloc zeroes', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(256);
    memory.u8.fill(0xff, a, a + 256);
    tlsf.free(a);
    expect(tlsf.realloc(0, 10)).toBe(a);
    const z = tlsf.calloc(200);
    expect(memory.u8.subarray(z, z + 200).every((x) => x === 0)).toBe(true);
    tlsf.check();
  });
});

describe('Tlsf: memalign', () => {
  it('returns aligned addresses for every power of two up to 1 MiB', () => {
    const { tlsf } = heap(64 * KIB, 256 * MIB);
    const live: number[] = [];
    for (let shift = 0; shift <= 20; shift++) {
      const al = 1 << shift;
      for (const n of [1, 100, 5000]) {
        const a = tlsf.memalign(al, n);
        expect(a).toBeGreaterThan(0);
        expect(a % al).toBe(0);
        expect(tlsf.usableSize(a)).toBeGreaterThanOrEqual(n);
        live.push(a);
        tlsf.check();
      }
    }
    for (const a of live) tlsf.free(a);
    tlsf.check();
    expect(tlsf.stats().usedBlocks).toBe(0);
  });

  it('puts the gap before an aligned block back on the free lists', () => {
    const { tlsf } = heap();
    const a = tlsf.memalign(4096, 100);
    expect(a).toBe(4096);
    // The gap [16, 4080) is one free block: a small malloc lands at its start.
    expect(tlsf.malloc(10)).toBe(32);
    tlsf.check();
  });

  it('rejects alignments that are not powers of two up to 1 MiB', () => {
    const { tlsf } = heap();
    for (const al of [0, 3, 48, 2 * MIB, -16, 1.5]) {
      expect(() => tlsf.memalign(al, 10)).toThrow(PymemArenaError);
    }
    tlsf.check();
  });
});

describe('Tlsf: misuse', () => {
  it('double free throws double-free and changes nothing', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(40);
    tlsf.malloc(40);
    tlsf.free(a);
    const before = snapshot(memory);
    expectInvalid(() => { tlsf.free(a); }, 'double-free', a);
    expectInvalid(() => tlsf.realloc(a, 10), 'double-free', a);
    expect(memory.u8).toEqual(before);
    tlsf.check();
    expect(tlsf.malloc(40)).toBe(a);
  });

  it('double free of a block already merged into its neighbour is still double-free', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(40);
    const b = tlsf.malloc(40);
    tlsf.free(a);
    tlsf.free(b); // b's header is now inside the free block starting at a
    const before = snapshot(memory);
    expectInvalid(() => { tlsf.free(b); }, 'double-free', b);
    expect(memory.u8).toEqual(before);
    tlsf.check();
  });

  it('foreign, interior, misaligned and out-of-range addresses throw foreign', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(100);
    const before = snapshot(memory);
    for (const bad of [a + 16, a + 8, a + 1, 16, 8, -16, 64 * KIB, 10 * MIB, 2 ** 40, Number.NaN, 0.5, Infinity]) {
      expectInvalid(() => { tlsf.free(bad); }, 'foreign', bad);
      expectInvalid(() => tlsf.realloc(bad, 8), 'foreign', bad);
      expectInvalid(() => tlsf.usableSize(bad), 'foreign', bad);
      expect(tlsf.isAllocated(bad)).toBe(false);
    }
    expect(memory.u8).toEqual(before);
    tlsf.check();
    expect(tlsf.isAllocated(a)).toBe(true);
    expect(tlsf.malloc(100)).toBeGreaterThan(a);
  });

  it('a copied header does not make an address valid (the magic is bound to the address)', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(100);
    const b = tlsf.malloc(300);
    // Forge a copy of a's header inside b's data.
    memory.u8.copyWithin(b + 64, a - 16, a);
    expect(tlsf.isAllocated(b + 80)).toBe(false);
    expectInvalid(() => { tlsf.free(b + 80); }, 'foreign', b + 80);
    tlsf.check();
  });

  it('check() reports a smashed header or boundary tag', () => {
    const { memory, tlsf } = heap();
    const a = tlsf.malloc(100);
    const b = tlsf.malloc(100);
    tlsf.malloc(100);
    tlsf.free(b);
    memory.u32[(b + 128 - 16 - 4) >>> 2] = 48; // b's boundary tag
    expect(() => { tlsf.check(); }).toThrow(/boundary tag/);
    memory.u32[(b + 128 - 16 - 4) >>> 2] = 128;
    tlsf.check();
    memory.u32[(a - 12) >>> 2] = 0x1234; // a's magic
    expect(() => { tlsf.check(); }).toThrow(HeapCorruptionError);
    expect(() => { tlsf.check(); }).toThrow(/block 0x10/);
  });
});

describe('Tlsf: out of memory', () => {
  it('returns 0 when the memory cannot grow and stays consistent', () => {
    const { memory, tlsf } = heap(64 * KIB, 128 * KIB);
    const a = tlsf.malloc(100 * KIB);
    expect(a).toBeGreaterThan(0);
    expect(memory.byteLength).toBe(128 * KIB);
    expect(tlsf.malloc(100 * KIB)).toBe(0);
    expect(tlsf.memalign(65536, 40 * KIB)).toBe(0);
    expect(tlsf.realloc(a, 200 * KIB)).toBe(0);
    expect(tlsf.isAllocated(a)).toBe(true);
    expect(tlsf.malloc(-1)).toBe(0);
    expect(tlsf.malloc(Number.NaN)).toBe(0);
    expect(tlsf.malloc(2 ** 33)).toBe(0);
    tlsf.check();
    expect(tlsf.malloc(10 * KIB)).toBeGreaterThan(0);
    tlsf.free(a);
    expect(tlsf.malloc(100 * KIB)).toBe(a);
    tlsf.check();
  });

  it('grows the memory and extends the free tail', () => {
    const { memory, tlsf } = heap(64 * KIB);
    const a = tlsf.malloc(60 * KIB);
    const b = tlsf.malloc(60 * KIB);
    expect(b).toBe(a + 60 * KIB + 16);
    expect(memory.byteLength).toBe(128 * KIB);
    expect(tlsf.stats().freeBlocks).toBe(1);
    tlsf.check();
  });

  it('takes in memory that someone else grew before growing it again', () => {
    const { memory, tlsf } = heap(64 * KIB);
    tlsf.malloc(1000);
    memory.ensure(256 * KIB);
    const a = tlsf.malloc(150 * KIB);
    expect(a).toBe(1056);
    expect(memory.byteLength).toBe(256 * KIB);
    expect(tlsf.heapEnd).toBe(256 * KIB);
    tlsf.check();
  });

  it('a last block reallocs in place by growing the memory', () => {
    const { memory, tlsf } = heap(64 * KIB);
    tlsf.malloc(10);
    const a = tlsf.malloc(63 * KIB);
    expect(tlsf.realloc(a, 200 * KIB)).toBe(a);
    expect(memory.byteLength).toBeGreaterThanOrEqual(256 * KIB);
    tlsf.check();
  });
});

type Op =
  | { kind: 'malloc'; size: number }
  | { kind: 'calloc'; size: number }
  | { kind: 'memalign'; shift: number; size: number }
  | { kind: 'free'; pick: number }
  | { kind: 'realloc'; pick: number; size: number };

const sizeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 600 }) },
  { weight: 3, arbitrary: fc.integer({ min: 601, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_001, max: 300_000 }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('malloc' as const), size: sizeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('calloc' as const), size: sizeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('memalign' as const), shift: fc.integer({ min: 0, max: 16 }), size: sizeArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('realloc' as const), pick: fc.nat(), size: sizeArb }) },
);

/** The byte at offset `i` of the block with id `id`. */
function pattern(id: number, i: number): number {
  return (id * 131 + i * 7 + (i >>> 8)) & 255;
}

interface Live { id: number; size: number }

function fill(u8: Uint8Array, a: number, id: number, from: number, to: number): void {
  for (let i = from; i < to; i++) u8[a + i] = pattern(id, i);
}

function verify(memory: HeapMemory, tlsf: Tlsf, live: Map<number, Live>): void {
  tlsf.check();
  const u8 = memory.u8;
  const spans = [...live.entries()].map(([a, l]) => [a - TLSF_HEADER, a + l.size] as const).sort((x, y) => x[0] - y[0]);
  for (let k = 1; k < spans.length; k++) expect(spans[k]![0]).toBeGreaterThanOrEqual(spans[k - 1]![1]);
  for (const [a, l] of live) {
    expect(tlsf.isAllocated(a)).toBe(true);
    expect(tlsf.usableSize(a)).toBeGreaterThanOrEqual(l.size);
    for (let i = 0; i < l.size; i++) {
      if (u8[a + i] !== pattern(l.id, i)) throw new Error(`block ${a} (id ${l.id}) byte ${i} is ${u8[a + i]}, expected ${pattern(l.id, i)}`);
    }
  }
  const s = tlsf.stats();
  expect(s.usedBlocks).toBe(live.size);
  expect(s.usedBytes + s.freeBytes).toBe(tlsf.heapEnd - tlsf.base);
}

function runOps(memory: HeapMemory, ops: Op[]): void {
  const tlsf = new Tlsf(memory, { start: 48 });
  const live = new Map<number, Live>();
  const freed = new Set<number>();
  let nextId = 1;
  const pick = (n: number): number | undefined => [...live.keys()][n % Math.max(live.size, 1)];
  for (const op of ops) {
    if (op.kind === 'malloc' || op.kind === 'calloc' || op.kind === 'memalign') {
      const a = op.kind === 'malloc' ? tlsf.malloc(op.size) : op.kind === 'calloc' ? tlsf.calloc(op.size) : tlsf.memalign(1 << op.shift, op.size);
      if (a === 0) continue;
      expect(a % (op.kind === 'memalign' ? Math.max(16, 1 << op.shift) : 16)).toBe(0);
      if (op.kind === 'calloc') expect(memory.u8.subarray(a, a + op.size).every((x) => x === 0)).toBe(true);
      const id = nextId++;
      live.set(a, { id, size: op.size });
      freed.delete(a);
      fill(memory.u8, a, id, 0, op.size);
    } else {
      const a = pick(op.pick);
      if (a === undefined) continue;
      const l = live.get(a)!;
      if (op.kind === 'free') {
        tlsf.free(a);
        live.delete(a);
        freed.add(a);
      } else {
        const b = tlsf.realloc(a, op.size);
        if (b === 0) {
          expect(tlsf.isAllocated(a)).toBe(true);
        } else {
          // The kept prefix must have been copied; then refill under the new id.
          const keep = Math.min(l.size, op.size);
          for (let i = 0; i < keep; i++) {
            if (memory.u8[b + i] !== pattern(l.id, i)) throw new Error(`realloc ${a}->${b} lost byte ${i}`);
          }
          live.delete(a);
          if (b !== a) freed.add(a);
          const id = nextId++;
          live.set(b, { id, size: op.size });
          freed.delete(b);
          fill(memory.u8, b, id, 0, op.size);
        }
      }
    }
    for (const f of freed) if (!live.has(f)) expect(tlsf.isAllocated(f)).toBe(false);
    verify(memory, tlsf, live);
  }
  for (const a of [...live.keys()]) tlsf.free(a);
  live.clear();
  verify(memory, tlsf, live);
  expect(tlsf.stats().freeBlocks).toBeLessThanOrEqual(1);
}

describe('Tlsf: stale headers', () => {
  it('a header merged away cannot pass for a live block once other data covers it', () => {
    // Found by the property test (seed 1806237011): b is freed, then merged into
    // the tail a realloc shrink frees, then a new block's data covers b's old header.
    const memory = new HeapMemory(64 * KIB, { maxBytes: 4 * MIB });
    const tlsf = new Tlsf(memory, { start: 48 });
    const a = tlsf.malloc(385);
    const b = tlsf.malloc(601);
    tlsf.malloc(0);
    tlsf.free(b);
    expect(tlsf.realloc(a, 113)).toBe(a);
    const c = tlsf.malloc(257);
    expect(c).toBeLessThan(b);
    expect(c + 288).toBeGreaterThan(b - 16);
    memory.u8.fill(0, c, c + 257); // the new block's data overwrites part of b's old header
    expect(tlsf.isAllocated(b)).toBe(false);
    expect(() => tlsf.free(b)).toThrow(expect.objectContaining({ reason: 'double-free' }) as Error);
    tlsf.check();
  });
});

describe('Tlsf: model-based property test', () => {
  it('random malloc/calloc/memalign/free/realloc keep contents, never overlap, and check() passes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        runOps(new HeapMemory(64 * KIB, { maxBytes: 4 * MIB }), ops);
      }),
      { numRuns: 150 },
    );
    // The seed that found the stale-header bug, kept as a regression run.
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        runOps(new HeapMemory(64 * KIB, { maxBytes: 4 * MIB }), ops);
      }),
      { numRuns: 150, seed: 1806237011 },
    );
  });

  it('same under a tight memory limit, where many requests fail', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
        runOps(new HeapMemory(64 * KIB, { maxBytes: 128 * KIB }), ops);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Tlsf: memory backings', () => {
  function churn(memory: HeapMemory, rounds: number): void {
    const tlsf = new Tlsf(memory, { start: 16 });
    const live = new Map<number, Live>();
    let id = 1;
    for (let r = 0; r < rounds; r++) {
      const a = tlsf.malloc(1000 + r * 997);
      expect(a).toBeGreaterThan(0);
      live.set(a, { id, size: 1000 + r * 997 });
      fill(memory.u8, a, id++, 0, 1000 + r * 997);
      if (r % 3 === 2) {
        const first = live.keys().next().value!;
        tlsf.free(first);
        live.delete(first);
      }
      verify(memory, tlsf, live);
    }
  }

  it('fresh memory is a WebAssembly.Memory that grows up to maxBytes', () => {
    const memory = new HeapMemory(64 * KIB, { maxBytes: 16 * MIB });
    expect(memory.backing).toBeInstanceOf(WebAssembly.Memory);
    expect(memory.maxBytes).toBe(16 * MIB);
    churn(memory, 120);
    expect(memory.byteLength).toBeGreaterThan(64 * KIB);
    expect(memory.grow(16 * MIB)).toBe(true);
    expect(memory.grow(16 * MIB + 1)).toBe(false);
    const shared = new HeapMemory(64 * KIB, { shared: true });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('a resizable ArrayBuffer given by the user grows in place', () => {
    const buffer = new ArrayBuffer(64 * KIB, { maxByteLength: 16 * MIB });
    const memory = new HeapMemory(buffer);
    churn(memory, 120);
    expect(memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBeGreaterThan(64 * KIB);
  });

  it('growable SharedArrayBuffer grows', () => {
    const memory = new HeapMemory(new SharedArrayBuffer(64 * KIB, { maxByteLength: 16 * MIB }));
    churn(memory, 120);
    expect(memory.byteLength).toBeGreaterThan(64 * KIB);
  });

  it('WebAssembly.Memory: growth replaces the buffer and the allocator keeps working', () => {
    const wasm = new WebAssembly.Memory({ initial: 1, maximum: 256 });
    const memory = new HeapMemory(wasm);
    const tlsf = new Tlsf(memory, { start: 16 });
    const first = wasm.buffer;
    const a = tlsf.malloc(1000);
    memory.u8.fill(7, a, a + 1000);
    const b = tlsf.malloc(200 * KIB);
    expect(b).toBeGreaterThan(0);
    expect(wasm.buffer).not.toBe(first);
    expect(first.byteLength).toBe(0); // detached
    expect(memory.u8.subarray(a, a + 1000).every((x) => x === 7)).toBe(true);
    tlsf.free(a);
    tlsf.check();
    churn(memory, 60);
  });

  it('fixed non-resizable ArrayBuffer: OOM once full, still consistent', () => {
    const memory = new HeapMemory(new ArrayBuffer(64 * KIB));
    const tlsf = new Tlsf(memory, { start: 16 });
    const got: number[] = [];
    for (;;) {
      const a = tlsf.malloc(4000);
      if (a === 0) break;
      got.push(a);
    }
    expect(got.length).toBe(16); // 16 blocks of 4016 bytes fit in 65520
    expect(memory.byteLength).toBe(64 * KIB);
    tlsf.check();
    tlsf.free(got[3]!);
    expect(tlsf.malloc(4000)).toBe(got[3]);
    expect(tlsf.malloc(4000)).toBe(0);
    tlsf.check();
  });
});
