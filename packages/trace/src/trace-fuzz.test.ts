// Fuzz the pymem trace decoders: mutated, truncated and random inputs either
// decode or throw a TraceFormatError whose offset is inside the input, never
// another error or a hang. TRACE_FUZZ_RUNS sets the inputs of the byte-level
// properties (a tenth of it for deflate and JSONL); `pnpm --filter @pymem/trace fuzz`
// runs 250,000 (550,000 inputs, each through four decoders) after the raw
// capture fuzz's 3 × 1,000,000.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { everyKind, everyKind11, sampleState, writeSample } from '../test/trace-samples.js';
import { FEATURES_1_1 } from './trace-constants.js';
import { openTrace } from './open-trace.js';
import { readTrace } from './read-trace.js';
import { recoverTrace } from './recover-trace.js';
import { encodeTraceHeader, traceHeader } from './trace-header.js';
import { TraceFormatError } from './trace-format-error.js';
import { fromJsonl, toJsonl } from './trace-jsonl.js';
import { byteMutationFields, mutate } from '../test/mutation.js';

const RUNS = Number(process.env['TRACE_FUZZ_RUNS'] ?? 1500);
const TIMEOUT = Math.max(60_000, RUNS * 3);

const codes = new Set<string>();

async function outcome(run: () => Promise<unknown>, length: number): Promise<void> {
  try {
    await run();
    codes.add('ok');
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    codes.add(e.code);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(length);
  }
}

/** Every decoder on `bytes`: streaming (split in `piece`-byte parts), random access (all chunks, a seek), recovery, JSONL. */
async function check(bytes: Uint8Array, piece: number): Promise<void> {
  await outcome(async () => {
    async function* parts(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += piece) yield await Promise.resolve(bytes.subarray(i, i + piece));
    }
    const reader = readTrace(parts(), { onCheckpoint: () => undefined });
    let n = 0;
    for await (const b of reader) n += b.length;
    return n;
  }, bytes.length);
  await outcome(async () => {
    // the refilling fast path, on the whole buffer read in place
    let n = 0;
    for await (const b of readTrace(bytes, { reuseBatches: true })) n += b.length;
    return n;
  }, bytes.length);
  await outcome(async () => {
    const f = await openTrace(bytes);
    for (const e of f.index) if (e.type === 2) await f.events(e);
    for (const e of f.index) if (e.type === 3) await f.checkpoint(e);
    if (f.eventCount > 0) await f.seekSeq(f.eventCount - 1);
    await f.seekTime(1e6);
  }, bytes.length);
  await outcome(async () => {
    const r = await recoverTrace(bytes);
    for (const l of r.report.lostRanges) {
      expect(l.offset).toBeGreaterThanOrEqual(0);
      expect(l.offset + l.length).toBeLessThanOrEqual(bytes.length);
    }
  }, bytes.length);
  await outcome(() => toJsonl(bytes), bytes.length);
}

const mutation = fc.record({
  ...byteMutationFields(4),
  piece: fc.integer({ min: 1, max: 200 }),
});

describe('fuzz: the trace decoders fail only with TraceFormatError at an in-range offset', () => {
  let stored: Uint8Array;
  let deflated: Uint8Array;
  let stored11: Uint8Array;
  beforeAll(async () => {
    const events = [...everyKind(), ...everyKind().map((e) => ({ ...e, time: (e.time ?? 0) + 2_000_000 }))];
    const opts = { chunkSize: 64, checkpointEvery: 2, checkpoint: () => sampleState(1) };
    stored = await writeSample(events, opts);
    deflated = await writeSample(events, { ...opts, codec: 'deflate-raw' });
    const events11 = [...everyKind11(), ...everyKind11().map((e) => ({ ...e, time: (e.time ?? 0) + 2_000_000 }))];
    stored11 = await writeSample(events11, { ...opts, header: { requiredFeatures: FEATURES_1_1 } });
  });

  it(`mutations of a stored trace with every record kind (${RUNS} runs)`, { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await check(mutate(stored, m), m.piece);
      }),
      { numRuns: RUNS },
    );
    if (RUNS >= 1000) expect([...codes]).toEqual(expect.arrayContaining(['ok', 'E_CRC', 'E_TRUNCATED', 'E_SYNC']));
  });

  it(`mutations of a format 1.1 trace: domains and realloc_class (${Math.ceil(RUNS / 2)} runs)`, { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await check(mutate(stored11, m), m.piece);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it(`mutations of a deflate-raw trace (${Math.ceil(RUNS / 10)} runs)`, { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await check(mutate(deflated, m), m.piece);
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });

  it(`random bytes after a valid header, with valid chunk frames around random payloads (${RUNS} runs)`, { timeout: TIMEOUT }, async () => {
    const header = encodeTraceHeader(traceHeader({ level: 31, requiredFeatures: FEATURES_1_1 }));
    const { frameChunk } = await import('./trace-chunk.js');
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 5 }),
        fc.nat({ max: 50 }),
        fc.boolean(),
        async (payload, type, records, framed) => {
          // A well-framed chunk (valid CRC) around a random payload reaches the payload decoders.
          const tail = framed ? frameChunk({ type, codec: 0, flags: 0, firstSeq: 0, firstTime: 0, records: Math.min(records, payload.length) }, payload, payload.length) : payload;
          await check(new Uint8Array([...header, ...tail]), 7);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`mutated JSONL (${Math.ceil(RUNS / 10)} runs)`, { timeout: TIMEOUT }, async () => {
    const text = await toJsonl(stored);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 }), async (at, remove, insert) => {
        const p = at % text.length;
        const bad = text.slice(0, p) + insert + text.slice(p + remove);
        try {
          await fromJsonl(bad);
        } catch (e) {
          if (!(e instanceof TraceFormatError)) throw e;
          expect(e.code).toBe('E_JSONL');
          expect(e.offset).toBeLessThanOrEqual(bad.length);
        }
      }),
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});
