import type { SiteMeasure } from './profile-frames.js';
import { frameName, siteFrames, siteWeight, summaryHasStacks } from './profile-frames.js';
import type { TraceSummary } from './trace-summary-types.js';

/** Options of {@link toCollapsedStacks}. */
export interface CollapsedStacksOpts {
  /**
   * What to weigh by: bytes or blocks.
   *
   * @defaultValue 'bytes'
   */
  weight?: 'bytes' | 'count';
  /**
   * Which totals: everything allocated, what is live at the end, or temporaries.
   *
   * @defaultValue 'alloc'
   */
  measure?: SiteMeasure;
}

/**
 * Collapsed ("folded") stacks, one line per stack: frames from the root to
 * the innermost, joined by `;`, a space and the weight (`main (app.py:3);f (app.py:9) 4096`),
 * sorted, lines of equal stacks merged, zero weights left out. Opened by
 * flamegraph.pl, inferno, speedscope and the Perfetto UI. `;` and line
 * breaks in names become `:` and spaces.
 *
 * @param summary - from {@link summarizeTrace}
 * @param opts - weight and measure
 * @returns the text, each line ending with `\n`
 */
export function toCollapsedStacks(summary: TraceSummary, opts: CollapsedStacksOpts = {}): string {
  const weight = opts.weight ?? 'bytes';
  const measure = opts.measure ?? 'alloc';
  const hasStacks = summaryHasStacks(summary);
  const lines = new Map<string, number>();
  for (const site of summary.sites) {
    const w = siteWeight(site, measure, weight);
    if (w === 0) continue;
    const names = siteFrames(summary, site, hasStacks).map((f) => frameName(f).replace(/;/g, ':').replace(/[\r\n]/g, ' '));
    const key = names.reverse().join(';');
    lines.set(key, (lines.get(key) ?? 0) + w);
  }
  return [...lines.keys()]
    .sort()
    .map((k) => `${k} ${lines.get(k)!}\n`)
    .join('');
}
