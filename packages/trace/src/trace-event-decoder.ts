import { ByteCursor } from './byte-cursor.js';
import { FEATURE_DOMAINS, FEATURE_REALLOC_CLASS, LEVEL_STACKS, MAX_DOMAIN, MAX_FIELD_VALUE } from './trace-constants.js';
import { TraceEventBatch } from './trace-event.js';
import type { TraceHeader } from './trace-header.js';
import { sizeClassCount } from './trace-header.js';
import * as K from './trace-record-kinds.js';

// The hot decoder: one hand-written case per record kind (the layouts of
// RECORD_KINDS, which the encoder interprets). The position and the buffer
// live in locals of one function so that V8 keeps them in registers; a
// varint of one or two bytes (almost every field) is read inline, longer ones
// and every error go through a ByteCursor (same codes and offsets as everywhere
// else). Columns are written directly, and as few as possible: kind, time, id,
// size and cls for every event; arena, pool and block (cleared in one sweep
// when a batch is refilled) only where a record has a location; stack and
// domain only when the trace has them; the sparse columns (oldId, oldSize,
// count, value, extra, label) only for the rows listed in `sparseRows`, which
// the next refill clears again.

// Local copies: under dev-time module transforms an imported constant is a property load at each use.
const CALLOC = K.KIND_CALLOC;
const CALLOC_LARGE = K.KIND_CALLOC_LARGE;
const OBJ_CREATE = K.KIND_OBJ_CREATE;
const OBJ_DEALLOC = K.KIND_OBJ_DEALLOC;
const INCREF = K.KIND_INCREF;
const DECREF = K.KIND_DECREF;
const GC_OBJECT = K.KIND_GC_OBJECT;
const THREAD = K.KIND_THREAD;
const ARENA_ALLOC = K.KIND_ARENA_ALLOC;
const ARENA_FREE = K.KIND_ARENA_FREE;
const POOL_INIT = K.KIND_POOL_INIT;
const POOL_REUSE = K.KIND_POOL_REUSE;
const POOL_FULL = K.KIND_POOL_FULL;
const POOL_EMPTY = K.KIND_POOL_EMPTY;
const GC_START = K.KIND_GC_START;
const GC_STOP = K.KIND_GC_STOP;
const MARK = K.KIND_MARK;
const COUNTER = K.KIND_COUNTER;
const REALLOC_CLASS = K.KIND_REALLOC_CLASS;
const MAX = MAX_FIELD_VALUE;
const TWO31 = 0x8000_0000;

/** The cursor of the chunk being decoded: errors and varints of more than one byte. */
let C: ByteCursor = new ByteCursor(new Uint8Array(0), 0, 0, 0, '');
/** Position after the varint {@link slowUv} / {@link slowZz} read. */
let NEXT = 0;

function fail(code: string, message: string, at: number): never {
  throw C.error(code, message, at);
}

/** An unsigned varint at `p` (more than one byte, or past the end: then E_TRUNCATED). */
function slowUv(p: number): number {
  C.pos = p;
  const v = C.uv();
  NEXT = C.pos;
  return v;
}

