import { renderArenaMapSvg } from './arena-map.js';
import type { ArenaMapModel } from './arena-map.js';
import { renderClassTableHtml } from './class-table.js';
import type { ClassTableModel } from './class-table.js';
import { renderPoolSvg } from './pool.js';
import type { PoolModel } from './pool.js';

/** Called with the arena slot and pool position of a chosen pool cell. */
export type PoolSelectHandler = (slot: number, pool: number) => void;

function poolCell(target: EventTarget | null): SVGGElement | null {
  return target instanceof Element ? target.closest<SVGGElement>('g.pv-pool') : null;
}

/**
 * Index of the cell above (or below) cell `i` in the same column, or `i`
 * when there is none: the next line of the same arena, or the next arena.
 */
export function verticalNeighbour(model: ArenaMapModel, i: number, down: boolean): number {
  const cur = model.cells[i];
  if (cur === undefined) return i;
  let best = i;
  let bestY = down ? Infinity : -Infinity;
  model.cells.forEach((c, j) => {
    if (c.x !== cur.x) return;
    if (down ? c.y > cur.y && c.y < bestY : c.y < cur.y && c.y > bestY) {
      best = j;
      bestY = c.y;
    }
  });
  return best;
}

/**
 * Renders the arena map into `el` and makes it operable: click, Enter or
 * Space chooses a pool; arrow keys move the focus between cells (up and down
 * stay in the column). Calling it
 * again re-renders (listeners are installed once per element) and keeps the
 * focus on the same pool.
 */
export function mountArenaMap(el: HTMLElement, model: ArenaMapModel, onSelect?: PoolSelectHandler): void {
  const focused = poolCell(el.ownerDocument.activeElement);
  const keep = focused !== null && el.contains(focused) ? `g.pv-pool[data-slot="${focused.dataset['slot'] ?? ''}"][data-pool="${focused.dataset['pool'] ?? ''}"]` : undefined;
  el.innerHTML = renderArenaMapSvg(model);
  if (keep !== undefined) el.querySelector<SVGGElement>(keep)?.focus();
  const host = el as HTMLElement & { pvSelect?: PoolSelectHandler | undefined; pvModel?: ArenaMapModel };
  const installed = 'pvSelect' in host;
  host.pvSelect = onSelect;
  host.pvModel = model;
  if (installed) return;
  const choose = (g: SVGGElement): void => {
    host.pvSelect?.(Number(g.dataset['slot']), Number(g.dataset['pool']));
  };
  el.addEventListener('click', (e) => {
    const g = poolCell(e.target);
    if (g !== null) choose(g);
  });
  el.addEventListener('keydown', (e) => {
    const g = poolCell(e.target);
    if (g === null) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      choose(g);
      return;
    }
    if (!['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].includes(e.key)) return;
    e.preventDefault();
    const cells = Array.from(el.querySelectorAll<SVGGElement>('g.pv-pool'));
    const i = cells.indexOf(g);
    const cur = host.pvModel?.cells[i];
    let next = i;
    if (e.key === 'ArrowRight') next = Math.min(cells.length - 1, i + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, i - 1);
    else if (cur !== undefined && host.pvModel !== undefined) next = verticalNeighbour(host.pvModel, i, e.key === 'ArrowDown');
    cells[next]?.focus();
  });
}

/** Renders a pool's blocks into `el`. */
export function mountPool(el: HTMLElement, model: PoolModel): void {
  el.innerHTML = renderPoolSvg(model);
}

/** Renders the per-class table into `el`. */
export function mountClassTable(el: HTMLElement, model: ClassTableModel): void {
  el.innerHTML = renderClassTableHtml(model);
}
