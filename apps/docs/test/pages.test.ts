import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_ARENA_ALLOC, KIND_FREE, KIND_MALLOC, MemorySink, TraceWriter } from '@pymem/trace';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SiteSession } from './browser.js';
import { RESULTS_DIR, SKIP_REASON, openSite } from './browser.js';

if (SKIP_REASON !== undefined) console.warn(`playground, viewer and reference browser tests skipped: ${SKIP_REASON}`);

const DEMO = join(import.meta.dirname, '..', '..', 'cli', 'assets', 'demo.bin.gz');

/** A small .pymem: one arena at 1 MiB, two 24-byte blocks and a 500-byte one, then the first freed. */
async function smallTrace(): Promise<Buffer> {
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { header: { pythonVersion: 0x030b07f0 } });
  w.append({ kind: KIND_ARENA_ALLOC, arena: 0, value: 2 ** 20, count: 64 });
  w.append({ kind: KIND_MALLOC, id: 0, size: 24, cls: 1, arena: 0, pool: 0, block: 0 });
  w.append({ kind: KIND_MALLOC, id: 1, size: 24, cls: 1, arena: 0, pool: 0, block: 1 });
  w.append({ kind: KIND_MALLOC, id: 2, size: 500, cls: 31, arena: 0, pool: 1, block: 0 });
  w.append({ kind: KIND_FREE, id: 0, size: 24 });
  await w.close();
  return Buffer.from(sink.bytes());
}

