import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRecordedHeap, resolveGeometry } from '@pymem/arena';
import type { PresetName } from '@pymem/arena';
import type { RawRecordInit } from '@pymem/trace';
import { OP_ARENA_ALLOC, OP_ARENA_FREE, OP_CALLOC, OP_FREE, OP_MALLOC, OP_REALLOC, encodeRawCapture } from '@pymem/trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../src/what-if.js';
import { TRACES, run, withStdin } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-replay-'));
const BASE = 0x7f0000000000;
const LIBC = 0x560000000010;
const KIB = 1024;
const MIB = 1024 * KIB;
const PY38 = 0x030810f0;

type Json = ReplayReport & { capture: string; pyVersion: string };

function write(name: string, records: RawRecordInit[], pyVersionHex = 0x030b07f0): string {
  const file = join(dir, name);
  writeFileSync(file, encodeRawCapture(records, { header: { pyVersionHex } }));
  return file;
}

async function replayJson(...argv: string[]): Promise<Json> {
  const r = await run('replay', ...argv, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Json;
}

// 500-byte requests are in the 512-byte class: (16384 - 48) / 512 = 31 blocks per
// 3.11 pool, (4096 - 48) / 512 = 7 per 3.8 pool.
const at311 = (i: number): number => BASE + Math.floor(i / 31) * 16 * KIB + 48 + (i % 31) * 512;
const at38 = (i: number): number => BASE + Math.floor(i / 7) * 4 * KIB + 48 + (i % 7) * 512;

/**
 * A CPython 3.11 run at a 16 KiB-aligned arena (64 pools): 500 blocks of 500
 * bytes (pools 0 to 16), a libc block, the first 448 blocks freed, the libc
 * block grown and freed, a free of a pointer never returned, an in-place realloc.
 */
function run311(): RawRecordInit[] {
  const recs: RawRecordInit[] = [{ op: OP_ARENA_ALLOC, domain: 3, size: MIB, result: BASE }];
  for (let i = 0; i < 500; i++) recs.push({ op: OP_MALLOC, domain: 2, size: 500, result: at311(i) });
  recs.push({ op: OP_MALLOC, domain: 1, size: 1000, result: LIBC });
  for (let i = 0; i < 448; i++) recs.push({ op: OP_FREE, domain: 2, ptr: at311(i) });
  recs.push({ op: OP_REALLOC, domain: 1, ptr: LIBC, size: 2000, result: LIBC + 0x800 });
  recs.push({ op: OP_FREE, domain: 1, ptr: LIBC + 0x800 });
  recs.push({ op: OP_FREE, domain: 2, ptr: 0x1234 });
  recs.push({ op: OP_REALLOC, domain: 2, ptr: at311(499), size: 500, result: at311(499) });
  return recs;
}

describe('pymem replay: figures derived by hand from synthetic captures', () => {
  it('a 3.11 run replayed with the 3.8 geometry: 17 pools in one arena vs 72 pools in two, then one released', async () => {
    const file = write('run311.bin', run311());
    const j = await replayJson(file, '--preset', 'cpython-3.8');
    expect(j).toMatchObject({ pyVersion: '3.11.7', events: 954, results: 503, frees: 450 });
    // Blocks 448..499 stay: 3.11 pools 14 (448..464), 15 and 16; 3.8 pools of 7: 8 pools in the second arena.
    expect(j.original).toEqual({
      geometry: { name: 'cpython-3.11', poolSize: 16 * KIB, arenaSize: MIB, keepEmptyArena: true },
      arenasAllocated: 1, arenasReleased: 0, arenasHighwater: 1, arenasLive: 1, arenaBytes: MIB, peakArenaBytes: MIB,
      poolsInArenas: 64, poolsInUse: 3, blocksInUse: 52, bytesInBlocks: 52 * 512,
      matched: 503, mismatches: 0, firstMismatch: null,
    });
    // 3.8: 448 blocks fill the 64 pools of the first arena; freeing them releases it.
    expect(j.whatIf).toEqual({
      geometry: { name: 'cpython-3.8', poolSize: 4 * KIB, arenaSize: 256 * KIB, keepEmptyArena: false },
      arenasAllocated: 2, arenasReleased: 1, arenasHighwater: 2, arenasLive: 1, arenaBytes: 256 * KIB, peakArenaBytes: 512 * KIB,
      poolsInArenas: 64, poolsInUse: 8, blocksInUse: 52, bytesInBlocks: 52 * 512,
      arenaAlignment: 4096, unknownPointers: 1, failedInCapture: 0, addressMapPeak: 501,
    });
    // Sampled at every record up to 512 samples, then every 2nd: 256 + (954 - 512) / 2 points.
    expect(j.every).toBe(2);
    expect(j.series).toHaveLength(477);
    const point = (e: number) => j.series.find((p) => p.event === e);
    // After the 500 mallocs and the libc one (records 0..501).
    expect(point(502)).toEqual({
      event: 502,
      original: { arenas: 1, arenaBytes: MIB, bytesInBlocks: 256_000, fill: 256_000 / MIB },
      whatIf: { arenas: 2, arenaBytes: 512 * KIB, bytesInBlocks: 256_000, fill: 256_000 / (512 * KIB) },
    });
    // After the 448 frees: the first 3.8 arena is gone.
    expect(point(950)).toEqual({
      event: 950,
      original: { arenas: 1, arenaBytes: MIB, bytesInBlocks: 26_624, fill: 26_624 / MIB },
      whatIf: { arenas: 1, arenaBytes: 256 * KIB, bytesInBlocks: 26_624, fill: 26_624 / (256 * KIB) },
    });
    expect(j.series[j.series.length - 1]!.event).toBe(954);
  });

  it('prints the figures side by side and about 20 rows of the fill series', async () => {
    const file = write('run311-text.bin', run311());
    const r = await run('replay', file, '--preset', 'cpython-3.8');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `capture   ${file} (CPython 3.11.7, pid 1): 954 events, 503 allocations, 450 frees`,
        'original  cpython-3.11: 16 KiB pools, 1 MiB arenas, one empty arena kept; arena bases as recorded (replayed exactly, 503 of 503 results)',
        'what-if   cpython-3.8: 4 KiB pools, 256 KiB arenas, every empty arena released; simulated arena bases, 4,096-aligned',
        '',
        '                                  original       what-if',
        'arenas allocated total                   1             2',
        'arenas released                          0             1',
        'arenas high-water                        1             2',
        'arenas live at the end                   1             1',
        'bytes in arenas at the end       1,048,576       262,144',
        'peak bytes in arenas             1,048,576       524,288',
        'pools in use at the end                  3             8',
        'blocks in use at the end                52            52',
        'bytes in blocks at the end          26,624        26,624',
        '',
        // ceil(477 / 20) = 24 samples of 2 records: a row every 48 records, and the end.
        'fill = bytes in blocks / bytes in arenas, every 48 events (--json: every 2)',
        '       event     in blocks            original             what-if',
        ...[48, 96, 144, 192, 240, 288, 336, 384, 432, 480].map((e) => {
          // Record e - 1 is the (e - 1)th malloc: 47 blocks need 1 arena, 2 pools of 3.11 / 7 of 3.8 ...
          const blocks = e - 1;
          const what = blocks > 448 ? 2 : 1;
          const pct = (bytes: number, arena: number): string => `${((100 * bytes) / arena).toFixed(2)} %`;
          const side = (arenas: number, size: number): string => `${String(arenas).padStart(4)} ${arenas === 1 ? 'arena ' : 'arenas'} ${pct(blocks * 512, arenas * size).padStart(8)}`;
          return `${String(e).padStart(12)}${(blocks * 512).toLocaleString('en-US').padStart(14)}${side(1, MIB).padStart(20)}${side(what, 256 * KIB).padStart(20)}`;
        }),
        // 528: 500 blocks, 27 freed: 473; from 576 on, 48 more each row.
        ...[528, 576, 624, 672, 720, 768, 816, 864, 912].map((e) => {
          const blocks = 500 - (e - 502);
          const pct = (bytes: number, arena: number): string => `${((100 * bytes) / arena).toFixed(2)} %`;
          const side = (arenas: number, size: number): string => `${String(arenas).padStart(4)} ${arenas === 1 ? 'arena ' : 'arenas'} ${pct(blocks * 512, arenas * size).padStart(8)}`;
          return `${String(e).padStart(12)}${(blocks * 512).toLocaleString('en-US').padStart(14)}${side(1, MIB).padStart(20)}${side(2, 256 * KIB).padStart(20)}`;
        }),
        '         954        26,624   1 arena    2.54 %   1 arena   10.16 %',
        '',
        '1 frees or reallocs named a pointer the capture never returned; they were replayed as no-ops and mallocs',
        '',
      ].join('\n'),
    );
  });

  // A CPython 3.8 run: one 256 KiB arena (64 pools of 4 KiB), 70 blocks of 500 bytes.
  const run38 = (frees: boolean): RawRecordInit[] => {
    const recs: RawRecordInit[] = [{ op: OP_ARENA_ALLOC, domain: 3, size: 256 * KIB, result: BASE }];
    for (let i = 0; i < 70; i++) recs.push({ op: OP_MALLOC, domain: 2, size: 500, result: at38(i) });
    if (frees) {
      for (let i = 0; i < 69; i++) recs.push({ op: OP_FREE, domain: 2, ptr: at38(i) });
      // 3.8 releases the arena inside the last free, logged before it.
      recs.push({ op: OP_ARENA_FREE, domain: 3, ptr: BASE, size: 256 * KIB });
      recs.push({ op: OP_FREE, domain: 2, ptr: at38(69) });
    }
    return recs;
  };

  it('70 blocks of 500 bytes: 10 pools of 7 with 3.8, 3 pools of 31 with 3.11 (63 pools per arena at 4 KiB alignment, 64 at 16 KiB)', async () => {
    const file = write('run38.bin', run38(false), PY38);
    const j = await replayJson(file, '--preset', 'cpython-3.11');
    expect(j.pyVersion).toBe('3.8.16');
    expect(j.original).toMatchObject({ geometry: { name: 'cpython-3.8' }, arenasAllocated: 1, arenasLive: 1, arenaBytes: 256 * KIB, poolsInArenas: 64, poolsInUse: 10, blocksInUse: 70, bytesInBlocks: 35_840, matched: 70 });
    expect(j.whatIf).toMatchObject({ geometry: { name: 'cpython-3.11' }, arenasAllocated: 1, arenasLive: 1, arenaBytes: MIB, poolsInArenas: 63, poolsInUse: 3, blocksInUse: 70, bytesInBlocks: 35_840 });
    const aligned = await replayJson(file, '--preset', 'cpython-3.11', '--arena-alignment', '16K');
    expect(aligned.whatIf).toMatchObject({ arenaAlignment: 16 * KIB, poolsInArenas: 64, poolsInUse: 3 });
  });

  it('after every free 3.8 has released its arena and 3.11 keeps it as the one empty arena', async () => {
    const file = write('run38-free.bin', run38(true), PY38);
    const j = await replayJson(file, '--preset', 'cpython-3.11');
    expect(j.original).toMatchObject({ arenasAllocated: 1, arenasReleased: 1, arenasHighwater: 1, arenasLive: 0, arenaBytes: 0, peakArenaBytes: 256 * KIB, poolsInUse: 0, blocksInUse: 0, mismatches: 0 });
    expect(j.whatIf).toMatchObject({ arenasAllocated: 1, arenasReleased: 0, arenasHighwater: 1, arenasLive: 1, arenaBytes: MIB, peakArenaBytes: MIB, poolsInUse: 0, blocksInUse: 0 });
    expect(j.series.find((p) => p.event === 71)).toEqual({
      event: 71,
      original: { arenas: 1, arenaBytes: 256 * KIB, bytesInBlocks: 35_840, fill: 35_840 / (256 * KIB) },
      whatIf: { arenas: 1, arenaBytes: MIB, bytesInBlocks: 35_840, fill: 35_840 / MIB },
    });
    expect(j.series[j.series.length - 1]).toEqual({
      event: 142,
      original: { arenas: 0, arenaBytes: 0, bytesInBlocks: 0, fill: null },
      whatIf: { arenas: 1, arenaBytes: MIB, bytesInBlocks: 0, fill: 0 },
    });
  });

  it('a custom geometry: 8 KiB pools hold 15 blocks of 512 (5 pools), 512 KiB arenas, released when empty', async () => {
    const kept = await replayJson(write('run38-c.bin', run38(false), PY38), '--pool-size', '8K', '--arena-size', '512KiB');
    expect(kept.whatIf).toMatchObject({ geometry: { name: 'custom', poolSize: 8 * KIB, arenaSize: 512 * KIB, keepEmptyArena: true }, poolsInArenas: 63, poolsInUse: 5 });
    const freed = await replayJson(write('run38-cf.bin', run38(true), PY38), '--pool-size', '8192', '--arena-size', '524288', '--no-keep-empty-arena');
    expect(freed.whatIf).toMatchObject({ geometry: { keepEmptyArena: false }, arenasAllocated: 1, arenasReleased: 1, arenasLive: 0, peakArenaBytes: 512 * KIB });
  });

  it('reads a gzip capture from stdin with -', async () => {
    const bytes = gzipSync(encodeRawCapture(run38(false), { header: { pyVersionHex: PY38 } }));
    const r = await withStdin(bytes, () => run('replay', '-', '--preset', 'cpython-3.11', '--json'));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Json).whatIf.poolsInUse).toBe(3);
  });
});

