import { describe, expect, it } from 'vitest';
import { everyKind, everyKind11, expected, rows, sampleState, writeSample } from '../test/trace-samples.js';
import { DOMAIN_MEM, DOMAIN_OBJ } from './api.js';
import { openTrace } from './open-trace.js';
import { readTrace } from './read-trace.js';
import { TraceAssembler } from './trace-assembler.js';
import { crc32 } from './crc32.js';
import { frameChunk } from './trace-chunk.js';
import { deflateRaw } from './trace-codec.js';
import { FEATURE_DOMAINS, FEATURES_1_1, TRACE_MAGIC } from './trace-constants.js';
import { decodeTraceHeader, encodeTraceHeader, traceHeader } from './trace-header.js';
import { KIND_FREE, KIND_MALLOC, KIND_MALLOC_LARGE, KIND_REALLOC_CLASS } from './trace-record-kinds.js';
import { MemorySink } from './trace-sink.js';
import { TraceWriter } from './trace-writer.js';

async function readAll(source: Parameters<typeof readTrace>[0]) {
  const reader = readTrace(source);
  const batches = [];
  for await (const b of reader) batches.push(b);
  return { reader, events: rows(batches) };
}

describe('format rules', () => {
  it('crc32 is the zlib/PNG CRC', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('the header: magic, version, TLVs and CRC, exactly', () => {
    const bytes = encodeTraceHeader(traceHeader({ writer: 'w', writerVersion: 'v', clockUnit: 'event' }));
    expect([...bytes.subarray(0, 8)]).toEqual(TRACE_MAGIC);
    expect([...bytes.subarray(8, 11)]).toEqual([1, 0, 36]);
    // field 1 (writer), wire 2: key 0x0a, length 1, 'w'
    expect([...bytes.subarray(11, 14)]).toEqual([0x0a, 1, 0x77]);
    expect(decodeTraceHeader(bytes).end).toBe(bytes.length);
    expect(decodeTraceHeader(bytes).header).toEqual(traceHeader({ writer: 'w', writerVersion: 'v' }));
  });

  it('an events chunk is the documented bytes (docs/format.md §4.3 example)', async () => {
    const sink = new MemorySink();
    const w = new TraceWriter(sink, { codec: 'none' });
    w.append({ kind: KIND_MALLOC, id: 0, size: 24, arena: 0, pool: 0, block: 0 });
    w.append({ kind: KIND_MALLOC, id: 1, size: 20, arena: 0, pool: 0, block: 1 });
    w.append({ kind: KIND_FREE, id: 0, size: 24 });
    await w.close();
    const bytes = sink.bytes();
    const file = await openTrace(bytes);
    const info = file.chunk(file.index[0]!);
    // sync, type 2, codec 0, flags 0, lengths 13/13, firstSeq 0, firstTime 0, 3 records
    expect([...bytes.subarray(info.offset, info.payloadOffset)]).toEqual([0x9e, 0x50, 0x43, 0x4b, 2, 0, 0, 13, 13, 0, 0, 3]);
    // malloc 24: id 0 (zz 0), pool key and block deltas 0; malloc 20 at time +1, the next block of
    // the same pool: all deltas 0; free id 0 (zz(0 - 1) = 1), size 24, at time +1
    expect([...bytes.subarray(info.payloadOffset, info.payloadOffset + 13)]).toEqual([0x20, 0, 24, 0, 0, 0x21, 0, 20, 0, 0, 0x39, 1, 24]);
    expect(crc32(bytes, info.offset + 4, info.payloadOffset + 13)).toBe(new DataView(bytes.buffer, bytes.byteOffset).getUint32(info.payloadOffset + 13, true));
  });

  it('refuses an unknown major version, a bad magic and unknown required features, with clear errors', async () => {
    const ok = encodeTraceHeader(traceHeader());
    const v2 = ok.slice();
    v2[8] = 2;
    expect(() => decodeTraceHeader(v2)).toThrow(/trace format 2\.0 is not readable by this reader/);
    const text = ok.slice();
    text[4] = 0x0a; // CR LF -> LF LF: mangled by a text-mode transfer
    expect(() => decodeTraceHeader(text)).toThrow(/bad magic byte at 4/);
    const future = encodeTraceHeader(traceHeader({ requiredFeatures: 0b11010 }));
    expect(() => decodeTraceHeader(future)).toThrow(expect.objectContaining({ code: 'E_FEATURE', message: expect.stringMatching(/requires features this reader does not support \(bits 0x18/) as unknown }));
    await expect(readAll(future)).rejects.toMatchObject({ code: 'E_FEATURE' });
    await expect(openTrace(future)).rejects.toMatchObject({ code: 'E_FEATURE' });
    // Optional features and unknown header fields are fine.
    expect(decodeTraceHeader(encodeTraceHeader(traceHeader({ optionalFeatures: 0xff }))).header.optionalFeatures).toBe(0xff);
  });

  it('skips unknown chunk types by length, in the streaming reader and openTrace', async () => {
    const sink = new MemorySink();
    const asm = new TraceAssembler(traceHeader(), sink);
    asm.storedChunk({ type: 77, codec: 5, flags: 0xff, firstSeq: 123, firstTime: 9, records: 1 }, new Uint8Array(300).fill(0x9e), 300);
    asm.encoder.begin(0);
    asm.encoder.append({ kind: KIND_MALLOC_LARGE, id: 3, size: 10_000 });
    asm.eventsChunk(0);
    asm.storedChunk({ type: 250, codec: 0, flags: 0, firstSeq: 0, firstTime: 0, records: 0 }, new Uint8Array(0), 0);
    await asm.finish();
    const bytes = sink.bytes();
    const want = [expected({ kind: KIND_MALLOC_LARGE, id: 3, size: 10_000, time: 0 })];
    expect((await readAll(bytes)).events).toEqual(want);
    const file = await openTrace(bytes);
    expect(file.index.map((e) => e.type)).toEqual([77, 2, 250]);
    expect(rows([await file.events(file.index[1]!)])).toEqual(want);
  });

  it('the streaming reader gives the same events from any split of the input, and from a ReadableStream', async () => {
    const bytes = await writeSample([...everyKind(), ...everyKind().map((e) => ({ ...e, time: (e.time ?? 0) + 2_000_000 }))], { chunkSize: 64, codec: 'deflate-raw' });
    const want = (await readAll(bytes)).events;
    expect(want.length).toBe(2 * everyKind().length);
    for (const piece of [1, 3, 7, 100]) {
      async function* pieces(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < bytes.length; i += piece) yield await Promise.resolve(bytes.subarray(i, i + piece));
      }
      const { reader, events } = await readAll(pieces());
      expect(events).toEqual(want);
      expect(reader.complete).toBe(true);
      // A source that refills one buffer for every chunk (as a file read loop may): nothing kept from it is stale.
      async function* reused(): AsyncGenerator<Uint8Array> {
        const buf = new Uint8Array(piece);
        for (let i = 0; i < bytes.length; i += piece) {
          const n = Math.min(piece, bytes.length - i);
          buf.set(bytes.subarray(i, i + n));
          yield await Promise.resolve(buf.subarray(0, n));
          buf.fill(0xee);
        }
      }
      expect((await readAll(reused())).events).toEqual(want);
    }
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 50));
        c.enqueue(bytes.subarray(50));
        c.close();
      },
    });
    expect((await readAll(stream)).events).toEqual(want);
  });

  it('bounds every count read from the file before allocating', async () => {
    const header = encodeTraceHeader(traceHeader());
    const at = header.length;
    const frame = (type: number, records: number, payload: number[], codec = 0, raw = payload.length) =>
      new Uint8Array([...header, ...frameChunk({ type, codec, flags: 0, firstSeq: 0, firstTime: 0, records }, new Uint8Array(payload), raw)]);
    // 5 records announced in a 3-byte events payload (the frame itself refuses it).
    await expect(openTrace(frame(2, 5, [0x24, 0, 1]))).rejects.toMatchObject({ code: 'E_COUNT', offset: at + 11 });
    // A checkpoint announcing 2^40 blocks in 8 bytes.
    const cp = await openTrace(frame(3, 1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0, 0]));
    await expect(cp.checkpoint(cp.index[0]!)).rejects.toMatchObject({ code: 'E_COUNT', offset: at + 12 });
    // A chunk announcing 1 GiB.
    const big = new Uint8Array([...header, 0x9e, 0x50, 0x43, 0x4b, 2, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x04, 0x01]);
    await expect(openTrace(big)).rejects.toMatchObject({ code: 'E_CHUNK_SIZE', offset: at + 7 });
    // Deflate data that inflates past its declared raw length stops there.
    const zeros = await deflateRaw(new Uint8Array(100_000));
    const bomb = new Uint8Array([...encodeTraceHeader(traceHeader({ requiredFeatures: 1 })), ...frameChunk({ type: 2, codec: 1, flags: 0, firstSeq: 0, firstTime: 0, records: 1 }, zeros, 10)]);
    await expect(openTrace(bomb)).rejects.toMatchObject({ code: 'E_INFLATE', message: expect.stringMatching(/more than its declared 10 bytes/) as unknown });
  });

  it('streaming errors carry file offsets: truncation, garbage, a missing chunk', async () => {
    const bytes = await writeSample(everyKind(), { chunkSize: 64 });
    const file = await openTrace(bytes);
    const e2 = file.index[2]!;
    await expect(readAll(bytes.subarray(0, e2.offset + 5))).rejects.toMatchObject({ code: 'E_TRUNCATED', offset: e2.offset + 5 });
    const garbage = bytes.slice();
    garbage[e2.offset] = 0;
    await expect(readAll(garbage)).rejects.toMatchObject({ code: 'E_SYNC', offset: e2.offset });
    const gap = new Uint8Array([...bytes.subarray(0, e2.offset), ...bytes.subarray(e2.offset + e2.length)]);
    await expect(readAll(gap)).rejects.toMatchObject({ code: 'E_DICT' });
    // Without trailer and index (writer killed): events read, complete false.
    const cut = bytes.subarray(0, file.index.at(-1)!.offset + file.index.at(-1)!.length);
    const { reader, events } = await readAll(cut);
    expect(events.length).toBe(everyKind().length);
    expect(reader.complete).toBe(false);
  });
});

