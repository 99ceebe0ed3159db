import { describe, expect, test } from 'vitest';
import { arenaMapModel, renderArenaMapSvg } from './arena-map.js';
import { verticalNeighbour } from './dom.js';
import type { HeapState, PoolState } from './state.js';

const geometry = { name: 'cpython-3.11', alignment: 16, poolSize: 16384, arenaSize: 1048576, poolOverhead: 48, nClasses: 32 };

function state(pools: PoolState[]): HeapState {
  return { geometry, arenas: [{ slot: 0, address: 0x4000, pools }], classes: [], liveBytes: 0, arenaBytes: 1048576 };
}

const pools: PoolState[] = [
  { index: 0, address: 0x4000, status: 'full', szidx: 1, count: 510, capacity: 510 },
  { index: 1, address: 0x8000, status: 'used', szidx: 6, count: 1, capacity: 145 },
  { index: 2, address: 0xc000, status: 'empty', szidx: 1, count: 0, capacity: 510 },
  { index: 3, address: 0x10000, status: 'untouched', szidx: -1, count: 0, capacity: 0 },
];

describe('arenaMapModel', () => {
  test('one row per arena, one cell per pool, counts and labels', () => {
    const m = arenaMapModel(state(pools), { columns: 2 });
    expect(m.rows).toEqual([{ slot: 0, y: 0, label: 'arena 0 · 0x4000 · 2 of 4 pools in use' }]);
    expect(m.counts).toEqual({ used: 1, full: 1, empty: 1, untouched: 1 });
    expect(m.summary).toBe('1 arena: 1 full, 1 used, 1 empty, 1 never used pools');
    expect(m.cells.map((c) => [c.x, c.y, c.text])).toEqual([
      [0, 16, '1'],
      [18, 16, '6'],
      [0, 34, '1'],
      [18, 34, ''],
    ]);
    expect(m.cells.map((c) => c.label)).toEqual([
      'arena 0 pool 0 at 0x4000: full, class 1 (32-byte blocks), 510 of 510 blocks in use',
      'arena 0 pool 1 at 0x8000: used, class 6 (112-byte blocks), 1 of 145 blocks in use',
      'arena 0 pool 2 at 0xc000: empty, last class 1 (32-byte blocks)',
      'arena 0 pool 3 at 0x10000: never used',
    ]);
    expect(m.cells.map((c) => c.fill)).toEqual(['hsl(138 70% 38%)', 'hsl(105 70% 62%)', 'hsl(138 35% 90%)', '#eceff1']);
    expect(m.height).toBe(16 + 2 * 18 + 6);
  });

  test('arenas stack vertically', () => {
    const s: HeapState = { ...state(pools), arenas: [{ slot: 0, address: 0, pools }, { slot: 3, address: 0x100000, pools }] };
    const m = arenaMapModel(s);
    expect(m.rows.map((r) => r.y)).toEqual([0, 40]);
    expect(m.cells[4]!.y).toBe(56);
    expect(m.summary).toBe('2 arenas: 2 full, 2 used, 2 empty, 2 never used pools');
  });
});

describe('renderArenaMapSvg', () => {
  test('focusable cells with aria labels and data attributes', () => {
    const svg = renderArenaMapSvg(arenaMapModel(state(pools)));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="pv-arena-map"')).toBe(true);
    expect(svg.match(/tabindex="0"/g)).toHaveLength(4);
    expect(svg).toContain('<g class="pv-pool pv-used" tabindex="0" role="button" aria-label="arena 0 pool 1 at 0x8000: used, class 6 (112-byte blocks), 1 of 145 blocks in use" data-slot="0" data-pool="1" data-status="used">');
    expect(svg).toContain('<rect x="36" y="16" width="16" height="16" rx="2" fill="hsl(138 35% 90%)" stroke="#90a4ae" stroke-dasharray="2 1"/>');
    expect(svg).toContain('fill="#fff" aria-hidden="true">1</text>');
    expect(svg).toContain('<title>1 arena: 1 full, 1 used, 1 empty, 1 never used pools</title>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  test('escapes text', () => {
    const s: HeapState = { ...state(pools), geometry: { ...geometry } };
    const m = arenaMapModel(s);
    const svg = renderArenaMapSvg({ ...m, summary: '<a & "b">' });
    expect(svg).toContain('aria-label="&#60;a &#38; &#34;b&#34;&#62;"');
  });
});

describe('verticalNeighbour', () => {
  test('up and down stay in the column, across arenas', () => {
    const s: HeapState = { ...state(pools), arenas: [{ slot: 0, address: 0, pools }, { slot: 3, address: 0x100000, pools }] };
    const m = arenaMapModel(s, { columns: 2 });
    expect(verticalNeighbour(m, 0, true)).toBe(2);
    expect(verticalNeighbour(m, 2, true)).toBe(4);
    expect(verticalNeighbour(m, 5, false)).toBe(3);
    expect(verticalNeighbour(m, 1, false)).toBe(1);
    expect(verticalNeighbour(m, 7, true)).toBe(7);
  });
});
