import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { everyKind, sampleState, writeSample } from '../test/trace-samples.js';
import { CHUNK_SYNC_FREE_TYPE, randomTrace } from '../test/trace-arbitrary.js';
import { TraceAssembler } from './trace-assembler.js';
import { fromJsonl, fromJsonlLines, toJsonl, toJsonlChunks } from './trace-jsonl.js';
import { traceJsonlSchema } from './trace-schema.js';
import { traceHeader } from './trace-header.js';
import { MemorySink } from './trace-sink.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 60);

describe('JSONL form', () => {
  it('writes one line per record with the documented field names', async () => {
    const bytes = await writeSample(everyKind().slice(0, 4), { codec: 'deflate-raw', checkpointEvery: 1, checkpoint: () => sampleState(0) });
    const text = await toJsonl(bytes);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '{"t":"header","format":"1.0","writer":"@pymem/trace","writerVersion":"1.0","pythonVersion":0,"alignment":16,"smallRequestThreshold":512,"poolSize":16384,"arenaSize":1048576,"level":31,"clockUnit":"ns","requiredFeatures":1,"optionalFeatures":0,"samplingInterval":0}',
    );
    expect(lines.slice(1, 3)).toEqual(['{"t":"chunk","type":"dictionary","codec":"deflate-raw"}', '{"t":"string","id":1,"value":"startup"}']);
    expect(lines).toContain('{"t":"frame","id":2,"function":6,"file":5,"line":10}');
    expect(lines).toContain('{"t":"stack","id":2,"parent":1,"frame":2}');
    expect(lines).toContain('{"t":"chunk","type":"events","codec":"deflate-raw"}');
    expect(lines).toContain('{"t":"thread","seq":0,"time":0,"tid":77}');
    expect(lines).toContain('{"t":"arena_alloc","seq":1,"time":1,"arena":0,"base":139716164190208,"pools":64}');
    expect(lines).toContain('{"t":"malloc","seq":3,"time":3,"id":0,"size":24,"arena":0,"pool":0,"block":0,"stack":2,"cls":1}');
    expect(lines.at(-3)).toMatch(/^\{"t":"checkpoint","seq":4,"time":3,"blocks":\[\{"id":2,"size":4096,"large":true/);
    expect(lines.slice(-2)).toEqual(['{"t":"index"}', '{"t":"trailer"}']);
    expect(await fromJsonl(text)).toEqual(bytes);
  });

  it('bin -> jsonl -> bin is byte-identical for every kind, both codecs', async () => {
    for (const codec of ['none', 'deflate-raw'] as const) {
      const bytes = await writeSample(everyKind(), { codec, chunkSize: 64, checkpointEvery: 2, checkpoint: () => sampleState(3) });
      expect(await fromJsonl(await toJsonl(bytes))).toEqual(bytes);
    }
  });

  it('passes unknown chunk types and files without a trailer through', async () => {
    const sink = new MemorySink();
    const asm = new TraceAssembler(traceHeader(), sink);
    asm.storedChunk({ type: CHUNK_SYNC_FREE_TYPE, codec: 9, flags: 3, firstSeq: 0, firstTime: 0, records: 2 }, new Uint8Array([1, 2, 3]), 77);
    asm.encoder.begin(0);
    asm.encoder.append({ kind: 9, id: 0, size: 1000 });
    asm.eventsChunk(0);
    await asm.finish(true, false);
    const bytes = sink.bytes();
    const text = await toJsonl(bytes);
    expect(text).toContain('{"t":"chunk","type":200,"codec":9,"flags":3,"firstSeq":0,"firstTime":0,"records":2,"rawLength":77,"stored":"AQID"}');
    expect(text.trimEnd().split('\n').at(-1)).toBe('{"t":"index"}');
    expect(await fromJsonl(text)).toEqual(bytes);
  });

  it(`bin -> jsonl -> bin is byte-identical on random record streams (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(randomTrace(), async (t) => {
        const bytes = await t.write();
        expect(await fromJsonl(await toJsonl(bytes))).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it(`streams both ways: toJsonlChunks gives whole lines per chunk, fromJsonlLines reads async lines (CRLF too) into a sink (${RUNS} runs)`, async () => {
    async function* lines(text: string, crlf: boolean): AsyncGenerator<string> {
      for (const l of text.split('\n').slice(0, -1)) {
        await Promise.resolve(); // as a file stream would, between lines
        yield crlf ? `${l}\r` : l;
      }
    }
    await fc.assert(
      fc.asyncProperty(randomTrace(), fc.boolean(), async (t, crlf) => {
        const bytes = await t.write();
        const pieces: string[] = [];
        const progress: number[] = [];
        for await (const p of toJsonlChunks(bytes, (done, total) => {
          expect(total).toBe(bytes.length);
          progress.push(done);
        }))
          pieces.push(p);
        expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
        expect(pieces.join('')).toBe(await toJsonl(bytes));
        // One piece for the header, one per chunk (index included), one for a trailer.
        expect(progress).toEqual([...progress].sort((a, b) => a - b));
        expect(pieces.length).toBeGreaterThanOrEqual(progress.length + 1);
        const sink = new MemorySink();
        await fromJsonlLines(lines(pieces.join(''), crlf), sink);
        expect(sink.bytes()).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('reports bad lines as E_JSONL with the character offset', async () => {
    const text = await toJsonl(await writeSample(everyKind().slice(0, 2)));
    const bad = text.replace('"tid":77', '"tid":-1');
    await expect(fromJsonl(bad)).rejects.toMatchObject({ code: 'E_JSONL', offset: bad.indexOf('{"t":"thread"'), message: expect.stringMatching(/"tid" must be a non-negative integer/) as unknown });
    await expect(fromJsonl('')).rejects.toMatchObject({ code: 'E_JSONL', message: expect.stringMatching(/no header/) as unknown });
    await expect(fromJsonl(text.replace('"seq":1', '"seq":5'))).rejects.toMatchObject({ code: 'E_JSONL' });
    // Streamed a line at a time, the offset counts one newline per line: the same as in the whole text.
    await expect(fromJsonlLines(bad.split('\n'), new MemorySink())).rejects.toMatchObject({ code: 'E_JSONL', offset: bad.indexOf('{"t":"thread"') });
  });

  it('schema.json is generated from the record table', async () => {
    await expect(JSON.stringify(traceJsonlSchema(), null, 2) + '\n').toMatchFileSnapshot('../schema.json');
  });
});
