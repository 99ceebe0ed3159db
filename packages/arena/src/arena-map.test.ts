import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArenaMap } from './arena-map.js';

describe('ArenaMap', () => {
  it('behaves like a Map under random inserts and deletes (backward-shift deletion, rehash)', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 ** 33 }), fc.constant(2 ** 52));
    const op = fc.tuple(fc.boolean(), key, fc.nat(1000));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new ArenaMap(4);
        const ref = new Map<number, number>();
        for (const [insert, k, v] of ops) {
          if (insert && !ref.has(k)) {
            map.set(k, v);
            ref.set(k, v);
          } else if (!insert) {
            map.delete(k);
            ref.delete(k);
          }
          for (const [rk, rv] of ref) expect(map.get(rk)).toBe(rv);
          expect(map.get(k)).toBe(ref.get(k) ?? -1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
