import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
