import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, full } from '../test/sample-records.js';
import { RecordDigest, TRACES, loadCapture, statsText } from '../test/shared-traces.js';
import type { RawRecordData } from './api.js';
import {
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_END,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
} from './api.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import { copyRawRecord } from './raw-record.js';
import { parseStatsFile } from './stats-file.js';
import { TraceFormatError } from './trace-format-error.js';

function decodeAll(bytes: Uint8Array): { records: RawRecordData[]; ended: boolean } {
  const records: RawRecordData[] = [];
  const { ended } = decodeRawCapture(bytes, (r) => records.push(copyRawRecord(r)));
  return { records, ended };
}

function errorOf(fn: () => unknown): TraceFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

describe('decodeRawCapture on synthetic captures', () => {
  it('round-trips every op, escaped sizes and big pointers', () => {
    for (const escapeSizes of [false, true]) {
      const bytes = encodeRawCapture(SAMPLE, { escapeSizes, header: { pid: 4242, escapedBlocks: -3 } });
      const summary = decodeRawCapture(bytes, () => undefined);
      expect(summary).toMatchObject({ records: SAMPLE.length, ended: true, byteLength: bytes.length });
      expect(summary.header).toEqual({ version: 1, pointerSize: 8, pid: 4242, flags: 3, escapedBlocks: -3, pyVersionHex: 0x030b07f0, pyVersion: '3.11.7' });
      expect(decodeAll(bytes).records).toEqual(SAMPLE.map(full));
    }
  });

  it('gives each record its index and byte offset, and no end record', () => {
    const bytes = encodeRawCapture(SAMPLE.slice(0, 4));
    const seen: [number, number, number][] = [];
    decodeRawCapture(bytes, (r) => seen.push([r.index, r.offset, r.op]));
    expect(seen).toEqual([
      [0, 40, OP_MALLOC],
      [1, 53, OP_CALLOC],
      [2, 70, OP_REALLOC],
      [3, 91, OP_FREE],
    ]);
  });

  it('reports a missing end record as ended: false, not an error', () => {
    const bytes = encodeRawCapture(SAMPLE, { end: false });
    expect(decodeRawCapture(bytes, () => undefined)).toMatchObject({ records: SAMPLE.length, ended: false });
    expect(decodeRawCapture(encodeRawCapture([], { end: false }), () => undefined)).toMatchObject({ records: 0, ended: false, byteLength: 40 });
  });

  it('rejects a wrong end count (E_COUNT) and data after the end (E_TRAILING)', () => {
    const bad = encodeRawCapture([...SAMPLE.slice(0, 2), { op: OP_END, endCount: 5 }], { end: false });
    expect(errorOf(() => decodeRawCapture(bad, () => undefined))).toMatchObject({ code: 'E_COUNT', offset: 70 });
    const ok = encodeRawCapture(SAMPLE.slice(0, 2));
    const trailing = new Uint8Array(ok.length + 1);
    trailing.set(ok);
    const e = errorOf(() => decodeRawCapture(trailing, () => undefined));
    expect(e).toMatchObject({ code: 'E_TRAILING', offset: ok.length });
    expect(e.message).toContain(`byte ${ok.length}`);
  });

  it('names unknown tags with their byte offset and record index', () => {
    const bytes = encodeRawCapture(SAMPLE.slice(0, 2));
    for (const tag of [0x00, 0x09, 0x0f, 0x41, 0x39, 0xff]) {
      const copy = bytes.slice();
      copy[53] = tag;
      const e = errorOf(() => decodeRawCapture(copy, () => undefined));
      expect(e.code).toBe('E_TAG');
      expect(e.offset).toBe(53);
      expect(e.message).toBe(`unknown record tag 0x${tag.toString(16).padStart(2, '0')} at byte 53 (record 1)`);
    }
  });

  it('rejects pointers and sizes beyond 2^53 (E_POINTER, E_SIZE) at the field', () => {
    const bytes = encodeRawCapture([{ op: OP_MALLOC, size: 8, result: 0 }]);
    bytes[40 + 1 + 4 + 7] = 0x00;
    bytes[40 + 1 + 4 + 6] = 0x20; // high word 0x00200000 = 2^21
    expect(errorOf(() => decodeRawCapture(bytes, () => undefined))).toMatchObject({ code: 'E_POINTER', offset: 45 });
    const sized = encodeRawCapture([{ op: OP_MALLOC, size: 8, result: 0 }], { escapeSizes: true });
    sized[40 + 1 + 4 + 7] = 0xff;
    expect(errorOf(() => decodeRawCapture(sized, () => undefined))).toMatchObject({ code: 'E_SIZE', offset: 45 });
  });

  it('checks the header: magic, version, pointer size, length', () => {
    const bytes = encodeRawCapture([]);
    const magic = bytes.slice();
    magic[3] = 0x58;
    expect(errorOf(() => decodeRawCapture(magic, () => undefined))).toMatchObject({ code: 'E_MAGIC', offset: 3 });
    const version = encodeRawCapture([], { header: { version: 2 } });
    expect(errorOf(() => decodeRawCapture(version, () => undefined))).toMatchObject({ code: 'E_VERSION', offset: 8 });
    const ptr = encodeRawCapture([], { header: { pointerSize: 4 } });
    expect(errorOf(() => decodeRawCapture(ptr, () => undefined))).toMatchObject({ code: 'E_POINTER_SIZE', offset: 12 });
    expect(errorOf(() => decodeRawCapture(bytes.subarray(0, 39), () => undefined))).toMatchObject({ code: 'E_TRUNCATED', offset: 0 });
    expect(errorOf(() => decodeRawCapture(new Uint8Array([0x1f, 0x8b, 8]), () => undefined)).message).toContain('gzip');
  });

  it('truncation at every byte position: E_TRUNCATED at the cut record, or a clean end between records', () => {
    for (const escapeSizes of [false, true]) {
      const bytes = encodeRawCapture(SAMPLE, { escapeSizes });
      const starts: number[] = [];
      decodeRawCapture(bytes, (r) => starts.push(r.offset));
      const endAt = bytes.length - 9;
      starts.push(endAt);
      for (let cut = 0; cut < bytes.length; cut++) {
        const part = bytes.subarray(0, cut);
        if (cut < 40) {
          expect(errorOf(() => decodeRawCapture(part, () => undefined))).toMatchObject({ code: 'E_TRUNCATED', offset: 0 });
          continue;
        }
        const boundary = starts.indexOf(cut);
        if (cut === 40 || boundary >= 0) {
          const n = cut === 40 ? 0 : boundary;
          expect(decodeRawCapture(part, () => undefined)).toMatchObject({ records: n, ended: false });
          continue;
        }
        const recordStart = Math.max(...starts.filter((s) => s < cut));
        const e = errorOf(() => decodeRawCapture(part, () => undefined));
        expect(e).toMatchObject({ code: 'E_TRUNCATED', offset: recordStart });
        expect(e.message).toContain(`record ${starts.indexOf(recordStart)}`);
      }
    }
  });
});

