import { arenaMapModel, classTableModel, mountArenaMap, mountClassTable, mountPool, poolModel } from '@pymem/viz';
import type { HeapState, PoolDetail } from '@pymem/viz';

/** A pool of the arena map, by descriptor slot and position. */
export interface PoolRef {
  readonly slot: number;
  readonly pool: number;
}

/** Where the three heap views go. */
export interface HeapViewElements {
  readonly map: HTMLElement;
  readonly pool: HTMLElement;
  readonly table: HTMLElement;
}

/**
 * Draws a heap state: the arena map (pools chosen by click or keyboard call
 * `onChoose`), the chosen pool's blocks (or `hint` when there is none) and the
 * per-class table. Keeps the keyboard focus on the same pool when the map
 * is redrawn under it.
 */
export function drawHeap(els: HeapViewElements, state: HeapState, chosen: PoolRef | undefined, detail: PoolDetail | undefined, onChoose: (p: PoolRef) => void, hint: string): void {
  const focused = document.activeElement instanceof Element && els.map.contains(document.activeElement) ? document.activeElement : undefined;
  const focusedAt = focused === undefined ? undefined : [focused.getAttribute('data-slot'), focused.getAttribute('data-pool')];
  mountArenaMap(els.map, arenaMapModel(state), (slot, pool) => onChoose({ slot, pool }));
  if (chosen !== undefined) els.map.querySelector(`g.pv-pool[data-slot="${chosen.slot}"][data-pool="${chosen.pool}"]`)?.classList.add('pv-selected');
  if (focusedAt !== undefined) {
    const again = els.map.querySelector<SVGGElement>(`g.pv-pool[data-slot="${focusedAt[0] ?? ''}"][data-pool="${focusedAt[1] ?? ''}"]`);
    again?.focus();
  }
  if (detail === undefined) els.pool.textContent = hint;
  else mountPool(els.pool, poolModel(detail));
  mountClassTable(els.table, classTableModel(state));
}

/** The arena slot and pool position of the pool holding `address` in `state`, if any. */
export function poolAt(state: HeapState, address: number): PoolRef | undefined {
  const base = address - (address % state.geometry.poolSize);
  for (const arena of state.arenas) {
    const p = arena.pools.find((x) => x.address === base && x.status !== 'untouched');
    if (p !== undefined) return { slot: arena.slot, pool: p.index };
  }
  return undefined;
}
