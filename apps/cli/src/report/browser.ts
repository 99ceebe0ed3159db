/**
 * The report page's script: bundled (with @pymem/viz and uPlot) into one
 * IIFE at build time and inlined into every report. It reads the data the
 * CLI embedded in `<script id="pymem-data" type="application/json">` and
 * draws the timelines, arena maps and tables.
 */
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { Timeline, TimelineChartModel } from '@pymem/viz';
import { arenaMapModel, classTableModel, formatBytes, mountArenaMap, mountClassTable, mountTimelineChart, timelineChartModel } from '@pymem/viz';
import type { ReportData } from './packed.js';
import { unpackHeap } from './packed.js';

function el(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the report page has no #${id}`);
  return e;
}

function draw(data: ReportData): void {
  const style = document.createElement('style');
  style.textContent = uplotCss;
  document.head.append(style);

  const s = data.series;
  const width = Math.max(480, Math.min(1000, el('timelines').clientWidth || 900));
  const tl: Timeline = {
    length: s.seq.length,
    t: Float64Array.from(s.seq),
    liveBytes: Float64Array.from(s.liveBytes),
    arenaBytes: Float64Array.from(s.arenaBytes),
    arenas: Float64Array.from(s.arenas),
    poolsPerClass: s.classPools.map((c) => Float64Array.from(c)),
  };
  const xEvent = (m: TimelineChartModel): TimelineChartModel => ({ ...m, title: `${m.title} (x: event)` });
  const charts: TimelineChartModel[] = [
    xEvent(timelineChartModel(tl, 'bytes')),
    xEvent(timelineChartModel(tl, 'arenas')),
    { title: 'pools in use (x: event)', data: [tl.t, Float64Array.from(s.pools)], series: [{ label: 'pools', stroke: '#2e8b57', scale: 'n' }] },
    xEvent(timelineChartModel(tl, 'pools')),
  ];
  for (const model of charts) {
    const box = document.createElement('div');
    box.className = 'chart';
    el('timelines').append(box);
    mountTimelineChart(box, model, { width, height: 220 });
  }

  const peak = unpackHeap(data.heapAtPeak);
  const end = unpackHeap(data.heapAtEnd);
  mountArenaMap(el('map-peak'), arenaMapModel(peak));
  mountArenaMap(el('map-end'), arenaMapModel(end));
  mountClassTable(el('classes-peak'), classTableModel(peak));
  mountClassTable(el('classes-end'), classTableModel(end));
  el('peak-caption').textContent = `after event ${data.peak.seq.toLocaleString('en')}: ${formatBytes(peak.liveBytes)} in pymalloc blocks, ${peak.arenas.length} arenas (${formatBytes(peak.arenaBytes)})`;
  el('end-caption').textContent = `after event ${data.end.seq.toLocaleString('en')}: ${formatBytes(end.liveBytes)} in pymalloc blocks, ${end.arenas.length} arenas (${formatBytes(end.arenaBytes)})`;
  document.body.dataset['rendered'] = 'yes';
}

const json = document.getElementById('pymem-data')?.textContent;
if (json === undefined) throw new Error('the report page carries no data (#pymem-data)');
draw(JSON.parse(json) as ReportData);
