import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../test/sample-records.js';
import { DOMAIN_MEM, DOMAIN_OBJ, OP_FRAME, OP_FREE, OP_MALLOC, OP_MARK, OP_STACK, OP_STACK_SWITCH, OP_STRING, RAW_FLAG_STACKS } from './api.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import type { RawRecordInit } from './encode-raw-capture.js';
import type { RawRecordBatch } from './raw-record-batch.js';
import { RawRecordDecoder } from './raw-record-decoder.js';
import { readRawCapture } from './read-raw-capture.js';
import { TraceFormatError } from './trace-format-error.js';

const STACKS = { header: { flags: 3 | RAW_FLAG_STACKS } };

/** `<module>` → `outer` → `inner` in app.py, with a request at each level and one outside Python. */
const RECORDS: RawRecordInit[] = [
  { op: OP_MALLOC, domain: DOMAIN_MEM, size: 16, result: 0x1000 }, // before any stack: stack 0
  { op: OP_STRING, id: 1, text: '<module>' },
  { op: OP_STRING, id: 2, text: '/srv/app.py' },
  { op: OP_FRAME, id: 1, functionId: 1, fileId: 2, line: 1 },
  { op: OP_STACK, id: 1, parentId: 0, frameId: 1 },
  { op: OP_STACK_SWITCH, stack: 1 },
  { op: OP_MALLOC, domain: DOMAIN_OBJ, size: 32, result: 0x2000 },
  { op: OP_STRING, id: 3, text: 'outer' },
  { op: OP_FRAME, id: 2, functionId: 3, fileId: 2, line: 6 },
  { op: OP_STACK, id: 2, parentId: 1, frameId: 2 },
  { op: OP_STRING, id: 4, text: 'Parser.inner — ü' },
  { op: OP_FRAME, id: 3, functionId: 4, fileId: 2, line: 3 },
  { op: OP_STACK, id: 3, parentId: 2, frameId: 3 },
  { op: OP_STACK_SWITCH, stack: 3 },
  { op: OP_MALLOC, domain: DOMAIN_OBJ, size: 48, result: 0x3000 },
  { op: OP_FREE, domain: DOMAIN_OBJ, ptr: 0x2000 },
  { op: OP_MARK, markId: 1, markLabel: 'm' },
  { op: OP_STACK_SWITCH, stack: 0 },
  { op: OP_FREE, domain: DOMAIN_OBJ, ptr: 0x3000 },
];

function decodeAll(bytes: Uint8Array): { rows: [number, number, number][]; summary: ReturnType<typeof decodeRawCapture> } {
  const rows: [number, number, number][] = [];
  const summary = decodeRawCapture(bytes, (r) => rows.push([r.index, r.op, r.stack]));
  return { rows, summary };
}

