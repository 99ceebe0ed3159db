import { ByteWriter } from './byte-cursor.js';
import { FEATURE_DOMAINS, FEATURE_REALLOC_CLASS, LEVEL_STACKS, MAX_DOMAIN, MAX_FIELD_VALUE } from './trace-constants.js';
import type { TraceEventBatch } from './trace-event.js';
import type { TraceEventInit } from './trace-event.js';
import type { TraceHeader } from './trace-header.js';
import { sizeClassCount } from './trace-header.js';
import { KIND_BY_NUMBER } from './trace-record-kinds.js';
import type { EventColumn, FieldOp, RecordKindSpec } from './trace-record-kinds.js';

const OPS: Record<FieldOp, number> = { uv: 0, zz: 1, str: 2, new: 3, ref: 4, arena: 5, base: 6, type: 7, loc: 8, stack: 9, cls: 10, domain: 11 };
const OP_UV = 0;
const OP_ZZ = 1;
const OP_STR = 2;
const OP_NEW = 3;
const OP_REF = 4;
const OP_ARENA = 5;
const OP_BASE = 6;
const OP_TYPE = 7;
const OP_LOC = 8;
const OP_STACK = 9;
const OP_CLS = 10;
const OP_DOMAIN = 11;

interface CompiledKind {
  spec: RecordKindSpec;
  ops: number[];
  cols: EventColumn[];
  /** The class is stored (`cls` field), not derived from the size. */
  storedCls: boolean;
}

const COMPILED: (CompiledKind | undefined)[] = KIND_BY_NUMBER.map((spec) =>
  spec === undefined ? undefined : { spec, ops: spec.fields.map((x) => OPS[x.op]), cols: spec.fields.map((x) => x.column), storedCls: spec.fields.some((x) => x.op === 'cls') },
);

/** Delta state of one events chunk (reset at every chunk start). */
class DeltaState {
  nextId = 0;
  lastRef = 0;
  lastArena = 0;
  lastBase = 0;
  lastType = 0;
  lastStack = 0;
  readonly lastKey = new Float64Array(256);
  readonly lastBlock = new Float64Array(256).fill(-1);

  reset(): void {
    this.nextId = 0;
    this.lastRef = 0;
    this.lastArena = 0;
    this.lastBase = 0;
    this.lastType = 0;
    this.lastStack = 0;
    this.lastKey.fill(0);
    this.lastBlock.fill(-1);
  }
}

/** Running totals the index records per chunk; advanced event by event. @internal */
export class LiveStats {
  /** Live bytes now. */
  live = 0;
  /** Arenas in use now. */
  arenas = 0;
  /** Live bytes at the current chunk's start. */
  liveStart = 0;
  /** Peak live bytes in the current chunk (at least `liveStart`). */
  peak = 0;
  /** Sequence number of the event that reached `peak` (the chunk's first sequence number if none exceeded `liveStart`). */
  peakSeq = 0;

  /** Starts a chunk at `seq`. */
  begin(seq: number): void {
    this.liveStart = this.live;
    this.peak = this.live;
    this.peakSeq = seq;
  }

  /** Applies the event of kind `kind` with sequence number `seq`. */
  apply(kind: number, size: number, oldSize: number, seq: number): void {
    const spec = KIND_BY_NUMBER[kind];
    if (spec === undefined) return;
    if (spec.live === 1) this.live += size;
    else if (spec.live === -1) this.live -= size;
    else if (spec.live === 2) this.live += size - oldSize;
    else if (kind === 2) this.arenas++;
    else if (kind === 3 && this.arenas > 0) this.arenas--; // an arena from before the trace began: not counted
    if (this.live > this.peak) {
      this.peak = this.live;
      this.peakSeq = seq;
    }
  }
}

function classOf(size: number, alignment: number): number {
  return size === 0 ? 0 : Math.floor((size - 1) / alignment);
}

/**
 * Encodes event records into one events-chunk payload, validating each event.
 * Internal: {@link TraceWriter} and `fromJsonl` use it.
 *
 * @internal
 */
