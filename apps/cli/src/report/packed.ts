import type { HeapState } from '@pymem/viz';

/** Pool status codes of {@link PackedHeap} (index into this list). */
export const POOL_STATUSES = ['used', 'full', 'empty', 'untouched'] as const;

/**
 * A {@link HeapState} packed for embedding: per arena its slot, base, first
 * pool address and three numbers per pool (status code, class, blocks in
 * use); the browser side unpacks it with {@link unpackHeap}.
 */
export interface PackedHeap {
  geometry: HeapState['geometry'];
  liveBytes: number;
  arenaBytes: number;
  /** `[idx, size, pools, blocksInUse, availBlocks]` per class. */
  classes: number[][];
  arenas: { slot: number; address: number; first: number; pools: number[] }[];
}

/** Everything a report shows, as plain JSON. */
export interface ReportData {
  /** The input file name as given. */
  source: string;
  /** `raw` (a PYMTRC01 capture, imported on the fly) or `trace` (a `.pymem` file). */
  input: 'raw' | 'trace';
  facts: {
    python: string;
    geometry: { name: string; alignment: number; threshold: number; poolSize: number; arenaSize: number };
    events: number;
    marks: number;
    clockUnit: string;
    /** Last event time minus the first, in `clockUnit`. */
    duration: number;
    complete: boolean;
    stacks: boolean;
    /**
     * Where the model's replay differs from the input, or null when it
     * reproduces it exactly: a raw capture's results the import put
     * elsewhere, or the first difference replaying the trace.
     */
    mismatch: string | null;
  };
  peak: { liveBytes: number; seq: number };
  end: { liveBytes: number; liveBlocks: number; arenas: number; pools: number; seq: number };
  max: { arenas: number; pools: number };
  /** Time series, columnar: x is the event sequence number. */
  series: { seq: number[]; time: number[]; liveBytes: number[]; arenaBytes: number[]; arenas: number[]; pools: number[]; classPools: number[][] };
  /** The summary's per-class table (classes with any allocation). */
  classes: { label: string; allocatedBytes: number; peakBytes: number; endBytes: number; tempBlocks: number }[];
  /** Top allocation stacks by bytes allocated over the run, with what is still live from each at the end (empty without stacks). */
  stacks: { allocBytes: number; allocBlocks: number; liveBytes: number; liveBlocks: number; frames: string[] }[];
  /** Marks and gc passes (the first 200). */
  instants: { seq: number; type: string; name: string }[];
  heapAtPeak: PackedHeap;
  heapAtEnd: PackedHeap;
}

/** Packs a heap state (see {@link PackedHeap}). */
export function packHeap(s: HeapState): PackedHeap {
  return {
    geometry: s.geometry,
    liveBytes: s.liveBytes,
    arenaBytes: s.arenaBytes,
    classes: s.classes.map((c) => [c.idx, c.size, c.pools, c.blocksInUse, c.availBlocks]),
    arenas: s.arenas.map((a) => {
      const pools: number[] = [];
      for (const p of a.pools) pools.push(POOL_STATUSES.indexOf(p.status), p.szidx, p.count);
      return { slot: a.slot, address: a.address, first: a.pools[0]?.address ?? a.address, pools };
    }),
  };
}

/** The heap state a {@link PackedHeap} was packed from. */
export function unpackHeap(p: PackedHeap): HeapState {
  const g = p.geometry;
  const capacity = (szidx: number): number => (szidx < 0 ? 0 : Math.floor((g.poolSize - g.poolOverhead) / ((szidx + 1) * g.alignment)));
  return {
    geometry: g,
    liveBytes: p.liveBytes,
    arenaBytes: p.arenaBytes,
    classes: p.classes.map(([idx, size, pools, blocksInUse, availBlocks]) => ({ idx: idx!, size: size!, pools: pools!, blocksInUse: blocksInUse!, availBlocks: availBlocks! })),
    arenas: p.arenas.map((a) => {
      const pools = [];
      for (let i = 0; i * 3 < a.pools.length; i++) {
        const status = POOL_STATUSES[a.pools[3 * i]!]!;
        const szidx = a.pools[3 * i + 1]!;
        pools.push({ index: i, address: a.first + i * g.poolSize, status, szidx, count: a.pools[3 * i + 2]!, capacity: status === 'untouched' ? 0 : capacity(szidx) });
      }
      return { slot: a.slot, address: a.address, pools };
    }),
  };
}