describe('decodeRawCapture on the shared real captures', () => {
  for (const t of TRACES) {
    describe(t.name, () => {
      const ops = new Array<number>(9).fill(0);
      const marks: { id: number; label: string; index: number }[] = [];
      let arenasAllocated = 0;
      let arenasReleased = 0;
      const digest = new RecordDigest();
      let summary: ReturnType<typeof decodeRawCapture>;
      beforeAll(async () => {
        const bytes = await loadCapture(t.name);
        summary = decodeRawCapture(bytes, (r) => {
          digest.add(r);
          ops[r.op]!++;
          if (r.op === OP_MARK) marks.push({ id: r.markId, label: r.markLabel, index: r.index });
          else if (r.op === OP_ARENA_ALLOC && r.size === 1 << 20) arenasAllocated++;
          else if (r.op === OP_ARENA_FREE && r.size === 1 << 20) arenasReleased++;
        });
      });

      it('has the README record count (end record included) and a matching end record', () => {
        expect(summary.ended).toBe(true);
        expect(summary.records + 1).toBe(t.records);
        expect(ops.reduce((a, b) => a + b, 0)).toBe(summary.records);
        expect([digest.count, digest.hash]).toEqual([summary.records, t.digest]);
      });

      it('has the README number of allocation results and 1 MiB arena events', () => {
        expect(ops[OP_MALLOC]! + ops[OP_CALLOC]! + ops[OP_REALLOC]!).toBe(t.allocationResults);
        expect(ops[0]).toBe(0);
        expect([arenasAllocated, arenasReleased]).toEqual([t.arenasAllocated, t.arenasReleased]);
      });

      it('has the CPython 3.11.7 header', () => {
        expect(summary.header).toMatchObject({ version: 1, pointerSize: 8, flags: 3, escapedBlocks: 0, pyVersionHex: 0x030b07f0, pyVersion: '3.11.7' });
        expect(summary.header.pid).toBeGreaterThan(0);
      });

      it('has the stats file marks, each at index events - 1', () => {
        const dumps = parseStatsFile(statsText(t.name));
        expect(marks.map((m) => [m.id, m.label, m.index + 1])).toEqual(dumps.map((d) => [d.id, d.label, d.events]));
        expect(marks.at(-1)?.label).toBe('atexit');
      });
    });
  }
});
