import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE, full } from '../test/sample-records.js';
import { RecordDigest, TRACES, loadCompressed } from '../test/shared-traces.js';
import type { RawRecordData } from './api.js';
import { OP_MARK } from './api.js';
import { encodeRawCapture } from './encode-raw-capture.js';
import type { RawRecordBatch } from './raw-record-batch.js';
import { readRawCaptureBytes } from './read-raw-capture-bytes.js';
import { readRawCapture } from './read-raw-capture.js';
import { TraceFormatError } from './trace-format-error.js';

function webStream(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (at >= bytes.length) controller.close();
      else controller.enqueue(bytes.slice(at, (at += chunk)));
    },
  });
}

async function* iterable(bytes: Uint8Array, chunk: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunk) {
    await Promise.resolve();
    yield bytes.subarray(at, at + chunk);
  }
}

/** Rebuilds records from batch columns. */
function rows(batches: readonly RawRecordBatch[]): RawRecordData[] {
  const out: RawRecordData[] = [];
  for (const b of batches) {
    const marks = new Map(b.marks.map((m) => [m.index, m]));
    for (let i = 0; i < b.length; i++) {
      const m = marks.get(b.firstIndex + i);
      out.push({ op: b.op[i]!, domain: b.domain[i]!, size: b.size[i]!, size2: b.size2[i]!, ptr: b.ptr[i]!, result: b.result[i]!, markId: m?.id ?? 0, markLabel: m?.label ?? '' });
    }
  }
  return out;
}

async function collect(source: Parameters<typeof readRawCapture>[0], batchSize?: number): Promise<RawRecordBatch[]> {
  const batches: RawRecordBatch[] = [];
  for await (const b of readRawCapture(source, batchSize === undefined ? {} : { batchSize })) batches.push(b);
  return batches;
}

async function rejection(p: Promise<unknown>): Promise<TraceFormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

const plain = encodeRawCapture([...SAMPLE, ...SAMPLE, ...SAMPLE]);
const gz = new Uint8Array(gzipSync(plain));
const want = [...SAMPLE, ...SAMPLE, ...SAMPLE].map(full);

describe('readRawCapture', () => {
  it('reads a buffer, a web stream and an async iterable, plain or gzip, into batches', async () => {
    for (const bytes of [plain, gz]) {
      expect(rows(await collect(bytes))).toEqual(want);
      expect(rows(await collect(webStream(bytes, 7), 4))).toEqual(want);
      expect(rows(await collect(iterable(bytes, 1), 1))).toEqual(want);
    }
  });

  it('cuts batches of batchSize records with capture-wide indexes and lists marks', async () => {
    const batches = await collect(plain, 4);
    expect(batches.map((b) => [b.firstIndex, b.length])).toEqual([
      [0, 4],
      [4, 4],
      [8, 4],
      [12, 4],
      [16, 4],
      [20, 4],
      [24, 4],
      [28, 2],
    ]);
    const marks = batches.flatMap((b) => b.marks);
    expect(marks.map((m) => [m.index, m.id])).toEqual([5, 9, 15, 19, 25, 29].map((i) => [i, SAMPLE[i % 10]!.markId]));
    expect(batches.every((b) => b.op.length === b.length && b.result.length === b.length)).toBe(true);
    expect(batches[1]!.op[1]).toBe(OP_MARK);
  });

  it('exposes header, count, ended and summary; forEach streams records', async () => {
    const reader = readRawCapture(webStream(gz, 100));
    const seen: number[] = [];
    const summary = await reader.forEach((r) => seen.push(r.index));
    expect(seen).toEqual(want.map((_, i) => i));
    expect(summary).toMatchObject({ records: want.length, ended: true, byteLength: plain.length });
    expect([reader.recordCount, reader.ended, reader.header?.pyVersionHex, reader.summary]).toEqual([want.length, true, 0x030b07f0, summary]);
    await expect(reader.forEach(() => undefined)).rejects.toThrow(/only once/);
  });

  it('reports a missing end record as ended: false', async () => {
    const reader = readRawCapture(gzipSync(encodeRawCapture(SAMPLE, { end: false })));
    let n = 0;
    for await (const b of reader) n += b.length;
    expect([n, reader.ended, reader.summary?.ended]).toEqual([SAMPLE.length, false, false]);
  });

  it('throws TraceFormatError for truncated records, bad gzip and cut gzip', async () => {
    const cut = plain.subarray(0, 105);
    expect(await rejection(collect(cut))).toMatchObject({ code: 'E_TRUNCATED', offset: 100 });
    expect(await rejection(collect(gzipSync(cut)))).toMatchObject({ code: 'E_TRUNCATED', offset: 100 });
    const corrupt = gz.slice();
    corrupt.fill(0x55, 12, 40);
    expect((await rejection(collect(corrupt))).code).toMatch(/^E_(GZIP|TAG|TRUNCATED|MAGIC|POINTER|SIZE)$/);
    const e = await rejection(collect(gz.subarray(0, gz.length - 30)));
    expect(e.code).toBe('E_GZIP');
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect((await rejection(collect(Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2)))).code).toBe('E_GZIP');
    expect(await rejection(collect(new Uint8Array(0)))).toMatchObject({ code: 'E_TRUNCATED', offset: 0 });
  });

  it('rejects chunks that are not Uint8Arrays with a TypeError', async () => {
    async function* strings(): AsyncGenerator {
      yield await Promise.resolve('PYMTRC01');
    }
    await expect(collect(strings() as AsyncIterable<Uint8Array>)).rejects.toThrow(TypeError);
  });

  it('passes errors of the source through unchanged', async () => {
    async function* failing(first: Uint8Array): AsyncGenerator<Uint8Array> {
      yield first;
      await Promise.resolve();
      throw new Error('disk on fire');
    }
    await expect(collect(failing(gz.subarray(0, 50)))).rejects.toThrow('disk on fire');
    await expect(collect(failing(plain.subarray(0, 50)))).rejects.toThrow('disk on fire');
  });

  it('stops cleanly when the consumer breaks early', async () => {
    for await (const batch of readRawCapture(webStream(gz, 10), { batchSize: 2 })) {
      expect(batch.length).toBe(2);
      break;
    }
  });

  it('readRawCaptureBytes gives the uncompressed capture', async () => {
    expect(await readRawCaptureBytes(webStream(gz, 9))).toEqual(plain);
    expect(await readRawCaptureBytes(plain)).toEqual(plain);
  });
});

describe('readRawCapture on the shared gzip captures (DecompressionStream)', () => {
  for (const t of TRACES) {
    it(`${t.name}: same records as decodeRawCapture (golden digest)`, async () => {
      const got = new RecordDigest();
      const summary = await readRawCapture(webStream(loadCompressed(t.name), 1 << 16)).forEach(got.add);
      expect(summary).toMatchObject({ records: t.records - 1, ended: true });
      expect([got.count, got.hash]).toEqual([t.records - 1, t.digest]);
    });
  }
});