describe('pymem replay on the shared startup capture', () => {
  it('--preset cpython-3.11 at 16 KiB alignment: the original run as verify sees it, the same blocks in both at every point, 64 pools per what-if arena', async () => {
    const j = await replayJson(join(TRACES, 'startup.bin.gz'), '--preset', 'cpython-3.11', '--arena-alignment', '16384');
    expect(j.events).toBe(163_030);
    expect(j.results).toBe(82_356);
    expect(j.original).toMatchObject({ arenasAllocated: 4, arenasReleased: 1, arenasHighwater: 4, arenasLive: 3, blocksInUse: 465, bytesInBlocks: 40_480, matched: 82_356, mismatches: 0 });
    expect(j.whatIf).toMatchObject({ blocksInUse: 465, bytesInBlocks: 40_480, unknownPointers: 0, failedInCapture: 0 });
    expect(j.whatIf.poolsInArenas).toBe(64 * j.whatIf.arenasLive);
    // Same geometry, same requests: pymalloc holds the same blocks at every point.
    expect(j.series.length).toBeGreaterThanOrEqual(256);
    for (const p of j.series) expect(p.whatIf.bytesInBlocks).toBe(p.original.bytesInBlocks);
    // What this implementation gives (the heap check passed at the end, or the command would have failed).
    expect(j.whatIf).toMatchObject({ arenasAllocated: 4, arenasReleased: 1, arenasHighwater: 4, arenasLive: 3 });

    const page = await replayJson(join(TRACES, 'startup.bin.gz'), '--preset', 'cpython-3.11');
    expect(page.whatIf.poolsInArenas).toBe(63 * page.whatIf.arenasLive);
    expect(page.whatIf.blocksInUse).toBe(465);
  });
});

