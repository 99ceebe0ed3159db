import type { ListedPool as ArenaListedPool, PoolLists } from '@pymem/arena';
import { classHue, esc, hexAddr, poolFill } from './color.js';
import type { PymallocLike } from './from-heap.js';
import type { PoolStatus, VizGeometry } from './state.js';

/**
 * What {@link poolListsFromPymalloc} reads from a `Pymalloc` heap on top of
 * {@link PymallocLike}: its `lists()` (the `usedpools` lists, `usable_arenas`
 * and each arena's `freepools`, walked by `@pymem/arena`).
 */
export interface PymallocListsLike extends PymallocLike {
  lists(): PoolLists;
}

/** One pool on a list. */
export interface ListedPool {
  /** Arena descriptor slot and position of the pool in it. */
  readonly slot: number;
  readonly index: number;
  readonly address: number;
  readonly status: PoolStatus;
  /** Class served (or last served, for an empty pool). */
  readonly szidx: number;
  readonly count: number;
  readonly capacity: number;
}

/** The used list of one size class, head first. */
export interface UsedList {
  readonly idx: number;
  /** Block size in bytes. */
  readonly size: number;
  readonly pools: readonly ListedPool[];
}

/** One live arena with its `freepools` LIFO. */
export interface ArenaLists {
  readonly slot: number;
  readonly address: number;
  /** Position in `usable_arenas` (0 = the arena new pools come from), -1 when the arena has no free pool and is on no list. */
  readonly usableRank: number;
  /** Pools it holds. */
  readonly totalPools: number;
  /** Empty pools plus never carved ones (`nfreepools`). */
  readonly freePools: number;
  /** Pools never carved (taken in address order after the LIFO is used up). */
  readonly untouchedPools: number;
  /** The empty pools, head first: the next new pool of any class is `freepools[0]`. */
  readonly freepools: readonly ListedPool[];
}

/** The allocator's lists at one moment. */
export interface PoolListsState {
  readonly geometry: VizGeometry;
  /** Every class, also those whose list is empty. */
  readonly usedpools: readonly UsedList[];
  /** Live arenas: `usable_arenas` in order (fewest free pools first), then the arenas on no list. */
  readonly arenas: readonly ArenaLists[];
}

function listed(p: ArenaListedPool): ListedPool {
  const status: PoolStatus = p.count === 0 ? 'empty' : p.count === p.capacity ? 'full' : 'used';
  return { slot: p.slot, index: p.index, address: p.address, status, szidx: p.szidx, count: p.count, capacity: p.capacity };
}

/**
 * The `usedpools` list of every class (partially used pools, the one that
 * serves the next request first), each arena's `freepools` LIFO and the
 * `usable_arenas` order, read from a live heap.
 */
export function poolListsFromPymalloc(heap: PymallocListsLike): PoolListsState {
  const g = heap.geometry;
  const l = heap.lists();
  const usedpools = l.usedpools.map((pools, idx): UsedList => ({ idx, size: (idx + 1) * g.alignment, pools: pools.map(listed) }));
  const onList = new Set(l.usableArenas);
  const bySlot = new Map(l.arenas.map((a) => [a.slot, a]));
  const ranked = [...l.usableArenas, ...l.arenas.map((a) => a.slot).filter((s) => !onList.has(s))];
  const arenas = ranked.map((slot): ArenaLists => {
    const a = bySlot.get(slot)!;
    return { slot, address: a.address, usableRank: l.usableArenas.indexOf(slot), totalPools: a.totalPools, freePools: a.freePools, untouchedPools: a.untouchedPools, freepools: a.freepools.map(listed) };
  });
  return { geometry: { ...g }, usedpools, arenas };
}

/** Options of {@link renderPoolListsHtml}. */
export interface PoolListsRenderOptions {
  /** Show classes whose used list is empty (default false). */
  readonly allClasses?: boolean;
}

function poolText(p: ListedPool): string {
  return p.status === 'empty' ? `pool ${p.index}` : `pool ${p.index} · ${p.count}/${p.capacity}`;
}

/** What a screen reader says for a pool on a list. */
export function listedPoolLabel(p: ListedPool, g: VizGeometry): string {
  const size = p.szidx < 0 ? 0 : (p.szidx + 1) * g.alignment;
  const what = p.status === 'empty' ? `empty, last class ${p.szidx} (${size}-byte blocks)` : `${p.status}, class ${p.szidx} (${size}-byte blocks), ${p.count} of ${p.capacity} blocks in use`;
  return `arena ${p.slot} pool ${p.index} at ${hexAddr(p.address)}: ${what}`;
}

