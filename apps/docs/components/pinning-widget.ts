import { createLinearHeap } from '@pymem/arena';
import type { Pymalloc } from '@pymem/arena';
import { arenaMapModel, arenaUsageModel, formatBytes, heapStateFromPymalloc, mountArenaMap, mountArenaUsage, poolListsFromPymalloc } from '@pymem/viz';
import { defineComponent, h, onMounted, ref } from 'vue';
import { ensureChapterStyles } from './lists-style.js';

/** Request sizes of the made-up objects, cycled (seven sizes, so that keeping one in a hundred keeps all of them). */
const SIZES = [32, 48, 56, 64, 80, 120, 200];
/** Objects per "allocate" press. */
export const PINNING_BATCH = 60_000;
/** "free most" keeps one object in this many. */
export const PINNING_KEEP_ONE_IN = 100;

/** `0 bytes`, `52.1 KiB`, `6 MiB`. */
function bytes(v: number): string {
  return Math.abs(v) < 1024 ? `${v} bytes` : formatBytes(v);
}

/**
 * The arena pinning chapter's widget: a real `createLinearHeap()` (1 MiB
 * arenas, 16 KiB pools), a batch of 60,000 small objects, then "free most"
 * which keeps one in a hundred: the arena table shows every arena still
 * held by a handful of blocks. Keys, with the widget focused: a allocate,
 * f free most, x free the rest.
 */
export const PinningWidget = defineComponent({
  name: 'PinningWidget',
  setup() {
    const usageEl = ref<HTMLElement>();
    const mapEl = ref<HTMLElement>();
    const status = ref('starting…');
    const order = ref('');
    const last = ref('');
    let heap: Pymalloc | undefined;
    let live: number[] = [];
    let made = 0;

    const draw = (): void => {
      if (heap === undefined || usageEl.value === undefined || mapEl.value === undefined) return;
      const state = heapStateFromPymalloc(heap);
      const usage = arenaUsageModel(state);
      mountArenaUsage(usageEl.value, usage);
      mountArenaMap(mapEl.value, arenaMapModel(state, { cell: 9, gap: 1, columns: 64 }));
      const lists = poolListsFromPymalloc(heap);
      const usable = lists.arenas.filter((a) => a.usableRank >= 0);
      order.value =
        usable.length === 0 ? 'usable_arenas: empty (every arena is full, or there is none)' : `usable_arenas (new pools come from the first): ${usable.map((a) => `arena ${a.slot} (${a.freePools} free pools)`).join(' → ')}`;
      status.value = `${live.length} live objects · ${bytes(state.liveBytes)} in blocks · ${state.arenas.length} arena${state.arenas.length === 1 ? '' : 's'} = ${bytes(state.arenaBytes)} from the system · ${usage.pinned} pinned`;
    };

    const allocate = (): void => {
      if (heap === undefined) return;
      const before = heap.arenasCurrent;
      for (let i = 0; i < PINNING_BATCH; i++) live.push(heap.malloc(SIZES[made++ % SIZES.length]!));
      last.value = `allocated ${PINNING_BATCH.toLocaleString('en')} objects: ${heap.arenasCurrent - before} new arena${heap.arenasCurrent - before === 1 ? '' : 's'}`;
      draw();
    };

    const freeMost = (): void => {
      if (heap === undefined) return;
      const keep: number[] = [];
      live.forEach((p, i) => {
        if (i % PINNING_KEEP_ONE_IN === PINNING_KEEP_ONE_IN - 1) keep.push(p);
        else heap!.free(p);
      });
      const freed = live.length - keep.length;
      live = keep;
      last.value = `freed ${freed.toLocaleString('en')} objects, kept ${keep.length.toLocaleString('en')} (one in ${PINNING_KEEP_ONE_IN})`;
      draw();
    };

    const freeAll = (): void => {
      if (heap === undefined) return;
      for (const p of live) heap.free(p);
      last.value = `freed the last ${live.length.toLocaleString('en')} objects`;
      live = [];
      draw();
    };

    const reset = (): void => {
      heap = createLinearHeap({ arenaAlignment: 16384 });
      live = [];
      made = 0;
      last.value = '';
      draw();
    };

    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' ')) return;
      if (e.key === 'a') allocate();
      else if (e.key === 'f') freeMost();
      else if (e.key === 'x') freeAll();
      else return;
      e.preventDefault();
    };

    onMounted(() => {
      if (usageEl.value !== undefined) ensureChapterStyles(usageEl.value.ownerDocument);
      reset();
    });

    return () =>
      h('div', { class: 'pv-widget pv-chapter', 'data-testid': 'pinning-widget', tabindex: 0, role: 'group', 'aria-label': 'arena pinning', onKeydown: onKey }, [
        h('div', { class: 'pv-controls' }, [
          h('button', { type: 'button', 'data-testid': 'pinning-allocate', onClick: allocate }, `allocate ${PINNING_BATCH.toLocaleString('en')} objects`),
          h('button', { type: 'button', 'data-testid': 'pinning-free-most', onClick: freeMost }, `free all but one in ${PINNING_KEEP_ONE_IN}`),
          h('button', { type: 'button', 'data-testid': 'pinning-free-all', onClick: freeAll }, 'free the rest'),
          h('button', { type: 'button', 'data-testid': 'pinning-reset', onClick: reset }, 'reset'),
        ]),
        h('p', { class: 'pv-keys' }, 'Keys, with the widget focused: a allocate, f free all but one in a hundred, x free the rest.'),
        h('p', { class: 'pv-status', 'data-testid': 'pinning-status', 'aria-live': 'polite' }, status.value),
        h('p', { class: 'pv-status', 'data-testid': 'pinning-last' }, last.value),
        h('div', { class: 'pv-scroll', ref: usageEl, 'data-testid': 'pinning-usage' }),
        h('p', { class: 'pv-status', 'data-testid': 'pinning-order' }, order.value),
        h('div', { class: 'pv-scroll', ref: mapEl, 'data-testid': 'pinning-map' }),
      ]);
  },
});
