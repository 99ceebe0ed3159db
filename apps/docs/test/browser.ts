import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { serveStatic } from './serve.js';

/** The Chromium the browser tests drive (`PYMEM_CHROMIUM` points at another build, or at nothing to see the skip). */
export const CHROMIUM = process.env['PYMEM_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a headless, offline-friendly Chromium. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The built site under test: `.vitepress/dist`, or `PYMEM_DOCS_DIST` (a build
 * made with `vitepress build --outDir DIR`, so that several builds can be
 * tested side by side).
 */
export const SITE_DIST = process.env['PYMEM_DOCS_DIST'] ?? join(import.meta.dirname, '..', '.vitepress', 'dist');

/** Where screenshots are kept as test artifacts. */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'test-results');

/** Why the browser tests are skipped, or undefined when Chromium is there. */
export const SKIP_REASON = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (install it with apt-get install -y chromium)`;

/** A built site served on localhost with a Chromium to open its pages. */
export interface SiteSession {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  readonly base: string;
  /** Every request a page made outside the site (`data:` and `blob:` URLs are the page's own). */
  readonly foreign: string[];
  /** Every uncaught error of a page, prefixed with its path. */
  readonly errors: string[];
  /** Opens `path` in a new 1280×1400 page and waits until the network is idle. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serves {@link SITE_DIST} and launches Chromium. `pages` (paths without
 * `.html`) must be in the build, or it throws saying to build the site.
 */
export async function openSite(pages: readonly string[]): Promise<SiteSession> {
  for (const p of pages) {
    if (!existsSync(join(SITE_DIST, `${p}.html`))) throw new Error(`no ${p}.html in ${SITE_DIST}: build the site first (pnpm --filter @pymem/docs build)`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const server = await serveStatic(SITE_DIST);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  const base = server.url;
  const foreign: string[] = [];
  const errors: string[] = [];
  return {
    base,
    foreign,
    errors,
    async open(path) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      page.setDefaultTimeout(20_000);
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
      });
      page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
      await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
