import { renderArenaMapSvg } from './arena-map.js';
import type { ArenaMapModel } from './arena-map.js';
import { renderClassTableHtml } from './class-table.js';
import type { ClassTableModel } from './class-table.js';
import { renderArenaUsageHtml } from './arena-usage.js';
import type { ArenaUsageModel } from './arena-usage.js';
import { renderPoolListsHtml } from './lists.js';
import type { PoolListsRenderOptions, PoolListsState } from './lists.js';
import { renderObjectGraphSvg } from './object-graph.js';
import type { ObjectGraphModel } from './object-graph.js';
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

/**
 * Renders the `usedpools`/`freepools` lists into `el`. Click, Enter or Space
 * on a pool chooses it; the left and right arrow keys move along a list.
 * Calling it again re-renders and keeps the focus on the same pool.
 */
export function mountPoolLists(el: HTMLElement, state: PoolListsState, onSelect?: PoolSelectHandler, opts: PoolListsRenderOptions = {}): void {
  const active = el.ownerDocument.activeElement;
  const chip = active instanceof HTMLElement && el.contains(active) && active.matches('li.pv-list-pool') ? active : null;
  const list = chip?.closest('ol')?.getAttribute('aria-label');
  el.innerHTML = renderPoolListsHtml(state, opts);
  if (chip !== null) {
    const sel = `li.pv-list-pool[data-slot="${chip.dataset['slot'] ?? ''}"][data-pool="${chip.dataset['pool'] ?? ''}"]`;
    const same = list === undefined || list === null ? null : Array.from(el.querySelectorAll<HTMLOListElement>('ol.pv-list')).find((o) => o.getAttribute('aria-label') === list);
    (same?.querySelector<HTMLElement>(sel) ?? el.querySelector<HTMLElement>(sel))?.focus();
  }
  const host = el as HTMLElement & { pvListSelect?: PoolSelectHandler | undefined };
  const installed = 'pvListSelect' in host;
  host.pvListSelect = onSelect;
  if (installed) return;
  const chipOf = (t: EventTarget | null): HTMLElement | null => (t instanceof Element ? t.closest<HTMLElement>('li.pv-list-pool') : null);
  const choose = (c: HTMLElement): void => host.pvListSelect?.(Number(c.dataset['slot']), Number(c.dataset['pool']));
  el.addEventListener('click', (e) => {
    const c = chipOf(e.target);
    if (c !== null) choose(c);
  });
  el.addEventListener('keydown', (e) => {
    const c = chipOf(e.target);
    if (c === null) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      choose(c);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const to = e.key === 'ArrowRight' ? c.nextElementSibling : c.previousElementSibling;
      if (to instanceof HTMLElement) to.focus();
    }
  });
}

/** Renders the per-arena use table into `el`. */
export function mountArenaUsage(el: HTMLElement, model: ArenaUsageModel): void {
  el.innerHTML = renderArenaUsageHtml(model);
}

/**
 * Renders a reference graph into `el`. Nodes take the focus (Tab); the
 * arrow keys move between them in layout order, and a re-render keeps the
 * focus on the same node while it exists.
 */
export function mountObjectGraph(el: HTMLElement, model: ObjectGraphModel): void {
  const active = el.ownerDocument.activeElement;
  const id = active instanceof Element && el.contains(active) ? active.closest('g.pv-node')?.getAttribute('data-id') : undefined;
  el.innerHTML = renderObjectGraphSvg(model);
  if (id !== undefined && id !== null) {
    Array.from(el.querySelectorAll<SVGGElement>('g.pv-node'))
      .find((g) => g.dataset['id'] === id)
      ?.focus();
  }
  const host = el as HTMLElement & { pvGraph?: boolean };
  if (host.pvGraph === true) return;
  host.pvGraph = true;
  el.addEventListener('keydown', (e) => {
    const g = e.target instanceof Element ? e.target.closest<SVGGElement>('g.pv-node') : null;
    if (g === null || !['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].includes(e.key)) return;
    e.preventDefault();
    const nodes = Array.from(el.querySelectorAll<SVGGElement>('g.pv-node'));
    const i = nodes.indexOf(g);
    const next = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? Math.min(nodes.length - 1, i + 1) : Math.max(0, i - 1);
    nodes[next]?.focus();
  });
}
