import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { everyKind, rows, sampleState, writeSample } from '../test/trace-samples.js';
import { openTrace } from './open-trace.js';
import { recoverTrace } from './recover-trace.js';
import { CHUNK_EVENTS } from './trace-constants.js';
import { TraceFormatError } from './trace-format-error.js';
import { decodeTraceHeader } from './trace-header.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 200);

async function small(): Promise<Uint8Array> {
  return writeSample([...everyKind(), ...everyKind().map((e) => ({ ...e, time: (e.time ?? 0) + 2_000_000 }))], { chunkSize: 64, checkpointEvery: 2, checkpoint: () => sampleState(1) });
}

describe('recoverTrace', () => {
  it('an intact trace: every chunk, nothing lost', async () => {
    const bytes = await small();
    const r = await recoverTrace(bytes);
    const file = await openTrace(bytes);
    expect(r.report).toEqual({ chunksRecovered: file.index.length + 1, chunksLost: 0, bytesSkipped: 0, lostRanges: [], trailer: true });
    expect(r.file?.index).toEqual(file.index);
  });

  it('truncation at every position: every complete chunk back, the cut one reported', async () => {
    const bytes = await small();
    const file = await openTrace(bytes);
    const { end: headerEnd } = decodeTraceHeader(bytes);
    const all = rows(await Promise.all(file.index.filter((e) => e.type === CHUNK_EVENTS).map((e) => file.events(e))));
    const ends = [...file.index.map((e) => e.offset + e.length), bytes.length - 16];
    for (let cut = 0; cut < bytes.length; cut++) {
      const part = bytes.subarray(0, cut);
      if (cut < headerEnd) {
        await expect(recoverTrace(part)).rejects.toBeInstanceOf(TraceFormatError);
        continue;
      }
      const r = await recoverTrace(part);
      const complete = ends.filter((e) => e <= cut);
      const lastEnd = Math.max(headerEnd, ...complete);
      expect(r.report.chunksRecovered).toBe(complete.length);
      expect(r.report.bytesSkipped).toBe(cut - lastEnd);
      expect(r.report.lostRanges).toEqual(cut === lastEnd ? [] : [{ offset: lastEnd, length: cut - lastEnd, reason: expect.any(String) as unknown }]);
      expect(r.report.chunksLost).toBe(cut > lastEnd && cut < bytes.length - 16 ? 1 : 0);
      // The events recovered are a prefix of the trace's.
      const got = rows(await Promise.all(r.file!.index.filter((e) => e.type === CHUNK_EVENTS).map((e) => r.file!.events(e))));
      expect(got).toEqual(all.slice(0, got.length));
    }
  });

  it(`random corruption: the CRC catches it, every other chunk is recovered (${RUNS} runs)`, async () => {
    const bytes = await small();
    const file = await openTrace(bytes);
    const { end: headerEnd } = decodeTraceHeader(bytes);
    const chunks = [...file.index.map((e) => [e.offset, e.offset + e.length] as const)];
    const indexStart = chunks.at(-1)![1];
    chunks.push([indexStart, bytes.length - 16]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: headerEnd, max: bytes.length - 17 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bad = bytes.slice();
        bad[at]! ^= xor;
        const r = await recoverTrace(bad);
        const hit = chunks.find(([s, e]) => at >= s && at < e)!;
        expect(r.chunks.map((c) => c.offset)).toEqual(chunks.filter((c) => c !== hit).map((c) => c[0]));
        expect(r.report.lostRanges.map((l) => [l.offset, l.offset + l.length])).toEqual([hit]);
        expect(r.report.lostRanges[0]!.reason).toMatch(/E_CRC|E_SYNC|E_CHUNK|E_COUNT|E_TRUNCATED|E_VARINT|no sync marker/);
      }),
      { numRuns: RUNS },
    );
  });

  it('a damaged header cannot be recovered', async () => {
    const bytes = await small();
    const bad = bytes.slice();
    bad[12]! ^= 1;
    await expect(recoverTrace(bad)).rejects.toMatchObject({ code: 'E_CRC' });
  });
});
