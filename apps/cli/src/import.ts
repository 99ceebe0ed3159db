import type { Geometry, GeometryOpts, PresetName, Route } from '@pymem/arena';
import { ROUTE_PYMALLOC, createRecordedHeap, geometryForPython, resolveGeometry } from '@pymem/arena';
import type { ArenaState, LiveBlock, RawCaptureReader, RawRecordBatch, RawStackTable, StatsDump, TraceCheckpointState, TraceEventData, TraceSink } from '@pymem/trace';
import {
  FEATURE_DOMAINS,
  FEATURE_REALLOC_CLASS,
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_POOL_EMPTY,
  KIND_POOL_FULL,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  LEVEL_ALLOCATOR,
  LEVEL_STACKS,
  OP_ARENA_ALLOC,
  OP_CALLOC,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
  RAW_FLAG_STACKS,
  TRACE_SYNC,
  TraceWriter,
  emptyEvent,
} from '@pymem/trace';
import { AddressMap } from './address-map.js';

// Local copies: under dev-time module transforms an imported constant is a property load at each use.
const L_KIND_ARENA_ALLOC = KIND_ARENA_ALLOC;
const L_KIND_ARENA_FREE = KIND_ARENA_FREE;
const L_KIND_CALLOC = KIND_CALLOC;
const L_KIND_CALLOC_LARGE = KIND_CALLOC_LARGE;
const L_KIND_FREE = KIND_FREE;
const L_KIND_FREE_LARGE = KIND_FREE_LARGE;
const L_KIND_MALLOC = KIND_MALLOC;
const L_KIND_MALLOC_LARGE = KIND_MALLOC_LARGE;
const L_KIND_MARK = KIND_MARK;
const L_KIND_POOL_EMPTY = KIND_POOL_EMPTY;
const L_KIND_POOL_FULL = KIND_POOL_FULL;
const L_KIND_POOL_INIT = KIND_POOL_INIT;
const L_KIND_POOL_REUSE = KIND_POOL_REUSE;
const L_KIND_REALLOC = KIND_REALLOC;
const L_KIND_REALLOC_LARGE = KIND_REALLOC_LARGE;
const L_KIND_REALLOC_CLASS = KIND_REALLOC_CLASS;
const L_OP_ARENA_ALLOC = OP_ARENA_ALLOC;
const L_OP_CALLOC = OP_CALLOC;
const L_OP_FREE = OP_FREE;
const L_OP_MALLOC = OP_MALLOC;
const L_OP_MARK = OP_MARK;
const L_OP_REALLOC = OP_REALLOC;

/** Options of {@link importCapture}. */
export interface ImportOpts {
  /** Statistics dumps; each mark with a dump carries its pymalloc text. */
  stats?: readonly StatsDump[];
  /** @defaultValue `'deflate-raw'` */
  codec?: 'none' | 'deflate-raw';
  /** Raw bytes per events chunk. @defaultValue 65536 */
  chunkSize?: number;
  /** A checkpoint every this many events chunks (0: none). @defaultValue 64 */
  checkpointEvery?: number;
  /** Geometry; defaults to the one of the capture's CPython version. */
  geometry?: PresetName | GeometryOpts | Geometry;
}

/** What {@link importCapture} did. */
export interface ImportReport {
  /** Raw records read (the end record not counted). */
  records: number;
  /** Trace events written. */
  events: number;
  /** malloc, calloc and realloc results in the capture. */
  results: number;
  /** Allocation events written (malloc, calloc, realloc kinds, pymalloc and large). */
  allocations: number;
  /** Results the replay put at another address than the capture (0 for a capture the model reproduces). */
  mismatches: number;
  /** In-place reallocs whose block kept a class above its new size's (written as `realloc_class`). */
  keptClass: number;
  /** Frees and reallocs of addresses no earlier result returned (skipped, or a realloc written as a malloc). */
  unknownFrees: number;
  /** Mark events, and those carrying statistics text. */
  marks: number;
  marksWithStats: number;
  /** Distinct stacks written (0 without stacks). */
  stacks: number;
  /** Bytes of the trace file. */
  bytes: number;
  /** Chunks written by type (the index chunk included). */
  chunks: { dictionary: number; events: number; checkpoint: number; index: number };
  /** Whether the capture had its end record. */
  ended: boolean;
  seconds: number;
}

