import { ByteCursor } from './byte-cursor.js';
import { LEVEL_STACKS, MAX_FIELD_VALUE } from './trace-constants.js';
import { TraceEventBatch } from './trace-event.js';
import type { TraceHeader } from './trace-header.js';
import { sizeClassCount } from './trace-header.js';
import * as K from './trace-record-kinds.js';

// The hot decoder: one hand-written case per record kind (the layouts of
// RECORD_KINDS, which the encoder interprets), varints read inline from
// module state, typed-array writes only. Errors go through a ByteCursor so
// they carry the same codes and offsets as everywhere else.

let B: Uint8Array = new Uint8Array(0);
let P = 0;
let E = 0;
let C: ByteCursor = new ByteCursor(B, 0, 0, 0, '');

function fail(code: string, message: string, at: number): never {
  throw C.error(code, message, at);
}

// The payload is exactly B (E === B.length), so a read past its end gives undefined.
function uv(): number {
  const b0 = B[P];
  if (b0 !== undefined && b0 < 0x80) {
    P++;
    return b0;
  }
  return uvSlow();
}

function uvSlow(): number {
  if (P >= E) fail('E_TRUNCATED', 'unexpected end of data', P);
  C.pos = P;
  const v = C.uv();
  P = C.pos;
  return v;
}

