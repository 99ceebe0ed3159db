import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, full } from '../test/sample-records.js';
import { RecordDigest, loadCapture } from '../test/shared-traces.js';
import type { RawRecordData } from './api.js';
import { OP_MARK, RAW_MAX_RECORD_SIZE } from './api.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import type { RawCaptureSummary } from './raw-capture-summary.js';
import { RawRecordDecoder } from './raw-record-decoder.js';
import { copyRawRecord } from './raw-record.js';
import { TraceFormatError } from './trace-format-error.js';

type Outcome = { ok: true; records: RawRecordData[]; summary: RawCaptureSummary } | { ok: false; code: string; offset: number; message: string };

function outcome(run: (keep: (r: Parameters<Parameters<typeof decodeRawCapture>[1]>[0]) => void) => RawCaptureSummary): Outcome {
  const records: RawRecordData[] = [];
  try {
    const summary = run((r) => records.push(copyRawRecord(r)));
    return { ok: true, records, summary };
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    return { ok: false, code: e.code, offset: e.offset, message: e.message };
  }
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  return chunks;
}

function streamed(chunks: readonly Uint8Array[]): Outcome {
  return outcome((keep) => {
    const d = new RawRecordDecoder();
    for (const c of chunks) d.push(c, keep);
    return d.finish();
  });
}

function whole(bytes: Uint8Array): Outcome {
  return outcome((keep) => decodeRawCapture(bytes, keep));
}

const bigLabel = 'x'.repeat(0xffff);
const WITH_BIG_MARK = encodeRawCapture([...SAMPLE, { op: OP_MARK, markId: 9, markLabel: bigLabel }, ...SAMPLE]);

describe('RawRecordDecoder', () => {
  it('gives the same records as decodeRawCapture for random chunk splits', () => {
    const inputs = [encodeRawCapture(SAMPLE), encodeRawCapture(SAMPLE, { escapeSizes: true }), encodeRawCapture(SAMPLE, { end: false })];
    for (const bytes of inputs) {
      const expected = whole(bytes);
      expect(expected.ok).toBe(true);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (cuts) => {
          expect(streamed(split(bytes, cuts))).toEqual(expected);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('handles one-byte chunks and a 65,535-byte mark label split anywhere', () => {
    const small = encodeRawCapture(SAMPLE, { escapeSizes: true });
    expect(streamed(Array.from(small, (b) => Uint8Array.of(b)))).toEqual(whole(small));
    const expected = whole(WITH_BIG_MARK);
    expect(expected.ok && expected.records.length).toBe(2 * SAMPLE.length + 1);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: WITH_BIG_MARK.length }), { maxLength: 8 }), (cuts) => {
        expect(streamed(split(WITH_BIG_MARK, cuts))).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    expect(RAW_MAX_RECORD_SIZE).toBe(65542);
  });

  it('fails exactly as decodeRawCapture on every truncation, whatever the chunking', () => {
    const bytes = encodeRawCapture(SAMPLE);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const part = bytes.subarray(0, cut);
      const expected = whole(part);
      expect(streamed([part])).toEqual(expected);
      expect(streamed(split(part, [7, 41, cut - 3, cut - 1]))).toEqual(expected);
    }
  });

  it('rejects data after the end record even in a later chunk (E_TRAILING at its offset)', () => {
    const bytes = encodeRawCapture(SAMPLE.slice(0, 3));
    const d = new RawRecordDecoder();
    d.push(bytes, () => undefined);
    expect(d.ended).toBe(true);
    d.push(new Uint8Array(0), () => undefined);
    expect(() => {
      d.push(Uint8Array.of(1), () => undefined);
    }).toThrow(expect.objectContaining({ code: 'E_TRAILING', offset: bytes.length }));
  });

  it('rejects a bad magic before the whole header has arrived', () => {
    const d = new RawRecordDecoder();
    d.push(Uint8Array.of(0x50, 0x59), () => undefined);
    expect(() => {
      d.push(Uint8Array.of(0x4e), () => undefined);
    }).toThrow(expect.objectContaining({ code: 'E_MAGIC', offset: 2 }));
  });

  it('exposes header, counts and bytes while streaming', () => {
    const bytes = encodeRawCapture(SAMPLE);
    const d = new RawRecordDecoder();
    expect(d.header).toBeUndefined();
    d.push(bytes.subarray(0, 60), () => undefined);
    expect(d.header?.pyVersion).toBe('3.11.7');
    expect([d.recordCount, d.bytesRead, d.ended]).toEqual([1, 60, false]);
    d.push(bytes.subarray(60), () => undefined);
    expect(d.finish()).toMatchObject({ records: SAMPLE.length, ended: true, byteLength: bytes.length });
    expect(whole(bytes)).toMatchObject({ records: SAMPLE.map(full) });
  });
});

describe('RawRecordDecoder on a real capture', () => {
  let bytes: Uint8Array;
  let prefix: Uint8Array;
  let expected: RecordDigest;
  beforeAll(async () => {
    bytes = await loadCapture('startup');
    expected = new RecordDigest();
    decodeRawCapture(bytes, expected.add);
    let cut = 0;
    decodeRawCapture(bytes, (r) => {
      if (r.index === 3000) cut = r.offset;
    });
    prefix = bytes.subarray(0, cut);
  });

  it('random splits of a 3,000-record prefix give the same records', () => {
    const want = whole(prefix);
    expect(want.ok && want.records.length).toBe(3000);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: prefix.length }), { maxLength: 200 }), (cuts) => {
        expect(streamed(split(prefix, cuts))).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });

  it('random chunk sizes over the whole capture give the same digest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 0, max: 2 ** 31 }), (size, seed) => {
        const got = new RecordDigest();
        const d = new RawRecordDecoder();
        let s = seed;
        for (let at = 0; at < bytes.length; ) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const n = 1 + (s % size);
          d.push(bytes.subarray(at, at + n), got.add);
          at += n;
        }
        expect(d.finish()).toMatchObject({ records: expected.count, ended: true });
        expect([got.count, got.hash]).toEqual([expected.count, expected.hash]);
      }),
      { numRuns: 5 },
    );
  });
});
