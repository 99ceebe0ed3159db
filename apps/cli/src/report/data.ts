import type { TraceEventBatch, TraceSummary } from '@pymem/trace';
import { readTrace, stackKey, summarizeTrace } from '@pymem/trace';
import type { HeapState } from '@pymem/viz';
import { heapStateFromPymalloc } from '@pymem/viz';
import type { ReportData } from './packed.js';
import { packHeap } from './packed.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS, trackBytes } from '../progress.js';
import { classLabel } from '../summary-input.js';
import { TraceVerifier } from '../trace-verify.js';

/** Rows `from`..`to` of a batch as a batch of their own (views of the same columns). */
function sliceEvents(b: TraceEventBatch, from: number, to: number): TraceEventBatch {
  const s = Object.create(Object.getPrototypeOf(b) as object) as TraceEventBatch;
  s.length = to - from;
  s.firstSeq = b.firstSeq + from;
  s.kind = b.kind.subarray(from, to);
  s.time = b.time.subarray(from, to);
  for (const c of ['id', 'oldId', 'size', 'oldSize', 'cls', 'arena', 'pool', 'block', 'stack', 'count', 'value', 'extra', 'label'] as const) s[c] = b[c].subarray(from, to);
  return s;
}

/**
 * Replays a trace's allocator events and returns the heap state right after
 * event `peakSeq` and after the last event.
 */
export async function heapsAt(bytes: Uint8Array, peakSeq: number, progress: Progress = NO_PROGRESS): Promise<{ peak: HeapState; end: HeapState; mismatch: string | null }> {
  const reader = readTrace(progress === NO_PROGRESS ? bytes : trackBytes(bytes, progress, 'replay'), { reuseBatches: true });
  let v: TraceVerifier | undefined;
  let peak: HeapState | undefined;
  for await (const b of reader) {
    v ??= new TraceVerifier(reader.header!, reader.dictionary.strings);
    const cut = peakSeq + 1 - b.firstSeq;
    if (peak === undefined && cut >= 0 && cut <= b.length) {
      v.feed(sliceEvents(b, 0, cut));
      peak = heapStateFromPymalloc(v.heap);
      if (cut < b.length) v.feed(sliceEvents(b, cut, b.length));
    } else {
      v.feed(b);
    }
  }
  if (v === undefined) throw new Error('the trace has no events');
  const end = heapStateFromPymalloc(v.heap);
  const first = v.finish(reader.complete).firstMismatch;
  return { peak: peak ?? end, end, mismatch: first === null ? null : `event ${first.seq} (${first.kind}): ${first.message}` };
}

/** Allocation sites summed per stack, the most bytes allocated first. */
function topStacks(s: TraceSummary, top: number): ReportData['stacks'] {
  const by = new Map<number, { allocBytes: number; allocBlocks: number; liveBytes: number; liveBlocks: number }>();
  for (const site of s.sites) {
    let t = by.get(site.stack);
    if (t === undefined) by.set(site.stack, (t = { allocBytes: 0, allocBlocks: 0, liveBytes: 0, liveBlocks: 0 }));
    t.allocBytes += site.allocBytes;
    t.allocBlocks += site.allocBlocks;
    t.liveBytes += site.liveBytes;
    t.liveBlocks += site.liveBlocks;
  }
  return [...by.entries()]
    .sort(([a, x], [b, y]) => y.allocBytes - x.allocBytes || a - b)
    .slice(0, top)
    .map(([stack, t]) => ({ ...t, frames: (s.stacks[stack] ?? []).map((f) => stackKey([f])) }));
}

/** Builds the report's data from a summary and the replayed heaps. */
export function reportData(source: string, input: 'raw' | 'trace', s: TraceSummary, heaps: { peak: HeapState; end: HeapState; mismatch?: string | null }, top = 20): ReportData {
  const h = s.header;
  const v = h.pythonVersion;
  const python = v === 0 ? 'unknown' : `${(v >>> 24) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}`;
  const samples = s.samples;
  const hasStacks = Object.values(s.stacks).some((f) => f.length > 0);
  const firstTime = samples[0]?.time ?? 0;
  const marks = s.instants.filter((i) => i.type === 'mark').length;
  const classes: ReportData['classes'] = [];
  for (let c = 0; c <= s.classes; c++) {
    if (s.allocated.bytes[c] === 0) continue;
    classes.push({ label: classLabel(s, c), allocatedBytes: s.allocated.bytes[c]!, peakBytes: s.peak.bytes[c]!, endBytes: s.liveAtEnd.bytes[c]!, tempBlocks: s.temporaries.blocks[c]! });
  }
  return {
    source,
    input,
    facts: {
      python,
      geometry: { name: heaps.end.geometry.name, alignment: h.alignment, threshold: h.smallRequestThreshold, poolSize: h.poolSize, arenaSize: h.arenaSize },
      events: s.events,
      marks,
      clockUnit: h.clockUnit,
      duration: s.end.time - Math.min(firstTime, s.end.time),
      complete: s.complete,
      stacks: hasStacks,
      mismatch: heaps.mismatch ?? null,
    },
    peak: { liveBytes: s.peak.liveBytes, seq: s.peak.seq },
    end: { liveBytes: s.end.liveBytes, liveBlocks: s.end.liveBlocks, arenas: s.end.arenas, pools: s.end.pools, seq: s.end.seq },
    max: { ...s.max },
    series: {
      seq: samples.map((x) => x.seq),
      time: samples.map((x) => x.time),
      liveBytes: samples.map((x) => x.liveBytes),
      arenaBytes: samples.map((x) => x.arenaBytes),
      arenas: samples.map((x) => x.arenas),
      pools: samples.map((x) => x.pools),
      classPools: Array.from({ length: s.classes }, (_, c) => samples.map((x) => x.classPools[c] ?? 0)),
    },
    classes,
    stacks: hasStacks ? topStacks(s, top) : [],
    instants: s.instants.slice(0, 200).map((i) => ({ seq: i.seq, type: i.type, name: i.name })),
    heapAtPeak: packHeap(heaps.peak),
    heapAtEnd: packHeap(heaps.end),
  };
}

/** Summarizes a `.pymem` trace's bytes and replays it for the report. */
export async function reportDataOfTrace(source: string, input: 'raw' | 'trace', bytes: Uint8Array, progress: Progress = NO_PROGRESS, importMismatch: string | null = null): Promise<{ data: ReportData; summary: TraceSummary }> {
  const s = await summarizeTrace(progress === NO_PROGRESS ? bytes : trackBytes(bytes, progress, 'summary'));
  const heaps = await heapsAt(bytes, s.peak.seq, progress);
  if (importMismatch !== null) heaps.mismatch = importMismatch;
  return { data: reportData(source, input, s, heaps), summary: s };
}
