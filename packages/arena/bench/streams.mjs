// Seeded operation streams for the allocator benchmark, and the binary file
// format that carries them to every peer (JS workers and the C program), so
// that all peers replay byte-identical streams.
//
// An operation is a pair (size, slot): size > 0 means `slot := malloc(size)`,
// size 0 means `free(slot)`. Slots index a per-run pointer table.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** Default seed: the streams are the same on every machine unless --seed is given. */
export const DEFAULT_SEED = 0x5eed_2026;

/** File magic (8 bytes), format version and the fixed layout of the header. */
const MAGIC = 'PYMBENCH';
const VERSION = 1;
const FILE_HEADER_BYTES = 16;
const STREAM_HEADER_BYTES = 48;

/**
 * xoshiro128** seeded through splitmix32. Returns a function yielding
 * uniformly distributed unsigned 32-bit integers.
 */
export function makeRng(seed) {
  let x = seed >>> 0;
  const splitmix32 = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  const rotl = (v, k) => (v << k) | (v >>> (32 - k));
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

/** Uniform integer in [lo, hi] (bias below range / 2^32, i.e. negligible). */
function uniform(next, lo, hi) {
  return lo + Math.floor((next() * (hi - lo + 1)) / 4294967296);
}

/**
 * The small-object mix of streams B and C, in percent of requests.
 * Ranges are inclusive; sizes are uniform inside a range.
 */
export const SMALL_MIX = [
  { percent: 70, lo: 16, hi: 64 },
  { percent: 20, lo: 65, hi: 256 },
  { percent: 5, lo: 1, hi: 15 },
  { percent: 5, lo: 257, hi: 512 },
];

/** Stream C: this share of requests is drawn from LARGE instead of SMALL_MIX. */
export const LARGE_PERCENT = 5;
export const LARGE = { lo: 513, hi: 8192 };

function smallSize(next) {
  // A draw in [0, 10000) so percentages with two decimals would also work.
  let r = uniform(next, 0, 9999);
  for (const m of SMALL_MIX) {
    if (r < m.percent * 100) return uniform(next, m.lo, m.hi);
    r -= m.percent * 100;
  }
  throw new Error('SMALL_MIX does not add up to 100 %');
}

function mixedSize(next) {
  if (uniform(next, 0, 9999) < LARGE_PERCENT * 100) return uniform(next, LARGE.lo, LARGE.hi);
  return smallSize(next);
}

/** Stream A: `count` mallocs of 1..512 B into slots 0..count-1, then frees of all in a seeded random order. */
function streamA(next, count) {
  const ops = 2 * count;
  const sizes = new Uint16Array(ops);
  const slots = new Uint32Array(ops);
  for (let i = 0; i < count; i++) {
    sizes[i] = uniform(next, 1, 512);
    slots[i] = i;
  }
  // Fisher-Yates shuffle of the free order.
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = uniform(next, 0, i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (let i = 0; i < count; i++) {
    sizes[count + i] = 0;
    slots[count + i] = order[i];
  }
  return { sizes, slots, slotCount: count, split: count };
}

/** Streams B and C: `live` mallocs, then `pairs` × (free a random live slot, malloc into it). */
function churn(next, live, pairs, sizeOf) {
  const ops = live + 2 * pairs;
  const sizes = new Uint16Array(ops);
  const slots = new Uint32Array(ops);
  for (let i = 0; i < live; i++) {
    sizes[i] = sizeOf(next);
    slots[i] = i;
  }
  let k = live;
  for (let i = 0; i < pairs; i++) {
    const slot = uniform(next, 0, live - 1);
    sizes[k] = 0;
    slots[k++] = slot;
    sizes[k] = sizeOf(next);
    slots[k++] = slot;
  }
  return { sizes, slots, slotCount: live, split: live };
}

const pct = (m) => `${m.percent} % ${m.lo}..${m.hi}`;

/**
 * Builds the three streams. `scale` divides every count (1 = the real bench;
 * --quick uses 10). Each stream gets its own PRNG derived from the seed, so
 * changing one stream's definition leaves the others unchanged.
 */
export function generateStreams(seed = DEFAULT_SEED, scale = 1) {
  const aCount = Math.round(1_000_000 / scale);
  const live = Math.round(100_000 / scale);
  const pairs = Math.round(5_000_000 / scale);
  const mix = SMALL_MIX.map(pct).join(', ');
  return [
    {
      name: 'A',
      description: `${aCount.toLocaleString('en-US')} mallocs of 1..512 B (uniform), then free all in random order`,
      phases: ['malloc all', 'free all (random order)'],
      ...streamA(makeRng(seed ^ 0xa), aCount),
    },
    {
      name: 'B',
      description: `churn: ${live.toLocaleString('en-US')} live blocks, then ${pairs.toLocaleString('en-US')} × (free random live, malloc into its slot); sizes ${mix}`,
      phases: ['fill (live blocks)', 'churn (free+malloc pairs)'],
      ...churn(makeRng(seed ^ 0xb), live, pairs, smallSize),
    },
    {
      name: 'C',
      description: `B with ${LARGE_PERCENT} % of requests ${LARGE.lo}..${LARGE.hi} B (uniform), the rest from B's mix`,
      phases: ['fill (live blocks)', 'churn (free+malloc pairs)'],
      ...churn(makeRng(seed ^ 0xc), live, pairs, mixedSize),
    },
  ];
}

const align8 = (n) => (n + 7) & ~7;

/**
 * Writes streams to `path`. Layout, little-endian:
 *   0  char[8] "PYMBENCH"   8 u32 version   12 u32 stream count
 *   16 + 48 × i: char[8] name (NUL-padded), u32 opCount, u32 slotCount,
 *      u32 split (first op of phase 2), u32 0, u64 sizesOffset, u64 slotsOffset, u64 0
 *   data: u16 sizes[opCount] and u32 slots[opCount] per stream, 8-byte aligned.
 * Returns the SHA-256 of the file, which identifies the streams.
 */
export function writeStreams(path, streams) {
  let offset = align8(FILE_HEADER_BYTES + STREAM_HEADER_BYTES * streams.length);
  const layout = streams.map((s) => {
    const sizesOffset = offset;
    offset = align8(offset + s.sizes.byteLength);
    const slotsOffset = offset;
    offset = align8(offset + s.slots.byteLength);
    return { sizesOffset, slotsOffset };
  });
  const bytes = new Uint8Array(offset);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, VERSION, true);
  dv.setUint32(12, streams.length, true);
  streams.forEach((s, i) => {
    const h = FILE_HEADER_BYTES + STREAM_HEADER_BYTES * i;
    for (let j = 0; j < s.name.length && j < 8; j++) bytes[h + j] = s.name.charCodeAt(j);
    dv.setUint32(h + 8, s.sizes.length, true);
    dv.setUint32(h + 12, s.slotCount, true);
    dv.setUint32(h + 16, s.split, true);
    dv.setBigUint64(h + 24, BigInt(layout[i].sizesOffset), true);
    dv.setBigUint64(h + 32, BigInt(layout[i].slotsOffset), true);
    // Typed arrays are little-endian on every platform Node runs on.
    bytes.set(new Uint8Array(s.sizes.buffer, s.sizes.byteOffset, s.sizes.byteLength), layout[i].sizesOffset);
    bytes.set(new Uint8Array(s.slots.buffer, s.slots.byteOffset, s.slots.byteLength), layout[i].slotsOffset);
  });
  writeFileSync(path, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a stream file written by {@link writeStreams}; the arrays are fresh copies, resident in memory. */
export function readStreams(path) {
  const file = readFileSync(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC || dv.getUint32(8, true) !== VERSION) throw new Error(`${path}: not a v${VERSION} stream file`);
  const count = dv.getUint32(12, true);
  const streams = [];
  for (let i = 0; i < count; i++) {
    const h = FILE_HEADER_BYTES + STREAM_HEADER_BYTES * i;
    const name = String.fromCharCode(...bytes.subarray(h, h + 8)).replace(/\0+$/, '');
    const ops = dv.getUint32(h + 8, true);
    const slotCount = dv.getUint32(h + 12, true);
    const split = dv.getUint32(h + 16, true);
    const sizesOffset = Number(dv.getBigUint64(h + 24, true));
    const slotsOffset = Number(dv.getBigUint64(h + 32, true));
    const sizes = new Uint16Array(ops);
    sizes.set(new Uint16Array(bytes.slice(sizesOffset, sizesOffset + 2 * ops).buffer));
    const slots = new Uint32Array(ops);
    slots.set(new Uint32Array(bytes.slice(slotsOffset, slotsOffset + 4 * ops).buffer));
    streams.push({ name, sizes, slots, slotCount, split });
  }
  return streams;
}