// Captures the model itself records at pool-aligned arena bases (reusing released
// ones last first, as mmap does). A what-if with the same geometry and
// pool-aligned simulated bases then has the same pools per arena and the same
// block offsets in them, so every figure and every point must equal the original's.
type Op = { kind: 'malloc' | 'calloc' | 'realloc' | 'free' | 'drain'; size: number; pick: number };

function recordedLike(preset: PresetName, ops: readonly Op[]): RawRecordInit[] {
  const g = resolveGeometry(preset);
  const { heap, source, fallback } = createRecordedHeap(g);
  const released: number[] = [];
  heap.observer = { arenaFree: (a) => released.push(a) };
  const records: RawRecordInit[] = [];
  const freeBases: number[] = [];
  let fresh = BASE;
  let libc = LIBC;
  let live: number[] = [];
  const request = (rec: RawRecordInit, call: () => number): number => {
    const base = freeBases[freeBases.length - 1] ?? fresh;
    source.offer(base);
    fallback.expect(libc);
    const served = fallback.served;
    const result = call();
    const took = source.offered === 0;
    source.clearOffers();
    if (took) {
      records.push({ op: OP_ARENA_ALLOC, domain: 3, size: g.arenaSize, result: base });
      if (base === fresh) fresh += 2 * g.arenaSize;
      else freeBases.pop();
    }
    for (const b of released) {
      records.push({ op: OP_ARENA_FREE, domain: 3, ptr: b, size: g.arenaSize });
      freeBases.push(b);
    }
    released.length = 0;
    if (fallback.served !== served) libc += 0x1000;
    records.push({ ...rec, result });
    return result;
  };
  const free = (p: number): void => {
    request({ op: OP_FREE, domain: 2, ptr: p }, () => {
      heap.free(p);
      return 0;
    });
  };
  for (const o of ops) {
    if (o.kind === 'malloc') live.push(request({ op: OP_MALLOC, domain: 2, size: o.size }, () => heap.malloc(o.size)));
    else if (o.kind === 'calloc') live.push(request({ op: OP_CALLOC, domain: 2, size: 1, size2: o.size }, () => heap.calloc(1, o.size)));
    else if (o.kind === 'drain') {
      // Every block, in a scrambled order: empties arenas (3.8 releases each, 3.11 all but one).
      const order = live.map((p, i) => [(i * 7919) % 1009, p] as const).sort((a, b) => a[0] - b[0]);
      for (const [, p] of order) free(p);
      live = [];
    } else if (live.length > 0) {
      const k = o.pick % live.length;
      const p = live[k]!;
      if (o.kind === 'free') {
        live.splice(k, 1);
        free(p);
      } else {
        live[k] = request({ op: OP_REALLOC, domain: 2, ptr: p, size: o.size }, () => heap.realloc(p, o.size));
      }
    }
  }
  return records;
}

