import type { Geometry } from './geometry.js';
import { blocksPerPool, classToSize } from './geometry.js';
import { POOL_COUNT, POOL_SZIDX } from './layout.js';
import type { Pymalloc } from './pymalloc.js';

/** One row of the per-class table. */
export interface ClassStats {
  /** Size class index. */
  readonly idx: number;
  /** Block size in bytes. */
  readonly size: number;
  /** Pools with at least one block in use (used or full). */
  readonly pools: number;
  readonly blocksInUse: number;
  /** Free blocks in those pools, never-carved ones included. */
  readonly availBlocks: number;
}

/** The radix tree's footprint (CPython 3.10+). */
export interface ArenaMapStats {
  readonly midNodes: number;
  readonly botNodes: number;
  readonly rootBytes: number;
  readonly midBytes: number;
  readonly botBytes: number;
  readonly total: number;
}

/** What `sys._debugmallocstats()` reports about pymalloc, as numbers. */
export interface PymallocStats {
  readonly geometry: string;
  readonly threshold: number;
  /** Every class, including those with no pool. */
  readonly classes: readonly ClassStats[];
  readonly arenasAllocatedTotal: number;
  readonly arenasReclaimed: number;
  readonly arenasHighwater: number;
  readonly arenasCurrent: number;
  readonly arenaBytes: number;
  readonly bytesInAllocatedBlocks: number;
  readonly bytesInAvailableBlocks: number;
  /** Cached empty pools plus never-carved pools. */
  readonly unusedPools: number;
  readonly unusedPoolBytes: number;
  readonly poolHeaderBytes: number;
  readonly quantizationBytes: number;
  readonly arenaAlignmentBytes: number;
  /** Always `arenaBytes`. */
  readonly total: number;
  /** Present when the geometry uses the radix tree. */
  readonly arenaMap?: ArenaMapStats;
}

/** Walks every carved pool of every live arena, as CPython's statistics do. */
export function collectStats(heap: Pymalloc): PymallocStats {
  const g: Geometry = heap.geometry;
  const n = g.nClasses;
  const pools = new Float64Array(n);
  const blocks = new Float64Array(n);
  const avail = new Float64Array(n);
  const words = heap.words;
  let narenas = 0;
  let unusedPools = 0;
  let alignment = 0;
  for (let a = 0; a < heap.maxarenas; a++) {
    if (heap.aAddress[a] === 0) continue;
    narenas++;
    unusedPools += heap.aNfreepools[a]!;
    if (heap.aAddress[a]! % g.poolSize !== 0) alignment += g.poolSize;
    const end = heap.aPoolAddress[a]!;
    for (let pool = heap.aFirstPool[a]!; pool < end; pool += g.poolSize) {
      const count = words[(pool >>> 2) + POOL_COUNT]!;
      if (count === 0) continue;
      const sz = words[(pool >>> 2) + POOL_SZIDX]!;
      pools[sz]!++;
      blocks[sz]! += count;
      avail[sz]! += blocksPerPool(g, sz) - count;
    }
  }
  const classes: ClassStats[] = [];
  let allocated = 0;
  let available = 0;
  let headers = 0;
  let quantization = 0;
  for (let i = 0; i < n; i++) {
    const size = classToSize(g, i);
    const p = pools[i]!;
    classes.push({ idx: i, size, pools: p, blocksInUse: blocks[i]!, availBlocks: avail[i]! });
    allocated += blocks[i]! * size;
    available += avail[i]! * size;
    headers += p * g.poolOverhead;
    quantization += p * ((g.poolSize - g.poolOverhead) % size);
  }
  const arenaBytes = narenas * g.arenaSize;
  const stats: PymallocStats = {
    geometry: g.name,
    threshold: g.threshold,
    classes,
    arenasAllocatedTotal: heap.arenasAllocatedTotal,
    arenasReclaimed: heap.arenasAllocatedTotal - narenas,
    arenasHighwater: heap.arenasHighwater,
    arenasCurrent: narenas,
    arenaBytes,
    bytesInAllocatedBlocks: allocated,
    bytesInAvailableBlocks: available,
    unusedPools,
    unusedPoolBytes: unusedPools * g.poolSize,
    poolHeaderBytes: headers,
    quantizationBytes: quantization,
    arenaAlignmentBytes: alignment,
    total: allocated + available + unusedPools * g.poolSize + headers + quantization + alignment,
  };
  if (!g.radixTree) return stats;
  const mid = heap.mapMidNodes.size;
  const bot = heap.mapBotNodes.size;
  // 64-bit CPython: 2^15 root and mid entries of 8 bytes, 2^14 bottom entries of two int32.
  const rootBytes = 2 ** 15 * 8;
  const midBytes = mid * 2 ** 15 * 8;
  const botBytes = bot * 2 ** 14 * 8;
  return { ...stats, arenaMap: { midNodes: mid, botNodes: bot, rootBytes, midBytes, botBytes, total: rootBytes + midBytes + botBytes } };
}