describe('format 1.1: allocation domains and realloc_class', () => {
  it('a 1.1 feature makes the file 1.1; without one it stays 1.0', () => {
    expect([...encodeTraceHeader(traceHeader()).subarray(8, 10)]).toEqual([1, 0]);
    expect([...encodeTraceHeader(traceHeader({ requiredFeatures: FEATURE_DOMAINS })).subarray(8, 10)]).toEqual([1, 1]);
    expect(decodeTraceHeader(encodeTraceHeader(traceHeader({ requiredFeatures: FEATURES_1_1 }))).header.versionMinor).toBe(1);
  });

  it('realloc_class and domains are the documented bytes (docs/format.md §4.3, second example)', async () => {
    const sink = new MemorySink();
    const w = new TraceWriter(sink, { codec: 'none', header: { requiredFeatures: FEATURES_1_1 } });
    w.append({ kind: KIND_MALLOC, id: 0, size: 80, arena: 0, pool: 0, block: 0, domain: DOMAIN_OBJ });
    w.append({ kind: KIND_REALLOC_CLASS, oldId: 0, oldSize: 80, id: 0, size: 64, cls: 4, arena: 0, pool: 0, block: 0, domain: DOMAIN_OBJ });
    w.append({ kind: KIND_FREE, id: 0, size: 64, domain: DOMAIN_MEM });
    await w.close();
    const bytes = sink.bytes();
    const file = await openTrace(bytes);
    const info = file.chunk(file.index[0]!);
    expect([...bytes.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength)]).toEqual([
      0x20, 0, 80, 0, 0, 2, // malloc: id 0, 80 bytes (class 4), key 0, block 0, domain OBJ
      0x65, 0, 80, 1, 64, 4, 0, 1, 2, // realloc_class (kind 25, Δt 1): oldId zz(0 − 0), 80, id zz(0 − 1) = 1, 64, cls 4, key 0, block zz(0 − 0 − 1) = 1, OBJ
      0x39, 0, 64, 1, // free: id zz(0 − 0), 64, domain MEM
    ]);
    const got = (await readAll(bytes)).events;
    expect(got[1]).toMatchObject({ kind: KIND_REALLOC_CLASS, id: 0, oldId: 0, size: 64, oldSize: 80, cls: 4, domain: DOMAIN_OBJ });
    expect(got[2]).toMatchObject({ kind: KIND_FREE, cls: 3, domain: DOMAIN_MEM });
  });

  it('every kind of a 1.1 trace decodes to what was written, fresh or refilled', async () => {
    const events = everyKind11();
    const bytes = await writeSample(events, { chunkSize: 64, header: { requiredFeatures: FEATURES_1_1 } });
    expect((await readAll(bytes)).events).toEqual(events.map((e) => expected(e)));
    const reused = [];
    for await (const b of readTrace(bytes, { reuseBatches: true })) reused.push(...rows([b]));
    expect(reused).toEqual(events.map((e) => expected(e)));
  });

  it('checkpoint blocks carry their domain in the flags (bits 1-2), only with the domains feature', async () => {
    const state = { ...sampleState(0), blocks: sampleState(0).blocks.map((b, i) => ({ ...b, domain: i === 0 ? DOMAIN_OBJ : DOMAIN_MEM })) };
    const bytes = await writeSample(everyKind11().slice(0, 8), { chunkSize: 64, checkpointEvery: 1, checkpoint: () => state, header: { requiredFeatures: FEATURES_1_1 } });
    const file = await openTrace(bytes);
    const cp = await file.checkpoint(file.index.find((e) => e.type === 3)!);
    expect(cp.blocks.map((b) => [b.id, b.large, b.domain])).toEqual([...state.blocks].sort((a, b) => a.id - b.id).map((b) => [b.id, b.large, b.domain]));
    await expect(writeSample(everyKind().slice(0, 8), { chunkSize: 64, checkpointEvery: 1, checkpoint: () => state })).rejects.toThrow(/FEATURE_DOMAINS/);
  });

  it('refuses what a 1.1 file may not hold', async () => {
    const w = new TraceWriter(new MemorySink(), { codec: 'none' });
    expect(() => w.append({ kind: KIND_REALLOC_CLASS, oldId: 0, oldSize: 80, id: 0, size: 64, cls: 4 })).toThrow(/FEATURE_REALLOC_CLASS/);
    expect(() => w.append({ kind: KIND_MALLOC, id: 0, size: 8, domain: 1 })).toThrow(/FEATURE_DOMAINS/);
    const w11 = new TraceWriter(new MemorySink(), { codec: 'none', header: { requiredFeatures: FEATURES_1_1 } });
    expect(() => w11.append({ kind: KIND_REALLOC_CLASS, oldId: 0, oldSize: 80, id: 0, size: 64, cls: 2 })).toThrow(/cls 2 is not in 3/);
    expect(() => w11.append({ kind: KIND_MALLOC, id: 0, size: 8, domain: 4 })).toThrow(/domain 4/);
    // A reader: kind 25 without the feature bit, a class below the size's, a domain above 3.
    const header = encodeTraceHeader(traceHeader());
    const header11 = encodeTraceHeader(traceHeader({ requiredFeatures: FEATURES_1_1 }));
    const chunk = (h: Uint8Array, payload: number[]) => new Uint8Array([...h, ...frameChunk({ type: 2, codec: 0, flags: 0, firstSeq: 0, firstTime: 0, records: 1 }, new Uint8Array(payload), payload.length)]);
    const at = header.length + 12;
    await expect(readAll(chunk(header, [0x64, 0, 80, 0, 64, 4, 0, 0]))).rejects.toMatchObject({ code: 'E_TAG', offset: at });
    await expect(readAll(chunk(header11, [0x64, 0, 80, 0, 64, 2, 0, 0, 0]))).rejects.toMatchObject({ code: 'E_RANGE', offset: at + 5 });
    await expect(readAll(chunk(header11, [0x20, 0, 8, 0, 0, 4]))).rejects.toMatchObject({ code: 'E_RANGE', offset: at + 5 });
  });
});
