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
 * Renders the arena map into `el` and makes it operable: click, Enter or
 * Space chooses a pool; arrow keys move the focus between cells. Calling it
 * again re-renders (listeners are installed once per element) and keeps the
 * focus on the same pool.
 */
export function mountArenaMap(el: HTMLElement, model: ArenaMapModel, onSelect?: PoolSelectHandler): void {
  const focused = poolCell(el.ownerDocument.activeElement);
  const keep = focused !== null && el.contains(focused) ? `g.pv-pool[data-slot="${focused.dataset['slot'] ?? ''}"][data-pool="${focused.dataset['pool'] ?? ''}"]` : undefined;
  el.innerHTML = renderArenaMapSvg(model);
  if (keep !== undefined) el.querySelector<SVGGElement>(keep)?.focus();
  const host = el as HTMLElement & { pvSelect?: PoolSelectHandler | undefined };
  const installed = 'pvSelect' in host;
  host.pvSelect = onSelect;
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
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const cells = Array.from(el.querySelectorAll<SVGGElement>('g.pv-pool'));
    const next = cells[Math.min(cells.length - 1, Math.max(0, cells.indexOf(g) + step))];
    next?.focus();
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
