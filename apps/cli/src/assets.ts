import { fileURLToPath } from 'node:url';

/** Files shipped in the package's `assets/` folder. */
export function assetPath(name: string): string {
  return fileURLToPath(new URL(`../assets/${name}`, import.meta.url));
}

/** The bundled demo capture: real CPython 3.11.7 running `python3 -c pass`, recorded with `pymem capture`. */
export const DEMO_CAPTURE = 'demo.bin.gz';
/** Its `sys._debugmallocstats()` dumps. */
export const DEMO_STATS = 'demo.stats.txt';