export class EventEncoder {
  /** The payload of the current chunk. */
  readonly out = new ByteWriter(1 << 16);
  /** Running live bytes, arenas and the current chunk's peak. */
  readonly stats = new LiveStats();
  readonly #state = new DeltaState();
  readonly #alignment: number;
  readonly #classes: number;
  readonly #poolsPerArena: number;
  readonly #stacks: boolean;
  readonly #domains: boolean;
  readonly #reallocClass: boolean;
  readonly #eventClock: boolean;
  /** Events in the current chunk. */
  count = 0;
  /** Sequence number of the next event. */
  seq = 0;
  /** Time of the last event (the chunk's first time before any). */
  time = 0;
  /** First sequence number of the current chunk. */
  firstSeq = 0;
  /** First time of the current chunk. */
  firstTime = 0;

  constructor(h: TraceHeader) {
    this.#alignment = h.alignment;
    this.#classes = sizeClassCount(h);
    this.#poolsPerArena = h.arenaSize / h.poolSize;
    this.#stacks = (h.level & LEVEL_STACKS) !== 0;
    this.#domains = (h.requiredFeatures & FEATURE_DOMAINS) !== 0;
    this.#reallocClass = (h.requiredFeatures & FEATURE_REALLOC_CLASS) !== 0;
    this.#eventClock = h.clockUnit === 'event';
  }

  /** Starts a chunk (at the current sequence number). */
  begin(firstTime: number): void {
    this.out.length = 0;
    this.count = 0;
    this.firstSeq = this.seq;
    this.firstTime = firstTime;
    this.time = firstTime;
    this.#state.reset();
    this.stats.begin(this.seq);
  }

  /** The time an event gets when it carries none. */
  defaultTime(): number {
    return this.#eventClock ? this.seq : this.time;
  }

