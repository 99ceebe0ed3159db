import { esc, hexAddr, poolFill } from './color.js';
import type { HeapState, PoolStatus } from './state.js';

/** One drawn pool cell. */
export interface ArenaMapCell {
  /** Arena descriptor slot and pool position: the cell's identity. */
  readonly slot: number;
  readonly pool: number;
  readonly x: number;
  readonly y: number;
  readonly status: PoolStatus;
  readonly szidx: number;
  readonly fill: string;
  /** Text drawn in the cell: the class index, empty when untouched. */
  readonly text: string;
  /** What a screen reader says, e.g. `arena 0 pool 3: used, class 1 (32-byte blocks), 2 of 509 blocks in use`. */
  readonly label: string;
}

/** One arena row. */
export interface ArenaMapRow {
  readonly slot: number;
  readonly y: number;
  /** e.g. `arena 0 · 0x4000 · 3 of 63 pools in use`. */
  readonly label: string;
}

/** The arena map: one row per live arena, one cell per pool. */
export interface ArenaMapModel {
  readonly width: number;
  readonly height: number;
  readonly cell: number;
  readonly rows: readonly ArenaMapRow[];
  readonly cells: readonly ArenaMapCell[];
  /** Pools per state over all arenas. */
  readonly counts: Readonly<Record<PoolStatus, number>>;
  /** One-line summary (the SVG title). */
  readonly summary: string;
}

/** Layout options of {@link arenaMapModel}. */
export interface ArenaMapOptions {
  /** Cell side in px (default 16). */
  readonly cell?: number;
  /** Gap between cells in px (default 2). */
  readonly gap?: number;
  /** Cells per line before wrapping (default 32). */
  readonly columns?: number;
}

const LABEL_H = 16;

/** Lays out the arena map of a heap state. */
export function arenaMapModel(state: HeapState, opts: ArenaMapOptions = {}): ArenaMapModel {
  const cell = opts.cell ?? 16;
  const gap = opts.gap ?? 2;
  const columns = opts.columns ?? 32;
  const pitch = cell + gap;
  const rows: ArenaMapRow[] = [];
  const cells: ArenaMapCell[] = [];
  const counts: Record<PoolStatus, number> = { used: 0, full: 0, empty: 0, untouched: 0 };
  let y = 0;
  let maxCols = 0;
  for (const arena of state.arenas) {
    const inUse = arena.pools.filter((p) => p.status === 'used' || p.status === 'full').length;
    rows.push({ slot: arena.slot, y, label: `arena ${arena.slot} · ${hexAddr(arena.address)} · ${inUse} of ${arena.pools.length} pools in use` });
    const top = y + LABEL_H;
    for (const p of arena.pools) {
      counts[p.status]++;
      const col = p.index % columns;
      const line = Math.floor(p.index / columns);
      maxCols = Math.max(maxCols, col + 1);
      const size = p.szidx < 0 ? 0 : (p.szidx + 1) * state.geometry.alignment;
      const what =
        p.status === 'untouched'
          ? 'never used'
          : p.status === 'empty'
            ? `empty, last class ${p.szidx} (${size}-byte blocks)`
            : `${p.status}, class ${p.szidx} (${size}-byte blocks), ${p.count} of ${p.capacity} blocks in use`;
      cells.push({
        slot: arena.slot,
        pool: p.index,
        x: col * pitch,
        y: top + line * pitch,
        status: p.status,
        szidx: p.szidx,
        fill: poolFill(p.status, p.szidx),
        text: p.status === 'untouched' || p.szidx < 0 ? '' : String(p.szidx),
        label: `arena ${arena.slot} pool ${p.index} at ${hexAddr(p.address)}: ${what}`,
      });
    }
    const lines = Math.max(1, Math.ceil(arena.pools.length / columns));
    y = top + lines * pitch + gap * 3;
  }
  const summary = `${state.arenas.length} arena${state.arenas.length === 1 ? '' : 's'}: ${counts.full} full, ${counts.used} used, ${counts.empty} empty, ${counts.untouched} never used pools`;
  return { width: Math.max(maxCols * pitch - gap, 200), height: Math.max(y, LABEL_H), cell, rows, cells, counts, summary };
}

/**
 * The arena map as an SVG string. Each pool is a `<g>` with `tabindex`,
 * `role="button"`, an `aria-label` and `data-slot`/`data-pool`/`data-status`,
 * so a page can make it keyboard operable ({@link mountArenaMap} does).
 */
export function renderArenaMapSvg(model: ArenaMapModel): string {
  const c = model.cell;
  let out = `<svg xmlns="http://www.w3.org/2000/svg" class="pv-arena-map" width="${model.width}" height="${model.height}" viewBox="0 0 ${model.width} ${model.height}" role="group" aria-label="${esc(model.summary)}">`;
  out += `<title>${esc(model.summary)}</title>`;
  for (const r of model.rows) out += `<text class="pv-arena-label" x="0" y="${r.y + 12}" font-size="12" font-family="system-ui, sans-serif">${esc(r.label)}</text>`;
  for (const cell of model.cells) {
    out += `<g class="pv-pool pv-${cell.status}" tabindex="0" role="button" aria-label="${esc(cell.label)}" data-slot="${cell.slot}" data-pool="${cell.pool}" data-status="${cell.status}">`;
    out += `<rect x="${cell.x}" y="${cell.y}" width="${c}" height="${c}" rx="2" fill="${cell.fill}"${cell.status === 'empty' ? ' stroke="#90a4ae" stroke-dasharray="2 1"' : ''}/>`;
    if (cell.text !== '') {
      const light = cell.status === 'full';
      out += `<text x="${cell.x + c / 2}" y="${cell.y + c / 2 + 3}" text-anchor="middle" font-size="${Math.max(7, Math.round(c * 0.5))}" font-family="system-ui, sans-serif" fill="${light ? '#fff' : '#1b1b1b'}" aria-hidden="true">${esc(cell.text)}</text>`;
    }
    out += '</g>';
  }
  return `${out}</svg>`;
}
