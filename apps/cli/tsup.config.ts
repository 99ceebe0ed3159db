import { build, defineConfig } from 'tsup';
import { base } from '../../tsup.config.base';
import { reportBundle } from './report-bundle.config';

/** The CLI (ESM for Node) and, once it is built, the report page's script (see report-bundle.config.ts). */
export default defineConfig({
  ...base,
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  async onSuccess() {
    await build(reportBundle('dist'));
  },
});
