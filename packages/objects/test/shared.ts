import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo root>/../shared`, or `$PYMEM_SHARED`. */
export const SHARED_DIR: string = process.env['PYMEM_SHARED'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');

/** Parses a JSON file of `shared/objects`. */
export function readObjectsJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(SHARED_DIR, 'objects', name), 'utf8')) as unknown;
}
