import { createLinearHeap } from '@pymem/arena';
import type { Pymalloc } from '@pymem/arena';
import {
  arenaMapModel,
  classTableModel,
  createTimelineRecorder,
  heapStateFromPymalloc,
  mountArenaMap,
  mountClassTable,
  mountPool,
  mountTimelineChart,
  poolDetailFromPymalloc,
  poolModel,
  timelineChartModel,
} from '@pymem/viz';
import type { HeapState, TimelineRecorder } from '@pymem/viz';
import { defineComponent, h, onBeforeUnmount, onMounted, ref } from 'vue';

/** Arena slot and pool position of the pool holding `address`, if any. */
function poolOf(state: HeapState, address: number): { slot: number; pool: number } | undefined {
  const base = address - (address % state.geometry.poolSize);
  for (const arena of state.arenas) {
    const p = arena.pools.find((x) => x.address === base);
    if (p !== undefined) return { slot: arena.slot, pool: p.index };
  }
  return undefined;
}

/**
 * A real `createLinearHeap()` with allocate and free buttons, re-rendering
 * the arena map, the chosen pool and the per-class table after each call.
 */
export const HeapWidget = defineComponent({
  name: 'HeapWidget',
  props: { size: { type: Number, default: 24 } },
  setup(props) {
    const mapEl = ref<HTMLElement>();
    const poolEl = ref<HTMLElement>();
    const tableEl = ref<HTMLElement>();
    const chartEl = ref<HTMLElement>();
    const status = ref('starting…');
    const size = ref(props.size);
    let heap: Pymalloc | undefined;
    let live: number[] = [];
    let chosen: { slot: number; pool: number } | undefined;
    let recorder: TimelineRecorder | undefined;
    let calls = 0;
    let chart: ReturnType<typeof mountTimelineChart> | undefined;

    const draw = (): void => {
      if (heap === undefined || mapEl.value === undefined || poolEl.value === undefined || tableEl.value === undefined) return;
      const state = heapStateFromPymalloc(heap);
      mountArenaMap(mapEl.value, arenaMapModel(state), (slot, pool) => {
        chosen = { slot, pool };
        draw();
      });
      const detail = chosen === undefined ? undefined : poolDetailFromPymalloc(heap, chosen.slot, chosen.pool);
      if (detail === undefined) poolEl.value.textContent = 'Allocate a block, or choose a pool in the map.';
      else mountPool(poolEl.value, poolModel(detail));
      if (chosen !== undefined) {
        mapEl.value.querySelector(`g.pv-pool[data-slot="${chosen.slot}"][data-pool="${chosen.pool}"]`)?.classList.add('pv-selected');
      }
      mountClassTable(tableEl.value, classTableModel(state));
      if (recorder !== undefined && chartEl.value !== undefined) {
        recorder.pushState(calls, state);
        chart?.destroy();
        const width = Math.max(320, Math.min(720, chartEl.value.clientWidth));
        chart = mountTimelineChart(chartEl.value, timelineChartModel(recorder.timeline(), 'bytes'), { width, height: 200 });
      }
      status.value = `${live.length} live blocks · ${state.liveBytes} bytes in blocks · ${state.arenas.length} arena${state.arenas.length === 1 ? '' : 's'}`;
    };

    const allocate = (): void => {
      if (heap === undefined) return;
      const n = Math.max(1, Math.min(512, Math.floor(size.value)));
      const p = heap.malloc(n);
      calls++;
      live.push(p);
      chosen = poolOf(heapStateFromPymalloc(heap), p) ?? chosen;
      draw();
    };
    const free = (which: 'oldest' | 'newest'): void => {
      if (heap === undefined || live.length === 0) return;
      const p = which === 'oldest' ? live.shift()! : live.pop()!;
      chosen = poolOf(heapStateFromPymalloc(heap), p) ?? chosen;
      heap.free(p);
      calls++;
      draw();
    };
    const reset = (): void => {
      heap = createLinearHeap({ arenaAlignment: 16384 });
      recorder = createTimelineRecorder(heap.geometry.nClasses);
      calls = 0;
      live = [];
      chosen = undefined;
      draw();
    };

    onMounted(reset);
    onBeforeUnmount(() => chart?.destroy());

    return () =>
      h('div', { class: 'pv-widget', 'data-testid': 'heap-widget' }, [
        h('div', { class: 'pv-controls' }, [
          h('label', [
            'size ',
            h('input', {
              type: 'number',
              min: 1,
              max: 512,
              value: size.value,
              'aria-label': 'request size in bytes',
              onInput: (e: Event) => {
                size.value = Number((e.target as HTMLInputElement).value);
              },
            }),
          ]),
          h('button', { type: 'button', 'data-testid': 'allocate', onClick: allocate }, 'allocate'),
          h('button', { type: 'button', 'data-testid': 'free-newest', onClick: () => free('newest') }, 'free newest'),
          h('button', { type: 'button', 'data-testid': 'free-oldest', onClick: () => free('oldest') }, 'free oldest'),
          h('button', { type: 'button', 'data-testid': 'reset', onClick: reset }, 'reset'),
        ]),
        h('p', { class: 'pv-status', 'data-testid': 'status', 'aria-live': 'polite' }, status.value),
        h('div', { class: 'pv-scroll', ref: mapEl, 'data-testid': 'arena-map' }),
        h('div', { class: 'pv-scroll', ref: poolEl, 'data-testid': 'pool' }),
        h('div', { class: 'pv-scroll', ref: tableEl, 'data-testid': 'class-table' }),
        h('div', { class: 'pv-scroll', ref: chartEl, 'data-testid': 'timeline' }),
      ]);
  },
});
