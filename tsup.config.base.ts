import type { Options } from 'tsup';

/** One build shape for every published package: ESM + CJS + types. */
export const base: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
};
