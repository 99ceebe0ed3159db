import { build, defineConfig } from 'tsup';
import { base } from '../../tsup.config.base';

/**
 * The CLI (ESM for Node) and, once it is built, the report page's script:
 * one browser IIFE with @pymem/viz, uPlot and uPlot's CSS (as text), which
 * `pymem report` inlines into every HTML file.
 */
export default defineConfig({
  ...base,
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  async onSuccess() {
    await build({
      entry: { 'report-browser': 'src/report/browser.ts' },
      format: ['iife'],
      platform: 'browser',
      target: 'es2022',
      minify: true,
      dts: false,
      clean: false,
      sourcemap: false,
      silent: true,
      noExternal: [/.*/],
      loader: { '.css': 'text' },
      outDir: 'dist',
      config: false,
    });
  },
});
