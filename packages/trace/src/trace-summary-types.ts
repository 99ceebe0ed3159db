import type { TraceHeader } from './trace-header.js';

/**
 * Blocks and bytes per size class: index `c` < `classes` is pymalloc class
 * `c` (blocks of `(c + 1) × alignment` bytes), index `classes` (the last)
 * is every large block (routed past pymalloc).
 */
export interface ClassOccupancy {
  /** Blocks per class bucket. */
  blocks: number[];
  /** Requested bytes per class bucket. */
  bytes: number[];
}

/** Blocks and bytes of one stack. */
export interface StackTotal {
  /** Stack id in the trace's dictionary (0 = no stack). */
  stack: number;
  /** Blocks. */
  blocks: number;
  /** Requested bytes. */
  bytes: number;
}

/** One allocation site: a stack and a class bucket, with its totals over the trace. */
export interface AllocationSite {
  /** Stack id (0 = no stack). */
  stack: number;
  /** Class bucket (`classes` = large). */
  cls: number;
  /** Blocks allocated here (malloc, calloc and realloc results). */
  allocBlocks: number;
  /** Bytes allocated here. */
  allocBytes: number;
  /** Blocks from here still live at the end. */
  liveBlocks: number;
  /** Their bytes. */
  liveBytes: number;
  /** Temporary blocks from here (freed within the window). */
  tempBlocks: number;
  /** Their bytes. */
  tempBytes: number;
}

/** A point of the time series: the state right after event `seq`. */
export interface TraceSample {
  /** Sequence number of the last event applied. */
  seq: number;
  /** Its time (header clock unit). */
  time: number;
  /** Live bytes, pymalloc and large. */
  liveBytes: number;
  /** Live bytes in pymalloc blocks. */
  smallBytes: number;
  /** Arenas in use. */
  arenas: number;
  /** `arenas × arenaSize`. */
  arenaBytes: number;
  /** Pools in use (initialised or reused and not empty since). */
  pools: number;
  /** Fragmentation ratio `smallBytes / arenaBytes` (1 = arenas full of live data, lower = more fragmented; 0 without arenas). */
  fragmentation: number;
  /** Live bytes per class bucket (see {@link ClassOccupancy}). */
  classBytes: number[];
  /** Pools in use per pymalloc class. */
  classPools: number[];
}

/** A mark or gc event, for timelines. */
export interface TraceInstant {
  /** `mark`, `gc_start` or `gc_stop`. */
  type: 'mark' | 'gc_start' | 'gc_stop';
  /** Sequence number. */
  seq: number;
  /** Time. */
  time: number;
  /** Mark label, or `gc gen N`. */
  name: string;
  /** Mark id; gc generation, collected, uncollectable. */
  args: Record<string, number>;
}

/** A frame of the trace's dictionary, resolved. */
export interface ResolvedFrame {
  /** Function name. */
  function: string;
  /** File name. */
  file: string;
  /** Line. */
  line: number;
}

/** What {@link summarizeTrace} finds, in one pass and bounded memory. */
export interface TraceSummary {
  /** The trace header. */
  header: TraceHeader;
  /** Events read. */
  events: number;
  /** Whether the trace had its index and trailer. */
  complete: boolean;
  /** pymalloc classes (`smallRequestThreshold / alignment`); class buckets are `classes + 1` long. */
  classes: number;
  /** Peak live bytes, the first event that reached it, and the classes at that moment. */
  peak: { liveBytes: number; seq: number; time: number } & ClassOccupancy;
  /** State after the last event. */
  end: { liveBytes: number; liveBlocks: number; arenas: number; pools: number; seq: number; time: number } & ClassOccupancy;
  /** Highest arenas and pools in use. */
  max: { arenas: number; pools: number };
  /** Totals allocated over the trace per class bucket. */
  allocated: ClassOccupancy;
  /** Blocks freed within `window` events of their allocation (free seq − alloc seq ≤ window). */
  temporaries: { window: number; totalBlocks: number; totalBytes: number; byStack: StackTotal[] } & ClassOccupancy;
  /** Blocks still live after the last event, per class and per stack (largest first). */
  liveAtEnd: { byStack: StackTotal[] } & ClassOccupancy;
  /**
   * Blocks and bytes per allocation domain, indexed 0 unknown, 1 MEM, 2 OBJ, 3 RAW (`DOMAIN_*`):
   * allocated over the trace, and live after its last event. Traces without the domains feature
   * have everything under 0. A free counts against the domain its block was allocated in.
   */
  domains: { allocated: ClassOccupancy; liveAtEnd: ClassOccupancy };
  /** Every allocation site (stack × class), in first-allocation order. */
  sites: AllocationSite[];
  /** Time series sampled at chunk boundaries and every `sampleEvery` events (thinned by halves to stay under `maxSamples`), ending with the end state. */
  samples: TraceSample[];
  /** Marks and gc passes (the first `maxInstants`). */
  instants: TraceInstant[];
  /** Instants not kept past `maxInstants`. */
  instantsDropped: number;
  /** Frames of the stacks used by `sites`, innermost first, per stack id. */
  stacks: Record<number, ResolvedFrame[]>;
}