function zz(): number {
  const v = uv();
  // Small values (almost all deltas) take the integer path; `%` on a double is slow in V8.
  if (v < 0x80000000) return (v >>> 1) ^ -(v & 1);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

function range(x: number, name: string, at: number): number {
  if (x < 0 || x > MAX_FIELD_VALUE) fail('E_RANGE', `${name} ${x} out of range`, at);
  return x;
}

/**
 * Decodes an events-chunk payload into a batch (reused when big enough).
 *
 * @internal
 */
export function decodeEventsFast(
  h: TraceHeader,
  raw: Uint8Array,
  n: number,
  firstSeq: number,
  firstTime: number,
  base: number,
  what: string,
  fixed: boolean,
  reuse?: TraceEventBatch,
): TraceEventBatch {
  C = new ByteCursor(raw, 0, raw.length, base, what, fixed);
  B = raw;
  P = 0;
  E = raw.length;
  if (n > raw.length) fail('E_COUNT', `record count ${n} exceeds the ${raw.length}-byte payload`, 0);
  let b: TraceEventBatch;
  if (reuse !== undefined && reuse.capacity >= n) {
    b = reuse;
    b.id.fill(0, 0, n);
    b.oldId.fill(0, 0, n);
    b.size.fill(0, 0, n);
    b.oldSize.fill(0, 0, n);
    b.cls.fill(0, 0, n);
    b.arena.fill(0, 0, n);
    b.pool.fill(0, 0, n);
    b.block.fill(0, 0, n);
    b.stack.fill(0, 0, n);
    b.count.fill(0, 0, n);
    b.value.fill(0, 0, n);
    b.extra.fill(0, 0, n);
    b.label.fill(0, 0, n);
  } else b = new TraceEventBatch(n);
  b.length = n;
  b.firstSeq = firstSeq;
  const kindCol = b.kind;
  const timeCol = b.time;
  const idCol = b.id;
  const sizeCol = b.size;
  const clsCol = b.cls;
  const arenaCol = b.arena;
  const poolCol = b.pool;
  const blockCol = b.block;
  const stackCol = b.stack;
  const countCol = b.count;
  const valueCol = b.value;
  const alignment = h.alignment;
  const classes = sizeClassCount(h);
  const ppa = h.arenaSize / h.poolSize;
  const stacks = (h.level & LEVEL_STACKS) !== 0;
  let nextId = 0;
  let lastRef = 0;
  let lastArena = 0;
  let lastBase = 0;
  let lastType = 0;
  let lastStack = 0;
  const lastKey = new Float64Array(classes);
  const lastBlock = new Float64Array(classes).fill(-1);
  let time = firstTime;
  for (let r = 0; r < n; r++) {
    const at = P;
    if (P >= E) fail('E_TRUNCATED', 'unexpected end of data', P);
    const tag = B[P++]!;
    const kind = tag >> 2;
    const tc = tag & 3;
    time += tc < 3 ? tc : uv();
    if (time > MAX_FIELD_VALUE) fail('E_RANGE', `time ${time} out of range`, at);
    kindCol[r] = kind;
    timeCol[r] = time;
    switch (kind) {
      case K.KIND_MALLOC:
      case K.KIND_MALLOC_LARGE:
      case K.KIND_CALLOC:
      case K.KIND_CALLOC_LARGE:
      case K.KIND_REALLOC:
      case K.KIND_REALLOC_LARGE: {
        if (kind >= K.KIND_REALLOC) {
          const fat = P;
          const old = range(zz() + lastRef, 'oldId', fat);
          b.oldId[r] = old; // lastRef becomes the new id just below
          b.oldSize[r] = uv();
        }
        let fat = P;
        const id = range(zz() + nextId, 'id', fat);
        idCol[r] = id;
        nextId = id + 1;
        lastRef = id;
        let size: number;
        fat = P;
        if (kind === K.KIND_CALLOC || kind === K.KIND_CALLOC_LARGE) {
          const count = uv();
          const el = uv();
          size = count * el;
          if (size > MAX_FIELD_VALUE) fail('E_RANGE', `nelem × elsize ${size} out of range`, fat);
          countCol[r] = count;
          valueCol[r] = el;
        } else size = uv();
        sizeCol[r] = size;
        if (kind === K.KIND_MALLOC || kind === K.KIND_CALLOC || kind === K.KIND_REALLOC) {
          const cls = size === 0 ? 0 : Math.floor((size - 1) / alignment);
          if (cls >= classes) fail('E_RANGE', `pymalloc size ${size} out of range`, fat);
          clsCol[r] = cls;
          fat = P;
          const key = range(zz() + lastKey[cls]!, 'pool key', fat);
          fat = P;
          const block = range(zz() + lastBlock[cls]! + 1, 'block', fat);
          lastKey[cls] = key;
          lastBlock[cls] = block;
          const arena = Math.floor(key / ppa);
          arenaCol[r] = arena;
          poolCol[r] = key - arena * ppa;
          blockCol[r] = block;
        }
        if (stacks) {
          fat = P;
          lastStack = range(zz() + lastStack, 'stack', fat);
          stackCol[r] = lastStack;
        }
        break;
      }
      case K.KIND_FREE:
      case K.KIND_FREE_LARGE: {
        const fat = P;
        lastRef = range(zz() + lastRef, 'id', fat);
        idCol[r] = lastRef;
        const size = uv();
        sizeCol[r] = size;
        if (kind === K.KIND_FREE) {
          const cls = size === 0 ? 0 : Math.floor((size - 1) / alignment);
          if (cls >= classes) fail('E_RANGE', `pymalloc size ${size} out of range`, fat);
          clsCol[r] = cls;
        }
        break;
      }
      case K.KIND_OBJ_DEALLOC:
      case K.KIND_INCREF:
      case K.KIND_DECREF:
      case K.KIND_GC_OBJECT: {
        const fat = P;
        lastRef = range(zz() + lastRef, 'id', fat);
        idCol[r] = lastRef;
        if (kind === K.KIND_GC_OBJECT) valueCol[r] = uv();
        break;
      }
      case K.KIND_OBJ_CREATE: {
        let fat = P;
        lastRef = range(zz() + lastRef, 'id', fat);
        idCol[r] = lastRef;
        fat = P;
        lastType = range(zz() + lastType, 'type', fat);
        valueCol[r] = lastType;
        sizeCol[r] = uv();
        break;
      }
      case K.KIND_THREAD:
        valueCol[r] = uv();
        break;
      case K.KIND_ARENA_ALLOC:
      case K.KIND_ARENA_FREE: {
        let fat = P;
        lastArena = range(zz() + lastArena, 'arena', fat);
        arenaCol[r] = lastArena;
        if (kind === K.KIND_ARENA_ALLOC) {
          fat = P;
          lastBase = range(zz() + lastBase, 'base', fat);
          valueCol[r] = lastBase;
          countCol[r] = uv();
        }
        break;
      }
      case K.KIND_POOL_INIT:
      case K.KIND_POOL_REUSE:
      case K.KIND_POOL_FULL:
      case K.KIND_POOL_EMPTY: {
        let fat = P;
        lastArena = range(zz() + lastArena, 'arena', fat);
        arenaCol[r] = lastArena;
        fat = P;
        const pool = uv();
        if (pool >= ppa) fail('E_RANGE', `pool ${pool} out of range`, fat);
        poolCol[r] = pool;
        fat = P;
        const cls = uv();
        if (cls >= classes) fail('E_RANGE', `cls ${cls} out of range`, fat);
        clsCol[r] = cls;
        break;
      }
      case K.KIND_GC_START:
        countCol[r] = uv();
        break;
      case K.KIND_GC_STOP:
        countCol[r] = uv();
        valueCol[r] = uv();
        b.extra[r] = uv();
        break;
      case K.KIND_MARK:
        valueCol[r] = uv();
        b.label[r] = uv();
        b.extra[r] = uv();
        break;
      case K.KIND_COUNTER: {
        b.label[r] = uv();
        const fat = P;
        const v = zz();
        if (Math.abs(v) > MAX_FIELD_VALUE) fail('E_RANGE', `value ${v} out of range`, fat);
        valueCol[r] = v;
        break;
      }
      default:
        fail('E_TAG', `unknown event tag 0x${tag.toString(16)} (record ${r})`, at);
    }
  }
  if (P !== raw.length) fail('E_TRAILING', `${raw.length - P} bytes after the last of ${n} records`, P);
  B = new Uint8Array(0);
  return b;
}
