import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitepress';

const apiDir = join(import.meta.dirname, '..', 'api');

// Offline: no CDN, no external fonts (the default theme bundles its own),
// the local search index instead of a hosted one.
export default defineConfig({
  title: 'pymem',
  description: "CPython's memory manager, rebuilt in TypeScript and explained with live widgets",
  lang: 'en',
  cleanUrls: false,
  srcExclude: ['README.md', 'api/**', 'test/**', 'test-results/**'],
  // The typedoc pages (`pnpm docs:api`) are plain HTML copied in after the build.
  ignoreDeadLinks: [/^\/api\//],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/pymalloc' },
      { text: 'API', link: '/reference' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [{ text: 'pymalloc: arenas, pools and blocks', link: '/guide/pymalloc' }],
      },
      { text: 'Reference', items: [{ text: 'API', link: '/reference' }] },
    ],
    search: { provider: 'local' },
  },
  buildEnd(site) {
    if (existsSync(apiDir)) cpSync(apiDir, join(site.outDir, 'api'), { recursive: true });
  },
});