describe('pymem replay of recorded-like captures (property)', () => {
  const op = (...kinds: Op['kind'][]) =>
    fc.record({
      kind: fc.constantFrom(...kinds),
      size: fc.oneof({ arbitrary: fc.integer({ min: 300, max: 512 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 1200 }), weight: 1 }),
      pick: fc.nat(),
    });
  const grow = op('malloc', 'malloc', 'malloc', 'calloc', 'realloc');
  const churn = op('malloc', 'calloc', 'realloc', 'free', 'free');
  const DRAIN: Op = { kind: 'drain', size: 0, pick: 0 };
  // Grow (a 3.8 arena holds 448 blocks of 512 bytes, a 3.11 one 1,984), churn, maybe free everything, grow again.
  const stream = (n: number) =>
    fc
      .tuple(fc.array(grow, { minLength: n, maxLength: 2 * n }), fc.array(churn, { maxLength: n }), fc.boolean(), fc.array(grow, { maxLength: n }))
      .map(([a, b, drain, c]) => [...a, ...b, ...(drain ? [DRAIN] : []), ...c]);
  for (const [preset, hex, align, n] of [['cpython-3.8', PY38, '4096', 1000], ['cpython-3.11', 0x030b07f0, '16384', 5000]] as const) {
    it(`${preset}: the what-if with the same geometry and pool-aligned bases equals the original run`, async () => {
      let k = 0;
      await fc.assert(
        fc.asyncProperty(stream(n), async (ops) => {
          const file = write(`prop-${preset}-${k++}.bin`, recordedLike(preset, ops), hex);
          const j = await replayJson(file, '--preset', preset, '--arena-alignment', align);
          expect(j.original.mismatches).toBe(0);
          expect(j.original.matched).toBe(j.results);
          const { matched: _m, mismatches: _mm, firstMismatch: _f, ...original } = j.original;
          const { arenaAlignment: _a, unknownPointers, failedInCapture, addressMapPeak: _p, ...whatIf } = j.whatIf;
          expect(whatIf).toEqual(original);
          expect([unknownPointers, failedInCapture]).toEqual([0, 0]);
          for (const p of j.series) expect(p.whatIf).toEqual(p.original);
        }),
        { numRuns: 8 },
      );
    });
  }

  it('the generator makes captures that need several arenas and release some', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 1000; i++) ops.push({ kind: 'malloc', size: 500, pick: 0 });
    for (let i = 0; i < 1000; i++) ops.push({ kind: 'free', size: 0, pick: 0 });
    const recs = recordedLike('cpython-3.8', ops);
    expect(recs.filter((r) => r.op === OP_ARENA_ALLOC)).toHaveLength(3);
    expect(recs.filter((r) => r.op === OP_ARENA_FREE)).toHaveLength(3);
    // 3.11: 64 pools of 31 blocks per arena; draining keeps one empty arena; the next arena reuses the released range.
    const mallocs = (k: number): Op[] => ops.slice(0, k);
    const big = recordedLike('cpython-3.11', [...mallocs(1000), ...mallocs(1000), ...mallocs(100), { kind: 'drain', size: 0, pick: 0 }, ...mallocs(1000), ...mallocs(1000)]);
    expect(big.filter((r) => r.op === OP_ARENA_ALLOC).map((r) => r.result)).toEqual([BASE, BASE + 2 * MIB, BASE]);
    expect(big.filter((r) => r.op === OP_ARENA_FREE).map((r) => r.ptr)).toEqual([BASE]);
  });
});