/** A sink that counts bytes and chunks on their way to another sink. */
class CountingSink implements TraceSink {
  bytes = 0;
  readonly chunks = { dictionary: 0, events: 0, checkpoint: 0, index: 0 };
  constructor(private readonly inner: TraceSink) {}
  async write(b: Uint8Array): Promise<void> {
    this.bytes += b.length;
    if (b.length > 4 && b[0] === TRACE_SYNC[0] && b[1] === TRACE_SYNC[1] && b[2] === TRACE_SYNC[2] && b[3] === TRACE_SYNC[3]) {
      const t = b[4];
      if (t === 1) this.chunks.dictionary++;
      else if (t === 2) this.chunks.events++;
      else if (t === 3) this.chunks.checkpoint++;
      else if (t === 4) this.chunks.index++;
    }
    await this.inner.write(b);
  }
  async close(): Promise<void> {
    await this.inner.close();
  }
}

const NO_CLASS = -1;

/**
 * The live blocks in dense typed-array columns (a freed block's slot takes
 * the last one), found by address through an {@link AddressMap}: memory in
 * proportion to the live blocks, not to the capture.
 */
class LiveTable {
  length = 0;
  readonly byAddress = new AddressMap(1 << 14);
  addr = new Float64Array(1024);
  id = new Float64Array(1024);
  size = new Float64Array(1024);
  /** Size class, {@link NO_CLASS} for large blocks. */
  cls = new Int16Array(1024);
  /** Descriptor slot of the arena (heap's), for pool occupancy. */
  slot = new Int32Array(1024);
  arena = new Float64Array(1024);
  pool = new Int32Array(1024);
  block = new Int32Array(1024);
  stack = new Float64Array(1024);
  /** Allocation domain (1 MEM, 2 OBJ) of the call that made the block. */
  domain = new Uint8Array(1024);

  private grow(): void {
    const n = this.addr.length * 2;
    const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const x = new Float64Array(n);
      x.set(a);
      return x;
    };
    const i = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const x = new Int32Array(n);
      x.set(a);
      return x;
    };
    this.addr = f(this.addr);
    this.id = f(this.id);
    this.size = f(this.size);
    const c = new Int16Array(n);
    c.set(this.cls);
    this.cls = c;
    this.slot = i(this.slot);
    this.arena = f(this.arena);
    this.pool = i(this.pool);
    this.block = i(this.block);
    this.stack = f(this.stack);
    const d = new Uint8Array(n);
    d.set(this.domain);
    this.domain = d;
  }

  /** Adds a block; returns its row. */
  add(address: number, id: number, size: number, cls: number, slot: number, arena: number, pool: number, block: number, stack: number, domain: number): number {
    if (this.length === this.addr.length) this.grow();
    const r = this.length++;
    this.addr[r] = address;
    this.id[r] = id;
    this.size[r] = size;
    this.cls[r] = cls;
    this.slot[r] = slot;
    this.arena[r] = arena;
    this.pool[r] = pool;
    this.block[r] = block;
    this.stack[r] = stack;
    this.domain[r] = domain;
    this.byAddress.set(address, r);
    return r;
  }

  /** Row of the live block at `address`, or -1. */
  find(address: number): number {
    return address === 0 ? -1 : this.byAddress.get(address);
  }

  /** Removes row `r` (the last row moves into it). */
  remove(r: number): void {
    this.byAddress.delete(this.addr[r]!);
    const last = --this.length;
    if (r === last) return;
    const moved = this.addr[last]!;
    this.addr[r] = moved;
    this.id[r] = this.id[last]!;
    this.size[r] = this.size[last]!;
    this.cls[r] = this.cls[last]!;
    this.slot[r] = this.slot[last]!;
    this.arena[r] = this.arena[last]!;
    this.pool[r] = this.pool[last]!;
    this.block[r] = this.block[last]!;
    this.stack[r] = this.stack[last]!;
    this.domain[r] = this.domain[last]!;
    this.byAddress.set(moved, r);
  }
}

/**
 * Imports a raw capture into the pymem trace format. The requests are
 * replayed through `@pymem/arena`'s recorded heap (the arena bases the
 * capture logged, libc results as recorded), and the heap's observer gives
 * the allocator-level events: arena allocations and releases with their
 * bases and pool counts, pool init/reuse/full/empty, and every malloc,
 * calloc, realloc and free with its size, class, arena, pool and block (or
 * as a large block when libc served it). Blocks get logical ids in
 * allocation order (an in-place realloc keeps its id); arenas get ids in
 * allocation order too. Marks carry their label and, given the dumps, the
 * pymalloc part of the statistics text. Time is the sequence number (clock
 * `event`). Stacks of a capture with stacks go into the trace dictionary.
 * Every `checkpointEvery` events chunks the writer stores the full live
 * state (blocks, arenas, pools in use), which this function keeps from the
 * events it wrote (so it is exactly the state after them).
 *
 * Runs in Node and in browsers; memory stays in proportion to the live
 * blocks (batches are streamed into the writer, which is drained after
 * each batch).
 *
 * @param reader - the raw capture, not yet iterated
 * @param sink - where the trace goes
 * @param opts - statistics dumps, codec, chunking, checkpoints, geometry
 * @returns what was written
 */
