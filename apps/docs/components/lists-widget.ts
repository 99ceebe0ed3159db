import { createLinearHeap } from '@pymem/arena';
import type { Pymalloc } from '@pymem/arena';
import { arenaMapModel, describePoolLists, heapStateFromPymalloc, mountArenaMap, mountPool, mountPoolLists, poolDetailFromPymalloc, poolListsFromPymalloc, poolModel } from '@pymem/viz';
import { defineComponent, h, onMounted, ref } from 'vue';
import { ensureChapterStyles } from './lists-style.js';

interface Block {
  readonly address: number;
  readonly size: number;
}

/**
 * The `usedpools`/`freepools` chapter's widget: a real `createLinearHeap()`
 * (CPython 3.11's geometry), requests of a chosen size, and the allocator's
 * lists drawn after every call, with the arena map and the chosen pool.
 * Keys, with the widget focused: a allocate, f free the newest block,
 * e empty the newest block's pool.
 */
export const ListsWidget = defineComponent({
  name: 'ListsWidget',
  setup() {
    const listsEl = ref<HTMLElement>();
    const mapEl = ref<HTMLElement>();
    const poolEl = ref<HTMLElement>();
    const size = ref(512);
    const text = ref('');
    const status = ref('starting…');
    const last = ref('');
    let heap: Pymalloc | undefined;
    let live: Block[] = [];
    let chosen: { slot: number; pool: number } | undefined;

    const poolOf = (address: number): { slot: number; pool: number } | undefined => {
      if (heap === undefined) return undefined;
      const state = heapStateFromPymalloc(heap);
      const base = address - (address % state.geometry.poolSize);
      for (const a of state.arenas) {
        const p = a.pools.find((x) => x.address === base);
        if (p !== undefined) return { slot: a.slot, pool: p.index };
      }
      return undefined;
    };

    const select = (slot: number, pool: number): void => {
      chosen = { slot, pool };
      draw();
    };

    const draw = (): void => {
      if (heap === undefined || listsEl.value === undefined || mapEl.value === undefined || poolEl.value === undefined) return;
      const lists = poolListsFromPymalloc(heap);
      mountPoolLists(listsEl.value, lists, select);
      text.value = describePoolLists(lists).join('\n');
      const state = heapStateFromPymalloc(heap);
      mountArenaMap(mapEl.value, arenaMapModel(state, { cell: 14 }), select);
      const detail = chosen === undefined ? undefined : poolDetailFromPymalloc(heap, chosen.slot, chosen.pool);
      if (detail === undefined) poolEl.value.textContent = 'Choose a pool in the lists or the map to see its blocks.';
      else mountPool(poolEl.value, poolModel(detail, { cell: 10 }));
      const counts = arenaMapModel(state).counts;
      status.value = `${live.length} live blocks · pools: ${counts.used} used, ${counts.full} full, ${counts.empty} empty · ${state.arenas.length} arena${state.arenas.length === 1 ? '' : 's'}`;
    };

    const allocate = (times = 1): void => {
      if (heap === undefined) return;
      const n = Math.max(1, Math.min(512, Math.floor(size.value) || 1));
      let p = 0;
      for (let i = 0; i < times; i++) {
        p = heap.malloc(n);
        live.push({ address: p, size: n });
      }
      const where = poolOf(p);
      chosen = where ?? chosen;
      last.value = `malloc(${n})${times > 1 ? ` × ${times}` : ''} → ${where === undefined ? '' : `arena ${where.slot} pool ${where.pool}`}`;
      draw();
    };

    const freeNewest = (): void => {
      if (heap === undefined || live.length === 0) return;
      const b = live.pop()!;
      const where = poolOf(b.address);
      heap.free(b.address);
      chosen = where ?? chosen;
      last.value = `free(block of ${b.size} bytes) in ${where === undefined ? '?' : `arena ${where.slot} pool ${where.pool}`}`;
      draw();
    };

    /** Frees every live block in the pool of the newest block: the pool becomes empty. */
    const emptyPool = (): void => {
      if (heap === undefined || live.length === 0) return;
      const where = poolOf(live.at(-1)!.address);
      if (where === undefined) return;
      const keep: Block[] = [];
      let n = 0;
      for (const b of live) {
        const w = poolOf(b.address);
        if (w !== undefined && w.slot === where.slot && w.pool === where.pool) {
          heap.free(b.address);
          n++;
        } else keep.push(b);
      }
      live = keep;
      chosen = where;
      last.value = `freed all ${n} blocks of arena ${where.slot} pool ${where.pool}: it is empty now`;
      draw();
    };

    const reset = (): void => {
      heap = createLinearHeap({ arenaAlignment: 16384 });
      live = [];
      chosen = undefined;
      last.value = '';
      draw();
    };

    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement) return;
      if (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' ')) return;
      if (e.key === 'a') allocate();
      else if (e.key === 'f') freeNewest();
      else if (e.key === 'e') emptyPool();
      else return;
      e.preventDefault();
    };

    onMounted(() => {
      if (listsEl.value !== undefined) ensureChapterStyles(listsEl.value.ownerDocument);
      reset();
    });

    return () =>
      h('div', { class: 'pv-widget pv-chapter', 'data-testid': 'lists-widget', tabindex: 0, role: 'group', 'aria-label': 'usedpools and freepools', onKeydown: onKey }, [
        h('div', { class: 'pv-controls' }, [
          h('label', [
            'size ',
            h('input', {
              type: 'number',
              min: 1,
              max: 512,
              value: size.value,
              'aria-label': 'request size in bytes',
              'data-testid': 'lists-size',
              onInput: (e: Event) => {
                size.value = Number((e.target as HTMLInputElement).value);
              },
            }),
          ]),
          h('button', { type: 'button', 'data-testid': 'lists-allocate', onClick: () => allocate() }, 'allocate'),
          h('button', { type: 'button', 'data-testid': 'lists-allocate-10', onClick: () => allocate(10) }, 'allocate × 10'),
          h('button', { type: 'button', 'data-testid': 'lists-free', onClick: freeNewest }, 'free newest'),
          h('button', { type: 'button', 'data-testid': 'lists-empty-pool', onClick: emptyPool }, "empty the newest block's pool"),
          h('button', { type: 'button', 'data-testid': 'lists-reset', onClick: reset }, 'reset'),
        ]),
        h('p', { class: 'pv-keys' }, 'Keys, with the widget focused: a allocate, f free the newest block, e empty its pool. Tab reaches each pool on a list; Enter shows its blocks, ← and → move along the list.'),
        h('p', { class: 'pv-status', 'data-testid': 'lists-status', 'aria-live': 'polite' }, status.value),
        h('p', { class: 'pv-status', 'data-testid': 'lists-last' }, last.value),
        h('div', { class: 'pv-scroll', ref: listsEl, 'data-testid': 'lists' }),
        h('pre', { class: 'pv-text', 'data-testid': 'lists-text' }, text.value),
        h('div', { class: 'pv-scroll', ref: mapEl, 'data-testid': 'lists-map' }),
        h('div', { class: 'pv-scroll', ref: poolEl, 'data-testid': 'lists-pool' }),
      ]);
  },
});
