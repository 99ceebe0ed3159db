import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { HAND_EVENTS, randomWorkload, writeFixture } from '../test/analysis-fixture.js';
import { toChromeTrace } from './export-chrome-trace.js';
import { toCollapsedStacks } from './export-collapsed.js';
import { PPROF_SAMPLE_TYPES, encodePprof, toPprof } from './export-pprof.js';
import { toSpeedscope } from './export-speedscope.js';
import { ProtobufWriter } from './protobuf-writer.js';
import { summarizeTrace } from './summarize-trace.js';

// profile.proto of github.com/google/pprof (proto/profile.proto), the messages and field
// numbers as published there, written out here for the decoder (no code copied).
const PROFILE_PROTO = `
syntax = "proto3";
package perftools.profiles;
message Profile {
  repeated ValueType sample_type = 1;
  repeated Sample sample = 2;
  repeated Mapping mapping = 3;
  repeated Location location = 4;
  repeated Function function = 5;
  repeated string string_table = 6;
  int64 drop_frames = 7;
  int64 keep_frames = 8;
  int64 time_nanos = 9;
  int64 duration_nanos = 10;
  ValueType period_type = 11;
  int64 period = 12;
  repeated int64 comment = 13;
  int64 default_sample_type = 14;
}
message ValueType { int64 type = 1; int64 unit = 2; }
message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; repeated Label label = 3; }
message Label { int64 key = 1; int64 str = 2; int64 num = 3; int64 num_unit = 4; }
message Mapping { uint64 id = 1; uint64 memory_start = 2; uint64 memory_limit = 3; uint64 file_offset = 4; int64 filename = 5; int64 build_id = 6; }
message Location { uint64 id = 1; uint64 mapping_id = 2; uint64 address = 3; repeated Line line = 4; bool is_folded = 5; }
message Line { uint64 function_id = 1; int64 line = 2; int64 column = 3; }
message Function { uint64 id = 1; int64 name = 2; int64 system_name = 3; int64 filename = 4; int64 start_line = 5; }
`;

interface DecodedProfile {
  sampleType: { type: number; unit: number }[];
  sample: { locationId: number[]; value: number[]; label: { key: number; str: number }[] }[];
  location: { id: number; line: { functionId: number; line: number }[] }[];
  function: { id: number; name: number; systemName: number; filename: number }[];
  stringTable: string[];
  periodType: { type: number; unit: number };
  period: number;
  comment: number[];
  defaultSampleType: number;
}

const Profile = protobuf.parse(PROFILE_PROTO).root.lookupType('perftools.profiles.Profile');
const decodeProfile = (bytes: Uint8Array): DecodedProfile =>
  Profile.toObject(Profile.decode(bytes), { longs: Number, defaults: true, arrays: true }) as DecodedProfile;

/** A profile as readable rows: per sample the frame names leaf first, the values and the labels. */
function samples(p: DecodedProfile): { frames: string[]; value: number[]; labels: Record<string, string> }[] {
  const s = (i: number) => p.stringTable[i]!;
  const fn = new Map(p.function.map((f) => [f.id, f]));
  const loc = new Map(p.location.map((l) => [l.id, l]));
  return p.sample.map((x) => ({
    frames: x.locationId.map((id) => {
      const line = loc.get(id)!.line[0]!;
      const f = fn.get(line.functionId)!;
      return s(f.filename) === '' ? s(f.name) : `${s(f.name)} ${s(f.filename)}:${line.line}`;
    }),
    value: x.value,
    labels: Object.fromEntries(x.label.map((l) => [s(l.key), s(l.str)])),
  }));
}

