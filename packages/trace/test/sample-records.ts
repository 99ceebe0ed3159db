// Test helper: synthetic records covering every op, escaped sizes and big pointers.
import type { RawRecordData } from '../src/api.js';
import {
  DOMAIN_ARENA,
  DOMAIN_MEM,
  DOMAIN_NONE,
  DOMAIN_OBJ,
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
} from '../src/api.js';
import type { RawRecordInit } from '../src/encode-raw-capture.js';

const P = 0x7f12_3456_7000;

/** One record of every kind, with escaped and big values. */
export const SAMPLE: RawRecordInit[] = [
  { op: OP_MALLOC, domain: DOMAIN_OBJ, size: 32, result: P },
  { op: OP_CALLOC, domain: DOMAIN_MEM, size: 3, size2: 24, result: P + 64 },
  { op: OP_REALLOC, domain: DOMAIN_MEM, ptr: P + 64, size: 700, result: 0x5555_0000_1000 },
  { op: OP_FREE, domain: DOMAIN_OBJ, ptr: 0 },
  { op: OP_ARENA_ALLOC, domain: DOMAIN_ARENA, size: 1 << 20, result: 0x7f00_0000_0000 },
  { op: OP_MARK, domain: DOMAIN_NONE, markId: 7, markLabel: 'after 10 files — ünïcode' },
  { op: OP_MALLOC, domain: DOMAIN_OBJ, size: 0x1_2345_6789, result: 2 ** 53 - 1 },
  { op: OP_CALLOC, domain: DOMAIN_OBJ, size: 0xffff_ffff, size2: 0x1_0000_0000, result: P },
  { op: OP_ARENA_FREE, domain: DOMAIN_ARENA, ptr: 0x7f00_0000_0000, size: 1 << 20 },
  { op: OP_MARK, domain: DOMAIN_NONE, markId: 0xffff_ffff, markLabel: '' },
];

/** The record `decode` gives for `r`: missing fields 0 or ''. */
export function full(r: RawRecordInit): RawRecordData {
  return { op: r.op, domain: r.domain ?? 0, size: r.size ?? 0, size2: r.size2 ?? 0, ptr: r.ptr ?? 0, result: r.result ?? 0, markId: r.markId ?? 0, markLabel: r.markLabel ?? '' };
}
