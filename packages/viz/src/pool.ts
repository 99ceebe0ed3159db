import { BLOCK_FILL, esc, hexAddr } from './color.js';
import type { BlockStatus, PoolDetail } from './state.js';

/** One drawn block. */
export interface PoolBlockCell {
  readonly index: number;
  readonly x: number;
  readonly y: number;
  readonly status: BlockStatus;
  /** Position in the free list (0 = the next malloc), or -1. */
  readonly freeOrder: number;
  readonly label: string;
}

/** A pool's blocks and free list, laid out. */
export interface PoolModel {
  readonly width: number;
  readonly height: number;
  readonly cell: number;
  readonly blocks: readonly PoolBlockCell[];
  /** Block indices of the free list, head first. */
  readonly freeList: readonly number[];
  /** Counts per block state. */
  readonly counts: Readonly<Record<BlockStatus, number>>;
  /**
   * The block the next `malloc` of this class returns: the free list's head,
   * else the first untouched block; -1 when the pool is full.
   */
  readonly next: number;
  /** e.g. `free list: 0 → 1 → 3 → then untouched blocks from 4`, drawn under the blocks. */
  readonly freeListText: string;
  /** e.g. `pool 0x4000 · class 1 (32-byte blocks) · 2 of 509 in use · free list 1 → untouched`. */
  readonly summary: string;
}

/** Layout options of {@link poolModel}. */
export interface PoolModelOptions {
  /** Block side in px (default 12). */
  readonly cell?: number;
  /** Blocks per line (default 32). */
  readonly columns?: number;
}

const HEAD_H = 18;
const FOOT_H = 18;

/** Lays out a pool: blocks in address order, numbered by free-list position. */
export function poolModel(detail: PoolDetail, opts: PoolModelOptions = {}): PoolModel {
  const cell = opts.cell ?? 12;
  const columns = opts.columns ?? 32;
  const pitch = cell + 1;
  const order = new Map<number, number>();
  detail.freeList.forEach((b, i) => order.set(b, i));
  const counts: Record<BlockStatus, number> = { allocated: 0, free: 0, untouched: 0 };
  const blocks = detail.blocks.map((status, index): PoolBlockCell => {
    counts[status]++;
    const freeOrder = order.get(index) ?? -1;
    const address = detail.address + detail.headerBytes + index * detail.blockSize;
    const label = `block ${index} at ${hexAddr(address)}: ${status}${freeOrder >= 0 ? `, free-list position ${freeOrder}` : ''}`;
    return { index, x: (index % columns) * pitch, y: HEAD_H + Math.floor(index / columns) * pitch, status, freeOrder, label };
  });
  const lines = Math.max(1, Math.ceil(blocks.length / columns));
  const firstUntouched = detail.blocks.indexOf('untouched');
  const next = detail.freeList[0] ?? firstUntouched;
  const chain = detail.freeList.slice(0, 16).join(' → ') + (detail.freeList.length > 16 ? ` → … (${detail.freeList.length} in all)` : '');
  const freeListText =
    detail.freeList.length === 0 && firstUntouched < 0
      ? 'free list: empty, the pool is full'
      : `free list: ${detail.freeList.length === 0 ? 'empty' : chain}${firstUntouched >= 0 ? `${detail.freeList.length === 0 ? ',' : ' →'} then untouched blocks from ${firstUntouched}` : ''}`;
  const shown = detail.freeList.slice(0, 8).join(' → ');
  const list = detail.freeList.length === 0 ? 'empty' : `${shown}${detail.freeList.length > 8 ? ' → …' : ''}`;
  const tail = counts.untouched > 0 ? ' → untouched' : '';
  const summary = `pool ${hexAddr(detail.address)} · class ${detail.szidx} (${detail.blockSize}-byte blocks) · ${detail.count} of ${detail.blocks.length} in use · free list ${list}${tail}`;
  return { width: Math.max(columns * pitch - 1, 200), height: HEAD_H + lines * pitch + FOOT_H, cell, blocks, freeList: detail.freeList, counts, next, freeListText, summary };
}

/**
 * The pool as an SVG string; free blocks carry their free-list position as
 * text, the block the next `malloc` returns is outlined (`pv-next`), and the
 * free list's order is written under the blocks.
 */
export function renderPoolSvg(model: PoolModel): string {
  const c = model.cell;
  let out = `<svg xmlns="http://www.w3.org/2000/svg" class="pv-pool-blocks" width="${model.width}" height="${model.height}" viewBox="0 0 ${model.width} ${model.height}" role="img" aria-label="${esc(model.summary)}">`;
  out += `<title>${esc(model.summary)}</title>`;
  out += `<text x="0" y="12" font-size="12" font-family="system-ui, sans-serif">${esc(`${model.counts.allocated} allocated · ${model.counts.free} free · ${model.counts.untouched} untouched`)}</text>`;
  for (const b of model.blocks) {
    out += `<rect class="pv-block pv-${b.status}" x="${b.x}" y="${b.y}" width="${c}" height="${c}" fill="${BLOCK_FILL[b.status]}" data-block="${b.index}" data-status="${b.status}"><title>${esc(b.label)}</title></rect>`;
    if (b.freeOrder >= 0 && b.freeOrder < 100) {
      out += `<text x="${b.x + c / 2}" y="${b.y + c / 2 + 3}" text-anchor="middle" font-size="${Math.max(6, Math.round(c * 0.6))}" font-family="system-ui, sans-serif" aria-hidden="true">${b.freeOrder}</text>`;
    }
  }
  const nb = model.blocks[model.next];
  if (nb !== undefined) out += `<rect class="pv-next" x="${nb.x - 1}" y="${nb.y - 1}" width="${c + 2}" height="${c + 2}" fill="none" stroke="#c62828" stroke-width="2"><title>${esc(`the next malloc returns block ${nb.index}`)}</title></rect>`;
  out += `<text class="pv-free-list" x="0" y="${model.height - 4}" font-size="12" font-family="system-ui, sans-serif">${esc(model.freeListText)}</text>`;
  return `${out}</svg>`;
}
