import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, RESULTS_DIR as results, SITE_DIST as dist, SKIP_REASON as skipReason } from './browser.js';
import { serveStatic } from './serve.js';

if (skipReason !== undefined) console.warn(`browser tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(skipReason === undefined ? 'the built site in Chromium' : `the built site in Chromium: SKIPPED, ${skipReason}`, () => {
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const foreign: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(dist, 'guide', 'pymalloc.html'))) throw new Error(`no built site in ${dist}: run pnpm --filter @pymem/docs build first`);
    mkdirSync(results, { recursive: true });
    server = await serveStatic(dist);
    const base = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.setDefaultTimeout(20_000);
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(base) && !url.startsWith('data:')) foreign.push(url);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/guide/pymalloc.html`, { waitUntil: 'networkidle' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the guide page renders the widget from a real heap', async () => {
    // The heading ends with its anchor link (a zero-width space).
    expect((await page.locator('h1').first().innerText()).replace(/\u200b/g, '').trim()).toBe('pymalloc: arenas, pools and blocks');
    await page.getByTestId('status').filter({ hasText: '0 live blocks' }).waitFor();
    expect(await page.getByTestId('status').textContent()).toBe('0 live blocks · 0 bytes in blocks · 0 arenas');
    expect(await page.getByTestId('pool').textContent()).toBe('Allocate a block, or choose a pool in the map.');
  });

  test('allocate changes the arena map, the pool and the table', async () => {
    await page.getByTestId('allocate').click();
    await page.getByTestId('status').filter({ hasText: '1 live blocks' }).waitFor();
    expect(await page.getByTestId('status').textContent()).toBe('1 live blocks · 32 bytes in blocks · 1 arena');
    const cells = page.locator('[data-testid=arena-map] g.pv-pool');
    expect(await cells.count()).toBe(64);
    const first = cells.first();
    expect(await first.getAttribute('data-status')).toBe('used');
    expect(await first.getAttribute('aria-label')).toBe('arena 0 pool 0 at 0x4000: used, class 1 (32-byte blocks), 1 of 510 blocks in use');
    expect(await page.locator('[data-testid=pool] rect.pv-allocated').count()).toBe(1);
    expect(await page.locator('[data-testid=pool] rect.pv-free').count()).toBe(1);
    expect(await page.locator('[data-testid=class-table] tr[data-class="1"] td').allTextContents()).toEqual(['1', '32', '1', '1', '509', '0 %']);
    // The uPlot timeline of live and arena bytes, one sample per call.
    expect(await page.locator('[data-testid=timeline] .uplot canvas').count()).toBe(1);
    expect(await page.locator('[data-testid=timeline] .u-title').textContent()).toBe('live bytes and arena bytes');

    await page.getByTestId('allocate').click();
    await page.getByTestId('allocate').click();
    await page.getByTestId('free-oldest').click();
    await page.getByTestId('free-oldest').click();
    await page.getByTestId('status').filter({ hasText: '1 live blocks' }).waitFor();
    const title = await page.locator('[data-testid=pool] svg > title').textContent();
    expect(title).toBe('pool 0x4000 · class 1 (32-byte blocks) · 1 of 510 in use · free list 1 → 0 → 3 → untouched');
  });

  test('a full pool turns full in the map', async () => {
    await page.getByTestId('reset').click();
    await page.getByLabel('request size in bytes').fill('512');
    for (let i = 0; i < 31; i++) await page.getByTestId('allocate').click();
    await page.getByTestId('status').filter({ hasText: '31 live blocks' }).waitFor();
    expect(await page.locator('[data-testid=arena-map] g.pv-pool').first().getAttribute('data-status')).toBe('full');
    expect(await page.locator('[data-testid=arena-map] g.pv-pool').nth(1).getAttribute('data-status')).toBe('untouched');
    await page.getByTestId('allocate').click();
    expect(await page.locator('[data-testid=arena-map] g.pv-pool').nth(1).getAttribute('data-status')).toBe('used');
  });

  test('pools are keyboard operable', async () => {
    const first = page.locator('[data-testid=arena-map] g.pv-pool').first();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=pool] svg > title').filter({ hasText: 'pool 0x4000 ·' }).waitFor({ state: 'attached' });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=pool] svg > title').filter({ hasText: 'pool 0x8000 ·' }).waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=pool] svg > title').textContent()).toBe('pool 0x8000 · class 31 (512-byte blocks) · 1 of 31 in use · free list 1 → untouched');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-pool'))).toBe('1');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-pool'))).toBe('33');
  });

  test('the page loads nothing from outside the site and throws nothing', async () => {
    await page.screenshot({ path: join(results, 'guide-pymalloc.png'), fullPage: true });
    expect(existsSync(join(results, 'guide-pymalloc.png'))).toBe(true);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });
});