function errorOf(f: () => unknown): TraceFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('stack records (header flag bit 2)', () => {
  const bytes = encodeRawCapture(RECORDS, STACKS);

  it('are not records: the end record counts 6, and each record carries the stack in force', () => {
    const { rows, summary } = decodeAll(bytes);
    expect(summary).toMatchObject({ records: 6, ended: true });
    expect(rows).toEqual([
      [0, OP_MALLOC, 0],
      [1, OP_MALLOC, 1],
      [2, OP_MALLOC, 3],
      [3, OP_FREE, 3],
      [4, OP_MARK, 3],
      [5, OP_FREE, 0],
    ]);
    // 40 header + 13 malloc + string '<module>' 15 + '/srv/app.py' 18 + frame 17 + stack 13 + switch 5
    expect(bytes[40 + 13]).toBe(OP_STRING);
    expect(bytes[40 + 13 + 15 + 18]).toBe(OP_FRAME);
    expect(bytes[40 + 13 + 15 + 18 + 17]).toBe(OP_STACK);
    expect(bytes[40 + 13 + 15 + 18 + 17 + 13]).toBe(OP_STACK_SWITCH);
  });

  it('fill a dictionary that resolves a stack id to its frames, outermost first', () => {
    const stacks = decodeAll(bytes).summary.stacks!;
    expect([stacks.stringCount, stacks.frameCount, stacks.stackCount]).toEqual([4, 3, 3]);
    expect(stacks.resolve(3)).toEqual([
      { id: 1, function: '<module>', file: '/srv/app.py', line: 1 },
      { id: 2, function: 'outer', file: '/srv/app.py', line: 6 },
      { id: 3, function: 'Parser.inner — ü', file: '/srv/app.py', line: 3 },
    ]);
    expect(stacks.resolve(0)).toEqual([]);
    expect(stacks.stack(3)).toMatchObject({ id: 3, parent: 2, depth: 3 });
    expect([...stacks.stacks()].map((s) => s.id)).toEqual([1, 2, 3]);
    expect(stacks.string(2)).toBe('/srv/app.py');
    expect(() => stacks.resolve(9)).toThrow('stack 9 is not defined');
  });

  it('decode the same whatever the chunking, and batches get a stack column', async () => {
    const whole = decodeAll(bytes).rows;
    for (let chunk = 1; chunk <= bytes.length; chunk++) {
      const d = new RawRecordDecoder();
      const rows: [number, number, number][] = [];
      for (let at = 0; at < bytes.length; at += chunk) d.push(bytes.subarray(at, at + chunk), (r) => rows.push([r.index, r.op, r.stack]));
      expect(d.finish()).toMatchObject({ records: 6, ended: true });
      expect(rows).toEqual(whole);
      expect(d.stacks!.resolve(3).map((f) => f.function)).toEqual(['<module>', 'outer', 'Parser.inner — ü']);
    }
    const reader = readRawCapture(bytes, { batchSize: 4 });
    const batches: RawRecordBatch[] = [];
    for await (const b of reader) batches.push(b);
    expect(batches.flatMap((b) => [...b.stack])).toEqual([0, 1, 3, 3, 3, 0]);
    expect(reader.stacks!.stackCount).toBe(3);
    expect(reader.summary!.stacks).toBe(reader.stacks);
  });

  it('leave captures without the flag as they were: no dictionary, stack 0, op 9 an unknown tag', () => {
    const plain = decodeRawCapture(encodeRawCapture(SAMPLE), (r) => expect(r.stack).toBe(0));
    expect(plain.stacks).toBeUndefined();
    const unflagged = encodeRawCapture(RECORDS);
    expect(errorOf(() => decodeRawCapture(unflagged, () => undefined))).toMatchObject({ code: 'E_TAG', offset: 53 });
  });

  it('must have domain 0, define each id once and before its use (E_TAG, E_STACK)', () => {
    const withDomain = bytes.slice();
    withDomain[53] = OP_STRING | (DOMAIN_MEM << 4);
    expect(errorOf(() => decodeRawCapture(withDomain, () => undefined))).toMatchObject({ code: 'E_TAG', offset: 53 });
    const cases: [RawRecordInit[], number, string][] = [
      [[{ op: OP_STACK_SWITCH, stack: 4 }], 40, 'stack-switch to undefined stack 4 at byte 40'],
      [[{ op: OP_STRING, id: 0, text: 'x' }], 40, 'string id 0 at byte 40'],
      [[{ op: OP_STRING, id: 1, text: 'x' }, { op: OP_STRING, id: 1, text: 'y' }], 48, 'string 1 defined twice at byte 48'],
      [[{ op: OP_STRING, id: 1, text: 'x' }, { op: OP_FRAME, id: 1, functionId: 1, fileId: 2 }], 48, 'frame 1 names undefined string 2 at byte 48'],
      [[{ op: OP_STACK, id: 1, frameId: 1 }], 40, 'stack 1 names undefined frame 1 at byte 40'],
      [RECORDS.slice(1, 4).concat([{ op: OP_STACK, id: 2, parentId: 7, frameId: 1 }]), 90, 'stack 2 names undefined parent stack 7 at byte 90'],
    ];
    for (const [records, offset, message] of cases) {
      const e = errorOf(() => decodeRawCapture(encodeRawCapture(records, STACKS), () => undefined));
      expect([e.code, e.offset, e.message]).toEqual(['E_STACK', offset, message]);
    }
  });
});

describe('fuzz: mutated captures with stacks', () => {
  type Outcome = readonly [ok: true, rows: string, ended: boolean] | readonly [ok: false, code: string, offset: number];
  const base = encodeRawCapture(RECORDS, STACKS);

  function outcome(decode: (add: (r: { index: number; op: number; stack: number }) => void) => { ended: boolean }): Outcome {
    const rows: number[] = [];
    try {
      const { ended } = decode((r) => rows.push(r.index, r.op, r.stack));
      return [true, rows.join(','), ended];
    } catch (e) {
      if (e instanceof TraceFormatError) return [false, e.code, e.offset];
      throw e;
    }
  }

  it('decode or fail with a TraceFormatError at an in-range offset, identically whole and streamed', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), fc.integer({ min: 1, max: 40 }), (patches, cut, chunk) => {
        let bytes = base.slice();
        for (const p of patches) bytes[40 + (p.at % (bytes.length - 40))] = p.value;
        if (cut !== undefined) bytes = bytes.subarray(0, 40 + (cut % (bytes.length - 39)));
        const whole = outcome((add) => decodeRawCapture(bytes, add));
        const streamed = outcome((add) => {
          const d = new RawRecordDecoder();
          for (let at = 0; at < bytes.length; at += chunk) d.push(bytes.subarray(at, at + chunk), add);
          return d.finish();
        });
        expect(streamed).toEqual(whole);
        if (!whole[0]) expect([whole[2] >= 0, whole[2] <= bytes.length]).toEqual([true, true]);
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 2000) },
    );
  });
});