describe('pymem replay usage', () => {
  const file = join(dir, 'usage.bin');
  writeFileSync(file, encodeRawCapture([]));

  it('needs a what-if geometry', async () => {
    const r = await run('replay', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe('pymem: replay needs a what-if geometry: --preset cpython-3.8|cpython-3.11, or --pool-size N --arena-size N\n');
  });

  it('refuses a preset with custom sizes, a bad geometry, a bad alignment, an unknown preset', async () => {
    const both = await run('replay', file, '--preset', 'cpython-3.8', '--pool-size', '4096');
    expect([both.code, both.err]).toEqual([2, 'pymem: --preset cannot be combined with --pool-size, --arena-size or --[no-]keep-empty-arena\n']);
    const geom = await run('replay', file, '--pool-size', '3000');
    expect([geom.code, geom.err]).toEqual([2, 'pymem: what-if geometry: poolSize must be a power of two from 1024 to 1048576, got 3000\n']);
    const align = await run('replay', file, '--preset', 'cpython-3.11', '--arena-alignment', '2048');
    expect([align.code, align.err]).toEqual([2, 'pymem: --arena-alignment: arena alignment must be a power of two from 4096 to 1073741824, got 2048\n']);
    const preset = await run('replay', file, '--preset', 'cpython-3.7');
    expect(preset.code).toBe(2);
    expect(preset.err).toContain("pymem: option '--preset <name>' argument 'cpython-3.7' is invalid. Allowed choices are cpython-3.8, cpython-3.11.");
    const size = await run('replay', file, '--pool-size', 'lots');
    expect(size.code).toBe(2);
    expect(size.err).toContain('expected a byte count such as 16384, 16K or 1M, got "lots".');
  });

  it('a missing file or a version it does not model: exit 2, one line', async () => {
    const missing = await run('replay', join(dir, 'nope.bin'), '--preset', 'cpython-3.8');
    expect([missing.code, missing.err]).toEqual([2, `pymem: no such file: ${join(dir, 'nope.bin')}\n`]);
    const py37 = write('py37.bin', [{ op: OP_MALLOC, domain: 2, size: 8, result: BASE }], 0x030700f0);
    const old = await run('replay', py37, '--preset', 'cpython-3.8');
    expect([old.code, old.err]).toEqual([2, `pymem: ${py37}: no pymalloc geometry for Python 3.7: versions 3.8 to 3.13 are modelled\n`]);
  });

  it('an empty capture replays to empty columns', async () => {
    const j = await replayJson(file, '--preset', 'cpython-3.8');
    expect(j).toMatchObject({ events: 0, results: 0, series: [] });
    expect(j.whatIf.arenasAllocated).toBe(0);
  });

  it('exits 1 when the capture does not replay exactly, and says so', async () => {
    const bad = write('bad.bin', [{ op: OP_ARENA_ALLOC, domain: 3, size: MIB, result: BASE }, { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 4096 }]);
    const r = await run('replay', bad, '--preset', 'cpython-3.8');
    expect(r.code).toBe(1);
    expect(r.out).toContain('arena bases as recorded (NOT exact: 1 mismatches)');
    expect(r.out).toContain("the original column is the model's replay, not the real run's: the replay differs from the capture at record 1 (result)");
  });

  it('--help', async () => {
    const r = await run('replay', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatchSnapshot();
  });
});
