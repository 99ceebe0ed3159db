import type { AllocationSite, ResolvedFrame, TraceSummary } from './trace-summary-types.js';

/**
 * The frames of an allocation site for the profile exports, innermost
 * first: the stack's frames, or one synthetic frame when it has none: per
 * size class (`<size class 32 B>`, `<large>`) when the whole trace has no
 * stacks, `<no stack>` when only this site lacks one.
 *
 * @internal
 */
export function siteFrames(s: TraceSummary, site: AllocationSite, hasStacks: boolean): ResolvedFrame[] {
  const frames = s.stacks[site.stack] ?? [];
  if (frames.length > 0) return frames;
  if (hasStacks) return [{ function: '<no stack>', file: '', line: 0 }];
  return [{ function: classLabel(s, site.cls), file: '', line: 0 }];
}

/**
 * Whether any site of the summary has a stack.
 *
 * @internal
 */
export function summaryHasStacks(s: TraceSummary): boolean {
  return s.sites.some((x) => (s.stacks[x.stack] ?? []).length > 0);
}

/**
 * `<size class 32 B>` for pymalloc class 1 at 16-byte alignment, `<large>` for the large bucket.
 *
 * @internal
 */
export function classLabel(s: TraceSummary, cls: number): string {
  return cls < s.classes ? `<size class ${(cls + 1) * s.header.alignment} B>` : '<large>';
}

/**
 * A frame's display name: `function (file:line)`, or the function alone without a file.
 *
 * @internal
 */
export function frameName(f: ResolvedFrame): string {
  return f.file === '' ? f.function : `${f.function} (${f.file}:${f.line})`;
}

/** Which totals of a site an export weighs by. */
export type SiteMeasure = 'alloc' | 'inuse' | 'temporary';

/**
 * The blocks or bytes of a site for a measure.
 *
 * @internal
 */
export function siteWeight(site: AllocationSite, measure: SiteMeasure, weight: 'bytes' | 'count'): number {
  if (measure === 'alloc') return weight === 'bytes' ? site.allocBytes : site.allocBlocks;
  if (measure === 'inuse') return weight === 'bytes' ? site.liveBytes : site.liveBlocks;
  return weight === 'bytes' ? site.tempBytes : site.tempBlocks;
}
