import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SiteSession } from './browser.js';
import { RESULTS_DIR, SKIP_REASON, openSite } from './browser.js';

if (SKIP_REASON !== undefined) console.warn(`chapter browser tests skipped: ${SKIP_REASON}`);

/** The refcounting, usedpools/freepools and arena pinning chapters: each widget renders and reacts to a click and to the keyboard. */
describe.skipIf(SKIP_REASON !== undefined)(SKIP_REASON === undefined ? 'the guide chapters in Chromium' : `the guide chapters in Chromium: SKIPPED, ${SKIP_REASON}`, () => {
  let site: SiteSession | undefined;
  beforeAll(async () => {
    site = await openSite(['guide/refcounting', 'guide/pools-and-lists', 'guide/arena-pinning']);
  });

  afterAll(async () => {
    await site?.close();
  });

  const open = (path: string): Promise<Page> => site!.open(path);

  const text = async (page: Page, id: string): Promise<string> => (await page.getByTestId(id).textContent()) ?? '';

  test('reference counting: steps by click and by key change the refcounts, a cascade frees, the collector frees a cycle', async () => {
    const page = await open('/guide/refcounting.html');
    expect((await page.locator('h1').first().innerText()).replace(/\u200b/g, '').trim()).toBe('Reference counting');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 0 of 13' }).waitFor();
    expect(await text(page, 'refcount-status')).toBe('step 0 of 13 · 0 objects alive · 0 names, 0 objects, 0 references');

    const float = page.locator('[data-testid=refcount-graph] g.pv-object[aria-label^="float 3.14"]');
    await page.getByTestId('refcount-next').click();
    await page.getByTestId('refcount-status').filter({ hasText: 'step 1 of 13' }).waitFor();
    expect(await float.getAttribute('data-refcount')).toBe('1');
    expect(await float.locator('text.pv-refcount').textContent()).toBe('refcount 1 · 24 B');
    await page.getByTestId('refcount-next').click();
    await page.getByTestId('refcount-status').filter({ hasText: 'step 2 of 13' }).waitFor();
    expect(await float.getAttribute('data-refcount')).toBe('2');
    expect(await float.getAttribute('aria-label')).toMatch(/^float 3\.14 at 0x[0-9a-f]+: refcount 2, 24 bytes, referenced by x, y$/);

    // The keyboard: → on the focused widget runs the next statement.
    await page.getByTestId('refcount-widget').focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 3 of 13' }).waitFor();
    expect(await float.getAttribute('data-refcount')).toBe('3');
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 4 of 13' }).waitFor();
    expect(await text(page, 'refcount-output')).toBe('>>> sys.getrefcount(x)\n4');
    expect(await float.getAttribute('data-refcount')).toBe('3');
    await page.keyboard.press('n');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 5 of 13' }).waitFor();
    expect(await float.getAttribute('data-refcount')).toBe('4');
    await page.getByTestId('refcount-widget').screenshot({ path: join(RESULTS_DIR, 'guide-refcounting-call.png') });
    for (let s = 6; s <= 8; s++) {
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('refcount-status').filter({ hasText: `step ${s} of 13` }).waitFor();
    }
    expect(await float.getAttribute('data-refcount')).toBe('1');
    expect(await page.locator('[data-testid=refcount-graph] g.pv-name').count()).toBe(1);

    // del l: the list's deallocator releases the float, which is freed
    // inside it, before the list's own deallocator finishes.
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 9 of 13' }).waitFor();
    expect(await text(page, 'refcount-status')).toBe('step 9 of 13 · 0 objects alive · 0 names, 0 objects, 0 references');
    expect(await text(page, 'refcount-freed')).toMatch(/^freed by this step \(in the order their deallocators finished\): float at 0x[0-9a-f]+, list at 0x[0-9a-f]+$/);
    expect(await float.count()).toBe(0);

    for (let s = 10; s <= 12; s++) {
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('refcount-status').filter({ hasText: `step ${s} of 13` }).waitFor();
    }
    const lost = page.locator('[data-testid=refcount-graph] g.pv-object[data-reachable=false]');
    expect(await lost.count()).toBe(2);
    expect(await lost.first().getAttribute('data-refcount')).toBe('1');
    await page.screenshot({ path: join(RESULTS_DIR, 'guide-refcounting.png'), fullPage: true });

    await page.getByTestId('refcount-next').click();
    await page.getByTestId('refcount-status').filter({ hasText: 'step 13 of 13' }).waitFor();
    expect(await text(page, 'refcount-output')).toBe('>>> gc.collect()\n2');
    expect(await page.locator('[data-testid=refcount-graph] g.pv-object').count()).toBe(0);
    await page.getByTestId('refcount-widget').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('refcount-status').filter({ hasText: 'step 12 of 13' }).waitFor();
    expect(await lost.count()).toBe(2);
    await page.close();
  });

  test('usedpools and freepools: a full pool leaves its list, an emptied pool goes to freepools and serves another class', async () => {
    const page = await open('/guide/pools-and-lists.html');
    await page.getByTestId('lists-status').filter({ hasText: '0 live blocks' }).waitFor();
    for (let i = 0; i < 4; i++) await page.getByTestId('lists-allocate-10').click();
    await page.getByTestId('lists-status').filter({ hasText: '40 live blocks' }).waitFor();
    expect(await text(page, 'lists-status')).toBe('40 live blocks · pools: 1 used, 1 full, 0 empty · 1 arena');
    expect(await text(page, 'lists-text')).toBe('usedpools[31] (512 bytes): pool 0.1 (9/31)\narena 0 (usable_arenas #0, 62 of 64 pools free, 62 never used): freepools empty');
    const cells = page.locator('[data-testid=lists-map] g.pv-pool');
    expect(await cells.nth(0).getAttribute('data-status')).toBe('full');
    expect(await cells.nth(1).getAttribute('data-status')).toBe('used');

    // Keyboard: e empties the newest block's pool, f frees the newest block.
    await page.getByTestId('lists-widget').focus();
    await page.keyboard.press('e');
    await page.getByTestId('lists-status').filter({ hasText: '31 live blocks' }).waitFor();
    expect(await cells.nth(1).getAttribute('data-status')).toBe('empty');
    expect(await text(page, 'lists-text')).toBe('arena 0 (usable_arenas #0, 63 of 64 pools free, 62 never used): freepools pool 0.1');
    await page.keyboard.press('f');
    await page.getByTestId('lists-status').filter({ hasText: '30 live blocks' }).waitFor();
    expect(await cells.nth(0).getAttribute('data-status')).toBe('used');
    expect((await text(page, 'lists-text')).split('\n')[0]).toBe('usedpools[31] (512 bytes): pool 0.0 (30/31)');

    // Another class takes the empty pool from freepools.
    await page.getByTestId('lists-size').fill('32');
    await page.getByTestId('lists-allocate').click();
    await page.getByTestId('lists-status').filter({ hasText: '31 live blocks' }).waitFor();
    expect(await text(page, 'lists-text')).toBe(
      'usedpools[1] (32 bytes): pool 0.1 (1/510)\nusedpools[31] (512 bytes): pool 0.0 (30/31)\narena 0 (usable_arenas #0, 62 of 64 pools free, 62 never used): freepools empty',
    );
    expect(await cells.nth(1).getAttribute('aria-label')).toBe('arena 0 pool 1 at 0x8000: used, class 1 (32-byte blocks), 1 of 510 blocks in use');

    // A pool on a list is a button: Tab to it, Enter shows its blocks.
    const chip = page.locator('[data-testid=lists] li.pv-list-pool[data-pool="0"]');
    await chip.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=lists-pool] svg > title').filter({ hasText: 'pool 0x4000 ·' }).waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=lists-pool] svg > title').textContent()).toBe('pool 0x4000 · class 31 (512-byte blocks) · 30 of 31 in use · free list 30');
    expect(await page.locator('[data-testid=lists-pool] text.pv-free-list').textContent()).toBe('free list: 30');
    await page.screenshot({ path: join(RESULTS_DIR, 'guide-pools-and-lists.png'), fullPage: true });
    await page.close();
  });

  test('arena pinning: after freeing 99 % every arena stays pinned, freeing the rest releases all but one', async () => {
    const page = await open('/guide/arena-pinning.html');
    await page.getByTestId('pinning-status').filter({ hasText: '0 live objects' }).waitFor();
    await page.getByTestId('pinning-allocate').click();
    await page.getByTestId('pinning-status').filter({ hasText: '60000 live objects' }).waitFor();
    expect(await text(page, 'pinning-status')).toBe('60000 live objects · 5.1 MiB in blocks · 6 arenas = 6 MiB from the system · 6 pinned');
    const rows = page.locator('[data-testid=pinning-usage] tbody tr');
    expect(await rows.count()).toBe(6);

    await page.getByTestId('pinning-widget').focus();
    await page.keyboard.press('f');
    await page.getByTestId('pinning-status').filter({ hasText: '600 live objects' }).waitFor();
    expect(await text(page, 'pinning-status')).toBe('600 live objects · 52.1 KiB in blocks · 6 arenas = 6 MiB from the system · 6 pinned');
    expect(await page.locator('[data-testid=pinning-usage] tbody tr[data-pinned=true]').count()).toBe(6);
    expect(await rows.first().getAttribute('aria-label')).toBe('arena 0 · 0x4000: 119 live blocks (10352 bytes) pin 1 MiB (0.99 % used)');
    expect(await text(page, 'pinning-order')).toBe(
      'usable_arenas (new pools come from the first): arena 3 (4 free pools) → arena 4 (5 free pools) → arena 2 (5 free pools) → arena 1 (5 free pools) → arena 0 (5 free pools) → arena 5 (54 free pools)',
    );
    await page.screenshot({ path: join(RESULTS_DIR, 'guide-arena-pinning.png'), fullPage: true });

    await page.keyboard.press('x');
    await page.getByTestId('pinning-status').filter({ hasText: '0 live objects' }).waitFor();
    expect(await text(page, 'pinning-status')).toBe('0 live objects · 0 bytes in blocks · 1 arena = 1 MiB from the system · 0 pinned');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-pinned')).toBe('false');
    await page.close();
  });

  test('the chapters load nothing from outside the site and throw nothing', () => {
    for (const f of ['guide-refcounting.png', 'guide-pools-and-lists.png', 'guide-arena-pinning.png']) expect(existsSync(join(RESULTS_DIR, f))).toBe(true);
    expect(site!.foreign).toEqual([]);
    expect(site!.errors).toEqual([]);
  });
});
