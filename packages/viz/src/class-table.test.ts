import { expect, test } from 'vitest';
import { classTableModel, renderClassTableHtml } from './class-table.js';
import type { HeapState } from './state.js';

const state: HeapState = {
  geometry: { name: 'cpython-3.11', alignment: 16, poolSize: 16384, arenaSize: 1048576, poolOverhead: 48, nClasses: 3 },
  arenas: [],
  classes: [
    { idx: 0, size: 16, pools: 0, blocksInUse: 0, availBlocks: 0 },
    { idx: 1, size: 32, pools: 1, blocksInUse: 1, availBlocks: 509 },
    { idx: 2, size: 48, pools: 2, blocksInUse: 340, availBlocks: 340 },
  ],
  liveBytes: 32 + 340 * 48,
  arenaBytes: 1048576,
};

test('classTableModel keeps classes with pools and sums them', () => {
  const m = classTableModel(state);
  expect(m.rows.map((r) => [r.idx, r.bytesInUse, r.fill, r.color])).toEqual([
    [1, 32, 1 / 510, 'hsl(138 70% 62%)'],
    [2, 16320, 0.5, 'hsl(275 70% 62%)'],
  ]);
  expect(m.totals).toEqual({ pools: 3, blocksInUse: 341, availBlocks: 849, bytesInUse: 16352 });
  expect(classTableModel(state, { all: true }).rows).toHaveLength(3);
});

test('renderClassTableHtml', () => {
  const html = renderClassTableHtml(classTableModel(state));
  expect(html).toContain('<tr data-class="2"><td><span class="pv-swatch" style="background:hsl(275 70% 62%)" aria-hidden="true"></span>2</td><td>48</td><td>2</td><td>340</td><td>340</td><td>50 %</td></tr>');
  expect(html).toContain('<tfoot><tr><th scope="row" colspan="2">total</th><td>3</td><td>341</td><td>849</td><td></td></tr></tfoot></table>');
});