describe('pprof export', () => {
  it('decodes with protobufjs to the sites of the hand-computed trace', async () => {
    const s = await summarizeTrace((await writeFixture(HAND_EVENTS)).bytes, { temporaryWindow: 5 });
    const gz = await toPprof(s);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const p = decodeProfile(gunzipSync(gz));
    expect(p.stringTable[0]).toBe('');
    expect(new Set(p.stringTable).size).toBe(p.stringTable.length);
    expect(p.sampleType.map((t) => [p.stringTable[t.type], p.stringTable[t.unit]])).toEqual(PPROF_SAMPLE_TYPES.map((t) => [...t]));
    expect(p.stringTable[p.defaultSampleType]).toBe('inuse_space');
    expect([p.stringTable[p.periodType.type], p.stringTable[p.periodType.unit], p.period]).toEqual(['space', 'bytes', 1]);
    expect(p.stringTable[p.comment[0]!]).toBe('pymem trace: 15 events, peak 1096 live bytes at event 7');
    expect(samples(p)).toEqual([
      { frames: ['f app.py:5', 'main app.py:1'], value: [2, 56, 1, 32], labels: { size_class: '32', route: 'pymalloc' } },
      { frames: ['g app.py:9', 'main app.py:1'], value: [1, 64, 0, 0], labels: { size_class: '64', route: 'pymalloc' } },
      { frames: ['g app.py:9', 'main app.py:1'], value: [1, 1000, 0, 0], labels: { size_class: 'large', route: 'large' } },
      { frames: ['<no stack>'], value: [1, 20, 1, 20], labels: { size_class: '32', route: 'pymalloc' } },
      { frames: ['g app.py:9', 'main app.py:1'], value: [1, 80, 1, 80], labels: { size_class: '80', route: 'pymalloc' } },
    ]);
    // Ids are nonzero and unique; one location per frame, one function per (name, file).
    expect(p.location.map((l) => l.id)).toEqual([1, 2, 3, 4]);
    expect(p.function.map((f) => f.id)).toEqual([1, 2, 3, 4]);
  });

  it('gives a trace without stacks one synthetic frame per size class; totals match the summary', async () => {
    const { bytes } = await writeFixture(randomWorkload(2000, 5), { stacks: false });
    const s = await summarizeTrace(bytes);
    const rows = samples(decodeProfile(encodePprof(s)));
    expect(rows.every((r) => r.frames.length === 1)).toBe(true);
    expect(rows.find((r) => r.labels['size_class'] === 'large')!.frames).toEqual(['<large>']);
    expect(rows.find((r) => r.labels['size_class'] === '48')!.frames).toEqual(['<size class 48 B>']);
    const sum = (i: number) => rows.reduce((a, r) => a + r.value[i]!, 0);
    expect([sum(0), sum(1), sum(2), sum(3)]).toEqual([
      s.allocated.blocks.reduce((a, x) => a + x, 0),
      s.allocated.bytes.reduce((a, x) => a + x, 0),
      s.end.liveBlocks,
      s.end.liveBytes,
    ]);
  });

  it('writes varints protobufjs reads back up to 2^53 − 1', () => {
    const w = new ProtobufWriter();
    const ns = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1];
    w.packed(2, ns);
    const T = protobuf.parse('syntax = "proto3"; message P { repeated uint64 v = 2; }').root.lookupType('P');
    const got = (T.toObject(T.decode(w.finish()), { longs: Number }) as { v: number[] }).v;
    expect(got).toEqual(ns);
    expect(() => w.varint(-1)).toThrow(RangeError);
    expect(() => w.varint(2 ** 53)).toThrow(RangeError);
  });
});

describe('collapsed stacks', () => {
  it('folds sites per stack, root first, by bytes or count, allocated or live', async () => {
    const s = await summarizeTrace((await writeFixture(HAND_EVENTS)).bytes, { temporaryWindow: 5 });
    expect(toCollapsedStacks(s)).toBe('<no stack> 20\nmain (app.py:1);f (app.py:5) 56\nmain (app.py:1);g (app.py:9) 1144\n');
    expect(toCollapsedStacks(s, { weight: 'count' })).toBe('<no stack> 1\nmain (app.py:1);f (app.py:5) 2\nmain (app.py:1);g (app.py:9) 3\n');
    expect(toCollapsedStacks(s, { measure: 'inuse' })).toBe('<no stack> 20\nmain (app.py:1);f (app.py:5) 32\nmain (app.py:1);g (app.py:9) 80\n');
    expect(toCollapsedStacks(s, { measure: 'temporary' })).toBe('main (app.py:1);f (app.py:5) 24\nmain (app.py:1);g (app.py:9) 1000\n');
  });
});

/** The checks of https://www.speedscope.app/file-format-schema.json that a sampled-profile file must pass (written from the schema's definitions). */
function checkSpeedscope(f: unknown): string[] {
  const errs: string[] = [];
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (!isObj(f)) return ['file is not an object'];
  if (f['$schema'] !== 'https://www.speedscope.app/file-format-schema.json') errs.push('$schema');
  const shared = f['shared'];
  if (!isObj(shared) || !Array.isArray(shared['frames'])) return [...errs, 'shared.frames'];
  const frames = shared['frames'] as unknown[];
  frames.forEach((fr, i) => {
    if (!isObj(fr) || typeof fr['name'] !== 'string') errs.push(`frame ${i}: name`);
    else {
      for (const k of Object.keys(fr)) if (!['name', 'file', 'line', 'col'].includes(k)) errs.push(`frame ${i}: unknown ${k}`);
      if ('file' in fr && typeof fr['file'] !== 'string') errs.push(`frame ${i}: file`);
      if ('line' in fr && !isNum(fr['line'])) errs.push(`frame ${i}: line`);
    }
  });
  if (!Array.isArray(f['profiles'])) return [...errs, 'profiles'];
  const units = ['none', 'nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes'];
  (f['profiles'] as unknown[]).forEach((p, i) => {
    if (!isObj(p)) return errs.push(`profile ${i}`);
    if (p['type'] !== 'sampled') errs.push(`profile ${i}: type`);
    if (typeof p['name'] !== 'string') errs.push(`profile ${i}: name`);
    if (!units.includes(p['unit'] as string)) errs.push(`profile ${i}: unit`);
    if (!isNum(p['startValue']) || !isNum(p['endValue'])) errs.push(`profile ${i}: start/endValue`);
    const samples = p['samples'];
    const weights = p['weights'];
    if (!Array.isArray(samples) || !Array.isArray(weights) || samples.length !== weights.length) return errs.push(`profile ${i}: samples/weights`);
    for (const st of samples as unknown[]) {
      if (!Array.isArray(st) || !st.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < frames.length)) errs.push(`profile ${i}: a sample is not frame indices`);
    }
    if (!(weights as unknown[]).every(isNum)) errs.push(`profile ${i}: weights`);
    return undefined;
  });
  if ('name' in f && typeof f['name'] !== 'string') errs.push('name');
  if ('exporter' in f && typeof f['exporter'] !== 'string') errs.push('exporter');
  if ('activeProfileIndex' in f && !(isNum(f['activeProfileIndex']) && f['activeProfileIndex'] < (f['profiles'] as unknown[]).length)) errs.push('activeProfileIndex');
  return errs;
}

