import { mountTimelineChart, timelineChartModel } from '@pymem/viz';
import type { TimelineChartKind } from '@pymem/viz';
import type uPlot from 'uplot';
import { withBase } from 'vitepress';
import { defineComponent, h, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';
import { drawHeap } from './heap-views.js';
import type { PoolRef } from './heap-views.js';
import { ViewerError, openSession } from './trace-session.js';
import './widgets.css';
import type { SessionState, TraceSession } from './trace-session.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The trace viewer: a `.pymem` trace or a raw PYMTRC01 capture (plain or
 * gzip) read from disk with the File API (nothing leaves the browser), or
 * the file at `src` in the site; a timeline to scrub, a slider and buttons
 * to seek, the marks, and the arena map, a pool and the class table at the
 * chosen position.
 */
export const TraceViewer = defineComponent({
  name: 'TraceViewer',
  props: {
    /** A file of the site to open at once (e.g. `/captures/demo.bin.gz`). */
    src: { type: String, default: '' },
    /** Show the file input. */
    picker: { type: Boolean, default: true },
  },
  setup(props) {
    const session = shallowRef<TraceSession>();
    const current = shallowRef<SessionState>();
    const position = ref(0);
    const status = ref(props.src === '' ? 'Open a .pymem trace or a raw capture (.bin or .bin.gz) from your disk.' : `loading ${props.src}…`);
    const error = ref('');
    const fileName = ref('');
    const chartEl = ref<HTMLElement>();
    const mapEl = ref<HTMLElement>();
    const poolEl = ref<HTMLElement>();
    const tableEl = ref<HTMLElement>();
    let chart: uPlot | undefined;
    let marker: HTMLElement | undefined;
    let chosen: PoolRef | undefined;
    let ticket = 0;
    const chartKind = ref<TimelineChartKind>('bytes');

    const draw = (): void => {
      const st = current.value;
      if (st === undefined || mapEl.value === undefined || poolEl.value === undefined || tableEl.value === undefined) return;
      if (chosen !== undefined && !st.heap.arenas.some((a) => a.slot === chosen?.slot)) chosen = undefined;
      drawHeap({ map: mapEl.value, pool: poolEl.value, table: tableEl.value }, st.heap, chosen, chosen === undefined ? undefined : st.pool(chosen.slot, chosen.pool), (p) => {
        chosen = p;
        draw();
      }, st.heap.arenas.length === 0 ? 'No arena is live at this position.' : 'Choose a pool in the map (click, or Tab, the arrow keys and Enter) to see its blocks at this position.');
      if (chart !== undefined && marker !== undefined) marker.style.left = `${chart.valToPos(st.position, 'x')}px`;
    };

    const seek = async (to: number): Promise<void> => {
      const s = session.value;
      if (s === undefined) return;
      const at = Math.max(0, Math.min(s.length, Math.round(to)));
      position.value = at;
      const mine = ++ticket;
      const st = await s.stateAt(at);
      if (mine !== ticket) return; // a later seek won
      current.value = st;
      const inUse = st.heap.arenas.reduce((n, a) => n + a.pools.filter((p) => p.count > 0).length, 0);
      status.value = `${s.unit === 'records' ? 'record' : 'event'} ${fmt(at)} of ${fmt(s.length)} · ${st.heap.arenas.length} arena${st.heap.arenas.length === 1 ? '' : 's'} (${fmt(Math.round((st.heap.arenaBytes / 2 ** 20) * 100) / 100)} MiB) · ${inUse} pools in use · ${fmt(st.heap.liveBytes)} bytes in pymalloc blocks`;
      draw();
    };

    const drawChart = (): void => {
      const s = session.value;
      chart?.destroy();
      chart = undefined;
      if (s === undefined || chartEl.value === undefined) return;
      const width = Math.max(320, Math.min(900, chartEl.value.clientWidth));
      chart = mountTimelineChart(chartEl.value, timelineChartModel(s.timeline, chartKind.value), { width, height: 220 });
      marker = document.createElement('div');
      marker.className = 'pv-marker';
      chart.over.appendChild(marker);
      const u = chart;
      u.over.addEventListener('click', (e: MouseEvent) => {
        void seek(u.posToVal(e.offsetX, 'x'));
      });
    };

    const load = async (bytes: Uint8Array, name: string): Promise<void> => {
      error.value = '';
      status.value = `reading ${name}…`;
      try {
        const s = await openSession(bytes, name);
        session.value = s;
        fileName.value = name;
        chosen = undefined;
        drawChart();
        await seek(s.length);
      } catch (e) {
        session.value = undefined;
        current.value = undefined;
        // Nothing of the file that was open before stays on screen.
        chart?.destroy();
        chart = undefined;
        for (const el of [chartEl.value, mapEl.value, poolEl.value, tableEl.value]) if (el !== undefined) el.textContent = '';
        position.value = 0;
        status.value = 'Nothing is open.';
        error.value = e instanceof ViewerError || e instanceof Error ? e.message : String(e);
      }
    };

    const onFile = async (e: Event): Promise<void> => {
      const file = (e.target as HTMLInputElement).files?.[0];
      if (file === undefined) return;
      await load(new Uint8Array(await file.arrayBuffer()), file.name);
    };

    onMounted(async () => {
      if (props.src === '') return;
      try {
        const res = await fetch(withBase(props.src));
        if (!res.ok) throw new ViewerError(`${props.src}: HTTP ${res.status}`);
        await load(new Uint8Array(await res.arrayBuffer()), props.src.split('/').at(-1) ?? props.src);
      } catch (e) {
        error.value = e instanceof Error ? e.message : String(e);
      }
    });
    onBeforeUnmount(() => chart?.destroy());

    return () => {
      const s = session.value;
      const max = s?.length ?? 0;
      const big = Math.max(1, Math.round(max / 100));
      const button = (label: string, testid: string, to: () => number, aria?: string): ReturnType<typeof h> =>
        h('button', { type: 'button', 'data-testid': testid, 'aria-label': aria, disabled: s === undefined, onClick: () => void seek(to()) }, label);
      return h('div', { class: 'pv-widget pv-viewer', 'data-testid': 'trace-viewer' }, [
        props.picker
          ? h('div', { key: 'picker', class: 'pv-controls' }, [
              h('label', [
                'open a file ',
                h('input', { type: 'file', class: 'pv-file', 'data-testid': 'file', accept: '.pymem,.bin,.gz,application/gzip,application/octet-stream', onChange: (e: Event) => void onFile(e) }),
              ]),
              h('span', { class: 'pv-hint' }, 'read in this tab, nothing is uploaded'),
            ])
          : null,
        error.value === '' ? null : h('p', { key: 'error', class: 'pv-error', role: 'alert', 'data-testid': 'error' }, error.value),
        s === undefined ? null : h('p', { key: 'description', class: 'pv-status', 'data-testid': 'description' }, `${fileName.value}: ${s.description}`),
        h('p', { key: 'status', class: 'pv-status', 'data-testid': 'status', 'aria-live': 'polite' }, status.value),
        s === undefined
          ? null
          : h('div', { key: 'chart-kind', class: 'pv-controls' }, [
              h('label', [
                'chart ',
                h(
                  'select',
                  {
                    'data-testid': 'chart-kind',
                    onChange: (e: Event) => {
                      chartKind.value = (e.target as HTMLSelectElement).value as TimelineChartKind;
                      drawChart();
                      draw();
                    },
                  },
                  [
                    h('option', { value: 'bytes', selected: chartKind.value === 'bytes' }, 'live bytes and arena bytes'),
                    h('option', { value: 'arenas', selected: chartKind.value === 'arenas' }, 'arenas'),
                    s.kind === 'raw' ? h('option', { value: 'pools', selected: chartKind.value === 'pools' }, 'pools in use per size class') : null,
                  ],
                ),
              ]),
            ]),
        h('div', { key: 'timeline', class: 'pv-scroll pv-chart', ref: chartEl, 'data-testid': 'timeline', title: 'click the chart to seek there' }),
        h('div', { key: 'seek', class: 'pv-controls', role: 'group', 'aria-label': 'seek' }, [
          button('|◀', 'start', () => 0, 'to the start'),
          button('◀◀', 'back-big', () => position.value - big, 'back 1 % of the trace'),
          button('◀', 'back', () => position.value - 1, 'back one'),
          h('input', {
            type: 'range',
            class: 'pv-slider',
            'data-testid': 'position',
            'aria-label': s?.unit === 'events' ? 'event' : 'record',
            min: 0,
            max,
            step: 1,
            value: position.value,
            disabled: s === undefined,
            onInput: (e: Event) => void seek(Number((e.target as HTMLInputElement).value)),
          }),
          button('▶', 'forward', () => position.value + 1, 'forward one'),
          button('▶▶', 'forward-big', () => position.value + big, 'forward 1 % of the trace'),
          button('▶|', 'end', () => max, 'to the end'),
          h('label', [
            s?.unit === 'events' ? 'event ' : 'record ',
            h('input', {
              type: 'number',
              class: 'pv-number',
              'data-testid': 'goto',
              min: 0,
              max,
              value: position.value,
              disabled: s === undefined,
              onChange: (e: Event) => void seek(Number((e.target as HTMLInputElement).value)),
            }),
          ]),
          s?.positionAtTime === undefined
            ? null
            : h('label', [
                'time ',
                h('input', {
                  type: 'number',
                  class: 'pv-number',
                  'data-testid': 'goto-time',
                  min: 0,
                  onChange: (e: Event) => {
                    const t = Number((e.target as HTMLInputElement).value);
                    void s.positionAtTime?.(t).then((p) => seek(p));
                  },
                }),
              ]),
        ]),
        s?.chunks === undefined
          ? null
          : h('div', { key: 'chunks', class: 'pv-controls' }, [
              h('label', [
                'index ',
                h(
                  'select',
                  {
                    'data-testid': 'chunks',
                    onChange: (e: Event) => void seek(Number((e.target as HTMLSelectElement).value)),
                  },
                  [
                    h('option', { value: '', disabled: true, selected: true }, `go to one of ${s.chunks.length} events chunks…`),
                    ...s.chunks.map((c, i) => h('option', { value: c.at }, `chunk ${i}: events ${fmt(c.at)}–${fmt(c.at + c.events - 1)} · time ${fmt(c.firstTime)} · ${fmt(c.liveStart)} bytes live at its start, peak ${fmt(c.peak)} · ${c.arenas} arena${c.arenas === 1 ? '' : 's'} at its end`)),
                  ],
                ),
              ]),
            ]),
        s === undefined || s.marks.length === 0
          ? null
          : h('div', { key: 'marks', class: 'pv-controls', 'data-testid': 'marks' }, ['marks: ', ...s.marks.map((m) => h('button', { type: 'button', onClick: () => void seek(m.at) }, `${m.label} (${fmt(m.at)})`))]),
        h('div', { key: 'map', class: 'pv-scroll', ref: mapEl, 'data-testid': 'arena-map' }),
        h('div', { key: 'pool', class: 'pv-scroll', ref: poolEl, 'data-testid': 'pool' }),
        h('div', { key: 'table', class: 'pv-scroll', ref: tableEl, 'data-testid': 'class-table' }),
      ]);
    };
  },
});
