import { describe, expect, it } from 'vitest';
import { encodeRawCapture } from './encode-raw-capture.js';
import { decodeRawHeader, formatPyVersion } from './raw-header.js';

describe('formatPyVersion', () => {
  it('formats finals and pre-releases like sys.version', () => {
    expect(formatPyVersion(0x030b07f0)).toBe('3.11.7');
    expect(formatPyVersion(0x030c00c1)).toBe('3.12.0rc1');
    expect(formatPyVersion(0x030d00a3)).toBe('3.13.0a3');
    expect(formatPyVersion(0x030d00b2)).toBe('3.13.0b2');
  });
});

describe('decodeRawHeader', () => {
  it('reads every field, escapedBlocks as a signed 64-bit number', () => {
    const bytes = encodeRawCapture([], { header: { pid: 0xfffffffe, flags: 1, escapedBlocks: 2 ** 40 + 5, pyVersionHex: 0x030c00c1 } });
    expect(decodeRawHeader(bytes)).toEqual({ version: 1, pointerSize: 8, pid: 0xfffffffe, flags: 1, escapedBlocks: 2 ** 40 + 5, pyVersionHex: 0x030c00c1, pyVersion: '3.12.0rc1' });
    expect(decodeRawHeader(encodeRawCapture([], { header: { escapedBlocks: -2 } })).escapedBlocks).toBe(-2);
  });
});
