// Test helpers for the pymem trace format: one event of every kind, and a writer run to memory.
import type { TraceCheckpointState } from '../src/trace-checkpoint.js';
import { LEVEL_ALLOCATOR, LEVEL_GC, LEVEL_OBJECTS, LEVEL_REFCOUNTS, LEVEL_STACKS } from '../src/trace-constants.js';
import type { TraceEventBatch, TraceEventData, TraceEventInit } from '../src/trace-event.js';
import { emptyEvent } from '../src/trace-event.js';
import * as K from '../src/trace-record-kinds.js';
import { MemorySink } from '../src/trace-sink.js';
import { TraceWriter } from '../src/trace-writer.js';
import type { TraceWriterOpts } from '../src/trace-writer.js';

export const ALL_LEVELS = LEVEL_ALLOCATOR | LEVEL_OBJECTS | LEVEL_REFCOUNTS | LEVEL_GC | LEVEL_STACKS;

/** Events of every kind with exact values (strings 1..3, stack 2 must be defined by the caller: see `writeSample`). */
export function everyKind(): TraceEventInit[] {
  return [
    { kind: K.KIND_THREAD, time: 0, value: 77 },
    { kind: K.KIND_ARENA_ALLOC, time: 1, arena: 0, value: 0x7f12_3456_0000, count: 64 },
    { kind: K.KIND_POOL_INIT, time: 2, arena: 0, pool: 0, cls: 1 },
    { kind: K.KIND_MALLOC, time: 3, id: 0, size: 24, arena: 0, pool: 0, block: 0, stack: 2 },
    { kind: K.KIND_MALLOC, time: 3, id: 1, size: 32, arena: 0, pool: 0, block: 1, stack: 2 },
    { kind: K.KIND_MALLOC_LARGE, time: 10, id: 2, size: 100_000, stack: 1 },
    { kind: K.KIND_CALLOC, time: 11, id: 3, count: 3, value: 8, arena: 0, pool: 1, block: 5, stack: 0 },
    { kind: K.KIND_CALLOC_LARGE, time: 12, id: 4, count: 0, value: 8, stack: 0 },
    { kind: K.KIND_REALLOC, time: 13, oldId: 1, oldSize: 32, id: 5, size: 48, arena: 0, pool: 2, block: 0, stack: 1 },
    { kind: K.KIND_REALLOC_LARGE, time: 14, oldId: 2, oldSize: 100_000, id: 2, size: 200_000, stack: 1 },
    { kind: K.KIND_OBJ_CREATE, time: 15, id: 0, value: 3, size: 24 },
    { kind: K.KIND_INCREF, time: 15, id: 0 },
    { kind: K.KIND_DECREF, time: 16, id: 0 },
    { kind: K.KIND_GC_START, time: 17, count: 2 },
    { kind: K.KIND_GC_OBJECT, time: 17, id: 0, value: 1 },
    { kind: K.KIND_GC_STOP, time: 18, count: 2, value: 1, extra: 0 },
    { kind: K.KIND_OBJ_DEALLOC, time: 19, id: 0 },
    { kind: K.KIND_FREE, time: 19, id: 0, size: 24 },
    { kind: K.KIND_FREE_LARGE, time: 20, id: 2, size: 200_000 },
    { kind: K.KIND_POOL_FULL, time: 21, arena: 0, pool: 3, cls: 31 },
    { kind: K.KIND_POOL_EMPTY, time: 22, arena: 0, pool: 3, cls: 31 },
    { kind: K.KIND_POOL_REUSE, time: 23, arena: 0, pool: 3, cls: 2 },
    { kind: K.KIND_MARK, time: 24, value: 1, label: 1, extra: 2 },
    { kind: K.KIND_COUNTER, time: 25, label: 1, value: -12345 },
    { kind: K.KIND_ARENA_FREE, time: 1_000_000, arena: 0 },
  ];
}

