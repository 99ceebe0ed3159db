import type { Options } from 'tsup';

/**
 * The report page's script: one browser IIFE of `src/report/browser.ts` with
 * @pymem/viz, uPlot and uPlot's CSS (as text), which `pymem report` inlines
 * into every HTML file. Built after the CLI (tsup.config.ts) and, into a
 * temporary folder, before the tests (test/report-bundle.setup.ts).
 */
export function reportBundle(outDir: string): Options {
  return {
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
    outDir,
    config: false,
  };
}
