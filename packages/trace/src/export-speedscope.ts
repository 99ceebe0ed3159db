import type { SiteMeasure } from './profile-frames.js';
import { siteFrames, siteWeight, summaryHasStacks } from './profile-frames.js';
import type { TraceSummary } from './trace-summary-types.js';

/** A frame of a speedscope file. */
export interface SpeedscopeFrame {
  /** Function name. */
  name: string;
  /** Source file (absent for synthetic frames). */
  file?: string;
  /** Line (absent for synthetic frames). */
  line?: number;
}

/** A sampled profile of a speedscope file. */
export interface SpeedscopeSampledProfile {
  /** Always `sampled`. */
  type: 'sampled';
  /** Profile name. */
  name: string;
  /** `bytes` or `none` (counts). */
  unit: 'bytes' | 'none';
  /** 0. */
  startValue: number;
  /** Sum of the weights. */
  endValue: number;
  /** Per sample, frame indices from the root to the innermost frame. */
  samples: number[][];
  /** Per sample, its weight. */
  weights: number[];
}

/** A speedscope file (https://www.speedscope.app/file-format-schema.json). */
export interface SpeedscopeFile {
  /** The schema URL. */
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  /** The frame table shared by the profiles. */
  shared: { frames: SpeedscopeFrame[] };
  /** One profile per weight. */
  profiles: SpeedscopeSampledProfile[];
  /** File name shown. */
  name: string;
  /** Profile shown first. */
  activeProfileIndex: number;
  /** Who wrote it. */
  exporter: string;
}

/** Options of {@link toSpeedscope}. */
export interface SpeedscopeOpts {
  /**
   * Which totals: everything allocated, what is live at the end, or temporaries.
   *
   * @defaultValue 'alloc'
   */
  measure?: SiteMeasure;
  /**
   * The file's name.
   *
   * @defaultValue 'pymem trace'
   */
  name?: string;
}

/**
 * A speedscope file of a summary: one shared frame table and two sampled
 * profiles, weighed by bytes and by block count, one sample per allocation
 * site (stack × class; frames from the root, synthetic frames for sites
 * without a stack). Open it at https://www.speedscope.app.
 *
 * @param summary - from {@link summarizeTrace}
 * @param opts - measure and name
 * @returns the file, ready for `JSON.stringify`
 */
export function toSpeedscope(summary: TraceSummary, opts: SpeedscopeOpts = {}): SpeedscopeFile {
  const measure = opts.measure ?? 'alloc';
  const name = opts.name ?? 'pymem trace';
  const hasStacks = summaryHasStacks(summary);
  const frames: SpeedscopeFrame[] = [];
  const frameIds = new Map<string, number>();
  const samples: number[][] = [];
  const bytes: number[] = [];
  const counts: number[] = [];
  for (const site of summary.sites) {
    const b = siteWeight(site, measure, 'bytes');
    const c = siteWeight(site, measure, 'count');
    if (b === 0 && c === 0) continue;
    const stack: number[] = [];
    for (const f of siteFrames(summary, site, hasStacks)) {
      const key = `${f.function}\u0000${f.file}\u0000${f.line}`;
      let id = frameIds.get(key);
      if (id === undefined) {
        frameIds.set(key, (id = frames.length));
        frames.push(f.file === '' ? { name: f.function } : { name: f.function, file: f.file, line: f.line });
      }
      stack.push(id);
    }
    samples.push(stack.reverse());
    bytes.push(b);
    counts.push(c);
  }
  const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
  const what = measure === 'alloc' ? 'allocated' : measure === 'inuse' ? 'live at end' : 'temporary';
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [
      { type: 'sampled', name: `${name}: ${what} bytes`, unit: 'bytes', startValue: 0, endValue: sum(bytes), samples, weights: bytes },
      { type: 'sampled', name: `${name}: ${what} blocks`, unit: 'none', startValue: 0, endValue: sum(counts), samples, weights: counts },
    ],
    name,
    activeProfileIndex: 0,
    exporter: '@pymem/trace',
  };
}
