// fast-check arbitrary of random traces: random valid record streams, chunk sizes, codecs,
// dictionaries and checkpoints, written with TraceWriter.
import fc from 'fast-check';
import type { TraceEventInit } from '../src/trace-event.js';
import * as K from '../src/trace-record-kinds.js';
import { sampleState, writeSample } from './trace-samples.js';
import type { TraceWriterOpts } from '../src/trace-writer.js';

/** A chunk type no version of the format uses (for pass-through tests). */
export const CHUNK_SYNC_FREE_TYPE = 200;

const nat = (max: number) => fc.nat({ max });

/** One random valid event (time filled in later). */
export const randomEvent: fc.Arbitrary<TraceEventInit> = fc.oneof(
  fc.record({ kind: fc.constant(K.KIND_MALLOC), id: nat(5000), size: nat(512), arena: nat(40), pool: nat(63), block: nat(1000), stack: nat(2) }),
  fc.record({ kind: fc.constant(K.KIND_MALLOC_LARGE), id: nat(5000), size: fc.maxSafeNat().map((v) => v % 2 ** 40), stack: nat(2) }),
  fc.record({ kind: fc.constant(K.KIND_CALLOC), id: nat(5000), count: nat(16), value: nat(32), arena: nat(40), pool: nat(63), block: nat(1000), stack: nat(2) }),
  fc.record({ kind: fc.constant(K.KIND_REALLOC), oldId: nat(5000), oldSize: nat(1 << 20), id: nat(5000), size: nat(512), arena: nat(40), pool: nat(63), block: nat(1000), stack: nat(2) }),
  fc.record({ kind: fc.constantFrom(K.KIND_FREE, K.KIND_FREE_LARGE), id: nat(5000), size: nat(512) }),
  fc.record({ kind: fc.constantFrom(K.KIND_INCREF, K.KIND_DECREF, K.KIND_OBJ_DEALLOC), id: nat(5000) }),
  fc.record({ kind: fc.constant(K.KIND_OBJ_CREATE), id: nat(5000), value: nat(3), size: nat(600) }),
  fc.record({ kind: fc.constant(K.KIND_ARENA_ALLOC), arena: nat(40), value: fc.maxSafeNat().map((v) => v % 2 ** 48), count: nat(64) }),
  fc.record({ kind: fc.constant(K.KIND_ARENA_FREE), arena: nat(40) }),
  fc.record({ kind: fc.constantFrom(K.KIND_POOL_INIT, K.KIND_POOL_REUSE, K.KIND_POOL_FULL, K.KIND_POOL_EMPTY), arena: nat(40), pool: nat(63), cls: nat(31) }),
  fc.record({ kind: fc.constant(K.KIND_GC_STOP), count: nat(2), value: nat(100), extra: nat(3) }),
  fc.record({ kind: fc.constant(K.KIND_GC_OBJECT), id: nat(5000), value: nat(2) }),
  fc.record({ kind: fc.constant(K.KIND_MARK), value: nat(9), label: nat(3), extra: nat(3) }),
  fc.record({ kind: fc.constant(K.KIND_COUNTER), label: nat(3), value: fc.integer({ min: -1e9, max: 1e9 }) }),
  fc.record({ kind: fc.constant(K.KIND_THREAD), value: nat(1e6) }),
);

/** A random trace: events with non-decreasing times and random writer options. */
export function randomTrace(maxEvents = 300): fc.Arbitrary<{ events: TraceEventInit[]; opts: TraceWriterOpts; write: () => Promise<Uint8Array> }> {
  return fc
    .record({
      events: fc.array(fc.tuple(randomEvent, fc.oneof(fc.constant(0), fc.constant(1), nat(2), nat(1e6))), { maxLength: maxEvents }),
      codec: fc.constantFrom('none' as const, 'deflate-raw' as const),
      chunkSize: fc.constantFrom(64, 200, 1000, 65536),
      checkpointEvery: nat(3),
      clock: fc.constantFrom('event', 'ns'),
    })
    .map(({ events, codec, chunkSize, checkpointEvery, clock }) => {
      let time = 0;
      const list: TraceEventInit[] = events.map(([e, dt], i) => {
        time = clock === 'event' ? i : time + dt;
        return { ...e, time };
      });
      const opts: TraceWriterOpts = { codec, chunkSize, checkpointEvery, header: { clockUnit: clock } };
      if (checkpointEvery > 0) opts.checkpoint = () => sampleState(time);
      return { events: list, opts, write: () => writeSample(list, opts) };
    });
}
