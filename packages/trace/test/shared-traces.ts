// Test helper: locates the shared real captures and reads each at most once per test file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawRecordView } from '../src/api.js';
import { readRawCaptureFile } from '../src/node.js';

const here = dirname(fileURLToPath(import.meta.url));

/** `<repo root>/../shared`, or `$PYMEM_SHARED`. */
export const SHARED_DIR: string = process.env['PYMEM_SHARED'] ?? resolve(here, '../../../../shared');

/**
 * The shared captures: the figures of their README table (records include
 * the end record) and the {@link RecordDigest} of their records, which every
 * decoding path must reproduce.
 */
export const TRACES = [
  { name: 'startup', records: 163_031, allocationResults: 82_356, arenasAllocated: 4, arenasReleased: 1, digest: 0xc3b9d090 | 0 },
  { name: 'ast_stdlib', records: 3_130_434, allocationResults: 1_578_599, arenasAllocated: 17, arenasReleased: 12, digest: 0x554a6b0b | 0 },
  { name: 'json', records: 3_090_639, allocationResults: 1_574_604, arenasAllocated: 20, arenasReleased: 15, digest: 0x4ffa62f7 | 0 },
  { name: 'churn', records: 3_426_752, allocationResults: 1_811_324, arenasAllocated: 43, arenasReleased: 38, digest: 0x908ca71e | 0 },
] as const;

/** Name of a shared capture. */
export type TraceName = (typeof TRACES)[number]['name'];

/** Path of `NAME.bin.gz`; fails loudly if the shared folder is missing. */
export function capturePath(name: TraceName): string {
  const path = join(SHARED_DIR, 'traces', `${name}.bin.gz`);
  if (!existsSync(path)) throw new Error(`shared capture not found: ${path} (set PYMEM_SHARED)`);
  return path;
}

/** Text of `NAME.stats.txt`. */
export function statsText(name: TraceName): string {
  return readFileSync(join(SHARED_DIR, 'traces', `${name}.stats.txt`), 'utf8');
}

const cache = new Map<TraceName, Promise<Uint8Array>>();

/** The uncompressed capture, read once per test file. */
export function loadCapture(name: TraceName): Promise<Uint8Array> {
  let p = cache.get(name);
  if (p === undefined) {
    p = readRawCaptureFile(capturePath(name));
    cache.set(name, p);
  }
  return p;
}

/** The gzip'd capture as it is on disk. */
export function loadCompressed(name: TraceName): Uint8Array {
  return readFileSync(capturePath(name));
}

/** An order-sensitive digest of records, to compare two decodes without keeping them. */
export class RecordDigest {
  hash = 0;
  count = 0;
  readonly add = (r: RawRecordView): void => {
    let h = this.hash;
    h = Math.imul(h ^ r.op, 0x01000193);
    h = Math.imul(h ^ r.domain, 0x01000193);
    h = Math.imul(h ^ (r.size | 0), 0x01000193);
    h = Math.imul(h ^ (r.size2 | 0), 0x01000193);
    h = Math.imul(h ^ (r.ptr | 0), 0x01000193);
    h = Math.imul(h ^ ((r.ptr / 0x1_0000_0000) | 0), 0x01000193);
    h = Math.imul(h ^ (r.result | 0), 0x01000193);
    h = Math.imul(h ^ ((r.result / 0x1_0000_0000) | 0), 0x01000193);
    h = Math.imul(h ^ r.markId, 0x01000193);
    h = Math.imul(h ^ r.index, 0x01000193);
    this.hash = h;
    this.count++;
  };
}
