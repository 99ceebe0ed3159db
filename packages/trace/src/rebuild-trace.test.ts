import { describe, expect, it } from 'vitest';
import { everyKind, rows, sampleState, writeSample } from '../test/trace-samples.js';
import { openTrace } from './open-trace.js';
import { rebuildTrace } from './rebuild-trace.js';
import { CHUNK_EVENTS } from './trace-constants.js';

async function small(): Promise<Uint8Array> {
  return writeSample([...everyKind(), ...everyKind().map((e) => ({ ...e, time: (e.time ?? 0) + 2_000_000 }))], { chunkSize: 64, checkpointEvery: 2, checkpoint: () => sampleState(1) });
}

describe('rebuildTrace', () => {
  it('gives back an intact trace byte for byte', async () => {
    const bytes = await small();
    const r = await rebuildTrace(bytes);
    expect(Buffer.compare(r.bytes, bytes)).toBe(0);
    expect(r.report.chunksLost).toBe(0);
  });

  it('turns a truncated trace into a valid one holding every complete events chunk', async () => {
    const bytes = await small();
    const file = await openTrace(bytes);
    const events = file.index.filter((e) => e.type === CHUNK_EVENTS);
    const cut = events[events.length - 2]!;
    const r = await rebuildTrace(bytes.subarray(0, cut.offset + cut.length + 3));
    const fixed = await openTrace(r.bytes);
    const kept = events.slice(0, -1);
    expect(fixed.eventCount).toBe(kept.reduce((n, e) => n + e.events, 0));
    const want = rows(await Promise.all(kept.map((e) => file.events(e))));
    const got = rows(await Promise.all(fixed.index.filter((e) => e.type === CHUNK_EVENTS).map((e) => fixed.events(e))));
    expect(got).toEqual(want);
    expect(r.report.chunksLost).toBeGreaterThan(0);
  });
});
