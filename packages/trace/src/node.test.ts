import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE } from '../test/sample-records.js';
import { RecordDigest, TRACES, capturePath } from '../test/shared-traces.js';
import { decodeRawCapture } from './decode-raw-capture.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import { openRawCapture, readRawCaptureFile } from './node.js';
import { TraceFormatError } from './trace-format-error.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-trace-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('openRawCapture', () => {
  for (const t of TRACES) {
    it(`${t.name}.bin.gz: same records as the whole-buffer path (golden digest)`, async () => {
      const got = new RecordDigest();
      const summary = await openRawCapture(capturePath(t.name)).forEach(got.add);
      expect(summary).toMatchObject({ records: t.records - 1, ended: true });
      expect([got.count, got.hash]).toEqual([t.records - 1, t.digest]);
    });
  }

  it('streams an uncompressed file in batches', async () => {
    const bytes = encodeRawCapture([...SAMPLE, ...SAMPLE]);
    const reader = openRawCapture(file('plain.bin', bytes), { batchSize: 3 });
    const lengths: number[] = [];
    for await (const batch of reader) lengths.push(batch.length);
    expect(lengths).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect([reader.recordCount, reader.ended]).toEqual([20, true]);
  });

  it('reports corrupt gzip as E_GZIP and a missing file as the fs error', async () => {
    const gz = new Uint8Array(gzipSync(encodeRawCapture(SAMPLE)));
    const cut = file('cut.bin.gz', gz.subarray(0, gz.length - 20));
    await expect(openRawCapture(cut).forEach(() => undefined)).rejects.toThrow(expect.objectContaining({ code: 'E_GZIP' }));
    await expect(readRawCaptureFile(cut)).rejects.toThrow(TraceFormatError);
    await expect(openRawCapture(join(dir, 'nope.bin')).forEach(() => undefined)).rejects.toThrow(expect.objectContaining({ code: 'ENOENT' }));
    await expect(readRawCaptureFile(join(dir, 'nope.bin'))).rejects.toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('reports a truncated plain file as E_TRUNCATED at the cut record', async () => {
    const bytes = encodeRawCapture(SAMPLE);
    await expect(openRawCapture(file('trunc.bin', bytes.subarray(0, 60))).forEach(() => undefined)).rejects.toThrow(
      expect.objectContaining({ code: 'E_TRUNCATED', offset: 53 }),
    );
  });
});

describe('readRawCaptureFile', () => {
  it('returns the uncompressed bytes of gzip and plain files', async () => {
    const bytes = encodeRawCapture(SAMPLE);
    expect(new Uint8Array(await readRawCaptureFile(file('a.bin', bytes)))).toEqual(bytes);
    expect(new Uint8Array(await readRawCaptureFile(file('a.bin.gz', gzipSync(bytes))))).toEqual(bytes);
    const startup = await readRawCaptureFile(capturePath('startup'));
    expect(startup.length).toBe(1_827_647);
    const digest = new RecordDigest();
    decodeRawCapture(startup, digest.add);
    expect(digest.hash).toBe(TRACES[0].digest);
  });
});

describe('the node entry installs zlib CRC-32 and inflate, with the same results as the portable code', () => {
  it('crc32: zlib and slice-by-16 agree on any bytes and range', async () => {
    const { crc32 } = await import('node:zlib');
    const { crc32Portable } = await import('./crc32.js');
    const { tracePlatform } = await import('./trace-platform.js');
    await import('./node.js');
    expect(tracePlatform().crc32).toBeDefined();
    expect(crc32Portable(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32Portable(bytes, start, end)).toBe(crc32(bytes.subarray(start, end)));
      }),
      { numRuns: 2000 },
    );
  });

  it('inflateRaw: zlib and DecompressionStream give the same bytes or both refuse', async () => {
    const { deflateRawSync } = await import('node:zlib');
    const { inflateRaw } = await import('./trace-codec.js');
    const { setTracePlatform } = await import('./trace-platform.js');
    const { nodeTracePlatform } = await import('./node.js');
    const settle = (p: Promise<Uint8Array>) => p.then((b) => Buffer.from(b).toString('hex'), (e: unknown) => (e as { code?: string }).code ?? 'other');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }), fc.integer({ min: -2, max: 2 }), async (data, patches, skew) => {
        const z = new Uint8Array(deflateRawSync(data));
        for (const [at, v] of patches) z[at % z.length] = v;
        const expected = Math.max(0, data.length + skew);
        setTracePlatform({});
        const portable = await settle(inflateRaw(z, expected, 7));
        setTracePlatform(nodeTracePlatform);
        const native = await settle(inflateRaw(z, expected, 7));
        expect(native).toBe(portable);
      }),
      { numRuns: 500 },
    );
  });
});