/** `printone`: label padded to 35 columns, `=`, value right-aligned in 21 with thousands commas. */
function line(label: string, value: number): string {
  return `${label.padEnd(35)}=${commas(value).padStart(21)}\n`;
}

/** 1234567 → "1,234,567". */
export function commas(value: number): string {
  const digits = String(value);
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits.charAt(i);
  }
  return out;
}

function col(v: number, w: number): string {
  return String(v).padStart(w);
}

/**
 * The pymalloc part of CPython's `sys._debugmallocstats()` output for these
 * statistics, line for line (it ends with a newline).
 */
export function formatStats(s: PymallocStats, g: Geometry): string {
  let out = `Small block threshold = ${s.threshold}, in ${s.classes.length} size classes.\n\n`;
  out += 'class   size   num pools   blocks in use  avail blocks\n';
  out += '-----   ----   ---------   -------------  ------------\n';
  for (const c of s.classes) {
    if (c.pools === 0) continue;
    out += `${col(c.idx, 5)} ${col(c.size, 6)} ${col(c.pools, 11)} ${col(c.blocksInUse, 15)} ${col(c.availBlocks, 13)}\n`;
  }
  out += '\n';
  out += line('# arenas allocated total', s.arenasAllocatedTotal);
  out += line('# arenas reclaimed', s.arenasReclaimed);
  out += line('# arenas highwater mark', s.arenasHighwater);
  out += line('# arenas allocated current', s.arenasCurrent);
  out += line(`${s.arenasCurrent} arenas * ${g.arenaSize} bytes/arena`, s.arenaBytes);
  out += '\n';
  out += line('# bytes in allocated blocks', s.bytesInAllocatedBlocks);
  out += line('# bytes in available blocks', s.bytesInAvailableBlocks);
  out += line(`${s.unusedPools} unused pools * ${g.poolSize} bytes`, s.unusedPoolBytes);
  out += line('# bytes lost to pool headers', s.poolHeaderBytes);
  out += line('# bytes lost to quantization', s.quantizationBytes);
  out += line('# bytes lost to arena alignment', s.arenaAlignmentBytes);
  out += line('Total', s.total);
  const m = s.arenaMap;
  if (m !== undefined) {
    out += '\narena map counts\n';
    out += line('# arena map mid nodes', m.midNodes);
    out += line('# arena map bot nodes', m.botNodes);
    out += '\n';
    out += line('# bytes lost to arena map root', m.rootBytes);
    out += line('# bytes lost to arena map mid', m.midBytes);
    out += line('# bytes lost to arena map bot', m.botBytes);
    out += line('Total', m.total);
  }
  return out;
}

/** One live arena: what pins it. */
export interface ArenaInfo {
  /** Descriptor slot (`arenaindex` in its pool headers). */
  readonly slot: number;
  readonly address: number;
  readonly totalPools: number;
  /** Cached empty pools plus never-carved pools. */
  readonly freePools: number;
  /** Pools with blocks in use. */
  readonly usedPools: number;
  readonly blocksInUse: number;
  readonly bytesInUse: number;
  /** Blocks in use per size class (index = class). */
  readonly classBlocks: readonly number[];
}

/** Every live arena in `usable_arenas`-independent slot order, with what it holds. */
export function collectArenas(heap: Pymalloc): ArenaInfo[] {
  const g = heap.geometry;
  const words = heap.words;
  const out: ArenaInfo[] = [];
  for (let a = 0; a < heap.maxarenas; a++) {
    const address = heap.aAddress[a]!;
    if (address === 0) continue;
    const classBlocks = new Array<number>(g.nClasses).fill(0);
    let usedPools = 0;
    let blocksInUse = 0;
    let bytesInUse = 0;
    const end = heap.aPoolAddress[a]!;
    for (let pool = heap.aFirstPool[a]!; pool < end; pool += g.poolSize) {
      const count = words[(pool >>> 2) + POOL_COUNT]!;
      if (count === 0) continue;
      const sz = words[(pool >>> 2) + POOL_SZIDX]!;
      usedPools++;
      blocksInUse += count;
      bytesInUse += count * classToSize(g, sz);
      classBlocks[sz]! += count;
    }
    out.push({ slot: a, address, totalPools: heap.aNtotalpools[a]!, freePools: heap.aNfreepools[a]!, usedPools, blocksInUse, bytesInUse, classBlocks });
  }
  return out;
}
