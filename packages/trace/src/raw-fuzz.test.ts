// Fuzz: mutated, truncated and random captures either decode or throw a
// TraceFormatError with an in-range offset, identically in the whole-buffer
// and streaming decoders. FUZZ_RUNS sets the number of inputs per property
// (`pnpm --filter @pymem/trace fuzz` runs 1,000,000).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE } from '../test/sample-records.js';
import { RecordDigest, loadCapture } from '../test/shared-traces.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import { RawRecordDecoder } from './raw-record-decoder.js';
import { TraceFormatError } from './trace-format-error.js';
import { byteMutationFields, mutate } from '../test/mutation.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);
const TIMEOUT = Math.max(60_000, RUNS * 2);

type Outcome = readonly [ok: true, records: number, hash: number, ended: boolean] | readonly [ok: false, code: string, offset: number];

function run(decode: (add: RecordDigest['add']) => { ended: boolean }): Outcome {
  const digest = new RecordDigest();
  try {
    const { ended } = decode(digest.add);
    return [true, digest.count, digest.hash, ended];
  } catch (e) {
    if (e instanceof TraceFormatError) return [false, e.code, e.offset];
    throw e;
  }
}

/** Decodes `bytes` both ways and checks the contract; returns the outcome. */
function check(bytes: Uint8Array, chunk: number): Outcome {
  const whole = run((add) => decodeRawCapture(bytes, add));
  const streamed = run((add) => {
    const d = new RawRecordDecoder();
    for (let at = 0; at < bytes.length; at += chunk) d.push(bytes.subarray(at, at + chunk), add);
    return d.finish();
  });
  if (!whole[0]) {
    expect(whole[2]).toBeGreaterThanOrEqual(0);
    expect(whole[2]).toBeLessThanOrEqual(bytes.length);
  }
  expect(streamed).toEqual(whole);
  return whole;
}

const mutation = fc.record({
  ...byteMutationFields(6),
  chunk: fc.integer({ min: 1, max: 64 }),
});

describe('fuzz: the decoders fail only with TraceFormatError at an in-range offset', () => {
  let prefix: Uint8Array;
  beforeAll(async () => {
    const bytes = await loadCapture('startup');
    let cut = 0;
    decodeRawCapture(bytes, (r) => {
      if (r.index === 120) cut = r.offset;
    });
    // 120 real records and an end record counting them.
    prefix = new Uint8Array(cut + 9);
    prefix.set(bytes.subarray(0, cut));
    prefix.set([8, 120, 0, 0, 0, 0, 0, 0, 0], cut);
  });

  it(`mutations of a real capture prefix (${RUNS} runs)`, { timeout: TIMEOUT }, () => {
    expect(check(prefix, 7)[0]).toBe(true);
    const codes = new Set<string>();
    fc.assert(
      fc.property(mutation, (m) => {
        const o = check(mutate(prefix, m), m.chunk);
        codes.add(o[0] ? 'ok' : o[1]);
      }),
      { numRuns: RUNS },
    );
    // The inputs reach every kind of outcome, not just the header check.
    if (RUNS >= 1000) expect([...codes].sort()).toEqual(expect.arrayContaining(['E_COUNT', 'E_POINTER', 'E_TAG', 'E_TRUNCATED', 'ok']));
  });

  it(`mutations of a synthetic capture with every op, marks and escapes (${RUNS} runs)`, { timeout: TIMEOUT }, () => {
    const base = encodeRawCapture([...SAMPLE, ...SAMPLE], { escapeSizes: true });
    fc.assert(
      fc.property(mutation, (m) => {
        check(mutate(base, m), m.chunk);
      }),
      { numRuns: RUNS },
    );
  });

  it(`random bytes after a valid header, and random bytes alone (${RUNS} runs)`, { timeout: TIMEOUT }, () => {
    const header = encodeRawCapture([], { end: false });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), (tail, withHeader, chunk) => {
        const bytes = withHeader ? new Uint8Array([...header, ...tail]) : tail;
        check(bytes, chunk);
      }),
      { numRuns: RUNS },
    );
  });
});
