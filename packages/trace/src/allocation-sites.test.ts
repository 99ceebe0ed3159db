import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationSiteTable } from './allocation-sites.js';

describe('AllocationSiteTable', () => {
  it('gives one row per (stack, class), stable, through growth, for small (dense) and huge (Map) stack ids (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.nat({ max: 3000 }), fc.integer({ min: 2 ** 20, max: 2 ** 40 })), fc.nat({ max: 32 })), { maxLength: 500 }), (keys) => {
        const t = new AllocationSiteTable(33);
        const want = new Map<string, number>();
        for (const [stack, cls] of keys) {
          const r = t.row(stack, cls);
          const k = `${stack},${cls}`;
          if (!want.has(k)) want.set(k, want.size);
          expect(r).toBe(want.get(k));
          expect([t.stack[r], t.cls[r]]).toEqual([stack, cls]);
        }
        expect(t.length).toBe(want.size);
      }),
      { numRuns: 100 },
    );
  });
});
