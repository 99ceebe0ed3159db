import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Allocator } from './api.js';
import { CLEANBYTE, DEADBYTE, DebugAllocator, FORBIDDENBYTE } from './debug.js';
import { InvalidAddressError } from './errors.js';
import { HeapMemory } from './memory.js';
import { Tlsf } from './tlsf.js';

type Inner = Allocator & { readonly memory: HeapMemory; readonly tlsf: Tlsf };

/** A TLSF heap behind the C-style Allocator interface. */
function tlsfAllocator(memory: HeapMemory): Inner {
  const tlsf = new Tlsf(memory, { start: 16 });
  return {
    memory,
    tlsf,
    malloc: (n) => tlsf.malloc(n),
    calloc: (nelem, elsize) => tlsf.calloc(nelem * elsize),
    realloc: (p, n) => tlsf.realloc(p, n),
    free: (p) => { tlsf.free(p); },
  };
}

function setup(memory = new HeapMemory(64 * 1024, { maxBytes: 16 * 1024 * 1024 })): { debug: DebugAllocator; inner: Inner; memory: HeapMemory } {
  const inner = tlsfAllocator(memory);
  return { debug: new DebugAllocator(inner), inner, memory };
}

function bytes(memory: HeapMemory, from: number, to: number): number[] {
  return Array.from(memory.u8.subarray(from, to));
}

function caught(fn: () => unknown): InvalidAddressError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidAddressError) return e;
    throw e;
  }
  throw new Error('expected an InvalidAddressError');
}

/** Runs `fn`, expects a rejection, and proves memory and allocator state are unchanged. */
function rejects(memory: HeapMemory, inner: Inner, fn: () => unknown): InvalidAddressError {
  const before = memory.u8.slice();
  const stats = inner.tlsf.stats();
  const err = caught(fn);
  expect(memory.u8).toEqual(before);
  expect(inner.tlsf.stats()).toEqual(stats);
  inner.tlsf.check();
  return err;
}

describe('DebugAllocator: block layout', () => {
  it('writes size (big-endian, as CPython), API id, guards and CLEANBYTE', () => {
    const { debug, memory } = setup();
    const p = debug.malloc(10);
    expect(p).toBe(48); // TLSF's first block is at 32; the data starts 16 bytes in
    expect(bytes(memory, p - 16, p - 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 10]);
    expect(memory.u8[p - 8]).toBe(0x6f);
    expect(bytes(memory, p - 7, p)).toEqual(Array<number>(7).fill(FORBIDDENBYTE));
    expect(bytes(memory, p, p + 10)).toEqual(Array<number>(10).fill(CLEANBYTE));
    expect(bytes(memory, p + 10, p + 18)).toEqual(Array<number>(8).fill(FORBIDDENBYTE));
    expect(debug.sizeOf(p)).toBe(10);
    const big = debug.malloc(300_000);
    expect(bytes(memory, big - 16, big - 8)).toEqual([0, 0, 0, 0, 0, 0x04, 0x93, 0xe0]);
    debug.checkAll();
  });

  it('calloc gives zeros, and 0 when nelem * elsize is not a size', () => {
    const { debug, memory } = setup();
    const p = debug.malloc(64);
    debug.free(p); // leaves DEADBYTE where calloc will land
    const z = debug.calloc(8, 8);
    expect(z).toBe(p);
    expect(bytes(memory, z, z + 64)).toEqual(Array<number>(64).fill(0));
    expect(memory.u8[z + 64]).toBe(FORBIDDENBYTE);
    expect(debug.calloc(2 ** 40, 2 ** 40)).toBe(0);
    expect(debug.calloc(-1, 8)).toBe(0);
    expect(debug.calloc(-2, -8)).toBe(0);
    debug.checkAll();
  });

  it('free fills the block with DEADBYTE before the inner free', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(40);
    debug.malloc(40); // keeps p's TLSF block from merging with the tail
    memory.u8.fill(0x11, p, p + 40);
    debug.free(p);
    // Header, data and the first half of the trailer; TLSF keeps its boundary
    // tag of the now free block in the last 4 bytes.
    expect(bytes(memory, p - 16, p + 44)).toEqual(Array<number>(60).fill(DEADBYTE));
    expect(inner.tlsf.isAllocated(p - 16)).toBe(false);
    expect(debug.isLive(p)).toBe(false);
  });
});

