import { createLinearHeap } from '@pymem/arena';
import { expect, test } from 'vitest';
import { heapStateFromPymalloc } from './from-heap.js';
import { createTimelineRecorder, formatBytes, timelineChartModel } from './timeline.js';

test('the recorder grows its columns and keeps every sample', () => {
  const r = createTimelineRecorder(2, 4);
  for (let i = 0; i < 1_000_000; i++) r.push(i, i * 16, 1048576, 1, [i & 1, 2]);
  const tl = r.timeline();
  expect(tl.length).toBe(1_000_000);
  expect(tl.t[999_999]).toBe(999_999);
  expect(tl.liveBytes[123_456]).toBe(123_456 * 16);
  expect(tl.poolsPerClass[0]![3]).toBe(1);
  expect(tl.poolsPerClass[1]![999_999]).toBe(2);
  expect(tl.arenas.length).toBe(1_000_000);
});

test('chart models: bytes, arenas, pools of classes that had pools', () => {
  const heap = createLinearHeap();
  const r = createTimelineRecorder(heap.geometry.nClasses);
  r.pushState(0, heapStateFromPymalloc(heap));
  const p = heap.malloc(24);
  r.pushState(1, heapStateFromPymalloc(heap));
  heap.malloc(200);
  r.pushState(2, heapStateFromPymalloc(heap));
  heap.free(p);
  r.pushState(3, heapStateFromPymalloc(heap));
  const tl = r.timeline();
  expect(Array.from(tl.liveBytes)).toEqual([0, 32, 240, 208]);
  expect(Array.from(tl.arenas)).toEqual([0, 1, 1, 1]);
  const bytes = timelineChartModel(tl, 'bytes');
  expect(bytes.series.map((s) => s.label)).toEqual(['live bytes', 'arena bytes']);
  expect(Array.from(bytes.data[2]!)).toEqual([0, 1048576, 1048576, 1048576]);
  const pools = timelineChartModel(tl, 'pools');
  expect(pools.series.map((s) => s.label)).toEqual(['class 1', 'class 12']);
  expect(Array.from(pools.data[1]!)).toEqual([0, 1, 1, 0]);
  expect(timelineChartModel(tl, 'arenas').data).toHaveLength(2);
});

test('formatBytes', () => {
  expect([0, 512, 16384, 1536, 1048576, 1572864].map(formatBytes)).toEqual(['0', '512', '16 KiB', '1.5 KiB', '1 MiB', '1.5 MiB']);
});
