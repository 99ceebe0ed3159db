// fast-check arbitrary of random traces: random valid record streams, chunk sizes, codecs,
// dictionaries and checkpoints, written with TraceWriter.
import fc from 'fast-check';
import type { TraceEventInit } from '../src/trace-event.js';
import { FEATURE_DOMAINS, FEATURE_REALLOC_CLASS } from '../src/trace-constants.js';
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
  // format 1.1: a block kept in a class above its size's (turned into a realloc when the trace lacks the feature)
  fc
    .record({ kind: fc.constant(K.KIND_REALLOC_CLASS), oldId: nat(5000), oldSize: nat(512), id: nat(5000), size: nat(512), up: nat(3), arena: nat(40), pool: nat(63), block: nat(1000), stack: nat(2) })
    .map(({ up, ...e }) => ({ ...e, cls: Math.min(31, (e.size === 0 ? 0 : (e.size - 1) >> 4) + up) })),
);

const ALLOCATION_KINDS = new Set([K.KIND_MALLOC, K.KIND_MALLOC_LARGE, K.KIND_CALLOC, K.KIND_CALLOC_LARGE, K.KIND_REALLOC, K.KIND_REALLOC_LARGE, K.KIND_REALLOC_CLASS, K.KIND_FREE, K.KIND_FREE_LARGE]);

/** `e` as a trace with these 1.1 features may hold it. */
function fitFeatures(e: TraceEventInit, domain: number, domains: boolean, reallocClass: boolean): TraceEventInit {
  let out = e;
  if (e.kind === K.KIND_REALLOC_CLASS && !reallocClass) {
    const { cls: _cls, ...rest } = e;
    out = { ...rest, kind: K.KIND_REALLOC };
  }
  return domains && ALLOCATION_KINDS.has(out.kind) ? { ...out, domain } : out;
}

/** A random trace: events with non-decreasing times and random writer options. */
export function randomTrace(maxEvents = 300): fc.Arbitrary<{ events: TraceEventInit[]; opts: TraceWriterOpts; write: () => Promise<Uint8Array> }> {
  return fc
    .record({
      events: fc.array(fc.tuple(randomEvent, fc.oneof(fc.constant(0), fc.constant(1), nat(2), nat(1e6)), nat(3)), { maxLength: maxEvents }),
      domains: fc.boolean(),
      reallocClass: fc.boolean(),
      codec: fc.constantFrom('none' as const, 'deflate-raw' as const),
      chunkSize: fc.constantFrom(64, 200, 1000, 65536),
      checkpointEvery: nat(3),
      clock: fc.constantFrom('event', 'ns'),
    })
    .map(({ events, codec, chunkSize, checkpointEvery, clock, domains, reallocClass }) => {
      let time = 0;
      const list: TraceEventInit[] = events.map(([e, dt, domain], i) => {
        time = clock === 'event' ? i : time + dt;
        return { ...fitFeatures(e, domain, domains, reallocClass), time };
      });
      const requiredFeatures = (domains ? FEATURE_DOMAINS : 0) | (reallocClass ? FEATURE_REALLOC_CLASS : 0);
      const opts: TraceWriterOpts = { codec, chunkSize, checkpointEvery, header: { clockUnit: clock, requiredFeatures } };
      // With domains, checkpoint blocks carry theirs (1.1: flags bits 1-2).
      if (checkpointEvery > 0) opts.checkpoint = () => (domains ? { ...sampleState(time), blocks: sampleState(time).blocks.map((b, i) => ({ ...b, domain: 1 + (i % 3) })) } : sampleState(time));
      return { events: list, opts, write: () => writeSample(list, opts) };
    });
}
