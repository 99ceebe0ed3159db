import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRACES, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-summary-'));
const startup = join(dir, 'startup.pymem');
const churn = join(dir, 'churn.pymem');

beforeAll(async () => {
  for (const [name, out] of [['startup', startup], ['churn', churn]] as const) {
    const r = await run('import', join(TRACES, `${name}.bin.gz`), '-o', out, '--stats', join(TRACES, `${name}.stats.txt`));
    expect(r.code).toBe(0);
  }
}, 120_000);

describe('pymem summary', () => {
  it('gives the end state the statistics dump of the real run shows', async () => {
    const r = await run('summary', startup, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { events: number; end: { arenas: number; liveBlocks: number; blocks: number[] }; max: { arenas: number }; classes: number };
    // startup.stats.txt at exit: 3 arenas, highwater 4, 465 pymalloc blocks in use
    // (the sum of its "blocks in use" column; its 40,480 bytes count block sizes,
    // the summary's bytes count request sizes).
    expect(s.end.arenas).toBe(3);
    expect(s.max.arenas).toBe(4);
    expect(s.end.blocks.slice(0, s.classes).reduce((a, b) => a + b, 0)).toBe(465);
  });

  it('prints a readable report', async () => {
    const r = await run('summary', churn, '--top', '3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trace {5}.*churn\.pymem: [\d,]+ events\n/);
    expect(r.out).toContain('at most 18 arenas');
    expect(r.out).toContain('\nclass     allocated bytes  bytes at peak   bytes at end  temp. blocks\n');
    expect(r.out).toContain('marks and gc');
  });

  it('splits the blocks by allocation domain (MEM, OBJ): the line agrees with --json, and the live blocks add up', async () => {
    const j = JSON.parse((await run('summary', startup, '--json')).out) as { end: { liveBlocks: number }; domains: { allocated: { blocks: number[]; bytes: number[] }; liveAtEnd: { blocks: number[] } } };
    const d = j.domains;
    expect(d.allocated.blocks[0]).toBe(0); // an imported capture knows every request's domain
    expect(d.allocated.blocks[1]).toBeGreaterThan(0);
    expect(d.allocated.blocks[2]).toBeGreaterThan(d.allocated.blocks[1]!);
    expect(d.liveAtEnd.blocks.reduce((a, b) => a + b, 0)).toBe(j.end.liveBlocks);
    const c = (x: number | undefined): string => (x ?? 0).toLocaleString('en-US');
    const text = (await run('summary', startup)).out;
    expect(text).toContain(
      `\ndomains   MEM ${c(d.allocated.blocks[1])} blocks allocated (${c(d.allocated.bytes[1])} bytes), ${c(d.liveAtEnd.blocks[1])} live at the end; OBJ ${c(d.allocated.blocks[2])} blocks allocated (${c(d.allocated.bytes[2])} bytes), ${c(d.liveAtEnd.blocks[2])} live at the end\n`,
    );
  });

  it('refuses a raw capture with a hint, and a bad option', async () => {
    const raw = await run('summary', join(TRACES, 'startup.bin.gz'));
    expect(raw.code).toBe(2);
    expect(raw.err).toMatch(/not a pymem trace/);
    const bad = await run('summary', startup, '--window', 'x');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('pymem: --window must be a positive integer, got "x"\n');
  });
});

describe('pymem diff', () => {
  it('a trace against itself has no difference', async () => {
    const r = await run('diff', startup, startup);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no difference');
  });

  it('shows B - A of arenas and live bytes', async () => {
    const r = await run('diff', startup, churn, '--json');
    const d = JSON.parse(r.out) as { maxArenas: { a: number; b: number; delta: number }; empty: boolean };
    expect(d.maxArenas).toEqual({ a: 4, b: 18, delta: 14 });
    expect(d.empty).toBe(false);
  });
});

describe('pymem export', () => {
  it('writes pprof that a protobuf library decodes, with the four heap sample types', async () => {
    const out = join(dir, 'startup.pb.gz');
    const r = await run('export', startup, '--format', 'pprof', '-o', out);
    expect(r.code).toBe(0);
    const root = protobuf.parse(`syntax = "proto3";
      message ValueType { int64 type = 1; int64 unit = 2; }
      message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; }
      message Profile { repeated ValueType sample_type = 1; repeated Sample sample = 2; repeated string string_table = 6; }`, { keepCase: true }).root;
    const Profile = root.lookupType('Profile');
    const p = Profile.toObject(Profile.decode(gunzipSync(readFileSync(out))), { longs: Number }) as { sample_type: { type: number; unit: number }[]; sample: { value: number[] }[]; string_table: string[] };
    expect(p.string_table[0]).toBe('');
    expect(p.sample_type.map((t) => `${p.string_table[t.type]}/${p.string_table[t.unit]}`)).toEqual(['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes']);
    const inuseBytes = p.sample.reduce((t, s) => t + (s.value[3] ?? 0), 0);
    const summary = JSON.parse((await run('summary', startup, '--json')).out) as { end: { liveBytes: number } };
    expect(inuseBytes).toBe(summary.end.liveBytes);
  });

  it('writes collapsed stacks, speedscope and Chrome trace JSON', async () => {
    const collapsed = await run('export', startup, '--format', 'collapsed', '--measure', 'inuse');
    expect(collapsed.out).toMatch(/^<size class 32 B> \d+$/m);
    const ss = JSON.parse((await run('export', startup, '--format', 'speedscope')).out) as { $schema: string; profiles: { type: string }[] };
    expect(ss.$schema).toBe('https://www.speedscope.app/file-format-schema.json');
    expect(ss.profiles.every((p) => p.type === 'sampled')).toBe(true);
    const ct = JSON.parse((await run('export', churn, '--format', 'chrome')).out) as { traceEvents: { ph: string; name: string }[] };
    expect(ct.traceEvents.some((e) => e.ph === 'C' && e.name === 'arenas')).toBe(true);
    expect(ct.traceEvents.filter((e) => e.ph === 'i').length).toBeGreaterThanOrEqual(12);
  });

  it('needs --format', async () => {
    const r = await run('export', startup);
    expect(r.code).toBe(2);
    expect(r.err).toContain("required option '--format <format>' not specified");
  });
});
