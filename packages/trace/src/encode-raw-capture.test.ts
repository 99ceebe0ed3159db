import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../test/sample-records.js';
import { OP_END, OP_FREE, OP_MALLOC, OP_MARK } from './api.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';

describe('encodeRawCapture', () => {
  it('writes the documented byte layout', () => {
    const bytes = encodeRawCapture([{ op: OP_MALLOC, domain: 2, size: 0x20, result: 0x7f0000001010 }], { header: { pid: 0x1234 } });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '50594d5452433031' + '01000000' + '08000000' + '34120000' + '03000000' + '0000000000000000' + 'f0070b03' + '00000000' +
        '21' + '20000000' + '10100000007f0000' +
        '08' + '0100000000000000',
    );
  });

  it('escapes sizes of 0xFFFFFFFF and more, and on request all of them', () => {
    const one = encodeRawCapture([{ op: OP_FREE, ptr: 1 }], { end: false }).length;
    expect(one).toBe(40 + 9);
    expect(encodeRawCapture([{ op: OP_MALLOC, size: 0xfffffffe }], { end: false }).length).toBe(40 + 13);
    expect(encodeRawCapture([{ op: OP_MALLOC, size: 0xffffffff }], { end: false }).length).toBe(40 + 21);
    expect(encodeRawCapture([{ op: OP_MALLOC, size: 1 }], { end: false, escapeSizes: true }).length).toBe(40 + 21);
  });

  it('writes explicit end records and rejects over-long labels', () => {
    const bytes = encodeRawCapture([...SAMPLE.slice(0, 2), { op: OP_END }], { end: false });
    expect(decodeRawCapture(bytes, () => undefined)).toMatchObject({ records: 2, ended: true });
    expect(() => encodeRawCapture([{ op: OP_MARK, markLabel: 'é'.repeat(40000) }])).toThrow(RangeError);
  });
});
