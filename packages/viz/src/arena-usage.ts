import { esc, hexAddr } from './color.js';
import type { HeapState } from './state.js';

/** How much of one live arena is in use, and whether something pins it. */
export interface ArenaUsageRow {
  readonly slot: number;
  readonly address: number;
  /** Blocks in use in the arena. */
  readonly liveBlocks: number;
  /** Bytes of those blocks (block sizes, not request sizes). */
  readonly liveBytes: number;
  /** Pools with a block in use. */
  readonly poolsInUse: number;
  readonly totalPools: number;
  /** The arena's size: what it holds from the system while anything in it lives. */
  readonly arenaBytes: number;
  /** `liveBytes / arenaBytes`. */
  readonly fill: number;
  /** True when live blocks keep the arena (it cannot be released). */
  readonly pinned: boolean;
  /** e.g. `arena 2 · 0x7f…: 1 live block (32 bytes) pins 1 MiB (0.003 % used)`. */
  readonly label: string;
}

/** Per-arena use of a heap state: what the arenas hold and what keeps them. */
export interface ArenaUsageModel {
  readonly rows: readonly ArenaUsageRow[];
  /** Arenas kept alive by live blocks. */
  readonly pinned: number;
  readonly liveBytes: number;
  readonly arenaBytes: number;
  /** e.g. `3 arenas (3 MiB) hold 96 live bytes: 3 pinned`. */
  readonly summary: string;
}

function mib(bytes: number): string {
  const v = bytes / 1048576;
  return `${Number.isInteger(v) ? v : v.toFixed(2)} MiB`;
}

function percent(fill: number): string {
  if (fill === 0) return '0 %';
  if (fill >= 0.1) return `${Math.round(fill * 100)} %`;
  return `${Number((fill * 100).toPrecision(2))} %`;
}

/** Sums each live arena's pools: blocks and bytes in use, pools in use. */
export function arenaUsageModel(state: HeapState): ArenaUsageModel {
  const g = state.geometry;
  let live = 0;
  let pinned = 0;
  const rows = state.arenas.map((a): ArenaUsageRow => {
    let liveBlocks = 0;
    let liveBytes = 0;
    let poolsInUse = 0;
    for (const p of a.pools) {
      if (p.count === 0) continue;
      poolsInUse++;
      liveBlocks += p.count;
      liveBytes += p.count * (p.szidx + 1) * g.alignment;
    }
    live += liveBytes;
    const isPinned = liveBlocks > 0;
    if (isPinned) pinned++;
    const fill = liveBytes / g.arenaSize;
    const what = isPinned ? `${liveBlocks} live block${liveBlocks === 1 ? '' : 's'} (${liveBytes} bytes) pin${liveBlocks === 1 ? 's' : ''} ${mib(g.arenaSize)} (${percent(fill)} used)` : 'nothing live: the one empty arena 3.9+ keeps (the tail of usable_arenas)';
    return { slot: a.slot, address: a.address, liveBlocks, liveBytes, poolsInUse, totalPools: a.pools.length, arenaBytes: g.arenaSize, fill, pinned: isPinned, label: `arena ${a.slot} · ${hexAddr(a.address)}: ${what}` };
  });
  const n = rows.length;
  const summary = `${n} arena${n === 1 ? '' : 's'} (${mib(state.arenaBytes)}) hold ${live} live bytes: ${pinned} pinned`;
  return { rows, pinned, liveBytes: live, arenaBytes: state.arenaBytes, summary };
}

/** The model as an HTML table (`<table class="pv-arena-usage">`), one row per arena with a fill bar. */
export function renderArenaUsageHtml(model: ArenaUsageModel): string {
  let out = `<table class="pv-arena-usage"><caption>${esc(model.summary)}</caption><thead><tr><th scope="col">arena</th><th scope="col">live blocks</th><th scope="col">live bytes</th><th scope="col">pools in use</th><th scope="col">of the arena in use</th></tr></thead><tbody>`;
  for (const r of model.rows) {
    const width = r.liveBytes === 0 ? 0 : Math.max(1, Math.round(r.fill * 100));
    out += `<tr data-arena="${r.slot}" data-pinned="${r.pinned}" aria-label="${esc(r.label)}"><td>${r.slot} · ${hexAddr(r.address)}</td><td>${r.liveBlocks}</td><td>${r.liveBytes}</td><td>${r.poolsInUse} of ${r.totalPools}</td><td><span class="pv-bar" aria-hidden="true"><span style="width:${width}%"></span></span> ${percent(r.fill)}${r.pinned ? ' · pinned' : ''}</td></tr>`;
  }
  if (model.rows.length === 0) out += '<tr><td colspan="5">no arena</td></tr>';
  return `${out}</tbody></table>`;
}
