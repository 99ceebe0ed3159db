import { hex } from '@pymem/arena';
import type { RequestEvent } from '@pymem/objects';
import { createTimelineRecorder, mountObjectGraph, mountTimelineChart, objectGraphModel, timelineChartModel } from '@pymem/viz';
import type { PoolDetail } from '@pymem/viz';
import type uPlot from 'uplot';
import { defineComponent, h, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import type { VNode } from 'vue';
import { drawHeap, poolAt } from './heap-views.js';
import type { PoolRef } from './heap-views.js';
import { EXAMPLES, MAX_OBJECTS, MAX_STEPS, runSteps } from './snippet-steps.js';
import './widgets.css';
import type { SnippetRun, SnippetStep } from './snippet-steps.js';

const FIRST_EXAMPLE = Object.keys(EXAMPLES)[0]!;

function requestText(r: RequestEvent): string {
  return r[0] === 'realloc' ? `realloc ${r[1] === null ? 'NULL' : r[1]} → ${r[2]} (${r[3]})` : `${r[0]} ${r[1] === null ? 'NULL' : r[1]} (${r[2]})`;
}

/**
 * The playground: a snippet of `@pymem/objects`' subset, run statement by
 * statement; a step slider (and buttons) shows the names, objects with
 * their refcounts, output, allocator requests and the pymalloc heap after
 * each statement.
 */
export const Playground = defineComponent({
  name: 'Playground',
  props: { example: { type: String, default: FIRST_EXAMPLE }, compact: { type: Boolean, default: false } },
  setup(props) {
    const code = ref(EXAMPLES[props.example] ?? EXAMPLES[FIRST_EXAMPLE]!);
    const run = shallowRef<SnippetRun>();
    const at = ref(0);
    const mapEl = ref<HTMLElement>();
    const poolEl = ref<HTMLElement>();
    const tableEl = ref<HTMLElement>();
    const graphEl = ref<HTMLElement>();
    const chartEl = ref<HTMLElement>();
    let chart: uPlot | undefined;
    let marker: HTMLElement | undefined;
    let chosen: PoolRef | undefined;

    const step = (): SnippetStep | undefined => run.value?.steps[at.value];

    const draw = (): void => {
      const s = step();
      if (mapEl.value === undefined || poolEl.value === undefined || tableEl.value === undefined) return;
      if (s === undefined) {
        // Nothing ran (a syntax error or an unsupported construct): nothing of the last run stays on screen.
        for (const el of [mapEl.value, poolEl.value, tableEl.value, graphEl.value]) if (el !== undefined) el.textContent = '';
        return;
      }
      // Follow the pool of the newest object unless one was chosen.
      const detail: PoolDetail | undefined = chosen === undefined ? undefined : s.pools.get(`${chosen.slot}:${chosen.pool}`);
      drawHeap({ map: mapEl.value, pool: poolEl.value, table: tableEl.value }, s.heap, chosen, detail, (p) => {
        chosen = p;
        draw();
      }, 'Choose a pool in the map (click, or Tab, the arrow keys and Enter) to see its blocks.');
      if (graphEl.value !== undefined) mountObjectGraph(graphEl.value, objectGraphModel(s.graph));
      if (chart !== undefined && marker !== undefined) marker.style.left = `${chart.valToPos(at.value, 'x')}px`;
    };

    /** Live bytes and arena bytes per step; a click on the chart goes to that step. */
    const drawChart = (): void => {
      chart?.destroy();
      chart = undefined;
      if (chartEl.value !== undefined) chartEl.value.textContent = '';
      const steps = run.value?.steps ?? [];
      if (chartEl.value === undefined || steps.length === 0) return;
      const rec = createTimelineRecorder(steps[0]!.heap.geometry.nClasses, steps.length);
      steps.forEach((st, i) => rec.pushState(i, st.heap));
      const width = Math.max(320, Math.min(720, chartEl.value.clientWidth));
      const u = mountTimelineChart(chartEl.value, timelineChartModel(rec.timeline(), 'bytes'), { width, height: 180 });
      chart = u;
      marker = document.createElement('div');
      marker.className = 'pv-marker';
      u.over.appendChild(marker);
      u.over.addEventListener('click', (e: MouseEvent) => go(Math.round(u.posToVal(e.offsetX, 'x'))));
    };
    onBeforeUnmount(() => chart?.destroy());

    const execute = (): void => {
      run.value = runSteps(code.value);
      const steps = run.value.steps;
      at.value = Math.max(0, steps.length - 1);
      const last = steps.at(-1);
      const newest = last?.objects.at(-1);
      chosen = last === undefined || newest === undefined ? undefined : poolAt(last.heap, newest.address);
      drawChart();
      draw();
    };

    const go = (n: number): void => {
      const steps = run.value?.steps.length ?? 0;
      at.value = Math.max(0, Math.min(steps - 1, n));
    };
    watch(at, draw);
    onMounted(execute);

    const table = (head: string[], rows: VNode[], testid: string, caption: string): VNode =>
      h('table', { class: 'pv-plain', 'data-testid': testid }, [h('caption', caption), h('thead', h('tr', head.map((x) => h('th', x)))), h('tbody', rows)]);

    return () => {
      const r = run.value;
      const s = step();
      const prev = r?.steps[at.value - 1];
      const before = new Map((prev?.objects ?? []).map((o) => [o.address, o.refcount]));
      const total = r?.steps.length ?? 0;
      const lines = code.value.split('\n');
      if (lines.at(-1) === '') lines.pop();
      return h('div', { class: 'pv-widget pv-playground', 'data-testid': 'playground' }, [
        h('div', { key: 'examples', class: 'pv-controls' }, [
          h('label', [
            'example ',
            h(
              'select',
              {
                'data-testid': 'example',
                onChange: (e: Event) => {
                  code.value = EXAMPLES[(e.target as HTMLSelectElement).value] ?? code.value;
                  execute();
                },
              },
              Object.keys(EXAMPLES).map((k) => h('option', { value: k, selected: k === props.example }, k)),
            ),
          ]),
          h('button', { type: 'button', 'data-testid': 'run', onClick: execute }, 'run'),
          h('span', { class: 'pv-hint' }, 'Ctrl+Enter in the editor runs too'),
        ]),
        h('textarea', {
          key: 'code',
          class: 'pv-code',
          'data-testid': 'code',
          'aria-label': 'Python snippet',
          spellcheck: false,
          rows: Math.max(6, Math.min(18, lines.length + 1)),
          value: code.value,
          onInput: (e: Event) => {
            code.value = (e.target as HTMLTextAreaElement).value;
          },
          onKeydown: (e: KeyboardEvent) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              execute();
            }
          },
        }),
        r?.error === undefined ? null : h('p', { key: 'error', class: 'pv-error', role: 'alert', 'data-testid': 'error' }, `${r.error.kind === 'runtime' ? 'Python raised' : r.error.kind === 'syntax' ? 'syntax error' : 'not in the subset'}: ${r.error.message}`),
        h('div', { key: 'steps', class: 'pv-controls', role: 'group', 'aria-label': 'steps' }, [
          h('button', { type: 'button', 'data-testid': 'first', disabled: at.value === 0, onClick: () => go(0) }, '|◀ first'),
          h('button', { type: 'button', 'data-testid': 'prev', disabled: at.value === 0, onClick: () => go(at.value - 1) }, '◀ back'),
          h('input', {
            type: 'range',
            class: 'pv-slider',
            'data-testid': 'step',
            'aria-label': 'step',
            min: 0,
            max: Math.max(0, total - 1),
            value: at.value,
            'aria-valuetext': s === undefined ? 'no steps' : `step ${at.value} of ${total - 1}, line ${s.line}`,
            onInput: (e: Event) => go(Number((e.target as HTMLInputElement).value)),
          }),
          h('button', { type: 'button', 'data-testid': 'next', disabled: at.value >= total - 1, onClick: () => go(at.value + 1) }, 'next ▶'),
          h('button', { type: 'button', 'data-testid': 'last', disabled: at.value >= total - 1, onClick: () => go(total - 1) }, 'last ▶|'),
        ]),
        h(
          'p',
          { key: 'status', class: 'pv-status', 'data-testid': 'step-status', 'aria-live': 'polite' },
          s === undefined
            ? 'nothing ran'
            : `step ${at.value} of ${total - 1} · ${s.line === 0 ? 'before the first statement' : `after line ${s.line}`} · ${s.liveObjects} objects · ${s.requests} requests · ${s.heap.liveBytes} bytes in blocks${r?.truncated === true ? ` · only the first ${MAX_STEPS} steps are kept` : ''}`,
        ),
        h(
          'ol',
          { key: 'listing', class: 'pv-listing', 'data-testid': 'listing', 'aria-label': 'the snippet, the line that just ran marked' },
          lines.map((text, i) => h('li', { class: s?.line === i + 1 ? 'pv-current' : undefined, 'aria-current': s?.line === i + 1 ? 'step' : undefined }, text === '' ? '\u00a0' : text)),
        ),
        h('div', { key: 'columns', class: 'pv-columns' }, [
          h('div', [
            table(
              ['name', 'object'],
              (s?.names ?? []).map(([n, a]) => h('tr', [h('td', n), h('td', hex(a))])),
              'names',
              'module names',
            ),
            h('h4', 'printed'),
            h('pre', { class: 'pv-output', 'data-testid': 'output' }, s?.output ?? ''),
          ]),
          h('div', { class: 'pv-scroll' }, [
            table(
              ['address', 'type', 'refcount', 'size', 'value'],
              (s?.objects ?? []).map((o) => {
                const was = before.get(o.address);
                const cls = prev === undefined ? undefined : was === undefined ? 'pv-new' : was !== o.refcount ? 'pv-changed' : undefined;
                return h('tr', { class: cls, 'data-address': o.address }, [h('td', hex(o.address)), h('td', o.type), h('td', String(o.refcount)), h('td', String(o.size)), h('td', { class: 'pv-repr' }, o.repr)]);
              }),
              'objects',
              s !== undefined && s.liveObjects > s.objects.length ? `live objects: the namespace and the ${MAX_OBJECTS} made last of ${s.liveObjects} (new in this step: green, refcount changed: yellow)` : 'live objects (new in this step: green, refcount changed: yellow)',
            ),
          ]),
        ]),
        h('div', { key: 'graph', class: 'pv-scroll', ref: graphEl, 'data-testid': 'graph' }),
        h('div', { key: 'timeline', class: 'pv-scroll pv-chart', ref: chartEl, 'data-testid': 'timeline', title: 'bytes after each step; click to go to a step' }),
        h('details', { key: 'requests', class: 'pv-requests', open: !props.compact }, [
          h('summary', `allocator requests: ${s?.requests ?? 0} by this step, ${r?.requests.length ?? 0} in the run`),
          h(
            'ol',
            { 'data-testid': 'requests' },
            (r?.requests.slice(0, s?.requests ?? 0) ?? []).map((q, i) => h('li', { class: i >= (prev?.requests ?? 0) && prev !== undefined ? 'pv-new' : undefined }, requestText(q))),
          ),
        ]),
        h('div', { key: 'map', class: 'pv-scroll', ref: mapEl, 'data-testid': 'arena-map' }),
        h('div', { key: 'pool', class: 'pv-scroll', ref: poolEl, 'data-testid': 'pool' }),
        h('div', { key: 'table', class: 'pv-scroll', ref: tableEl, 'data-testid': 'class-table' }),
      ]);
    };
  },
});
