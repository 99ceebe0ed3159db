import { classHue, esc } from './color.js';
import type { HeapState } from './state.js';

/** One row of the per-class table. */
export interface ClassTableRow {
  readonly idx: number;
  readonly size: number;
  readonly pools: number;
  readonly blocksInUse: number;
  readonly availBlocks: number;
  /** Bytes in allocated blocks of the class. */
  readonly bytesInUse: number;
  /** Blocks in use / (in use + available), 0..1. */
  readonly fill: number;
  /** Swatch colour, the class hue of the arena map. */
  readonly color: string;
}

/** The per-class table: classes with pools (or every class with `all`). */
export interface ClassTableModel {
  readonly rows: readonly ClassTableRow[];
  readonly totals: { readonly pools: number; readonly blocksInUse: number; readonly availBlocks: number; readonly bytesInUse: number };
}

/** Rows of the classes that have pools, like `sys._debugmallocstats()`. */
export function classTableModel(state: HeapState, opts: { readonly all?: boolean } = {}): ClassTableModel {
  const rows: ClassTableRow[] = [];
  const totals = { pools: 0, blocksInUse: 0, availBlocks: 0, bytesInUse: 0 };
  for (const c of state.classes) {
    if (c.pools === 0 && opts.all !== true) continue;
    const total = c.blocksInUse + c.availBlocks;
    const bytesInUse = c.blocksInUse * c.size;
    rows.push({ ...c, bytesInUse, fill: total === 0 ? 0 : c.blocksInUse / total, color: `hsl(${classHue(c.idx)} 70% 62%)` });
    totals.pools += c.pools;
    totals.blocksInUse += c.blocksInUse;
    totals.availBlocks += c.availBlocks;
    totals.bytesInUse += bytesInUse;
  }
  return { rows, totals };
}

/** The table as an HTML string (`<table class="pv-class-table">`). */
export function renderClassTableHtml(model: ClassTableModel): string {
  let out = '<table class="pv-class-table"><thead><tr><th scope="col">class</th><th scope="col">size</th><th scope="col">pools</th><th scope="col">blocks in use</th><th scope="col">avail blocks</th><th scope="col">fill</th></tr></thead><tbody>';
  for (const r of model.rows) {
    out += `<tr data-class="${r.idx}"><td><span class="pv-swatch" style="background:${esc(r.color)}" aria-hidden="true"></span>${r.idx}</td><td>${r.size}</td><td>${r.pools}</td><td>${r.blocksInUse}</td><td>${r.availBlocks}</td><td>${Math.round(r.fill * 100)} %</td></tr>`;
  }
  const t = model.totals;
  out += `</tbody><tfoot><tr><th scope="row" colspan="2">total</th><td>${t.pools}</td><td>${t.blocksInUse}</td><td>${t.availBlocks}</td><td></td></tr></tfoot></table>`;
  return out;
}