export async function importCapture(reader: RawCaptureReader, sink: TraceSink, opts: ImportOpts = {}): Promise<ImportReport> {
  const started = performance.now();
  const counting = new CountingSink(sink);
  let imp: Importer | undefined;
  for await (const batch of reader) {
    imp ??= new Importer(counting, reader, opts);
    imp.feed(batch);
    await imp.writer.drain();
  }
  imp ??= new Importer(counting, reader, opts);
  await imp.writer.close();
  const r = imp.report();
  r.bytes = counting.bytes;
  r.chunks = { ...counting.chunks };
  r.ended = reader.ended;
  r.records = reader.recordCount;
  r.seconds = (performance.now() - started) / 1000;
  return r;
}

/** The replay and the writer of one import. */
class Importer {
  readonly writer: TraceWriter;
  private readonly g: Geometry;
  private readonly rec;
  private readonly live = new LiveTable();
  private readonly dumps = new Map<number, StatsDump>();
  private readonly stacksTable: RawStackTable | undefined;
  private readonly stackIds = new Map<number, number>();
  private readonly e: TraceEventData = emptyEvent();
  private readonly post: number[] = [];
  /** Per heap slot: the trace's arena id, base, first pool address, pool count. */
  private slotArena = new Float64Array(64);
  private slotFirstPool = new Float64Array(64);
  private slotBase = new Float64Array(64);
  private slotPools = new Int32Array(64);
  private slotLive = new Uint8Array(64);
  /** Per slot × pool: blocks in use and class. */
  private poolUsed = new Int32Array(64 * 64);
  private poolCls = new Int16Array(64 * 64);
  private readonly ppa: number;
  private nextId = 0;
  private nextArena = 0;
  /** Request being replayed: stack, allocation domain, calloc's nelem / elsize. */
  private curStack = 0;
  private curDomain = 0;
  private curNelem = 0;
  private curElsize = 0;
  private results = 0;
  private allocations = 0;
  private mismatches = 0;
  private keptClass = 0;
  private unknownFrees = 0;
  private marks = 0;
  private marksWithStats = 0;

  constructor(sink: TraceSink, reader: RawCaptureReader, opts: ImportOpts) {
    const h = reader.header;
    this.g = resolveGeometry(opts.geometry ?? geometryForPython(h?.pyVersionHex ?? 0x030b07f0));
    const g = this.g;
    this.ppa = g.maxPoolsInArena;
    this.poolUsed = new Int32Array(64 * this.ppa);
    this.poolCls = new Int16Array(64 * this.ppa);
    this.stacksTable = h !== undefined && (h.flags & RAW_FLAG_STACKS) !== 0 ? reader.stacks : undefined;
    for (const d of opts.stats ?? []) this.dumps.set(d.id, d);
    this.writer = new TraceWriter(sink, {
      header: {
        writer: '@pymem/cli import',
        pythonVersion: h?.pyVersionHex ?? 0,
        alignment: g.alignment,
        smallRequestThreshold: g.threshold,
        poolSize: g.poolSize,
        arenaSize: g.arenaSize,
        level: LEVEL_ALLOCATOR | (this.stacksTable !== undefined ? LEVEL_STACKS : 0),
        clockUnit: 'event',
        // Format 1.1: the domain (MEM or OBJ) of every allocation record, and the class of blocks kept in place.
        requiredFeatures: FEATURE_DOMAINS | FEATURE_REALLOC_CLASS,
      },
      codec: opts.codec ?? 'deflate-raw',
      chunkSize: opts.chunkSize ?? 65536,
      checkpointEvery: opts.checkpointEvery ?? 64,
      checkpoint: () => this.checkpoint(),
    });
    this.rec = createRecordedHeap(g);
    this.rec.heap.observer = {
      arenaAlloc: (address, slot, pools) => this.onArenaAlloc(address, slot, pools),
      arenaFree: (_address, slot) => this.post.push(L_KIND_ARENA_FREE, slot, 0, 0),
      poolInit: (pool, cls) => this.onPool(L_KIND_POOL_INIT, pool, cls),
      poolReuse: (pool, cls) => this.onPool(L_KIND_POOL_REUSE, pool, cls),
      poolFull: (pool, cls) => this.queuePool(L_KIND_POOL_FULL, pool, cls),
      poolEmpty: (pool, cls) => this.queuePool(L_KIND_POOL_EMPTY, pool, cls),
      blockAlloc: (address, size, route, zeroed) => this.onAlloc(address, size, route, zeroed),
      blockFree: (address) => this.onFree(address),
      blockRealloc: (oldAddress, newAddress, size, route) => this.onRealloc(oldAddress, newAddress, size, route),
    };
  }

