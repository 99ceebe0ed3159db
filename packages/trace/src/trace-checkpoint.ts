import { ByteCursor, ByteWriter } from './byte-cursor.js';
import { MAX_DOMAIN, MAX_FIELD_VALUE } from './trace-constants.js';

/** A live block in a checkpoint. */
export interface LiveBlock {
  /** Logical id. */
  id: number;
  /** Requested size in bytes. */
  size: number;
  /** `true`: a large-allocator block (then `cls`, `arena`, `pool`, `block` are 0). */
  large: boolean;
  /** pymalloc size class. */
  cls: number;
  /** Arena id. */
  arena: number;
  /** Pool index in the arena. */
  pool: number;
  /** Block index in the pool. */
  block: number;
  /** Stack id of the allocation (0 = unknown). */
  stack: number;
  /** Allocation domain (format 1.1, `FEATURE_DOMAINS`): 1 MEM, 2 OBJ, 3 RAW; absent or 0 = unknown. */
  domain?: number;
}

/** A pool in use, in a checkpoint. */
export interface PoolState {
  /** Pool index in its arena. */
  pool: number;
  /** Size class it serves. */
  cls: number;
  /** Blocks in use. */
  used: number;
}

/** An arena in a checkpoint. */
export interface ArenaState {
  /** Arena id. */
  arena: number;
  /** Base address. */
  base: number;
  /** Pools it holds. */
  pools: number;
  /** Its pools in use (not empty), by pool index. */
  used: PoolState[];
}

/** A live object in a checkpoint. */
export interface LiveObject {
  /** Id (of the block holding it). */
  id: number;
  /** Type name string id. */
  type: number;
  /** Reference count. */
  refcount: number;
  /** gc generation (0–2), 3 = not tracked. */
  generation: number;
}

/** The full live state a checkpoint holds (what a writer's caller supplies). */
export interface TraceCheckpointState {
  /** Live blocks (any order: they are stored by ascending id). */
  blocks: LiveBlock[];
  /** Arenas in use (stored by ascending id). */
  arenas: ArenaState[];
  /** Live objects (stored by ascending id). */
  objects: LiveObject[];
}

/** A checkpoint as read: the state before the event with sequence number `seq`. */
export interface TraceCheckpoint extends TraceCheckpointState {
  /** Events before it (the sequence number of the next event). */
  seq: number;
  /** Time of the last event before it. */
  time: number;
}

function ascending<T>(items: readonly T[], key: (x: T) => number, what: string): T[] {
  const out = [...items].sort((a, b) => key(a) - key(b));
  for (let i = 1; i < out.length; i++) if (key(out[i]!) === key(out[i - 1]!)) throw new RangeError(`checkpoint: duplicate ${what} ${key(out[i]!)}`);
  return out;
}

function check(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_FIELD_VALUE) throw new RangeError(`checkpoint: ${what} ${v} is not an integer in 0..2^52-1`);
  return v;
}

/**
 * Encodes a checkpoint-chunk payload (entries sorted by id).
 *
 * @internal
 */