describe('speedscope export', () => {
  it('passes the schema checks and carries bytes and count profiles over one frame table', async () => {
    const s = await summarizeTrace((await writeFixture(HAND_EVENTS)).bytes, { temporaryWindow: 5 });
    const file: unknown = JSON.parse(JSON.stringify(toSpeedscope(s)));
    expect(checkSpeedscope(file)).toEqual([]);
    const f = toSpeedscope(s);
    expect(f.shared.frames).toEqual([
      { name: 'f', file: 'app.py', line: 5 },
      { name: 'main', file: 'app.py', line: 1 },
      { name: 'g', file: 'app.py', line: 9 },
      { name: '<no stack>' },
    ]);
    expect(f.profiles.map((p) => [p.name, p.unit, p.endValue, p.weights])).toEqual([
      ['pymem trace: allocated bytes', 'bytes', 1220, [56, 64, 1000, 20, 80]],
      ['pymem trace: allocated blocks', 'none', 6, [2, 1, 1, 1, 1]],
    ]);
    expect(f.profiles[0]!.samples).toEqual([[1, 0], [1, 2], [1, 2], [3], [1, 2]]);
    // The checker catches what it should.
    expect(checkSpeedscope({ ...f, profiles: [{ ...f.profiles[0]!, samples: [[9]], weights: [1] }] })).toEqual(['profile 0: a sample is not frame indices']);
    expect(checkSpeedscope({ ...f, $schema: 'x' })).toEqual(['$schema']);
  });
});

describe('Chrome trace export', () => {
  it('has counter tracks at the samples and instants for marks and gc, well-formed for Perfetto', async () => {
    const s = await summarizeTrace((await writeFixture(HAND_EVENTS, { chunkSize: 64 })).bytes, { temporaryWindow: 5, sampleEvery: 4 });
    const t = toChromeTrace(s);
    const json = JSON.parse(JSON.stringify(t)) as { traceEvents: Record<string, unknown>[] };
    for (const e of json.traceEvents) {
      expect(['C', 'i', 'M']).toContain(e['ph']);
      expect(typeof e['name']).toBe('string');
      expect(typeof e['ts']).toBe('number');
      expect([e['pid'], e['tid']]).toEqual([1, 0]);
      expect(typeof e['args']).toBe('object');
      if (e['ph'] === 'C') for (const v of Object.values(e['args'] as object)) expect(typeof v).toBe('number');
      if (e['ph'] === 'i') expect(e['s']).toBe('g');
    }
    const ts = json.traceEvents.map((e) => e['ts'] as number);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    const instants = t.traceEvents.filter((e) => e.ph === 'i').map((e) => [e.name, e.ts, e.args]);
    expect(instants).toEqual([
      ['phase', 8, { seq: 8, id: 1 }],
      ['gc_start gc gen 0', 11, { seq: 11, generation: 0 }],
      ['gc_stop gc gen 0', 12, { seq: 12, generation: 0, collected: 3, uncollectable: 0 }],
    ]);
    const counter = (name: string) => t.traceEvents.filter((e) => e.ph === 'C' && e.name === name).map((e) => [e.ts, e.args]);
    expect(counter('live bytes').at(-1)).toEqual([14, { pymalloc: 132, large: 0 }]);
    expect(counter('live bytes').find((c) => c[0] === 7)).toEqual([7, { pymalloc: 96, large: 1000 }]);
    expect(counter('arenas').length).toBe(s.samples.length);
    expect(counter('pools').at(-1)).toEqual([14, { pools: 1 }]);
    expect(counter('live bytes by class').at(-1)).toEqual([14, { '32 B': 52, '64 B': 0, '80 B': 80, large: 0 }]);
    expect(t.otherData).toMatchObject({ clockUnit: 'event', peakBytes: 1096, peakSeq: 7 });
  });

  it('scales ns / us / ms clocks to microseconds', async () => {
    const ev = [{ kind: 23, value: 1, label: 1, time: 5000 }];
    for (const [unit, us] of [['ns', 5], ['us', 5000], ['ms', 5_000_000]] as const) {
      const s = await summarizeTrace((await writeFixture(ev, { clockUnit: unit })).bytes);
      expect(toChromeTrace(s).traceEvents.find((e) => e.ph === 'i')!.ts).toBe(us);
    }
  });
});