  report(): ImportReport {
    return {
      records: 0,
      events: this.writer.seq,
      results: this.results,
      allocations: this.allocations,
      mismatches: this.mismatches,
      keptClass: this.keptClass,
      unknownFrees: this.unknownFrees,
      marks: this.marks,
      marksWithStats: this.marksWithStats,
      stacks: this.stackIds.size,
      bytes: 0,
      chunks: { dictionary: 0, events: 0, checkpoint: 0, index: 0 },
      ended: false,
      seconds: 0,
    };
  }

  /** The trace stack id of a raw stack id (interned on first use, ancestors first). */
  private stackOf(raw: number): number {
    if (raw === 0 || this.stacksTable === undefined) return 0;
    const known = this.stackIds.get(raw);
    if (known !== undefined) return known;
    const node = this.stacksTable.stack(raw);
    if (node === undefined) return 0;
    const parent = this.stackOf(node.parent);
    const w = this.writer;
    const f = node.frame;
    const id = w.stack(parent, w.frame(w.string(f.function), w.string(f.file), f.line));
    this.stackIds.set(raw, id);
    return id;
  }

  feed(b: RawRecordBatch): void {
    const { heap, source, fallback } = this.rec;
    const arenaSize = this.g.arenaSize;
    const { op, domain, size, size2, ptr, result, stack } = b;
    const tracked = this.stacksTable !== undefined;
    let markAt = 0;
    let lastRaw = -1;
    let lastStack = 0;
    for (let i = 0; i < b.length; i++) {
      const o = op[i]!;
      if (tracked) {
        const s = stack[i]!;
        if (s !== lastRaw) {
          lastRaw = s;
          lastStack = this.stackOf(s);
        }
        this.curStack = lastStack;
      }
      this.curDomain = domain[i]!;
      if (o === L_OP_FREE) {
        heap.free(ptr[i]!);
        this.flushPost();
        if (source.offered > 0) source.clearOffers();
      } else if (o === L_OP_MALLOC || o === L_OP_CALLOC || o === L_OP_REALLOC) {
        const want = result[i]!;
        fallback.expect(want);
        this.results++;
        let got: number;
        if (o === L_OP_MALLOC) got = heap.malloc(size[i]!);
        else if (o === L_OP_CALLOC) {
          this.curNelem = size[i]!;
          this.curElsize = size2[i]!;
          got = heap.calloc(size[i]!, size2[i]!);
        } else got = heap.realloc(ptr[i]!, size[i]!);
        this.flushPost();
        if (got !== want) this.mismatches++;
        if (source.offered > 0) source.clearOffers();
      } else if (o === L_OP_ARENA_ALLOC) {
        source.clearOffers();
        if (size[i] === arenaSize) source.offer(result[i]!);
      } else if (o === L_OP_MARK) {
        const mark = b.marks[markAt++];
        if (mark !== undefined) this.onMark(mark.id, mark.label);
      }
    }
  }

  private onMark(id: number, label: string): void {
    const w = this.writer;
    const e = this.event(L_KIND_MARK);
    e.value = id;
    e.label = w.string(label);
    const dump = this.dumps.get(id);
    if (dump !== undefined) {
      e.extra = w.string(dump.pymalloc);
      this.marksWithStats++;
    }
    this.marks++;
    w.append(e);
  }

  private event(kind: number): TraceEventData {
    const e = this.e;
    e.kind = kind;
    // Clock `event`: the time of an event is its sequence number.
    e.time = this.writer.seq;
    e.id = 0;
    e.oldId = 0;
    e.size = 0;
    e.oldSize = 0;
    e.cls = 0;
    e.arena = 0;
    e.pool = 0;
    e.block = 0;
    e.stack = this.curStack;
    e.domain = this.curDomain;
    e.count = 0;
    e.value = 0;
    e.extra = 0;
    e.label = 0;
    return e;
  }

