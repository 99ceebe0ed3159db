import { AllocationSiteTable } from './allocation-sites.js';
import { LiveBlockTable } from './live-block-table.js';
import { TraceFile } from './open-trace.js';
import type { TraceSource } from './read-trace.js';
import { readTrace } from './read-trace.js';
import type { TraceDictionary } from './trace-dictionary.js';
import type { TraceEventBatch } from './trace-event.js';
import { sizeClassCount } from './trace-header.js';
import {
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_GC_START,
  KIND_GC_STOP,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_POOL_EMPTY,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
} from './trace-record-kinds.js';
import type { ResolvedFrame, StackTotal, TraceInstant, TraceSample, TraceSummary } from './trace-summary-types.js';

/** Options of {@link summarizeTrace}. */
export interface SummarizeTraceOpts {
  /**
   * A block freed at most this many events after its allocation is a temporary.
   *
   * @defaultValue 1000
   */
  temporaryWindow?: number;
  /**
   * Also sample the series every this many events inside chunks.
   *
   * @defaultValue 4096
   */
  sampleEvery?: number;
  /**
   * The series is thinned by halves (and sampling made twice as sparse) whenever it reaches this length.
   *
   * @defaultValue 1024
   */
  maxSamples?: number;
  /**
   * Marks and gc instants kept.
   *
   * @defaultValue 10000
   */
  maxInstants?: number;
}

const stackTotals = (stack: Float64Array, blocks: Float64Array, bytes: Float64Array, n: number): StackTotal[] => {
  const by = new Map<number, StackTotal>();
  for (let r = 0; r < n; r++) {
    if (blocks[r] === 0) continue;
    const s = stack[r]!;
    let t = by.get(s);
    if (t === undefined) by.set(s, (t = { stack: s, blocks: 0, bytes: 0 }));
    t.blocks += blocks[r]!;
    t.bytes += bytes[r]!;
  }
  return [...by.values()].sort((a, b) => b.bytes - a.bytes || b.blocks - a.blocks || a.stack - b.stack);
};

/**
 * The frames of a stack, innermost first, resolved to names.
 *
 * @param dict - the trace's dictionary
 * @param stack - stack id
 * @returns frames (empty for stack 0 or an unknown id)
 */
export function resolveStack(dict: TraceDictionary, stack: number): ResolvedFrame[] {
  return dict.frames(stack).map((f) => ({
    function: dict.strings[dict.frameFunction[f]!] ?? '',
    file: dict.strings[dict.frameFile[f]!] ?? '',
    line: dict.frameLine[f]!,
  }));
}

/**
 * Reads a trace once, front to back, and summarizes its memory: peak live
 * bytes and when, arenas / pools / fragmentation over time, blocks and bytes
 * per size class at the end and at the peak, temporaries (blocks freed within
 * `temporaryWindow` events of their allocation) per class and per stack, what
 * is still live at the end, and totals per allocation site (for the exports).
 *
 * Memory grows with the live blocks (typed arrays), the allocation sites and
 * the bounded series, never with the events: batches are consumed in columns.
 *
 * @param source - the trace (stream, buffer, or an opened {@link TraceFile})
 * @param opts - temporaries window, sampling
 * @returns the summary
 * @throws {@link TraceFormatError} on bad input
 *
 * @example
 * ```ts
 * const s = await summarizeTrace(bytes);
 * console.log(s.peak.bytes, s.peak.seq, s.temporaries.blocks, s.liveAtEnd.byStack[0]);
 * ```
 */
