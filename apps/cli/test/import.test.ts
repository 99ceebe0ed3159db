import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  MemorySink,
  OP_ARENA_ALLOC,
  OP_CALLOC,
  OP_FRAME,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
  OP_STACK,
  OP_STACK_SWITCH,
  OP_STRING,
  RAW_FLAG_STACKS,
  DOMAIN_MEM,
  DOMAIN_OBJ,
  FEATURE_DOMAINS,
  FEATURE_REALLOC_CLASS,
  decodeRawCapture,
  encodeRawCapture,
  openTrace,
  readRawCapture,
  readTrace,
  rebuildTrace,
  recoverTrace,
} from '@pymem/trace';
import { readRawCaptureFile } from '@pymem/trace/node';
import { describe, expect, it } from 'vitest';
import { importCapture } from '../src/import.js';
import { validateTrace } from '../src/trace-validate.js';
import { TRACES, run } from './helpers.js';

// The four real CPython 3.11.7 captures: allocation results, statistics dumps.
const CAPTURES: [string, number, number][] = [
  ['startup', 82_356, 1],
  ['ast_stdlib', 1_578_599, 7],
  ['json', 1_574_604, 6],
  ['churn', 1_811_324, 12],
];

const dir = mkdtempSync(join(tmpdir(), 'pymem-import-'));

/**
 * Compares the location of every allocation event of a trace with the
 * address the real process got (the capture's results, in order): the
 * pymalloc ones through the arena bases the trace carries, and the large
 * ones must be outside every live arena.
 */
async function locationsAgainstCapture(trace: Uint8Array, raw: Uint8Array): Promise<{ checked: number; pymalloc: number }> {
  const results: number[] = [];
  decodeRawCapture(raw, (r) => {
    if (r.op === OP_MALLOC || r.op === OP_CALLOC || r.op === OP_REALLOC) results.push(r.result);
  });
  const bases = new Map<number, number>();
  const reader = readTrace(trace);
  const h = (await openTrace(trace)).header;
  let k = 0;
  let pymalloc = 0;
  for await (const b of reader) {
    for (let i = 0; i < b.length; i++) {
      const kind = b.kind[i]!;
      if (kind === KIND_ARENA_ALLOC) bases.set(b.arena[i]!, b.value[i]!);
      else if (kind === KIND_ARENA_FREE) bases.delete(b.arena[i]!);
      else if (kind === KIND_MALLOC || kind === KIND_CALLOC || kind === KIND_REALLOC || kind === KIND_REALLOC_CLASS) {
        const want = results[k++]!;
        const base = bases.get(b.arena[i]!)!;
        const first = base + ((h.poolSize - (base % h.poolSize)) % h.poolSize);
        // The block's address from its location; its class is the block's (realloc_class: kept above the size's).
        const got = first + b.pool[i]! * h.poolSize + 48 + b.block[i]! * (b.cls[i]! + 1) * 16;
        if (got !== want) throw new Error(`allocation ${k - 1} (event ${b.firstSeq + i}): the trace says 0x${got.toString(16)}, the capture 0x${want.toString(16)}`);
        pymalloc++;
      } else if (kind === KIND_MALLOC_LARGE || kind === KIND_CALLOC_LARGE || kind === KIND_REALLOC_LARGE) {
        const want = results[k++]!;
        for (const base of bases.values()) if (want >= base && want < base + h.arenaSize) throw new Error(`allocation ${k - 1}: a large block in the trace, inside arena 0x${base.toString(16)} in the capture`);
      }
    }
  }
  expect(k).toBe(results.length);
  return { checked: k, pymalloc };
}

