import { describe, expect, it } from 'vitest';
import { ALL_LEVELS, everyKind, everyKind11, expected, rows, sampleState, writeSample } from '../test/trace-samples.js';
import { openTrace } from './open-trace.js';
import { readTrace } from './read-trace.js';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS } from './trace-constants.js';
import { KIND_MALLOC, RECORD_KINDS } from './trace-record-kinds.js';
import { MemorySink, webStreamSink } from './trace-sink.js';
import { TraceWriter } from './trace-writer.js';

async function readAll(bytes: Uint8Array) {
  const reader = readTrace(bytes);
  const batches = [];
  for await (const b of reader) batches.push(b);
  return { reader, batches };
}

describe('TraceWriter + readTrace', () => {
  it('round-trips every record kind with exact field values, both codecs', async () => {
    const events = everyKind();
    // every kind of 1.0 here; realloc_class (1.1) in everyKind11, round-tripped in trace-format.test.ts
    expect(new Set([...events, ...everyKind11()].map((e) => e.kind)).size).toBe(RECORD_KINDS.length);
    for (const codec of ['none', 'deflate-raw'] as const) {
      const bytes = await writeSample(events, { codec });
      const { reader, batches } = await readAll(bytes);
      expect(rows(batches)).toEqual(events.map((e) => expected(e)));
      expect(reader.complete).toBe(true);
      expect(reader.eventCount).toBe(events.length);
      expect(reader.dictionary.strings).toEqual(['', 'startup', 'stats text\nline 2', 'dict', 'main', 'app.py', 'work']);
      expect(reader.dictionary.frames(2)).toEqual([2, 1]);
      expect(reader.header).toMatchObject({ level: ALL_LEVELS, clockUnit: 'ns', requiredFeatures: codec === 'none' ? 0 : 1, writer: '@pymem/trace' });
    }
  });

  it('cuts chunks at the chunk size; each events chunk decodes alone', async () => {
    const events = [];
    for (let i = 0; i < 3000; i++) events.push({ kind: KIND_MALLOC, time: i * 3, id: i, size: 8 + (i % 500), arena: i % 7, pool: i % 64, block: i % 100, stack: i % 3 });
    const bytes = await writeSample(events, { chunkSize: 1024 });
    const file = await openTrace(bytes);
    expect(file.indexed).toBe(true);
    const ev = file.index.filter((e) => e.type === CHUNK_EVENTS);
    expect(ev.length).toBeGreaterThan(10);
    // Decode the chunks in reverse order, each alone.
    const got = [];
    for (const e of [...ev].reverse()) got.unshift(...rows([await file.events(e)]));
    expect(got).toEqual(events.map((e) => expected(e)));
    expect(file.index[0]!.type).toBe(CHUNK_DICTIONARY);
  });

  it('writes checkpoints from the callback every K events chunks and keeps index statistics', async () => {
    let live = 0;
    const w = new TraceWriter(new MemorySink(), { codec: 'none' });
    expect(w.seq).toBe(0);
    const sink = new MemorySink();
    const calls: number[] = [];
    const writer: TraceWriter = new TraceWriter(sink, {
      codec: 'none',
      chunkSize: 100,
      checkpointEvery: 2,
      checkpoint: () => {
        calls.push(writer.seq);
        return sampleState(writer.seq);
      },
    });
    for (let i = 0; i < 400; i++) {
      const free = i % 3 === 2;
      writer.append(free ? { kind: 14, id: i - 1, size: 100 } : { kind: KIND_MALLOC, id: i, size: 100, arena: 0, pool: 1, block: i % 50 });
      live += free ? -100 : 100;
    }
    await writer.close();
    const file = await openTrace(sink.bytes());
    const cps = file.index.filter((e) => e.type === CHUNK_CHECKPOINT);
    expect(cps.map((c) => c.firstSeq)).toEqual(calls);
    expect(cps.length).toBeGreaterThan(5);
    const cp = await file.checkpoint(cps[1]!);
    expect(cp.seq).toBe(calls[1]);
    expect(cp.blocks.map((b) => b.id)).toEqual([calls[1]! + 2, calls[1]! + 5]);
    expect(cp.arenas[0]!.used.map((p) => p.pool)).toEqual([0, 1]);
    const last = file.index.filter((e) => e.type === CHUNK_EVENTS).at(-1)!;
    expect(last.firstSeq + last.events).toBe(400);
    expect(file.peak.bytes).toBe(Math.max(...(() => {
      const out = [];
      let l = 0;
      for (let i = 0; i < 400; i++) out.push((l += i % 3 === 2 ? -100 : 100));
      return out;
    })()));
    expect(live).toBe(13400);
  });

  it('validates events before writing (RangeError), and writes to a web WritableStream', async () => {
    const parts: Uint8Array[] = [];
    const w = new TraceWriter(webStreamSink(new WritableStream({ write: (c) => void parts.push(c) })), { codec: 'deflate-raw' });
    expect(() => w.append({ kind: KIND_MALLOC, id: 0, size: 600 })).toThrow(/threshold/);
    expect(() => w.append({ kind: 99 })).toThrow(/unknown event kind/);
    expect(() => w.append({ kind: KIND_MALLOC, id: 0, size: 8, cls: 3 })).toThrow(/cls 3/);
    expect(() => w.append({ kind: KIND_MALLOC, id: -1, size: 8 })).toThrow(/id -1/);
    expect(() => w.append({ kind: KIND_MALLOC, id: 0, size: 8, pool: 64 })).toThrow(/pool 64/);
    expect(() => w.append({ kind: KIND_MALLOC, id: 0, size: 8, stack: 1 })).toThrow(/LEVEL_STACKS/);
    w.append({ kind: KIND_MALLOC, id: 0, size: 8, time: 5 });
    expect(() => w.append({ kind: KIND_MALLOC, id: 1, size: 8, time: 4 })).toThrow(/time 4/);
    await w.close();
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const { batches } = await readAll(bytes);
    expect(rows(batches)).toEqual([expected({ kind: KIND_MALLOC, id: 0, size: 8, time: 5 })]);
  });
});
