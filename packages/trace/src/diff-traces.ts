import type { ResolvedFrame, TraceSummary } from './trace-summary-types.js';

/** A change of one number: `b − a`. */
export interface Delta {
  /** Value in the first summary. */
  a: number;
  /** Value in the second. */
  b: number;
  /** `b − a`. */
  delta: number;
}

/** The changes of one class bucket (only buckets with a change are listed). */
export interface ClassDiff {
  /** Class bucket (`classes` = large). */
  cls: number;
  /** Blocks live at the end. */
  liveBlocks: Delta;
  /** Bytes live at the end. */
  liveBytes: Delta;
  /** Bytes allocated over the trace. */
  allocBytes: Delta;
  /** Temporary blocks. */
  tempBlocks: Delta;
  /** Bytes at the peak. */
  peakBytes: Delta;
}

/** The changes of one stack, matched by its frames (ids differ between traces). */
export interface StackDiff {
  /** The stack as `function (file:line)` innermost first, joined by `;` (`""` = no stack). */
  key: string;
  /** Blocks live at the end. */
  liveBlocks: Delta;
  /** Bytes live at the end. */
  liveBytes: Delta;
  /** Bytes allocated. */
  allocBytes: Delta;
  /** Temporary blocks. */
  tempBlocks: Delta;
}

/** A diff of two trace summaries: `b` against `a`. */
export interface TraceDiff {
  /** Peak live bytes. */
  peak: Delta;
  /** Live bytes at the end. */
  endBytes: Delta;
  /** Highest arenas in use. */
  maxArenas: Delta;
  /** Arenas in use at the end. */
  endArenas: Delta;
  /** Highest pools in use. */
  maxPools: Delta;
  /** Temporary blocks. */
  temporaries: Delta;
  /** Class buckets that changed (`cls` ascending). */
  classes: ClassDiff[];
  /** Stacks that changed, largest live-bytes change first. */
  stacks: StackDiff[];
  /** `true` when nothing changed. */
  empty: boolean;
}

const d = (a: number, b: number): Delta => ({ a, b, delta: b - a });
const changed = (...xs: Delta[]): boolean => xs.some((x) => x.delta !== 0);

/**
 * A stack's key for matching across traces: its frames, innermost first.
 *
 * @param frames - resolved frames
 * @returns `fn (file:line);…`
 */
export function stackKey(frames: readonly ResolvedFrame[]): string {
  return frames.map((f) => `${f.function} (${f.file}:${f.line})`).join(';');
}

interface StackAgg {
  liveBlocks: number;
  liveBytes: number;
  allocBytes: number;
  tempBlocks: number;
}

function byStackKey(s: TraceSummary): Map<string, StackAgg> {
  const out = new Map<string, StackAgg>();
  for (const site of s.sites) {
    const key = stackKey(s.stacks[site.stack] ?? []);
    let g = out.get(key);
    if (g === undefined) out.set(key, (g = { liveBlocks: 0, liveBytes: 0, allocBytes: 0, tempBlocks: 0 }));
    g.liveBlocks += site.liveBlocks;
    g.liveBytes += site.liveBytes;
    g.allocBytes += site.allocBytes;
    g.tempBlocks += site.tempBlocks;
  }
  return out;
}

/**
 * Compares two summaries (from {@link summarizeTrace}): peaks, arenas,
 * pools, temporaries, per class bucket and per stack (stacks matched by
 * their frames). A trace diffed with itself gives `empty: true`.
 *
 * @param a - the baseline
 * @param b - the summary compared with it
 * @returns the changes, `b − a`
 */
export function diffTraces(a: TraceSummary, b: TraceSummary): TraceDiff {
  const buckets = Math.max(a.classes, b.classes) + 1;
  // Large is the last bucket of each; align it on the wider one.
  const at = (s: TraceSummary, xs: readonly number[], c: number): number => {
    if (c === buckets - 1) return xs[s.classes] ?? 0;
    return c < s.classes ? (xs[c] ?? 0) : 0;
  };
  const classes: ClassDiff[] = [];
  for (let c = 0; c < buckets; c++) {
    const x: ClassDiff = {
      cls: c,
      liveBlocks: d(at(a, a.liveAtEnd.blocks, c), at(b, b.liveAtEnd.blocks, c)),
      liveBytes: d(at(a, a.liveAtEnd.bytes, c), at(b, b.liveAtEnd.bytes, c)),
      allocBytes: d(at(a, a.allocated.bytes, c), at(b, b.allocated.bytes, c)),
      tempBlocks: d(at(a, a.temporaries.blocks, c), at(b, b.temporaries.blocks, c)),
      peakBytes: d(at(a, a.peak.bytes, c), at(b, b.peak.bytes, c)),
    };
    if (changed(x.liveBlocks, x.liveBytes, x.allocBytes, x.tempBlocks, x.peakBytes)) classes.push(x);
  }
  const sa = byStackKey(a);
  const sb = byStackKey(b);
  const zero: StackAgg = { liveBlocks: 0, liveBytes: 0, allocBytes: 0, tempBlocks: 0 };
  const stacks: StackDiff[] = [];
  for (const key of new Set([...sa.keys(), ...sb.keys()])) {
    const x = sa.get(key) ?? zero;
    const y = sb.get(key) ?? zero;
    const s: StackDiff = { key, liveBlocks: d(x.liveBlocks, y.liveBlocks), liveBytes: d(x.liveBytes, y.liveBytes), allocBytes: d(x.allocBytes, y.allocBytes), tempBlocks: d(x.tempBlocks, y.tempBlocks) };
    if (changed(s.liveBlocks, s.liveBytes, s.allocBytes, s.tempBlocks)) stacks.push(s);
  }
  stacks.sort((p, q) => Math.abs(q.liveBytes.delta) - Math.abs(p.liveBytes.delta) || Math.abs(q.allocBytes.delta) - Math.abs(p.allocBytes.delta) || (p.key < q.key ? -1 : 1));
  const out = {
    peak: d(a.peak.liveBytes, b.peak.liveBytes),
    endBytes: d(a.end.liveBytes, b.end.liveBytes),
    maxArenas: d(a.max.arenas, b.max.arenas),
    endArenas: d(a.end.arenas, b.end.arenas),
    maxPools: d(a.max.pools, b.max.pools),
    temporaries: d(a.temporaries.totalBlocks, b.temporaries.totalBlocks),
    classes,
    stacks,
  };
  return { ...out, empty: classes.length === 0 && stacks.length === 0 && !changed(out.peak, out.endBytes, out.maxArenas, out.endArenas, out.maxPools, out.temporaries) };
}