describe('pymem import of the real captures', () => {
  for (const [name, results, dumps] of CAPTURES) {
    it(`${name}: every allocation at the capture's address, every checkpoint and statistics text equal to the replay`, async () => {
      const raw = join(TRACES, `${name}.bin.gz`);
      const out = join(dir, `${name}.pymem`);
      // Checkpoints every 64 events chunks (the default): 3 in each big capture; every 4 in the small one.
      const r = await run('import', raw, '-o', out, '--stats', join(TRACES, `${name}.stats.txt`), ...(name === 'startup' ? ['--checkpoint-every', '4'] : []), '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as Record<string, number>;
      expect(j).toMatchObject({ results, allocations: results, mismatches: 0, unknownFrees: 0, marksWithStats: dumps, ended: true });
      const bytes = readFileSync(out);
      expect(j['bytes']).toBe(bytes.length);
      console.log(`${name}: ${j['events']} events, ${bytes.length} bytes, ${(bytes.length / j['events']!).toFixed(3)} bytes/event (deflate, checkpoints every ${name === 'startup' ? 4 : 64} chunks), import ${j['seconds']!.toFixed(2)} s`);
      expect(bytes.length / j['events']!).toBeLessThan(4);

      // Against the real process: every location, through the arena bases the trace carries.
      const loc = await locationsAgainstCapture(bytes, await readRawCaptureFile(raw));
      expect(loc.checked).toBe(results);

      // Against the model: replay the trace's events, compare checkpoints and the statistics text at every mark.
      const v = await run('verify', out, '--json');
      expect(v.err).toBe('');
      const rep = JSON.parse(v.out) as Record<string, unknown>;
      expect(rep).toMatchObject({ ok: true, matched: rep['allocations'], statsDumps: dumps, statsMatched: dumps, mismatches: 0, complete: true });
      // realloc_class events (blocks kept in place in a bigger class) are replayed and counted like every realloc.
      expect(j['keptClass']).toBeGreaterThan(0);
      expect(rep['allocations']).toBe(results);
      expect(rep['checkpoints']).toBe(j['chunks'] === undefined ? 0 : (j['chunks'] as unknown as { checkpoint: number }).checkpoint);
      expect(rep['checkpoints']).toBeGreaterThan(0);
      expect(v.code).toBe(0);
    }, 60_000);
  }

  it('the statistics text of each mark is the dump of the stats file', async () => {
    const file = await openTrace(readFileSync(join(dir, 'startup.pymem')));
    const marks: string[] = [];
    for (const e of file.index) {
      if (e.events === 0) continue;
      const b = await file.events(e);
      for (let i = 0; i < b.length; i++) if (b.kind[i] === KIND_MARK) marks.push(`${b.value[i]!} ${file.dictionary.strings[b.label[i]!]!} ${file.dictionary.strings[b.extra[i]!]!.split('\n')[0]!}`);
    }
    expect(marks).toEqual(['1 atexit Small block threshold = 512, in 32 size classes.']);
  });
});

describe('pymem import details', () => {
  const BASE = 0x7f0000000000;

  it('maps the raw stacks into the trace dictionary', async () => {
    const raw = encodeRawCapture([
      { op: OP_STRING, id: 1, text: 'main' },
      { op: OP_STRING, id: 2, text: 'app.py' },
      { op: OP_STRING, id: 3, text: 'load' },
      { op: OP_FRAME, id: 1, functionId: 1, fileId: 2, line: 1 },
      { op: OP_FRAME, id: 2, functionId: 3, fileId: 2, line: 10 },
      { op: OP_STACK, id: 7, parentId: 0, frameId: 1 },
      { op: OP_STACK, id: 9, parentId: 7, frameId: 2 },
      { op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE },
      { op: OP_STACK_SWITCH, stack: 9 },
      { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 48 },
      { op: OP_STACK_SWITCH, stack: 7 },
      { op: OP_MALLOC, domain: 1, size: 1000, result: 0x5000 },
      { op: OP_FREE, domain: 2, ptr: BASE + 48 },
      { op: OP_MARK, markId: 1, markLabel: 'end' },
    ], { header: { flags: 3 | RAW_FLAG_STACKS } });
    const sink = new MemorySink();
    const r = await importCapture(readRawCapture(raw), sink, {});
    expect(r).toMatchObject({ results: 2, allocations: 2, stacks: 2, marks: 1, mismatches: 0 });
    const file = await openTrace(sink.bytes());
    const b = await file.events(file.index.find((e) => e.events > 0)!);
    const rows = Array.from({ length: b.length }, (_, i) => b.at(i));
    const d = file.dictionary;
    const frames = (s: number): string[] => {
      const out: string[] = [];
      for (let k = s; k !== 0; k = d.stackParent[k]!) {
        const f = d.stackFrame[k]!;
        out.unshift(`${d.strings[d.frameFunction[f]!]!}@${d.strings[d.frameFile[f]!]!}:${d.frameLine[f]!}`);
      }
      return out;
    };
    expect(rows.map((e) => e.kind)).toEqual([KIND_ARENA_ALLOC, 4 /* pool_init */, KIND_MALLOC, KIND_MALLOC_LARGE, KIND_FREE, 7 /* pool_empty */, KIND_MARK]);
    expect(rows[0]).toMatchObject({ arena: 0, value: BASE, count: 64 });
    expect(rows[2]).toMatchObject({ id: 0, size: 24, cls: 1, arena: 0, pool: 0, block: 0 });
    expect(frames(rows[2]!.stack)).toEqual(['main@app.py:1', 'load@app.py:10']);
    expect(rows[3]).toMatchObject({ id: 1, size: 1000 });
    expect(frames(rows[3]!.stack)).toEqual(['main@app.py:1']);
    expect(rows[4]).toMatchObject({ id: 0, size: 24 });
  });

  it('keeps the id of an in-place realloc and gives a moved one a new id', async () => {
    const raw = encodeRawCapture([
      { op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE },
      { op: OP_MALLOC, domain: 2, size: 80, result: BASE + 48 },
      { op: OP_REALLOC, domain: 2, ptr: BASE + 48, size: 70, result: BASE + 48 },
      { op: OP_REALLOC, domain: 2, ptr: BASE + 48, size: 200, result: BASE + 0x4000 + 48 },
    ]);
    const sink = new MemorySink();
    await importCapture(readRawCapture(raw), sink, { checkpointEvery: 1, chunkSize: 64 });
    const rows: Record<string, number>[] = [];
    for await (const b of readTrace(sink.bytes())) for (let i = 0; i < b.length; i++) rows.push(b.at(i) as unknown as Record<string, number>);
    expect(rows.map((e) => e['time'])).toEqual(rows.map((_, i) => i));
    const reallocs = rows.filter((e) => e['kind'] === KIND_REALLOC);
    expect(reallocs[0]).toMatchObject({ oldId: 0, id: 0, oldSize: 80, size: 70, pool: 0, block: 0 });
    expect(reallocs[1]).toMatchObject({ oldId: 0, id: 1, oldSize: 70, size: 200, cls: 12, pool: 1, block: 0 });
  });

  it('writes an in-place realloc that keeps a bigger class as realloc_class, and every allocation domain', async () => {
    const records = [
      { op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE },
      { op: OP_MALLOC, domain: 2, size: 80, result: BASE + 48 }, // class 4 (65..80 bytes)
      { op: OP_REALLOC, domain: 2, ptr: BASE + 48, size: 64, result: BASE + 48 }, // 64 > 3/4 × 80: kept, still class 4
      { op: OP_REALLOC, domain: 2, ptr: BASE + 48, size: 61, result: BASE + 48 }, // 61 > 60: kept, class 4
      { op: OP_MALLOC, domain: 1, size: 10, result: BASE + 0x4000 + 48 },
      { op: OP_FREE, domain: 1, ptr: BASE + 0x4000 + 48 },
      { op: OP_FREE, domain: 2, ptr: BASE + 48 },
    ];
    const raw = encodeRawCapture(records);
    const sink = new MemorySink();
    const r = await importCapture(readRawCapture(raw), sink, { codec: 'none' });
    expect(r.keptClass).toBe(2);
    const rows: Record<string, number>[] = [];
    const reader = readTrace(sink.bytes());
    for await (const b of reader) for (let i = 0; i < b.length; i++) rows.push(b.at(i) as unknown as Record<string, number>);
    expect(reader.header).toMatchObject({ versionMinor: 1, requiredFeatures: FEATURE_DOMAINS | FEATURE_REALLOC_CLASS });
    const kept = rows.filter((e) => e['kind'] === KIND_REALLOC_CLASS);
    expect(kept).toEqual([
      expect.objectContaining({ oldId: 0, id: 0, oldSize: 80, size: 64, cls: 4, arena: 0, pool: 0, block: 0, domain: DOMAIN_OBJ }),
      expect.objectContaining({ oldId: 0, id: 0, oldSize: 64, size: 61, cls: 4, arena: 0, pool: 0, block: 0, domain: DOMAIN_OBJ }),
    ]);
    const allocs = rows.filter((e) => e['kind'] === KIND_MALLOC || e['kind'] === KIND_FREE).map((e) => [e['kind'], e['id'], e['cls'], e['domain']]);
    expect(allocs).toEqual([
      [KIND_MALLOC, 0, 4, DOMAIN_OBJ],
      [KIND_MALLOC, 1, 0, DOMAIN_MEM],
      [KIND_FREE, 1, 0, DOMAIN_MEM],
      [KIND_FREE, 0, 3, DOMAIN_OBJ], // a free record's class is that of its size (61 bytes): the block's is the realloc_class's
    ]);
    // Without the frees, the checkpoint after the last chunk holds both blocks with their domains.
    const live = new MemorySink();
    await importCapture(readRawCapture(encodeRawCapture(records.slice(0, -2))), live, { codec: 'none', checkpointEvery: 1 });
    const file = await openTrace(live.bytes());
    const cp = await file.checkpoint(file.index.find((x) => x.type === 3)!);
    expect(cp.blocks.map((b) => [b.id, b.size, b.cls, b.domain])).toEqual([
      [0, 61, 4, DOMAIN_OBJ],
      [1, 10, 0, DOMAIN_MEM],
    ]);
  });
});

describe('pymem convert, validate, recover', () => {
  const startup = (): string => join(dir, 'startup-small.pymem');

  it('imports the startup capture for the file commands', async () => {
    const r = await run('import', join(TRACES, 'startup.bin.gz'), '-o', startup(), '--checkpoint-every', '4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^capture {3}.*startup\.bin\.gz \(CPython 3\.11\.7, pid 21852\)\ntrace {5}.*\nevents {4}165,524 written from 163,030 records: 82,356 allocations \(the capture has 82,356 results\), 1 marks \(0 with statistics\)\nbytes {5}[\d,]+ \([\d.]+ bytes\/event, deflate-raw\)\nchunks {4}14 events, 1 dictionary, 3 checkpoints \(every 4 events chunks\), 1 index\ntime {6}/);
  });

  it('converts binary -> JSONL -> binary byte for byte', async () => {
    const jsonl = join(dir, 'startup.jsonl');
    const back = join(dir, 'startup-back.pymem');
    const a = await run('convert', startup(), jsonl);
    expect(a.code).toBe(0);
    expect(readFileSync(jsonl, 'utf8').split('\n')[0]).toMatch(/^\{"t":"header","format":"1.1",/);
    const b = await run('convert', jsonl, back, '--to', 'bin');
    expect(b.code).toBe(0);
    expect(Buffer.compare(readFileSync(back), readFileSync(startup()))).toBe(0);
  });

  it('convert streams: line counts and sizes are reported, stdout gives the same text, and a failed conversion leaves the existing output as it was', async () => {
    const jsonl = join(dir, 'startup-2.jsonl');
    const a = await run('convert', startup(), jsonl);
    const text = readFileSync(jsonl, 'utf8');
    const lines = text.split('\n').length - 1;
    expect(a.out).toBe(`${startup()} (binary, ${readFileSync(startup()).length.toLocaleString('en-US')} bytes) -> ${jsonl} (JSONL, ${Buffer.byteLength(text).toLocaleString('en-US')} bytes (${lines.toLocaleString('en-US')} lines))\n`);
    expect((await run('convert', startup(), '-', '--to', 'jsonl')).out).toBe(text);
    // A bad line in the middle: exit 2 naming the line; the earlier output file is untouched, no temporary file is left.
    const broken = join(dir, 'broken.jsonl');
    const all = text.split('\n');
    all[Math.floor(all.length / 2)] = '{"t":"malloc","seq":"oops"}';
    writeFileSync(broken, all.join('\n'));
    const target = join(dir, 'keep.pymem');
    writeFileSync(target, 'precious');
    const r = await run('convert', broken, target, '--to', 'bin');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^pymem: ${broken}: JSONL line ${Math.floor(all.length / 2) + 1} \\(character \\d+\\): `));
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('validateTrace reports the events read after each batch (what the progress bar shows)', async () => {
    const seen: number[] = [];
    const v = await validateTrace(new Uint8Array(readFileSync(startup())), (e) => seen.push(e));
    expect(v.valid).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((e, i) => i === 0 || e > seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(v.events);
  });

  it('validate: 0 for a good file, 1 with the offset of a corrupted byte', async () => {
    const good = await run('validate', startup());
    expect(good.code).toBe(0);
    expect(good.out).toContain('OK: valid');
    const bytes = new Uint8Array(readFileSync(startup()));
    const { chunks } = await recoverTrace(bytes);
    const victim = chunks.filter((c) => c.type === 2)[5]!;
    bytes[victim.payloadOffset + 100]! ^= 0x40;
    const bad = join(dir, 'bad.pymem');
    writeFileSync(bad, bytes);
    const r = await run('validate', bad);
    expect(r.code).toBe(1);
    const crcAt = victim.end - 4;
    expect(r.out).toContain(`INVALID at byte ${crcAt.toLocaleString('en-US')}: E_CRC: chunk CRC mismatch at byte ${crcAt} (chunk at ${victim.offset})`);
    const j = JSON.parse((await run('validate', bad, '--json')).out) as { valid: boolean; problem: { code: string; offset: number } };
    expect(j).toMatchObject({ valid: false, problem: { code: 'E_CRC', offset: crcAt } });
  });

  it('validate finds an index that disagrees with its chunks', async () => {
    const bytes = new Uint8Array(readFileSync(startup()));
    const file = await openTrace(bytes);
    // Rebuild the file with a wrong peak in the index: recover writes a correct index, so patch a field through JSONL-free means:
    // flip the last index entry's arena count (its last varint before the CRC), then fix the index chunk's CRC.
    const { chunks } = await recoverTrace(bytes);
    const idx = chunks.find((c) => c.type === 4)!;
    const at = idx.payloadOffset + idx.payloadLength - 1;
    bytes[at] = bytes[at]! + 1;
    const { crc32 } = await import('@pymem/trace');
    new DataView(bytes.buffer).setUint32(idx.end - 4, crc32(bytes, idx.offset + 4, idx.end - 4), true);
    const bad = join(dir, 'badindex.pymem');
    writeFileSync(bad, bytes);
    const r = await run('validate', bad);
    expect(r.code).toBe(1);
    const last = file.index.length - 1;
    expect(r.out).toContain(`E_INDEX: index entry ${last} (chunk at byte ${file.index[last]!.offset}) says arenas ${file.index[last]!.arenas + 1}, the chunk gives ${file.index[last]!.arenas}`);
  });

  it('recover: a truncated file gives every complete chunk back in a valid file, exit 1', async () => {
    const bytes = readFileSync(startup());
    const { chunks } = await recoverTrace(bytes);
    const events = chunks.filter((c) => c.type === 2);
    const cutInside = events[7]!;
    const cut = join(dir, 'cut.pymem');
    writeFileSync(cut, bytes.subarray(0, cutInside.offset + 100));
    const out = join(dir, 'recovered.pymem');
    const r = await run('recover', cut, '-o', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`lost      1 chunks, 100 bytes in 1 ranges\n  byte ${cutInside.offset.toLocaleString('en-US')}, 100 bytes: E_TRUNCATED:`);
    expect((await run('validate', out)).code).toBe(0);
    const file = await openTrace(readFileSync(out));
    expect(file.indexed).toBe(true);
    expect(file.eventCount).toBe(events.slice(0, 7).reduce((s, c) => s + c.records, 0));
    // Nothing lost: exit 0 and the same bytes.
    const same = join(dir, 'same.pymem');
    expect((await run('recover', startup(), '-o', same)).code).toBe(0);
    expect(Buffer.compare(readFileSync(same), bytes)).toBe(0);
  });

  it('recover renumbers the events after a lost chunk and keeps the rest readable', async () => {
    const bytes = new Uint8Array(readFileSync(startup()));
    const { chunks } = await recoverTrace(bytes);
    const victim = chunks.filter((c) => c.type === 2)[2]!;
    bytes[victim.payloadOffset + 10]! ^= 1;
    const bad = join(dir, 'hole.pymem');
    writeFileSync(bad, bytes);
    const out = join(dir, 'hole-recovered.pymem');
    const r = await run('recover', bad, '-o', out, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, chunksLost: 1, events: 165_524 - victim.records });
    expect((await run('validate', out)).code).toBe(0);
  });

  it('rebuildTrace reports its scan and its check, each up to its total (what the recover bar shows)', async () => {
    const bytes = new Uint8Array(readFileSync(startup()));
    const cut = bytes.subarray(0, bytes.length - 5000);
    const seen: { done: number; total: number; phase: string }[] = [];
    const r = await rebuildTrace(cut, (done, total, phase) => seen.push({ done, total, phase }));
    const scan = seen.filter((s) => s.phase === 'scan');
    const check = seen.filter((s) => s.phase === 'check');
    expect(scan.at(-1)).toEqual({ done: cut.length, total: cut.length, phase: 'scan' });
    // The check reads the new file without its index and trailer.
    expect(check.at(-1)?.done).toBe(check.at(-1)?.total);
    expect(check.at(-1)!.total).toBeLessThan(r.bytes.length);
    expect(seen.findIndex((s) => s.phase === 'check')).toBeGreaterThan(seen.findLastIndex((s) => s.phase === 'scan'));
    for (const list of [scan, check]) expect(list.every((s, i) => i === 0 || s.done >= list[i - 1]!.done)).toBe(true);
  });

  it('recover: an output it cannot write exits 2 and leaves no temporary file', async () => {
    const r = await run('recover', startup(), '-o', join(dir, 'no-such-dir', 'x.pymem'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pymem: cannot write .*no-such-dir.*x\.pymem: /);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('bad input: exit 2 with one line', async () => {
    for (const argv of [
      ['validate', join(dir, 'missing.pymem')],
      ['convert', join(dir, 'missing.pymem'), join(dir, 'x.jsonl')],
      ['recover', join(dir, 'missing.pymem'), '-o', join(dir, 'x.pymem')],
      ['import', join(dir, 'missing.bin'), '-o', join(dir, 'x.pymem')],
      ['validate', join(TRACES, 'startup.stats.txt')],
      ['recover', join(TRACES, 'startup.bin.gz'), '-o', join(dir, 'x.pymem')],
      ['convert', join(TRACES, 'startup.stats.txt'), join(dir, 'x.jsonl')],
      ['import', startup(), '-o', join(dir, 'x.pymem')],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n')).toHaveLength(2);
      expect(r.err).toMatch(/^pymem: /);
    }
    const r = await run('validate', join(dir, 'missing.pymem'));
    expect(r.err).toBe(`pymem: no such file: ${join(dir, 'missing.pymem')}\n`);
    const w = await run('import', startup(), '-o', join(dir, 'x.pymem'));
    expect(w.err).toBe(`pymem: ${startup()}: not a PYMTRC01 capture: bad magic byte 0x89 at byte 0\n`);
  });
});