describe('DebugAllocator: realloc', () => {
  it('keeps the data, fills the growth with CLEANBYTE, moves when it must', () => {
    const { debug, memory } = setup();
    const p = debug.malloc(200);
    for (let i = 0; i < 200; i++) memory.u8[p + i] = i;
    const blocker = debug.malloc(1);
    const q = debug.realloc(p, 1000);
    expect(q).not.toBe(p);
    expect(bytes(memory, q, q + 200)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(bytes(memory, q + 200, q + 1000)).toEqual(Array<number>(800).fill(CLEANBYTE));
    // The old block reads as dead at its start and end.
    expect(bytes(memory, p - 16, p + 64)).toEqual(Array<number>(80).fill(DEADBYTE));
    expect(bytes(memory, p + 136, p + 204)).toEqual(Array<number>(68).fill(DEADBYTE)); // then TLSF's boundary tag
    expect(debug.isLive(p)).toBe(false);
    const r = debug.realloc(q, 50); // shrinks in place
    expect(r).toBe(q);
    expect(bytes(memory, r, r + 50)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(bytes(memory, r + 50, r + 58)).toEqual(Array<number>(8).fill(FORBIDDENBYTE));
    expect(debug.sizeOf(r)).toBe(50);
    expect(debug.sizeOf(blocker)).toBe(1);
    debug.checkAll();
    expect(debug.realloc(0, 5)).toBeGreaterThan(0);
  });

  it('a failed realloc (out of memory) leaves the block exactly as it was', () => {
    const memory = new HeapMemory(new ArrayBuffer(64 * 1024));
    const { debug, inner } = setup(memory);
    const p = debug.malloc(300);
    for (let i = 0; i < 300; i++) memory.u8[p + i] = (i * 3) & 255;
    const before = memory.u8.slice();
    expect(debug.realloc(p, 100_000)).toBe(0);
    expect(memory.u8).toEqual(before);
    expect(debug.sizeOf(p)).toBe(300);
    inner.tlsf.check();
    debug.checkAll();
  });
});

describe('DebugAllocator: misuse', () => {
  it('double free: reason, address, hex in the message, heap unchanged', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(24);
    debug.malloc(24);
    debug.free(p);
    const err = rejects(memory, inner, () => { debug.free(p); });
    expect(err.reason).toBe('double-free');
    expect(err.address).toBe(p);
    expect(err.message).toContain(`0x${p.toString(16)}`);
    expect(err.message).toMatch(/double free/);
    expect(debug.malloc(24)).toBe(p); // reused; now live again
    debug.free(p);
  });

  it('free of an address it never returned is foreign', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(100);
    for (const bad of [p + 16, p - 16, 4096, 999_999, -48, 0.5]) {
      const err = rejects(memory, inner, () => { debug.free(bad); });
      expect(err.reason).toBe('foreign');
      expect(err.address).toBe(bad);
    }
    // An address of the inner allocator is foreign to the debug layer too.
    const raw = inner.malloc(10);
    expect(rejects(memory, inner, () => { debug.free(raw); }).reason).toBe('foreign');
    debug.free(p);
  });

  it('realloc of a foreign address is foreign, of a freed one double-free', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(100);
    const err = rejects(memory, inner, () => debug.realloc(p + 32, 10));
    expect(err.reason).toBe('foreign');
    expect(err.address).toBe(p + 32);
    debug.free(p);
    expect(rejects(memory, inner, () => debug.realloc(p, 10)).reason).toBe('double-free');
  });

  it('overrun by one byte: offset and value of the first bad byte', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(10);
    memory.u8[p + 10] = 0x41;
    const err = rejects(memory, inner, () => { debug.free(p); });
    expect(err.reason).toBe('overrun');
    expect(err.address).toBe(p);
    expect(err.message).toContain('offset 10');
    expect(err.message).toContain('0x41');
    expect(rejects(memory, inner, () => debug.realloc(p, 20)).reason).toBe('overrun');
    expect(() => { debug.checkAll(); }).toThrow(InvalidAddressError);
    memory.u8[p + 10] = FORBIDDENBYTE;
    debug.free(p);
    debug.checkAll();
  });

  it('overrun at the last guard byte is found too', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(33);
    memory.u8[p + 33 + 7] = 0;
    const err = rejects(memory, inner, () => { debug.free(p); });
    expect(err.message).toContain('offset 40');
  });

  it('underrun: a leading pad byte, the API id or the size field', () => {
    const { debug, memory, inner } = setup();
    const p = debug.malloc(16);
    for (const [at, v, text] of [[p - 1, 0x00, 'p-1'], [p - 8, 0x72, 'API id'], [p - 9, 0x01, 'size field']] as const) {
      const keep = memory.u8[at]!;
      memory.u8[at] = v;
      const err = rejects(memory, inner, () => { debug.free(p); });
      expect(err.reason).toBe('underrun');
      expect(err.address).toBe(p);
      expect(err.message).toContain(text);
      memory.u8[at] = keep;
    }
    debug.free(p);
  });

  it('checkAll names the smashed block among many', () => {
    const { debug, memory } = setup();
    const ps = Array.from({ length: 50 }, (_, i) => debug.malloc(i * 7));
    debug.checkAll();
    const victim = ps[31]!;
    memory.u8[victim + 31 * 7 + 2] = 0;
    const err = caught(() => { debug.checkAll(); });
    expect(err.address).toBe(victim);
    expect(err.reason).toBe('overrun');
  });
});