/**
 * Events of every kind for a format 1.1 trace (header `requiredFeatures: FEATURES_1_1`): every
 * allocation record with a domain, and a realloc kept in place in its bigger class.
 */
export function everyKind11(): TraceEventInit[] {
  const alloc = new Set([K.KIND_MALLOC, K.KIND_MALLOC_LARGE, K.KIND_CALLOC, K.KIND_CALLOC_LARGE, K.KIND_REALLOC, K.KIND_REALLOC_LARGE, K.KIND_FREE, K.KIND_FREE_LARGE]);
  const out = everyKind().map((e, i) => (alloc.has(e.kind) ? { ...e, domain: 1 + (i % 3) } : e));
  // An 80-byte block (class 4) shrunk to 64 bytes stays in place (64 > 3/4 × 80), in class 4; 64 bytes alone would be class 3.
  const at = out.findIndex((e) => e.kind === K.KIND_REALLOC_LARGE);
  out.splice(at, 0, { kind: K.KIND_REALLOC_CLASS, time: 13, oldId: 5, oldSize: 80, id: 5, size: 64, cls: 4, arena: 0, pool: 2, block: 0, stack: 1, domain: 2 });
  return out;
}

/** The full struct an init describes (derived fields filled as the decoder does). */
export function expected(e: TraceEventInit, alignment = 16): TraceEventData {
  const out: TraceEventData = { ...emptyEvent(e.kind), ...e };
  const spec = K.KIND_BY_NUMBER[e.kind]!;
  if (spec.calloc) out.size = out.count * out.value;
  if (spec.pymalloc && !spec.fields.some((f) => f.op === 'cls')) out.cls = out.size === 0 ? 0 : Math.floor((out.size - 1) / alignment);
  if (!spec.fields.some((f) => f.op === 'domain')) out.domain = 0;
  if (!(out.kind === K.KIND_MALLOC || out.kind === K.KIND_CALLOC || out.kind === K.KIND_REALLOC || out.kind === K.KIND_REALLOC_CLASS)) {
    if (!spec.fields.some((f) => f.op === 'loc')) {
      for (const c of ['arena', 'pool', 'block'] as const) if (!spec.fields.some((f) => f.column === c)) out[c] = 0;
    }
  }
  return out;
}

/** Every row of batches as objects. */
export function rows(batches: readonly TraceEventBatch[]): TraceEventData[] {
  const out: TraceEventData[] = [];
  for (const b of batches) for (let i = 0; i < b.length; i++) out.push(b.at(i));
  return out;
}

/** Writes `events` (after defining strings 'startup', 'stats text', 'dict' and two stacks) to memory. */
export async function writeSample(events: readonly TraceEventInit[], opts: TraceWriterOpts = {}): Promise<Uint8Array> {
  const sink = new MemorySink();
  const w = new TraceWriter(sink, { codec: 'none', ...opts, header: { level: ALL_LEVELS, clockUnit: 'ns', ...opts.header } });
  w.string('startup');
  w.string('stats text\nline 2');
  w.string('dict');
  const f1 = w.frame(w.string('main'), w.string('app.py'), 1);
  const f2 = w.frame(w.string('work'), w.string('app.py'), 10);
  w.stack(w.stack(0, f1), f2);
  for (const e of events) w.append(e);
  await w.close();
  return sink.bytes();
}

/** A checkpoint state with a bit of everything. */
export function sampleState(seq: number): TraceCheckpointState {
  return {
    blocks: [
      { id: seq + 5, size: 24, large: false, cls: 1, arena: 0, pool: 0, block: 3, stack: 1 },
      { id: seq + 2, size: 4096, large: true, cls: 0, arena: 0, pool: 0, block: 0, stack: 0 },
    ],
    arenas: [{ arena: 0, base: 0x7000_0000, pools: 64, used: [{ pool: 1, cls: 1, used: 3 }, { pool: 0, cls: 2, used: 9 }] }],
    objects: [{ id: seq + 5, type: 3, refcount: 2, generation: 0 }],
  };
}