  private growSlots(slot: number): void {
    let n = this.slotArena.length;
    while (n <= slot) n *= 2;
    if (n === this.slotArena.length) return;
    const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const x = new Float64Array(n);
      x.set(a);
      return x;
    };
    this.slotArena = f(this.slotArena);
    this.slotFirstPool = f(this.slotFirstPool);
    this.slotBase = f(this.slotBase);
    const p = new Int32Array(n);
    p.set(this.slotPools);
    this.slotPools = p;
    const l = new Uint8Array(n);
    l.set(this.slotLive);
    this.slotLive = l;
    const u = new Int32Array(n * this.ppa);
    u.set(this.poolUsed);
    this.poolUsed = u;
    const c = new Int16Array(n * this.ppa);
    c.set(this.poolCls);
    this.poolCls = c;
  }

  private onArenaAlloc(address: number, slot: number, pools: number): void {
    this.growSlots(slot);
    const ps = this.g.poolSize;
    const arena = this.nextArena++;
    const e = this.event(L_KIND_ARENA_ALLOC);
    e.arena = arena;
    e.value = address;
    e.count = pools;
    this.writer.append(e);
    this.slotArena[slot] = arena;
    this.slotBase[slot] = address;
    this.slotFirstPool[slot] = address + ((ps - (address % ps)) % ps);
    this.slotPools[slot] = pools;
    this.slotLive[slot] = 1;
    this.poolUsed.fill(0, slot * this.ppa, (slot + 1) * this.ppa);
    this.poolCls.fill(0, slot * this.ppa, (slot + 1) * this.ppa);
  }

  private poolIndex(slot: number, poolAddress: number): number {
    return (poolAddress - this.slotFirstPool[slot]!) / this.g.poolSize;
  }

  private onPool(kind: number, poolAddress: number, cls: number): void {
    const slot = this.rec.heap.slotOf(poolAddress);
    const pool = this.poolIndex(slot, poolAddress);
    const e = this.event(kind);
    e.arena = this.slotArena[slot]!;
    e.pool = pool;
    e.cls = cls;
    this.writer.append(e);
    this.poolCls[slot * this.ppa + pool] = cls;
  }

  private queuePool(kind: number, poolAddress: number, cls: number): void {
    const slot = this.rec.heap.slotOf(poolAddress);
    this.post.push(kind, slot, this.poolIndex(slot, poolAddress), cls);
  }

  /** Writes the events that follow the block event of a request (pool full/empty, arena release). */
  private flushPost(): void {
    const q = this.post;
    if (q.length === 0) return;
    const w = this.writer;
    for (let k = 0; k < q.length; k += 4) {
      const kind = q[k]!;
      const slot = q[k + 1]!;
      const e = this.event(kind);
      e.stack = 0;
      e.arena = this.slotArena[slot]!;
      if (kind === L_KIND_ARENA_FREE) {
        w.append(e);
        this.slotLive[slot] = 0;
      } else {
        e.pool = q[k + 2]!;
        e.cls = q[k + 3]!;
        w.append(e);
      }
    }
    q.length = 0;
  }

  /** Fills the location of the block at `address` (a pymalloc block of class `cls`, or large) into `e`; returns its heap slot (-1: large). */
  private locate(address: number, cls: number, e: TraceEventData): number {
    if (cls === NO_CLASS) return -1;
    const slot = this.rec.heap.slotOf(address);
    const ps = this.g.poolSize;
    const poolAddress = address - (address % ps);
    e.cls = cls;
    e.arena = this.slotArena[slot]!;
    e.pool = this.poolIndex(slot, poolAddress);
    e.block = (address - poolAddress - this.g.poolOverhead) / ((cls + 1) << this.g.alignmentShift);
    return slot;
  }

  /** Adds a block located by {@link locate} to the live table and its pool's count (after its event is written). */
  private place(address: number, id: number, size: number, cls: number, slot: number, e: TraceEventData): void {
    this.live.add(address, id, size, cls, slot, e.arena, e.pool, e.block, e.stack, e.domain);
    if (cls !== NO_CLASS) this.poolUsed[slot * this.ppa + e.pool]!++;
  }

  private onAlloc(address: number, size: number, route: Route, zeroed: boolean): void {
    const id = this.nextId++;
    const small = route === ROUTE_PYMALLOC;
    const e = this.event(zeroed ? (small ? L_KIND_CALLOC : L_KIND_CALLOC_LARGE) : small ? L_KIND_MALLOC : L_KIND_MALLOC_LARGE);
    e.id = id;
    e.size = size;
    if (zeroed) {
      e.count = this.curNelem;
      e.value = this.curElsize;
    }
    const cls = small ? (size - 1) >> this.g.alignmentShift : NO_CLASS;
    const slot = this.locate(address, cls, e);
    this.allocations++;
    this.writer.append(e);
    this.place(address, id, size, cls, slot, e);
  }

  private onFree(address: number): void {
    const live = this.live;
    const r = live.find(address);
    if (r < 0) {
      this.unknownFrees++;
      return;
    }
    const cls = live.cls[r]!;
    const e = this.event(cls === NO_CLASS ? L_KIND_FREE_LARGE : L_KIND_FREE);
    e.id = live.id[r]!;
    e.size = live.size[r]!;
    this.writer.append(e);
    if (cls !== NO_CLASS) this.poolUsed[live.slot[r]! * this.ppa + live.pool[r]!]!--;
    live.remove(r);
  }

  private onRealloc(oldAddress: number, newAddress: number, size: number, route: Route): void {
    if (newAddress === 0) return; // a failed realloc leaves the block as it was
    const live = this.live;
    const r = live.find(oldAddress);
    if (r < 0) {
      // realloc(NULL, n), or of an address never returned: a malloc.
      if (oldAddress !== 0) this.unknownFrees++;
      this.onAlloc(newAddress, size, route, false);
      return;
    }
    const small = route === ROUTE_PYMALLOC;
    const e = this.event(small ? L_KIND_REALLOC : L_KIND_REALLOC_LARGE);
    const oldId = live.id[r]!;
    e.oldId = oldId;
    e.oldSize = live.size[r]!;
    e.size = size;
    this.allocations++;
    if (newAddress === oldAddress) {
      // In place: same id, same block. The block keeps its class, which may be
      // above the class of the new size (pymalloc keeps a block while the new
      // size is above 3/4 of it): then the record is a realloc_class, which
      // stores the class instead of deriving it from the size.
      e.id = oldId;
      if (small) {
        const blockCls = live.cls[r]!;
        if (blockCls !== (size - 1) >> this.g.alignmentShift) {
          e.kind = L_KIND_REALLOC_CLASS;
          this.keptClass++;
        }
        e.cls = blockCls;
        e.arena = live.arena[r]!;
        e.pool = live.pool[r]!;
        e.block = live.block[r]!;
      }
      this.writer.append(e);
      live.size[r] = size;
      live.stack[r] = e.stack;
      live.domain[r] = e.domain;
      return;
    }
    const oldCls = live.cls[r]!;
    const oldSlot = live.slot[r]!;
    const oldPool = live.pool[r]!;
    const id = this.nextId++;
    e.id = id;
    const cls = small ? (size - 1) >> this.g.alignmentShift : NO_CLASS;
    const slot = this.locate(newAddress, cls, e);
    this.writer.append(e);
    live.remove(r);
    if (oldCls !== NO_CLASS) this.poolUsed[oldSlot * this.ppa + oldPool]!--;
    this.place(newAddress, id, size, cls, slot, e);
  }

  /** The live state after every event written so far. */
  private checkpoint(): TraceCheckpointState {
    const live = this.live;
    const blocks: LiveBlock[] = [];
    for (let r = 0; r < live.length; r++) {
      const large = live.cls[r] === NO_CLASS;
      const block: LiveBlock = { id: live.id[r]!, size: live.size[r]!, large, cls: large ? 0 : live.cls[r]!, arena: live.arena[r]!, pool: live.pool[r]!, block: live.block[r]!, stack: live.stack[r]! };
      if (live.domain[r] !== 0) block.domain = live.domain[r]!;
      blocks.push(block);
    }
    const arenas: ArenaState[] = [];
    for (let s = 0; s < this.slotLive.length; s++) {
      if (this.slotLive[s] === 0) continue;
      const a: ArenaState = { arena: this.slotArena[s]!, base: this.slotBase[s]!, pools: this.slotPools[s]!, used: [] };
      for (let p = 0; p < this.slotPools[s]!; p++) {
        const used = this.poolUsed[s * this.ppa + p]!;
        if (used > 0) a.used.push({ pool: p, cls: this.poolCls[s * this.ppa + p]!, used });
      }
      arenas.push(a);
    }
    return { blocks, arenas, objects: [] };
  }
}