describe('DebugAllocator: random use', () => {
  it('live-address table stays exact through growth and deletions', () => {
    const { debug } = setup(new HeapMemory(64 * 1024, { maxBytes: 64 * 1024 * 1024 }));
    const live: number[] = [];
    const dead = new Set<number>();
    for (let i = 0; i < 6000; i++) {
      if (i % 3 === 2) {
        const p = live.splice((i * 7919) % live.length, 1)[0]!;
        debug.free(p);
        dead.add(p);
      } else {
        const p = debug.malloc((i * 37) % 300);
        live.push(p);
        dead.delete(p);
      }
    }
    expect(debug.liveBlocks).toBe(live.length);
    for (const p of live) expect(debug.isLive(p)).toBe(true);
    for (const p of dead) expect(caught(() => { debug.free(p); }).reason).toBe('double-free');
    debug.checkAll();
  });

  it('property: random malloc/realloc/free keep data and guards intact', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant(0), n: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ k: fc.constant(1), n: fc.integer({ min: 0, max: 3000 }), i: fc.nat() }),
      fc.record({ k: fc.constant(2), n: fc.constant(0), i: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const { debug, memory, inner } = setup();
        const live = new Map<number, { n: number; seed: number }>();
        let seed = 1;
        const put = (p: number, n: number): void => {
          const s = seed++;
          for (let j = 0; j < n; j++) memory.u8[p + j] = (s * 13 + j) & 255;
          live.set(p, { n, seed: s });
        };
        for (const o of ops) {
          const keys = [...live.keys()];
          const victim = 'i' in o && keys.length > 0 ? keys[o.i % keys.length]! : 0;
          if (o.k === 0 || victim === 0) {
            put(debug.malloc(o.n), o.n);
          } else if (o.k === 1) {
            const b = live.get(victim)!;
            const q = debug.realloc(victim, o.n);
            for (let j = 0; j < Math.min(b.n, o.n); j++) expect(memory.u8[q + j]).toBe((b.seed * 13 + j) & 255);
            live.delete(victim);
            put(q, o.n);
          } else {
            debug.free(victim);
            live.delete(victim);
          }
          debug.checkAll();
          inner.tlsf.check();
          expect(debug.liveBlocks).toBe(live.size);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('wraps Pymalloc over a linear heap', async () => {
    const { Pymalloc } = await import('./pymalloc.js');
    const { LinearArenaSource } = await import('./linear-source.js');
    const memory = new HeapMemory(64 * 1024, { maxBytes: 64 * 1024 * 1024 });
    const tlsf = new Tlsf(memory, { start: 16 });
    const heap = new Pymalloc({ source: new LinearArenaSource(tlsf, memory), fallback: tlsf });
    const debug = new DebugAllocator({
      memory,
      malloc: (n) => heap.malloc(n),
      calloc: (a, b) => heap.calloc(a, b),
      realloc: (p, n) => heap.realloc(p, n),
      free: (p) => { heap.free(p); },
    });
    const ps = Array.from({ length: 500 }, (_, i) => debug.malloc(i));
    memory.u8[ps[100]! + 100] = 1;
    expect(caught(() => { debug.free(ps[100]!); }).reason).toBe('overrun');
    memory.u8[ps[100]! + 100] = FORBIDDENBYTE;
    for (const p of ps) debug.free(p);
    expect(caught(() => { debug.free(ps[7]!); }).reason).toBe('double-free');
    tlsf.check();
  });
});
