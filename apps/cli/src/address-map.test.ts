import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressMap } from './address-map.js';

describe('AddressMap', () => {
  it('behaves as a Map under any sequence of sets and deletes (colliding keys, growth, backward shift)', () => {
    // Few distinct keys, 16-aligned and above 2^32 like real addresses, so runs collide and wrap.
    const key = fc.integer({ min: 1, max: 64 }).map((k) => 0x7f0000000000 + k * 16);
    const op = fc.oneof(fc.tuple(fc.constant('set' as const), key, fc.nat()), fc.tuple(fc.constant('delete' as const), key, fc.constant(0)));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 500 }), (ops) => {
        const m = new AddressMap(16);
        const model = new Map<number, number>();
        for (const [kind, k, v] of ops) {
          if (kind === 'set') {
            m.set(k, v);
            model.set(k, v);
          } else {
            expect(m.delete(k)).toBe(model.get(k) ?? -1);
            model.delete(k);
          }
          expect(m.size).toBe(model.size);
        }
        for (let k = 1; k <= 64; k++) expect(m.get(0x7f0000000000 + k * 16)).toBe(model.get(0x7f0000000000 + k * 16) ?? -1);
        expect(m.capacity).toBeGreaterThanOrEqual(2 * m.size);
      }),
      { numRuns: 300 },
    );
  });

  it('grows by doubling at half load and starts at 16 slots at least', () => {
    const m = new AddressMap(3);
    expect(m.capacity).toBe(16);
    for (let i = 1; i <= 8; i++) m.set(i * 4096, i);
    expect(m.capacity).toBe(16);
    m.set(9 * 4096, 9);
    expect(m.capacity).toBe(32);
    expect(m.get(5 * 4096)).toBe(5);
    expect(m.get(10 * 4096)).toBe(-1);
  });
});
