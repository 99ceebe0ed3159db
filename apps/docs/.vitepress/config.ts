import { cpSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitepress';

const root = join(import.meta.dirname, '..');
const apiDir = join(root, 'api');
// The CLI's own demo capture (made with `pymem capture`), served by the bundled-capture page.
const demoCapture = join(root, '..', 'cli', 'assets', 'demo.bin.gz');

// The guide in reading order. A chapter appears once its page exists, so a
// chapter being written does not break the build with a dead link.
const chapters = [
  { text: 'Source, bytecode and the VM', link: '/guide/bytecode' },
  { text: 'Reference counting', link: '/guide/refcounting' },
  { text: 'pymalloc: arenas, pools and blocks', link: '/guide/pymalloc' },
  { text: 'usedpools and freepools', link: '/guide/pools-and-lists' },
  { text: 'Arena pinning', link: '/guide/arena-pinning' },
].filter((c) => existsSync(join(root, `${c.link}.md`)));

// Offline: no CDN, no external fonts (the default theme bundles its own),
// the local search index instead of a hosted one.
export default defineConfig({
  title: 'pymem',
  description: "CPython's memory manager, rebuilt in TypeScript and explained with live widgets",
  lang: 'en',
  cleanUrls: false,
  srcExclude: ['README.md', 'api/**', 'test/**', 'test-results/**'],
  // The typedoc pages (`pnpm --filter @pymem/docs build` makes them first) are plain HTML copied in after the build.
  ignoreDeadLinks: [/^\/api\//],
  // `vitepress dev` serves the demo capture from where it lives (the build copies it).
  vite: {
    plugins: [
      {
        name: 'pymem-demo-capture',
        configureServer(server) {
          server.middlewares.use('/captures/demo.bin.gz', (_req, res) => {
            res.setHeader('content-type', 'application/octet-stream');
            createReadStream(demoCapture).pipe(res);
          });
        },
      },
    ],
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/' },
      { text: 'Playground', link: '/playground' },
      { text: 'Trace viewer', link: '/viewer' },
      { text: 'Performance', link: '/performance' },
      { text: 'API', link: '/reference' },
    ],
    sidebar: [
      { text: 'Guide', link: '/guide/', items: chapters },
      {
        text: 'Try it',
        items: [
          { text: 'Playground', link: '/playground' },
          { text: 'Trace viewer', link: '/viewer' },
          { text: 'A real CPython capture', link: '/bundled-capture' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Performance', link: '/performance' },
          { text: 'API', link: '/reference' },
        ],
      },
    ],
    search: { provider: 'local' },
  },
  buildEnd(site) {
    if (existsSync(apiDir)) cpSync(apiDir, join(site.outDir, 'api'), { recursive: true });
    if (!existsSync(demoCapture)) throw new Error(`${demoCapture} is missing: the bundled-capture page serves it`);
    mkdirSync(join(site.outDir, 'captures'), { recursive: true });
    cpSync(demoCapture, join(site.outDir, 'captures', 'demo.bin.gz'));
  },
});