export function encodeCheckpoint(s: TraceCheckpointState, domains = false): { payload: Uint8Array; records: number } {
  const w = new ByteWriter(1024);
  const blocks = ascending(s.blocks, (b) => b.id, 'block id');
  const arenas = ascending(s.arenas, (a) => a.arena, 'arena id');
  const objects = ascending(s.objects, (o) => o.id, 'object id');
  w.uv(blocks.length);
  let prev = -1;
  for (const b of blocks) {
    w.uv(check(b.id, 'block id') - prev - 1);
    prev = b.id;
    w.uv(check(b.size, 'size'));
    const domain = b.domain ?? 0;
    if (!Number.isInteger(domain) || domain < 0 || domain > MAX_DOMAIN) throw new RangeError(`checkpoint block ${b.id}: domain ${domain} is not 0..${MAX_DOMAIN}`);
    if (domain !== 0 && !domains) throw new RangeError(`checkpoint block ${b.id}: a domain needs the FEATURE_DOMAINS header bit`);
    // flags: bit 0 large; bits 1-2 the allocation domain (1.1)
    w.uv((b.large ? 1 : 0) | (domain << 1));
    if (!b.large) {
      w.uv(check(b.cls, 'cls'));
      w.uv(check(b.arena, 'arena'));
      w.uv(check(b.pool, 'pool'));
      w.uv(check(b.block, 'block'));
    }
    w.uv(check(b.stack, 'stack'));
  }
  w.uv(arenas.length);
  prev = -1;
  for (const a of arenas) {
    w.uv(check(a.arena, 'arena') - prev - 1);
    prev = a.arena;
    w.uv(check(a.base, 'base'));
    w.uv(check(a.pools, 'pools'));
    const used = ascending(a.used, (p) => p.pool, 'pool');
    w.uv(used.length);
    let pp = -1;
    for (const p of used) {
      w.uv(check(p.pool, 'pool') - pp - 1);
      pp = p.pool;
      w.uv(check(p.cls, 'cls'));
      w.uv(check(p.used, 'used'));
    }
  }
  w.uv(objects.length);
  prev = -1;
  for (const o of objects) {
    w.uv(check(o.id, 'object id') - prev - 1);
    prev = o.id;
    w.uv(check(o.type, 'type'));
    w.uv(check(o.refcount, 'refcount'));
    w.uv(check(o.generation, 'generation'));
  }
  return { payload: w.take(), records: blocks.length + arenas.length + objects.length };
}

/**
 * Decodes a checkpoint-chunk payload.
 *
 * @internal
 */
export function decodeCheckpoint(raw: Uint8Array, n: number, seq: number, time: number, base: number, what: string, fixed: boolean): TraceCheckpoint {
  const c = new ByteCursor(raw, 0, raw.length, base, what, fixed);
  const id = (prev: number, name: string): number => {
    const at = c.pos;
    const v = prev + 1 + c.uv();
    if (v > MAX_FIELD_VALUE) throw c.error('E_RANGE', `${name} ${v} out of range`, at);
    return v;
  };
  const blocks: LiveBlock[] = [];
  const nb = c.count(4, 'block');
  let prev = -1;
  for (let i = 0; i < nb; i++) {
    const bid = id(prev, 'block id');
    prev = bid;
    const size = c.uv();
    const fat = c.pos;
    const flags = c.uv();
    if (flags > 7) throw c.error('E_RANGE', `block flags ${flags} unknown`, fat);
    const large = (flags & 1) === 1;
    const b: LiveBlock = { id: bid, size, large, cls: 0, arena: 0, pool: 0, block: 0, stack: 0 };
    if (!large) {
      b.cls = c.uv();
      b.arena = c.uv();
      b.pool = c.uv();
      b.block = c.uv();
    }
    b.stack = c.uv();
    if (flags > 1) b.domain = flags >> 1;
    blocks.push(b);
  }
  const arenas: ArenaState[] = [];
  const na = c.count(4, 'arena');
  prev = -1;
  for (let i = 0; i < na; i++) {
    const arena = id(prev, 'arena id');
    prev = arena;
    const a: ArenaState = { arena, base: c.uv(), pools: c.uv(), used: [] };
    const np = c.count(3, 'pool');
    let pp = -1;
    for (let j = 0; j < np; j++) {
      const pool = id(pp, 'pool');
      pp = pool;
      a.used.push({ pool, cls: c.uv(), used: c.uv() });
    }
    arenas.push(a);
  }
  const objects: LiveObject[] = [];
  const no = c.count(4, 'object');
  prev = -1;
  for (let i = 0; i < no; i++) {
    const oid = id(prev, 'object id');
    prev = oid;
    objects.push({ id: oid, type: c.uv(), refcount: c.uv(), generation: c.uv() });
  }
  if (c.pos !== raw.length) throw c.error('E_TRAILING', `${raw.length - c.pos} bytes after the checkpoint`);
  if (nb + na + no !== n) throw c.error('E_COUNT', `checkpoint holds ${nb + na + no} entries but its chunk header says ${n}`, 0);
  return { seq, time, blocks, arenas, objects };
}
