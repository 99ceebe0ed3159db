import type { PymallocObserver } from '@pymem/arena';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo root>/../shared`, or `$PYMEM_SHARED`. */
export const SHARED_DIR: string = process.env['PYMEM_SHARED'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');

/** Parses a JSON file of `shared/objects`. */
export function readObjectsJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(SHARED_DIR, 'objects', name), 'utf8')) as unknown;
}

/**
 * Installs an observer on `heap` that keeps the addresses of the blocks
 * allocated from now on and not yet freed (a realloc moves its block), and
 * returns that set: a test that ends with it empty freed everything it made.
 */
export function trackLiveBlocks(heap: { observer: PymallocObserver | undefined }): Set<number> {
  const live = new Set<number>();
  heap.observer = {
    blockAlloc: (a) => live.add(a),
    blockFree: (a) => live.delete(a),
    blockRealloc: (o, n) => {
      live.delete(o);
      live.add(n);
    },
  };
  return live;
}