function unzigzag(v: number): number {
  // Small values (almost all deltas) take the integer path; `%` on a double is slow in V8.
  if (v < TWO31) return (v >>> 1) ^ -(v & 1);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/** A zigzag varint at `p`, however long. */
function slowZz(p: number): number {
  return unzigzag(slowUv(p));
}

function outOfRange(name: string, x: number, at: number): never {
  fail('E_RANGE', `${name} ${x} out of range`, at);
}

/** Clears the sparse columns where the previous fill of `b` wrote them. */
function clearSparse(b: TraceEventBatch): void {
  const rows = b.sparseRows;
  const oldId = b.oldId;
  const oldSize = b.oldSize;
  const count = b.count;
  const value = b.value;
  const extra = b.extra;
  const label = b.label;
  for (let i = 0, n = b.sparseLength; i < n; i++) {
    const r = rows[i]!;
    oldId[r] = 0;
    oldSize[r] = 0;
    count[r] = 0;
    value[r] = 0;
    extra[r] = 0;
    label[r] = 0;
  }
  b.sparseLength = 0;
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
  errorBase: number,
  what: string,
  fixed: boolean,
  reuse?: TraceEventBatch,
): TraceEventBatch {
  // Always a plain Uint8Array (a Node Buffer is a subclass): one hidden class keeps the loop's loads monomorphic.
  if (raw.constructor !== Uint8Array) raw = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  C = new ByteCursor(raw, 0, raw.length, errorBase, what, fixed);
  // Function-local copies: module-level constants are context loads with a hole check in the hot loop.
  const kCalloc = CALLOC;
  const kCallocLarge = CALLOC_LARGE;
  const kReallocClass = REALLOC_CLASS;
  const kMax = MAX;
  const kTwo31 = TWO31;
  const buf = raw;
  const end = raw.length;
  if (n > end) fail('E_COUNT', `record count ${n} exceeds the ${end}-byte payload`, 0);
  let b: TraceEventBatch;
  if (reuse !== undefined && reuse.capacity >= n) {
    b = reuse;
    clearSparse(b);
    const dirty = b.length;
    b.arena.fill(0, 0, dirty);
    b.pool.fill(0, 0, dirty);
    b.block.fill(0, 0, dirty);
    if (b.denseStack) b.stack.fill(0, 0, dirty);
    if (b.denseDomain) b.domain.fill(0, 0, dirty);
  } else b = new TraceEventBatch(reuse === undefined ? n : Math.max(n, 2 * reuse.capacity));
  const stacks = (h.level & LEVEL_STACKS) !== 0;
  const domains = (h.requiredFeatures & FEATURE_DOMAINS) !== 0;
  const reallocClass = (h.requiredFeatures & FEATURE_REALLOC_CLASS) !== 0;
  // Until the end, `length` covers every row that may hold a location (a refill clears that many).
  b.length = Math.max(b.length, n);
  b.denseStack = stacks;
  b.denseDomain = domains;
  b.firstSeq = firstSeq;
  const kindCol = b.kind;
  const timeCol = b.time;
  const idCol = b.id;
  const oldIdCol = b.oldId;
  const sizeCol = b.size;
  const oldSizeCol = b.oldSize;
  const clsCol = b.cls;
  const arenaCol = b.arena;
  const poolCol = b.pool;
  const blockCol = b.block;
  const stackCol = b.stack;
  const domainCol = b.domain;
  const countCol = b.count;
  const valueCol = b.value;
  const extraCol = b.extra;
  const labelCol = b.label;
  const sparse = b.sparseRows;
  const alignment = h.alignment;
  const shift = 31 - Math.clz32(alignment);
  const threshold = h.smallRequestThreshold;
  const classes = sizeClassCount(h);
  const ppa = h.arenaSize / h.poolSize;
  const ppaShift = 31 - Math.clz32(ppa);
  let nextId = 0;
  let lastRef = 0;
  let lastArena = 0;
  let lastBase = 0;
  let lastType = 0;
  let lastStack = 0;
  const lastKey = new Float64Array(classes);
  const lastBlock = new Float64Array(classes).fill(-1);
  let time = firstTime;
  let p = 0;
  let x: number;
  let y: number;
  let d: number;
  for (let r = 0; r < n; r++) {
    const at = p;
    if (p >= end) fail('E_TRUNCATED', 'unexpected end of data', p);
    const tag = buf[p++]!;
    const kind = tag >> 2;
    const tc = tag & 3;
    if (tc < 3) time += tc;
    else {
      x = buf[p]!;
      if (x < 0x80) p++;
      else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
        x = (x & 0x7f) | (y << 7);
        p += 2;
      } else {
        x = slowUv(p);
        p = NEXT;
      }
      time += x;
    }
    if (time > kMax) outOfRange('time', time, at);
    kindCol[r] = kind;
    timeCol[r] = time;
    if ((kind >= 8 && kind <= 15) || kind === kReallocClass) {
      // The allocator kinds (8 … 15: even = pymalloc, odd = large; 14, 15 = free) and realloc_class.
      let fat = p;
      if (kind >= 14 && kind <= 15) {
        x = buf[p]!;
        if (x < 0x80) {
          p++;
          d = (x >>> 1) ^ -(x & 1);
        } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
          x = (x & 0x7f) | (y << 7);
          p += 2;
          d = (x >>> 1) ^ -(x & 1);
        } else {
          d = slowZz(p);
          p = NEXT;
        }
        lastRef += d;
        if (lastRef < 0 || lastRef > kMax) outOfRange('id', lastRef, fat);
        idCol[r] = lastRef;
        fat = p;
        x = buf[p]!;
        if (x < 0x80) p++;
        else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
          x = (x & 0x7f) | (y << 7);
          p += 2;
        } else {
          x = slowUv(p);
          p = NEXT;
        }
        sizeCol[r] = x;
        if (kind === 14) {
          if (x > threshold) outOfRange('pymalloc size', x, fat);
          clsCol[r] = x === 0 ? 0 : (x - 1) >> shift;
        } else clsCol[r] = 0;
      } else {
        if (kind >= 12) {
          // realloc, realloc_large, realloc_class
          x = buf[p]!;
          if (x < 0x80) {
            p++;
            d = (x >>> 1) ^ -(x & 1);
          } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
            d = (x >>> 1) ^ -(x & 1);
          } else {
            d = slowZz(p);
            p = NEXT;
          }
          const old = lastRef + d;
          if (old < 0 || old > kMax) outOfRange('oldId', old, fat);
          sparse[b.sparseLength++] = r;
          oldIdCol[r] = old;
          x = buf[p]!;
          if (x < 0x80) p++;
          else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
          } else {
            x = slowUv(p);
            p = NEXT;
          }
          oldSizeCol[r] = x;
        }
        fat = p;
        x = buf[p]!;
        if (x < 0x80) {
          p++;
          d = (x >>> 1) ^ -(x & 1);
        } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
          x = (x & 0x7f) | (y << 7);
          p += 2;
          d = (x >>> 1) ^ -(x & 1);
        } else {
          d = slowZz(p);
          p = NEXT;
        }
        const id = nextId + d;
        if (id < 0 || id > kMax) outOfRange('id', id, fat);
        idCol[r] = id;
        nextId = id + 1;
        lastRef = id;
        fat = p;
        let size: number;
        if (kind === kCalloc || kind === kCallocLarge) {
          x = buf[p]!;
          if (x < 0x80) p++;
          else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
          } else {
            x = slowUv(p);
            p = NEXT;
          }
          const count = x;
          x = buf[p]!;
          if (x < 0x80) p++;
          else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
          } else {
            x = slowUv(p);
            p = NEXT;
          }
          size = count * x;
          if (size > kMax) fail('E_RANGE', `nelem × elsize ${size} out of range`, fat);
          sparse[b.sparseLength++] = r;
          countCol[r] = count;
          valueCol[r] = x;
        } else {
          x = buf[p]!;
          if (x < 0x80) p++;
          else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
          } else {
            x = slowUv(p);
            p = NEXT;
          }
          size = x;
        }
        sizeCol[r] = size;
        if ((kind & 1) === 0 || kind === kReallocClass) {
          // pymalloc: the class (derived, or stored by realloc_class), then the location
          if (size > threshold) outOfRange('pymalloc size', size, fat);
          let cls = size === 0 ? 0 : (size - 1) >> shift;
          if (kind === kReallocClass) {
            if (!reallocClass) fail('E_TAG', `realloc_class record ${r} in a trace without the FEATURE_REALLOC_CLASS header bit`, at);
            fat = p;
            x = buf[p]!;
            if (x < 0x80) p++;
            else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
              x = (x & 0x7f) | (y << 7);
              p += 2;
            } else {
              x = slowUv(p);
              p = NEXT;
            }
            if (x < cls || x >= classes) fail('E_RANGE', `cls ${x} out of range (size ${size} needs ${cls} … ${classes - 1})`, fat);
            cls = x;
          }
          clsCol[r] = cls;
          fat = p;
          x = buf[p]!;
          if (x < 0x80) {
            p++;
            d = (x >>> 1) ^ -(x & 1);
          } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
            d = (x >>> 1) ^ -(x & 1);
          } else {
            d = slowZz(p);
            p = NEXT;
          }
          const key = lastKey[cls]! + d;
          if (key < 0 || key > kMax) outOfRange('pool key', key, fat);
          fat = p;
          x = buf[p]!;
          if (x < 0x80) {
            p++;
            d = (x >>> 1) ^ -(x & 1);
          } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
            d = (x >>> 1) ^ -(x & 1);
          } else {
            d = slowZz(p);
            p = NEXT;
          }
          const block = lastBlock[cls]! + 1 + d;
          if (block < 0 || block > kMax) outOfRange('block', block, fat);
          lastKey[cls] = key;
          lastBlock[cls] = block;
          if (key < kTwo31) {
            arenaCol[r] = key >> ppaShift;
            poolCol[r] = key & (ppa - 1);
          } else {
            const arena = Math.floor(key / ppa);
            arenaCol[r] = arena;
            poolCol[r] = key - arena * ppa;
          }
          blockCol[r] = block;
        } else clsCol[r] = 0;
        if (stacks) {
          fat = p;
          x = buf[p]!;
          if (x < 0x80) {
            p++;
            d = (x >>> 1) ^ -(x & 1);
          } else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
            x = (x & 0x7f) | (y << 7);
            p += 2;
            d = (x >>> 1) ^ -(x & 1);
          } else {
            d = slowZz(p);
            p = NEXT;
          }
          lastStack += d;
          if (lastStack < 0 || lastStack > kMax) outOfRange('stack', lastStack, fat);
          stackCol[r] = lastStack;
        }
      }
      if (domains) {
        fat = p;
        x = buf[p]!;
        if (x < 0x80) p++;
        else if ((y = buf[p + 1]!) < 0x80 && y !== 0) {
          x = (x & 0x7f) | (y << 7);
          p += 2;
        } else {
          x = slowUv(p);
          p = NEXT;
        }
        if (x > MAX_DOMAIN) outOfRange('domain', x, fat);
        domainCol[r] = x;
      }
      continue;
    }
    // The other kinds, rarer: plain cursor reads.
    idCol[r] = 0;
    sizeCol[r] = 0;
    clsCol[r] = 0;
    sparse[b.sparseLength++] = r;
    C.pos = p;
    switch (kind) {
      case OBJ_DEALLOC:
      case INCREF:
      case DECREF:
      case GC_OBJECT: {
        const fat = C.pos;
        lastRef += unzigzag(C.uv());
        if (lastRef < 0 || lastRef > kMax) outOfRange('id', lastRef, fat);
        idCol[r] = lastRef;
        if (kind === GC_OBJECT) valueCol[r] = C.uv();
        break;
      }
      case OBJ_CREATE: {
        let fat = C.pos;
        lastRef += unzigzag(C.uv());
        if (lastRef < 0 || lastRef > kMax) outOfRange('id', lastRef, fat);
        idCol[r] = lastRef;
        fat = C.pos;
        lastType += unzigzag(C.uv());
        if (lastType < 0 || lastType > kMax) outOfRange('type', lastType, fat);
        valueCol[r] = lastType;
        sizeCol[r] = C.uv();
        break;
      }
      case THREAD:
        valueCol[r] = C.uv();
        break;
      case ARENA_ALLOC:
      case ARENA_FREE: {
        let fat = C.pos;
        lastArena += unzigzag(C.uv());
        if (lastArena < 0 || lastArena > kMax) outOfRange('arena', lastArena, fat);
        arenaCol[r] = lastArena;
        if (kind === ARENA_ALLOC) {
          fat = C.pos;
          lastBase += unzigzag(C.uv());
          if (lastBase < 0 || lastBase > kMax) outOfRange('base', lastBase, fat);
          valueCol[r] = lastBase;
          countCol[r] = C.uv();
        }
        break;
      }
      case POOL_INIT:
      case POOL_REUSE:
      case POOL_FULL:
      case POOL_EMPTY: {
        let fat = C.pos;
        lastArena += unzigzag(C.uv());
        if (lastArena < 0 || lastArena > kMax) outOfRange('arena', lastArena, fat);
        arenaCol[r] = lastArena;
        fat = C.pos;
        const pool = C.uv();
        if (pool >= ppa) outOfRange('pool', pool, fat);
        poolCol[r] = pool;
        fat = C.pos;
        const cls = C.uv();
        if (cls >= classes) outOfRange('cls', cls, fat);
        clsCol[r] = cls;
        break;
      }
      case GC_START:
        countCol[r] = C.uv();
        break;
      case GC_STOP:
        countCol[r] = C.uv();
        valueCol[r] = C.uv();
        extraCol[r] = C.uv();
        break;
      case MARK:
        valueCol[r] = C.uv();
        labelCol[r] = C.uv();
        extraCol[r] = C.uv();
        break;
      case COUNTER: {
        labelCol[r] = C.uv();
        const fat = C.pos;
        const v = unzigzag(C.uv());
        if (Math.abs(v) > kMax) outOfRange('value', v, fat);
        valueCol[r] = v;
        break;
      }
      default:
        fail('E_TAG', `unknown event tag 0x${tag.toString(16)} (record ${r})`, at);
    }
    p = C.pos;
  }
  if (p !== end) fail('E_TRAILING', `${end - p} bytes after the last of ${n} records`, p);
  b.length = n;
  return b;
}