function chip(p: ListedPool, g: VizGeometry): string {
  const fill = poolFill(p.status, p.szidx);
  return `<li class="pv-list-pool pv-${p.status}" tabindex="0" role="button" data-slot="${p.slot}" data-pool="${p.index}" data-status="${p.status}" aria-label="${esc(listedPoolLabel(p, g))}" style="background:${fill}">${esc(poolText(p))}</li>`;
}

/** One line per list, for a caption or a test: `usedpools[1] (32 bytes): pool 0 (1/510) → pool 3 (20/510)`. */
export function describePoolLists(state: PoolListsState): string[] {
  const lines: string[] = [];
  for (const u of state.usedpools) {
    if (u.pools.length === 0) continue;
    lines.push(`usedpools[${u.idx}] (${u.size} bytes): ${u.pools.map((p) => `pool ${p.slot}.${p.index} (${p.count}/${p.capacity})`).join(' → ')}`);
  }
  for (const a of state.arenas) {
    const where = a.usableRank < 0 ? 'not usable (no free pool)' : `usable_arenas #${a.usableRank}`;
    const list = a.freepools.length === 0 ? 'empty' : a.freepools.map((p) => `pool ${p.slot}.${p.index}`).join(' → ');
    lines.push(`arena ${a.slot} (${where}, ${a.freePools} of ${a.totalPools} pools free, ${a.untouchedPools} never used): freepools ${list}`);
  }
  return lines;
}

/**
 * The lists as HTML: a table of the `usedpools` lists (one row per class,
 * pools head first) and one row per arena in `usable_arenas` order with its
 * `freepools` LIFO. Pools are `<li tabindex="0" role="button">` with an
 * `aria-label` and `data-slot`/`data-pool`/`data-status`.
 */
export function renderPoolListsHtml(state: PoolListsState, opts: PoolListsRenderOptions = {}): string {
  const g = state.geometry;
  let out = '<div class="pv-pool-lists">';
  out += '<table class="pv-usedpools"><caption>usedpools: partially used pools per size class, the next request is served from the first</caption><thead><tr><th scope="col">class</th><th scope="col">size</th><th scope="col">pools, head first</th></tr></thead><tbody>';
  let shown = 0;
  for (const u of state.usedpools) {
    if (u.pools.length === 0 && opts.allClasses !== true) continue;
    shown++;
    const list = u.pools.length === 0 ? '<span class="pv-list-empty">empty</span>' : `<ol class="pv-list" aria-label="usedpools[${u.idx}]">${u.pools.map((p) => chip(p, g)).join('')}</ol>`;
    out += `<tr data-class="${u.idx}"><td><span class="pv-swatch" style="background:hsl(${classHue(u.idx)} 70% 62%)" aria-hidden="true"></span>${u.idx}</td><td>${u.size}</td><td>${list}</td></tr>`;
  }
  if (shown === 0) out += '<tr><td colspan="3" class="pv-list-empty">every used list is empty</td></tr>';
  out += '</tbody></table>';
  out += '<table class="pv-freepools"><caption>usable_arenas, most used first, with each arena\'s freepools (last emptied first)</caption><thead><tr><th scope="col">arena</th><th scope="col">free pools</th><th scope="col">freepools, head first</th></tr></thead><tbody>';
  for (const a of state.arenas) {
    const rank = a.usableRank < 0 ? 'not on usable_arenas' : `#${a.usableRank}`;
    const list = a.freepools.length === 0 ? '<span class="pv-list-empty">empty</span>' : `<ol class="pv-list" aria-label="freepools of arena ${a.slot}">${a.freepools.map((p) => chip(p, g)).join('')}</ol>`;
    const untouched = a.untouchedPools > 0 ? ` <span class="pv-list-untouched">then ${a.untouchedPools} never used</span>` : '';
    out += `<tr data-arena="${a.slot}" data-rank="${a.usableRank}"><td>${a.slot} · ${hexAddr(a.address)} · ${rank}</td><td>${a.freePools} of ${a.totalPools}</td><td>${list}${untouched}</td></tr>`;
  }
  if (state.arenas.length === 0) out += '<tr><td colspan="3" class="pv-list-empty">no arena</td></tr>';
  out += '</tbody></table></div>';
  return out;
}