export async function summarizeTrace(source: TraceSource | TraceFile, opts: SummarizeTraceOpts = {}): Promise<TraceSummary> {
  const window = opts.temporaryWindow ?? 1000;
  let sampleEvery = Math.max(1, Math.floor(opts.sampleEvery ?? 4096));
  const maxSamples = Math.max(2, Math.floor(opts.maxSamples ?? 1024));
  const maxInstants = opts.maxInstants ?? 10000;
  // Each batch is folded before the next is read, so one batch can be refilled.
  const reader = readTrace(source instanceof TraceFile ? source.bytes : source, { reuseBatches: true });
  // The header comes with the first chunk; the geometry is set up lazily.
  let classes = 0;
  let L = 0;
  let arenaSize = 0;
  let table = new LiveBlockTable();
  let sites = new AllocationSiteTable(1);
  let classBlocks = new Float64Array(0);
  let classBytes = new Float64Array(0);
  let classPools = new Float64Array(0);
  let peakBlocks = new Float64Array(0);
  let peakBytes = new Float64Array(0);
  let allocBlocks = new Float64Array(0);
  let allocBytes = new Float64Array(0);
  let tempBlocks = new Float64Array(0);
  let tempBytes = new Float64Array(0);
  // Per allocation domain (0 unknown, 1 MEM, 2 OBJ, 3 RAW): allocated, and live now.
  const domainAllocBlocks = new Float64Array(4);
  const domainAllocBytes = new Float64Array(4);
  const domainLiveBlocks = new Float64Array(4);
  const domainLiveBytes = new Float64Array(4);
  let live = 0;
  let arenas = 0;
  let pools = 0;
  let maxArenas = 0;
  let maxPools = 0;
  let peak = 0;
  let peakSeq = 0;
  let peakTime = 0;
  let seq = -1;
  let time = 0;
  let chunkNo = 0;
  let chunkStride = 1;
  const samples: TraceSample[] = [];
  const instants: TraceInstant[] = [];
  let instantsDropped = 0;

  const sample = (): void => {
    if (samples.at(-1)?.seq === seq) return;
    let small = 0;
    for (let c = 0; c < classes; c++) small += classBytes[c]!;
    const arenaBytes = arenas * arenaSize;
    samples.push({ seq, time, liveBytes: live, smallBytes: small, arenas, arenaBytes, pools, fragmentation: arenaBytes > 0 ? small / arenaBytes : 0, classBytes: Array.from(classBytes), classPools: Array.from(classPools) });
    if (samples.length >= maxSamples) {
      let k = 0;
      for (let i = 0; i < samples.length; i += 2) samples[k++] = samples[i]!;
      samples.length = k;
      sampleEvery *= 2;
      chunkStride *= 2;
    }
  };
  const release = (id: number, size: number, bucket: number, isFree: boolean, dom: number): void => {
    const slot = table.find(id);
    let c = bucket;
    let d = dom;
    if (slot >= 0) {
      c = table.cls[slot]!;
      d = table.domain[slot]!;
      const r = sites.row(table.stack[slot]!, c);
      sites.liveBlocks[r] = sites.liveBlocks[r]! - 1;
      sites.liveBytes[r] = sites.liveBytes[r]! - size;
      if (isFree && seq - table.seq[slot]! <= window) {
        sites.tempBlocks[r] = sites.tempBlocks[r]! + 1;
        sites.tempBytes[r] = sites.tempBytes[r]! + size;
        tempBlocks[c] = tempBlocks[c]! + 1;
        tempBytes[c] = tempBytes[c]! + size;
      }
      table.removeSlot(slot);
    }
    classBlocks[c] = classBlocks[c]! - 1;
    classBytes[c] = classBytes[c]! - size;
    domainLiveBlocks[d] = domainLiveBlocks[d]! - 1;
    domainLiveBytes[d] = domainLiveBytes[d]! - size;
    live -= size;
  };
  const alloc = (id: number, size: number, c: number, stack: number, d: number): void => {
    table.set(id, size, c, stack, seq, time, d);
    domainAllocBlocks[d] = domainAllocBlocks[d]! + 1;
    domainAllocBytes[d] = domainAllocBytes[d]! + size;
    domainLiveBlocks[d] = domainLiveBlocks[d]! + 1;
    domainLiveBytes[d] = domainLiveBytes[d]! + size;
    const r = sites.row(stack, c);
    sites.allocBlocks[r] = sites.allocBlocks[r]! + 1;
    sites.allocBytes[r] = sites.allocBytes[r]! + size;
    sites.liveBlocks[r] = sites.liveBlocks[r]! + 1;
    sites.liveBytes[r] = sites.liveBytes[r]! + size;
    allocBlocks[c] = allocBlocks[c]! + 1;
    allocBytes[c] = allocBytes[c]! + size;
    classBlocks[c] = classBlocks[c]! + 1;
    classBytes[c] = classBytes[c]! + size;
    live += size;
  };
  const instant = (type: TraceInstant['type'], name: string, args: Record<string, number>): void => {
    if (instants.length < maxInstants) instants.push({ type, seq, time, name, args });
    else instantsDropped++;
  };

  const fold = (b: TraceEventBatch): void => {
    const { kind, id, oldId, size, oldSize, cls, stack, domain, count, value, extra, label } = b;
    for (let i = 0; i < b.length; i++) {
      seq = b.firstSeq + i;
      time = b.time[i]!;
      const k = kind[i]!;
      switch (k) {
        case KIND_MALLOC:
        case KIND_CALLOC:
          alloc(id[i]!, size[i]!, cls[i]!, stack[i]!, domain[i]!);
          break;
        case KIND_MALLOC_LARGE:
        case KIND_CALLOC_LARGE:
          alloc(id[i]!, size[i]!, L, stack[i]!, domain[i]!);
          break;
        case KIND_REALLOC:
        case KIND_REALLOC_CLASS:
        case KIND_REALLOC_LARGE:
          release(oldId[i]!, oldSize[i]!, L, false, domain[i]!);
          alloc(id[i]!, size[i]!, k === KIND_REALLOC_LARGE ? L : cls[i]!, stack[i]!, domain[i]!);
          break;
        case KIND_FREE:
          release(id[i]!, size[i]!, cls[i]!, true, domain[i]!);
          break;
        case KIND_FREE_LARGE:
          release(id[i]!, size[i]!, L, true, domain[i]!);
          break;
        case KIND_ARENA_ALLOC:
          if (++arenas > maxArenas) maxArenas = arenas;
          break;
        case KIND_ARENA_FREE:
          arenas--;
          break;
        case KIND_POOL_INIT:
        case KIND_POOL_REUSE:
          classPools[cls[i]!] = classPools[cls[i]!]! + 1;
          if (++pools > maxPools) maxPools = pools;
          break;
        case KIND_POOL_EMPTY:
          classPools[cls[i]!] = classPools[cls[i]!]! - 1;
          pools--;
          break;
        case KIND_MARK:
          instant('mark', (label[i] === 0 ? undefined : reader.dictionary.strings[label[i]!]) ?? `mark ${value[i]!}`, { id: value[i]! });
          break;
        case KIND_GC_START:
          instant('gc_start', `gc gen ${count[i]!}`, { generation: count[i]! });
          break;
        case KIND_GC_STOP:
          instant('gc_stop', `gc gen ${count[i]!}`, { generation: count[i]!, collected: value[i]!, uncollectable: extra[i]! });
          break;
        default:
          break;
      }
      if (live > peak) {
        peak = live;
        peakSeq = seq;
        peakTime = time;
        peakBlocks.set(classBlocks);
        peakBytes.set(classBytes);
      }
      if ((seq + 1) % sampleEvery === 0) sample();
    }
    if (b.length > 0 && chunkNo++ % chunkStride === 0) sample();
  };

  for await (const b of reader) {
    if (L === 0) {
      const h = reader.header!;
      classes = sizeClassCount(h);
      L = classes;
      arenaSize = h.arenaSize;
      const n = classes + 1;
      table = new LiveBlockTable();
      sites = new AllocationSiteTable(n);
      classBlocks = new Float64Array(n);
      classBytes = new Float64Array(n);
      classPools = new Float64Array(classes);
      peakBlocks = new Float64Array(n);
      peakBytes = new Float64Array(n);
      allocBlocks = new Float64Array(n);
      allocBytes = new Float64Array(n);
      tempBlocks = new Float64Array(n);
      tempBytes = new Float64Array(n);
    }
    fold(b);
  }
  const header = reader.header!;
  if (L === 0) {
    classes = sizeClassCount(header);
    classBlocks = new Float64Array(classes + 1);
    classBytes = new Float64Array(classes + 1);
    classPools = new Float64Array(classes);
    peakBlocks = classBlocks;
    peakBytes = classBytes;
    allocBlocks = allocBytes = tempBlocks = tempBytes = classBlocks;
    arenaSize = header.arenaSize;
  }
  if (seq >= 0) sample();

  const n = sites.length;
  const siteList = [];
  const stacks: Record<number, ResolvedFrame[]> = {};
  let temp = 0;
  let tempB = 0;
  for (let r = 0; r < n; r++) {
    const s = sites.stack[r]!;
    stacks[s] ??= resolveStack(reader.dictionary, s);
    temp += sites.tempBlocks[r]!;
    tempB += sites.tempBytes[r]!;
    siteList.push({
      stack: s,
      cls: sites.cls[r]!,
      allocBlocks: sites.allocBlocks[r]!,
      allocBytes: sites.allocBytes[r]!,
      liveBlocks: sites.liveBlocks[r]!,
      liveBytes: sites.liveBytes[r]!,
      tempBlocks: sites.tempBlocks[r]!,
      tempBytes: sites.tempBytes[r]!,
    });
  }
  return {
    header,
    events: reader.eventCount,
    complete: reader.complete,
    classes,
    peak: { liveBytes: peak, seq: peakSeq, time: peakTime, ...classPair(peakBlocks, peakBytes) },
    end: { liveBytes: live, liveBlocks: table.count, arenas, pools, seq: Math.max(seq, 0), time, ...classPair(classBlocks, classBytes) },
    max: { arenas: maxArenas, pools: maxPools },
    allocated: classPair(allocBlocks, allocBytes),
    temporaries: { window, totalBlocks: temp, totalBytes: tempB, byStack: stackTotals(sites.stack, sites.tempBlocks, sites.tempBytes, n), ...classPair(tempBlocks, tempBytes) },
    liveAtEnd: { byStack: stackTotals(sites.stack, sites.liveBlocks, sites.liveBytes, n), ...classPair(classBlocks, classBytes) },
    domains: { allocated: classPair(domainAllocBlocks, domainAllocBytes), liveAtEnd: classPair(domainLiveBlocks, domainLiveBytes) },
    sites: siteList,
    samples,
    instants,
    instantsDropped,
    stacks,
  };
}

function classPair(blocks: Float64Array, bytes: Float64Array): { blocks: number[]; bytes: number[] } {
  return { blocks: Array.from(blocks), bytes: Array.from(bytes) };
}