/** The playground, the bytecode chapter, the trace viewer, the bundled capture, the guide index, the performance page and the API pages. */
describe.skipIf(SKIP_REASON !== undefined)(SKIP_REASON === undefined ? 'playground, viewer and reference pages in Chromium' : `playground, viewer and reference pages in Chromium: SKIPPED, ${SKIP_REASON}`, () => {
  let site: SiteSession | undefined;
  beforeAll(async () => {
    site = await openSite(['playground', 'viewer', 'bundled-capture', 'performance', 'guide/bytecode', 'guide/index']);
  });

  afterAll(async () => {
    await site?.close();
  });

  const open = (path: string): Promise<Page> => site!.open(path);

  const text = async (page: Page, id: string): Promise<string> => (await page.getByTestId(id).first().textContent()) ?? '';
  const shot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });
    expect(existsSync(join(RESULTS_DIR, `${name}.png`))).toBe(true);
  };

  test('the playground runs a snippet and steps through it by click and by key', async () => {
    const page = await open('/playground.html');
    expect((await page.locator('h1').first().innerText()).replace(/\u200b/g, '').trim()).toBe('Playground');
    // The first example has run on mount.
    await page.getByTestId('step-status').filter({ hasText: 'step 12 of 12' }).waitFor();
    expect(await text(page, 'output')).toBe('9 4.0\n');

    await page.getByTestId('code').fill('a = []\nb = [a, 2.5]\ndel a\nprint(b)\n');
    await page.getByTestId('run').click();
    await page.getByTestId('step-status').filter({ hasText: 'step 4 of 4' }).waitFor();
    expect(await text(page, 'step-status')).toBe('step 4 of 4 · after line 4 · 5 objects · 4 requests · 432 bytes in blocks');
    expect(await text(page, 'output')).toBe('[[], 2.5]\n');
    expect(await page.locator('[data-testid=requests] li').allTextContents()).toEqual(['malloc 56 (py)', 'malloc 120 (py)', 'malloc 56 (py)', 'calloc 16 (py)']);

    // Back to step 1 with the button: one name, the list has refcount 1.
    await page.getByTestId('first').click();
    await page.getByTestId('next').click();
    await page.getByTestId('step-status').filter({ hasText: 'step 1 of 4' }).waitFor();
    expect(await text(page, 'step-status')).toBe('step 1 of 4 · after line 1 · 4 objects · 2 requests · 352 bytes in blocks');
    expect(await page.locator('[data-testid=names] tbody td:first-child').allTextContents()).toEqual(['a']);
    const list = page.locator('[data-testid=objects] tbody tr', { hasText: 'list' });
    expect(await list.locator('td').allTextContents()).toEqual([expect.stringMatching(/^0x[0-9a-f]+$/), 'list', '1', '56', '[]']);
    expect(await list.getAttribute('class')).toBe('pv-new');
    expect(await page.locator('[data-testid=listing] li.pv-current').textContent()).toBe('a = []');
    const mapAt1 = await page.getByTestId('arena-map').innerHTML();
    const address = (await list.getAttribute('data-address'))!;

    // The slider by keyboard: ArrowRight is the next statement; refcount 1 → 2, the map changes.
    await page.getByTestId('step').focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('step-status').filter({ hasText: 'step 2 of 4' }).waitFor();
    const first = page.locator(`[data-testid=objects] tbody tr[data-address="${address}"]`);
    expect(await first.locator('td').nth(2).textContent()).toBe('2');
    expect(await first.getAttribute('class')).toBe('pv-changed');
    expect(await page.getByTestId('arena-map').innerHTML()).not.toBe(mapAt1);
    expect(await page.locator('[data-testid=requests] li.pv-new').allTextContents()).toEqual(['malloc 56 (py)', 'calloc 16 (py)']);
    // The reference graph: b → the outer list → [0] the first list, [1] the float.
    expect(await page.locator('[data-testid=graph] g.pv-node').count()).toBe(5);
    await page.keyboard.press('End');
    await page.getByTestId('step-status').filter({ hasText: 'step 4 of 4' }).waitFor();
    // The chart of bytes per step: a click at its left end goes to step 0.
    expect(await page.locator('[data-testid=timeline] .uplot canvas').count()).toBe(1);
    const over = (await page.locator('[data-testid=timeline] .u-over').boundingBox())!;
    await page.mouse.click(over.x + 2, over.y + over.height / 2);
    await page.getByTestId('step-status').filter({ hasText: 'step 0 of 4' }).waitFor();
    expect(await text(page, 'step-status')).toBe('step 0 of 4 · before the first statement · 3 objects · 0 requests · 160 bytes in blocks');
    await page.getByTestId('last').click();
    await page.getByTestId('step-status').filter({ hasText: 'step 4 of 4' }).waitFor();

    // The arena map is keyboard operable: Tab to a pool, Enter shows its blocks.
    await page.locator('[data-testid=arena-map] g.pv-pool').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=pool] svg > title').waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=pool] svg > title').textContent()).toMatch(/^pool 0x[0-9a-f]+ · class \d+ \(\d+-byte blocks\) · \d+ of \d+ in use/);
    await shot(page, 'playground');
  });

  test('the playground names an unsupported construct and its line, and keeps the steps before a Python error', async () => {
    const page = await open('/playground.html');
    await page.getByTestId('step-status').filter({ hasText: 'step 12 of 12' }).waitFor();
    await page.getByTestId('code').fill('x = 1.5\ny = lambda: x\n');
    await page.getByTestId('code').press('Control+Enter');
    await page.getByTestId('error').waitFor();
    expect(await text(page, 'error')).toBe("not in the subset: line 2: 'lambda' is not supported by the snippet runner");
    expect(await text(page, 'step-status')).toBe('nothing ran');
    expect(await page.locator('[data-testid=arena-map] g.pv-pool').count()).toBe(0);
    expect(await page.locator('[data-testid=graph] g.pv-node').count()).toBe(0);
    expect(await page.locator('[data-testid=timeline] .uplot').count()).toBe(0);
    await page.getByTestId('code').fill('x = [1.5]\nprint(x)\ny = x[3]\n');
    await page.getByTestId('run').click();
    await page.getByTestId('error').filter({ hasText: 'IndexError' }).waitFor();
    expect(await text(page, 'error')).toBe('Python raised: line 3: IndexError: list index out of range');
    expect(await text(page, 'output')).toBe('[1.5]\n');
    // Examples come from the list.
    await page.getByTestId('example').selectOption('a cycle and the collector');
    await page.getByTestId('output').filter({ hasText: 'collected 2' }).waitFor();
    expect(await page.getByTestId('error').count()).toBe(0);
  });

  test('the bytecode chapter lists what each statement made', async () => {
    const page = await open('/guide/bytecode.html');
    expect((await page.locator('h1').first().innerText()).replace(/\u200b/g, '').trim()).toBe('Source, bytecode and the VM');
    const rows = page.locator('[data-testid=effects] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('compile');
    expect(await rows.nth(2).locator('td').nth(3).textContent()).toBe('malloc(56)\ncalloc(24)');
    expect(await rows.nth(3).locator('td').nth(2).textContent()).toMatch(/^\+ float 3\.0 \(24 B at 0x[0-9a-f]+\)$/);
    await page.getByTestId('snippet').focus();
    await page.keyboard.press('ArrowDown'); // the next snippet in the list, chosen by keyboard
    await page.getByTestId('output').filter({ hasText: 'printed: 1.5' }).waitFor();
    expect(await page.locator('[data-testid=effects] tbody tr').count()).toBe(7);
    await shot(page, 'guide-bytecode');
  });

  test('the guide index lists the chapters in reading order', async () => {
    const page = await open('/guide/index.html');
    const chapters = await page.locator('[data-testid=chapters] li').allTextContents();
    expect(chapters).toEqual(['Source, bytecode and the VM', 'Reference counting', 'pymalloc: arenas, pools and blocks', 'usedpools and freepools', 'Arena pinning']);
    const sidebar = await page.locator('.VPSidebar .VPSidebarItem.level-1 .text').allTextContents();
    expect(sidebar.slice(0, chapters.length)).toEqual(chapters);
  });

  test('the bundled capture: load, seek, scrub, and the arena map changes', async () => {
    const page = await open('/bundled-capture.html');
    await page.getByTestId('status').filter({ hasText: 'record 168,322 of 168,322' }).waitFor({ timeout: 60_000 });
    expect(await text(page, 'description')).toBe('demo.bin.gz: raw capture PYMTRC01 · CPython 3.11.7 · 168,322 records · replayed through @pymem/arena');
    expect(await text(page, 'status')).toBe('record 168,322 of 168,322 · 3 arenas (3 MiB) · 31 pools in use · 40,480 bytes in pymalloc blocks');
    expect(await page.locator('[data-testid=timeline] .uplot canvas').count()).toBe(1);
    expect(await page.locator('[data-testid=arena-map] g.pv-arena, [data-testid=arena-map] .pv-arena-row, [data-testid=arena-map] g[data-slot]').count()).toBeGreaterThan(0);
    const mapAtEnd = await page.getByTestId('arena-map').innerHTML();

    // Seek by typing a position: the heap as `pymem stats --at '#1000'` prints it.
    await page.getByTestId('goto').fill('1000');
    await page.getByTestId('goto').press('Enter');
    await page.getByTestId('status').filter({ hasText: 'record 1,000 of' }).waitFor();
    expect(await text(page, 'status')).toBe('record 1,000 of 168,322 · 1 arena (1 MiB) · 13 pools in use · 33,744 bytes in pymalloc blocks');
    expect(await page.getByTestId('arena-map').innerHTML()).not.toBe(mapAtEnd);
    expect(await page.locator('[data-testid=class-table] tr[data-class="4"] td').allTextContents()).toEqual(['4', '80', '2', '244', '164', expect.stringMatching(/%$/)]);

    // Scrub with the keyboard: the slider steps one record.
    await page.getByTestId('position').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('status').filter({ hasText: 'record 999 of' }).waitFor();
    expect(await page.getByTestId('position').inputValue()).toBe('999');
    await page.getByTestId('forward-big').click();
    await page.getByTestId('status').filter({ hasText: 'record 2,682 of' }).waitFor();

    // Scrub with the mouse: a click on the chart seeks there.
    const over = page.locator('[data-testid=timeline] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => /^record (8\d|7\d),\d{3} of/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''));
    const mid = Number((await page.getByTestId('position').inputValue()));
    expect(mid).toBeGreaterThan(70_000);
    expect(mid).toBeLessThan(100_000);

    // The other charts: arenas, and pools in use per class (one series per class that had a pool).
    await page.getByTestId('chart-kind').selectOption('pools');
    await page.locator('[data-testid=timeline] .u-title', { hasText: 'pools per class' }).waitFor();
    expect(await page.locator('[data-testid=timeline] .u-legend .u-series').count()).toBeGreaterThan(10);
    await page.getByTestId('chart-kind').selectOption('arenas');
    await page.locator('[data-testid=timeline] .u-title', { hasText: 'arenas' }).waitFor();
    expect(await page.locator('[data-testid=timeline] .uplot').count()).toBe(1);

    // A pool at that time, chosen with the keyboard.
    await page.locator('[data-testid=arena-map] g.pv-pool').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=pool] svg > title').waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=pool] svg > title').textContent()).toMatch(/^pool 0x[0-9a-f]+ · class \d+/);
    // The marks jump.
    await page.locator('[data-testid=marks] button', { hasText: 'atexit' }).click();
    await page.getByTestId('status').filter({ hasText: 'record 168,322 of' }).waitFor();
    await shot(page, 'bundled-capture');
  });

  test('the viewer opens files from disk: a .pymem trace, a gzip raw capture, and says what is wrong with a bad one', async () => {
    const page = await open('/viewer.html');
    expect(await text(page, 'status')).toBe('Open a .pymem trace or a raw capture (.bin or .bin.gz) from your disk.');
    await page.getByTestId('file').setInputFiles({ name: 'small.pymem', mimeType: 'application/octet-stream', buffer: await smallTrace() });
    await page.getByTestId('status').filter({ hasText: 'event 5 of 5' }).waitFor();
    expect(await text(page, 'description')).toBe('small.pymem: .pymem trace 1.0 · CPython 3.11.7 · 5 events · 1 chunk in the index · clock event');
    expect(await text(page, 'status')).toBe('event 5 of 5 · 1 arena (1 MiB) · 2 pools in use · 544 bytes in pymalloc blocks');
    const cells = page.locator('[data-testid=arena-map] g.pv-pool');
    expect(await cells.count()).toBe(64);
    expect(await cells.nth(0).getAttribute('aria-label')).toBe('arena 0 pool 0 at 0x100000: used, class 1 (32-byte blocks), 1 of 510 blocks in use');
    expect(await cells.nth(1).getAttribute('aria-label')).toBe('arena 0 pool 1 at 0x104000: used, class 31 (512-byte blocks), 1 of 31 blocks in use');
    // Back two events: both small blocks live again, the big one not yet.
    await page.getByTestId('back').click();
    await page.getByTestId('back').click();
    await page.getByTestId('status').filter({ hasText: 'event 3 of 5' }).waitFor();
    expect(await cells.nth(0).getAttribute('aria-label')).toBe('arena 0 pool 0 at 0x100000: used, class 1 (32-byte blocks), 2 of 510 blocks in use');
    expect(await cells.nth(1).getAttribute('data-status')).toBe('untouched');
    // The index: one events chunk of 5 events, chosen by keyboard.
    expect(await page.locator('[data-testid=chunks] option:not([disabled])').allTextContents()).toEqual(['chunk 0: events 0–4 · time 0 · 0 bytes live at its start, peak 548 · 1 arena at its end']);
    await page.getByTestId('chunks').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('status').filter({ hasText: 'event 0 of 5' }).waitFor();
    expect(await text(page, 'status')).toBe('event 0 of 5 · 0 arenas (0 MiB) · 0 pools in use · 0 bytes in pymalloc blocks');
    expect(await cells.count()).toBe(0);
    expect(await text(page, 'pool')).toBe('No arena is live at this position.');
    await page.getByTestId('goto-time').fill('0');
    await page.getByTestId('goto-time').press('Enter');
    await page.getByTestId('status').filter({ hasText: 'event 1 of 5' }).waitFor();

    await page.getByTestId('file').setInputFiles(DEMO);
    await page.getByTestId('status').filter({ hasText: 'record 168,322 of 168,322' }).waitFor({ timeout: 60_000 });
    expect(await text(page, 'description')).toBe('demo.bin.gz: raw capture PYMTRC01 · CPython 3.11.7 · 168,322 records · replayed through @pymem/arena');

    await page.getByTestId('file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, world') });
    await page.getByTestId('error').waitFor();
    expect(await text(page, 'error')).toBe('notes.txt is neither a .pymem trace nor a raw PYMTRC01 capture (plain or gzip): it starts with 68 65 6c 6c 6f 2c 20 77');
    expect(await text(page, 'status')).toBe('Nothing is open.');
    expect(await page.locator('[data-testid=arena-map] g.pv-pool').count()).toBe(0);
    expect(await page.locator('[data-testid=timeline] .uplot').count()).toBe(0);
    expect(await page.getByTestId('position').isDisabled()).toBe(true);
    await page.getByTestId('file').setInputFiles({ name: 'cut.bin.gz', mimeType: 'application/gzip', buffer: readFileSync(DEMO).subarray(0, 5000) });
    await page.getByTestId('error').filter({ hasText: 'cut.bin.gz:' }).waitFor();
    expect(await text(page, 'error')).toMatch(/^cut\.bin\.gz: .* \(E_[A-Z_]+\)$/);
    await shot(page, 'viewer');
  });

  test('the home page leads to the guide, the playground and the viewer', async () => {
    const page = await open('/');
    expect(await page.locator('.VPHero .actions a').allTextContents()).toEqual(['Read the guide', 'Playground', 'Open a trace']);
    await page.locator('.VPHero .actions a', { hasText: 'Playground' }).click();
    await page.waitForURL(/\/playground\.html$/);
    await page.getByTestId('step-status').filter({ hasText: 'step 12 of 12' }).waitFor();
    await shot(page, 'home-to-playground');
  });

  test('the performance page and the API reference load', async () => {
    const page = await open('/performance.html');
    expect((await page.locator('h1').first().innerText()).replace(/\u200b/g, '').trim()).toBe('Performance');
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(6);
    await shot(page, 'performance');
    const api = await open('/reference.html');
    await api.locator('a', { hasText: 'all packages' }).click();
    await api.waitForURL(/\/api\/index\.html$/);
    await api.waitForLoadState('networkidle');
    expect(await api.title()).toMatch(/pymem API/);
    for (const pkg of ['@pymem/arena', '@pymem/trace', '@pymem/objects', '@pymem/viz']) expect(await api.locator('a', { hasText: pkg }).count()).toBeGreaterThan(0);
    await api.locator('a', { hasText: '@pymem/arena' }).first().click();
    await api.waitForLoadState('networkidle');
    expect(await api.locator('a', { hasText: 'createLinearHeap' }).count()).toBeGreaterThan(0);
    await shot(api, 'api');
  });

  test('nothing was requested from outside the site, nothing threw', () => {
    expect(site!.foreign).toEqual([]);
    expect(site!.errors).toEqual([]);
  });
});