  /** Encodes one event; throws RangeError (nothing written) if it is not valid. */
  append(e: TraceEventInit): void {
    const c = COMPILED[e.kind];
    if (c === undefined) throw new RangeError(`unknown event kind ${e.kind}`);
    const time = e.time ?? this.defaultTime();
    if (!Number.isInteger(time) || time < this.time || time > MAX_FIELD_VALUE) throw new RangeError(`event ${this.seq}: time ${time} is not an integer >= the previous time ${this.time}`);
    const spec = c.spec;
    const v = (col: EventColumn): number => {
      const x = e[col] ?? 0;
      if (!Number.isInteger(x) || x < 0 || x > MAX_FIELD_VALUE) throw new RangeError(`event ${this.seq} (${spec.name}): ${col} ${x} is not an integer in 0..2^52-1`);
      return x;
    };
    let size = v('size');
    if (spec.calloc) {
      size = v('count') * v('value');
      if (size > MAX_FIELD_VALUE) throw new RangeError(`event ${this.seq} (calloc): nelem × elsize too large`);
      if (e.size !== undefined && e.size !== 0 && e.size !== size) throw new RangeError(`event ${this.seq} (${spec.name}): size ${e.size} is not nelem × elsize = ${size}`);
    }
    let cls = 0;
    if (spec.pymalloc) {
      cls = classOf(size, this.#alignment);
      if (cls >= this.#classes) throw new RangeError(`event ${this.seq} (${spec.name}): size ${size} is above the small-request threshold`);
      if (c.storedCls) {
        if (!this.#reallocClass) throw new RangeError(`event ${this.seq} (${spec.name}): needs the FEATURE_REALLOC_CLASS header bit`);
        const stored = v('cls');
        if (stored < cls || stored >= this.#classes) throw new RangeError(`event ${this.seq} (${spec.name}): cls ${stored} is not in ${cls} (the class of size ${size}) … ${this.#classes - 1}`);
        cls = stored;
      } else if (e.cls !== undefined && e.cls !== 0 && e.cls !== cls) throw new RangeError(`event ${this.seq} (${spec.name}): cls ${e.cls} is not the class of size ${size} (${cls})`);
    }
    // Validate everything before writing a byte.
    for (let i = 0; i < c.ops.length; i++) {
      const op = c.ops[i]!;
      if (op === OP_ZZ) {
        const x = e[c.cols[i]!] ?? 0;
        if (!Number.isInteger(x) || Math.abs(x) > MAX_FIELD_VALUE) throw new RangeError(`event ${this.seq} (${spec.name}): ${c.cols[i]!} ${x} is not an integer in ±(2^52-1)`);
      } else if (op === OP_LOC) {
        if (v('pool') >= this.#poolsPerArena) throw new RangeError(`event ${this.seq} (${spec.name}): pool ${e.pool} >= ${this.#poolsPerArena} pools per arena`);
        v('arena');
        v('block');
      } else if (op === OP_STACK) {
        if (!this.#stacks && (e.stack ?? 0) !== 0) throw new RangeError(`event ${this.seq} (${spec.name}): a stack id needs level LEVEL_STACKS`);
        v('stack');
      } else if (op === OP_DOMAIN) {
        if (!this.#domains && (e.domain ?? 0) !== 0) throw new RangeError(`event ${this.seq} (${spec.name}): a domain needs the FEATURE_DOMAINS header bit`);
        if (v('domain') > MAX_DOMAIN) throw new RangeError(`event ${this.seq} (${spec.name}): domain ${e.domain} > ${MAX_DOMAIN}`);
      } else if (op === OP_CLS) {
        // checked above
      } else {
        const x = v(c.cols[i]!);
        if (c.cols[i] === 'cls' && x >= this.#classes) throw new RangeError(`event ${this.seq} (${spec.name}): cls ${x} >= ${this.#classes}`);
        if (c.cols[i] === 'pool' && x >= this.#poolsPerArena) throw new RangeError(`event ${this.seq} (${spec.name}): pool ${x} >= ${this.#poolsPerArena}`);
      }
    }
    const w = this.out;
    const s = this.#state;
    const dt = time - this.time;
    if (dt < 3) w.u8((e.kind << 2) | dt);
    else {
      w.u8((e.kind << 2) | 3);
      w.uv(dt);
    }
    for (let i = 0; i < c.ops.length; i++) {
      const col = c.cols[i]!;
      const x = e[col] ?? 0;
      switch (c.ops[i]) {
        case OP_UV:
        case OP_STR:
          w.uv(x);
          break;
        case OP_ZZ:
          w.zz(x);
          break;
        case OP_NEW:
          w.zz(x - s.nextId);
          s.nextId = x + 1;
          s.lastRef = x;
          break;
        case OP_REF:
          w.zz(x - s.lastRef);
          s.lastRef = x;
          break;
        case OP_ARENA:
          w.zz(x - s.lastArena);
          s.lastArena = x;
          break;
        case OP_BASE:
          w.zz(x - s.lastBase);
          s.lastBase = x;
          break;
        case OP_TYPE:
          w.zz(x - s.lastType);
          s.lastType = x;
          break;
        case OP_LOC: {
          const key = (e.arena ?? 0) * this.#poolsPerArena + (e.pool ?? 0);
          const block = e.block ?? 0;
          w.zz(key - s.lastKey[cls]!);
          w.zz(block - s.lastBlock[cls]! - 1);
          s.lastKey[cls] = key;
          s.lastBlock[cls] = block;
          break;
        }
        case OP_STACK:
          if (this.#stacks) {
            w.zz(x - s.lastStack);
            s.lastStack = x;
          }
          break;
        case OP_CLS:
          w.uv(cls);
          break;
        case OP_DOMAIN:
          if (this.#domains) w.uv(x);
          break;
      }
    }
    this.stats.apply(e.kind, size, e.oldSize ?? 0, this.seq);
    this.time = time;
    this.count++;
    this.seq++;
  }
}

/**
 * Applies one batch to running totals, as the writer does (for an index rebuilt by scanning).
 *
 * @internal
 */
export function applyBatch(stats: LiveStats, b: TraceEventBatch): void {
  stats.begin(b.firstSeq);
  for (let i = 0; i < b.length; i++) stats.apply(b.kind[i]!, b.size[i]!, b.oldSize[i]!, b.firstSeq + i);
}

