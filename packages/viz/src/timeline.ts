import uPlot from 'uplot';
import { classHue } from './color.js';
import type { HeapState } from './state.js';

/** The series a timeline records. */
export type TimelineSeries = 'liveBytes' | 'arenaBytes' | 'arenas';

/**
 * Columnar samples over time: `t` (record number, event index or seconds)
 * and one column per series, plus pools per class. Columns are typed arrays
 * that grow by doubling, so millions of samples cost no per-sample objects.
 */
export interface Timeline {
  readonly length: number;
  readonly t: Float64Array;
  readonly liveBytes: Float64Array;
  readonly arenaBytes: Float64Array;
  readonly arenas: Float64Array;
  /** `poolsPerClass[c][i]`: pools of class `c` at sample `i`. */
  readonly poolsPerClass: readonly Float64Array[];
}

/** Appends samples to a {@link Timeline}. */
export interface TimelineRecorder {
  /** Adds one sample. */
  push(t: number, liveBytes: number, arenaBytes: number, arenas: number, poolsPerClass?: ArrayLike<number>): void;
  /** Adds the numbers of a heap state at time `t`. */
  pushState(t: number, state: HeapState): void;
  /** The samples so far (views, no copy). */
  timeline(): Timeline;
}

/** A recorder for `nClasses` size classes. */
export function createTimelineRecorder(nClasses: number, initialCapacity = 1024): TimelineRecorder {
  let cap = Math.max(1, initialCapacity);
  let n = 0;
  let t = new Float64Array(cap);
  let live = new Float64Array(cap);
  let arenaB = new Float64Array(cap);
  let arenas = new Float64Array(cap);
  let perClass: Float64Array<ArrayBuffer>[] = Array.from({ length: nClasses }, () => new Float64Array(cap));
  const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
    const b = new Float64Array(cap);
    b.set(a);
    return b;
  };
  const ensure = (): void => {
    if (n < cap) return;
    cap *= 2;
    t = grow(t);
    live = grow(live);
    arenaB = grow(arenaB);
    arenas = grow(arenas);
    perClass = perClass.map(grow);
  };
  const push = (time: number, liveBytes: number, arenaBytes: number, narenas: number, pools?: ArrayLike<number>): void => {
    ensure();
    t[n] = time;
    live[n] = liveBytes;
    arenaB[n] = arenaBytes;
    arenas[n] = narenas;
    if (pools !== undefined) for (let c = 0; c < nClasses; c++) perClass[c]![n] = pools[c] ?? 0;
    n++;
  };
  return {
    push,
    pushState(time, state) {
      push(time, state.liveBytes, state.arenaBytes, state.arenas.length, state.classes.map((c) => c.pools));
    },
    timeline() {
      return {
        length: n,
        t: t.subarray(0, n),
        liveBytes: live.subarray(0, n),
        arenaBytes: arenaB.subarray(0, n),
        arenas: arenas.subarray(0, n),
        poolsPerClass: perClass.map((a) => a.subarray(0, n)),
      };
    },
  };
}

/** What {@link timelineChartModel} hands to uPlot: aligned columns and series specs. */
export interface TimelineChartModel {
  readonly title: string;
  /** `[t, series1, series2, …]`, uPlot's AlignedData. */
  readonly data: readonly ArrayLike<number>[];
  readonly series: readonly { readonly label: string; readonly stroke: string; readonly scale: string }[];
}

/** Which chart: bytes (live and arena bytes), arena count, or pools per class. */
export type TimelineChartKind = 'bytes' | 'arenas' | 'pools';

/**
 * The columns and series of one chart. For `pools`, only classes that ever
 * had a pool get a series.
 */
export function timelineChartModel(tl: Timeline, kind: TimelineChartKind): TimelineChartModel {
  switch (kind) {
    case 'bytes':
      return {
        title: 'live bytes and arena bytes',
        data: [tl.t, tl.liveBytes, tl.arenaBytes],
        series: [
          { label: 'live bytes', stroke: '#3b6fb6', scale: 'bytes' },
          { label: 'arena bytes', stroke: '#c0392b', scale: 'bytes' },
        ],
      };
    case 'arenas':
      return { title: 'arenas', data: [tl.t, tl.arenas], series: [{ label: 'arenas', stroke: '#c0392b', scale: 'n' }] };
    case 'pools': {
      const data: ArrayLike<number>[] = [tl.t];
      const series: { label: string; stroke: string; scale: string }[] = [];
      tl.poolsPerClass.forEach((col, c) => {
        if (!col.some((v) => v > 0)) return;
        data.push(col);
        series.push({ label: `class ${c}`, stroke: `hsl(${classHue(c)} 70% 45%)`, scale: 'n' });
      });
      return { title: 'pools per class', data, series };
    }
  }
}

/** Axis label of a byte count: `512`, `16 KiB`, `1.5 MiB`. */
export function formatBytes(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1024 * 1024) return `${+(v / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${+(v / 1024).toFixed(1)} KiB`;
  return String(v);
}

/**
 * Draws a timeline chart with uPlot into `el` (a browser element) and returns
 * the uPlot instance (call `destroy()` when done). The page must load
 * `uplot/dist/uPlot.min.css`.
 */
export function mountTimelineChart(el: HTMLElement, model: TimelineChartModel, opts: { readonly width?: number; readonly height?: number } = {}): uPlot {
  const options: uPlot.Options = {
    title: model.title,
    width: opts.width ?? 640,
    height: opts.height ?? 240,
    scales: { x: { time: false } },
    series: [{ label: 't' }, ...model.series.map((s) => ({ label: s.label, stroke: s.stroke, scale: s.scale, width: 1.5 }))],
    axes: [{}, { scale: model.series[0]?.scale ?? 'y', size: 64, values: (_u, splits) => splits.map((v) => (model.series[0]?.scale === 'bytes' ? formatBytes(v) : String(v))) }],
  };
  return new uPlot(options, model.data as uPlot.AlignedData, el);
}
