import { createLinearHeap } from '@pymem/arena';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { heapStateFromPymalloc } from './from-heap.js';
import { poolListsFromPymalloc } from './lists.js';

describe('poolListsFromPymalloc against the arena map', () => {
  let multi = 0;
  test('property: every used pool is on its class list once, every empty pool on its arena freepools once, full pools on none', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 512 }), fc.nat()), { minLength: 1, maxLength: 3000, size: 'max' }), (ops) => {
        // Small arenas (4 pools of 4 KiB) so that a few thousand requests make many arenas.
        const heap = createLinearHeap({ arenaAlignment: 4096, geometry: { poolSize: 4096, arenaSize: 16384 } });
        const live: number[] = [];
        for (const [alloc, size, pick] of ops) {
          if (alloc || live.length === 0) live.push(heap.malloc(size));
          else {
            const j = pick % live.length;
            heap.free(live[j]!);
            live[j] = live[live.length - 1]!;
            live.pop();
          }
        }
        const state = heapStateFromPymalloc(heap);
        const lists = poolListsFromPymalloc(heap);
        const key = (slot: number, index: number): string => `${slot}.${index}`;
        const onUsed = new Map<string, number>();
        for (const u of lists.usedpools) {
          for (const p of u.pools) {
            expect(p.szidx).toBe(u.idx);
            expect(p.status).toBe('used');
            onUsed.set(key(p.slot, p.index), (onUsed.get(key(p.slot, p.index)) ?? 0) + 1);
          }
        }
        const onFree = new Map<string, number>();
        for (const a of lists.arenas) {
          for (const p of a.freepools) {
            expect(p.slot).toBe(a.slot);
            expect(p.status).toBe('empty');
            onFree.set(key(p.slot, p.index), (onFree.get(key(p.slot, p.index)) ?? 0) + 1);
          }
        }
        if (state.arenas.length > 2) multi++;
        const ranks = lists.arenas.filter((a) => a.usableRank >= 0);
        // usable_arenas: ranks 0..n-1 in order, sorted by free pools (fewest first), every arena with a free pool on it.
        expect(ranks.map((a) => a.usableRank)).toEqual(ranks.map((_, i) => i));
        for (let i = 1; i < ranks.length; i++) expect(ranks[i]!.freePools).toBeGreaterThanOrEqual(ranks[i - 1]!.freePools);
        for (const a of lists.arenas) expect(a.usableRank >= 0).toBe(a.freePools > 0);
        expect(lists.arenas.map((a) => a.slot).sort()).toEqual(state.arenas.map((a) => a.slot).sort());
        for (const arena of state.arenas) {
          const lists1 = lists.arenas.find((a) => a.slot === arena.slot)!;
          const empty = arena.pools.filter((p) => p.status === 'empty').length;
          const untouched = arena.pools.filter((p) => p.status === 'untouched').length;
          expect(lists1.freePools).toBe(empty + untouched);
          expect(lists1.untouchedPools).toBe(untouched);
          for (const p of arena.pools) {
            const k = key(arena.slot, p.index);
            expect(onUsed.get(k) ?? 0).toBe(p.status === 'used' ? 1 : 0);
            expect(onFree.get(k) ?? 0).toBe(p.status === 'empty' ? 1 : 0);
          }
        }
      }),
      { numRuns: 60 },
    );
    // The workloads did exercise the usable_arenas order.
    expect(multi).toBeGreaterThan(20);
  });
});
