import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TraceEventBatch } from '@pymem/trace';
import { GC_OUTCOMES, KIND_BY_NUMBER, LEVEL_ALLOCATOR, LEVEL_GC, LEVEL_OBJECTS, LEVEL_REFCOUNTS, readTrace } from '@pymem/trace';
import { traceRun } from '../src/commands/run.js';
import { run } from './helpers.js';

const SNIPPET = `import gc
gc.disable()
class Node:
    def __init__(self, v):
        self.v = v
l = []
for i in range(40):
    l.append([i * 1.5])
a = Node('a')
b = Node(l)
a.other = b
b.other = a
del a, b
print(gc.collect(), len(l))
l = None
`;

interface Row {
  kind: string;
  id: number;
  oldId: number;
  size: number;
  oldSize: number;
  count: number;
  value: number;
  extra: number;
  label: number;
}

async function rows(bytes: Uint8Array): Promise<{ rows: Row[]; strings: (id: number) => string; level: number }> {
  const reader = readTrace(bytes);
  const out: Row[] = [];
  for await (const b of reader as AsyncIterable<TraceEventBatch>) {
    for (let i = 0; i < b.length; i++) {
      const e = b.at(i);
      out.push({ kind: KIND_BY_NUMBER[e.kind]!.name, id: e.id, oldId: e.oldId, size: e.size, oldSize: e.oldSize, count: e.count, value: e.value, extra: e.extra, label: e.label });
    }
  }
  expect(reader.complete).toBe(true);
  return { rows: out, strings: (id) => reader.dictionary.strings[id] ?? '?', level: reader.header!.level };
}

/** The trace's allocator requests after the `run` mark, in the `--json` form. */
function requestsOf(rs: Row[], strings: (id: number) => string): unknown[][] {
  const at = rs.findIndex((r) => r.kind === 'mark' && strings(r.label) === 'run');
  expect(at).toBeGreaterThan(0);
  const out: unknown[][] = [];
  for (const r of rs.slice(at + 1)) {
    const route = r.kind.endsWith('_large') ? 'libc' : 'py';
    if (r.kind === 'malloc' || r.kind === 'malloc_large') out.push(['malloc', r.size, route]);
    else if (r.kind === 'calloc' || r.kind === 'calloc_large') out.push(['calloc', r.size, route]);
    else if (r.kind === 'free' || r.kind === 'free_large') out.push(['free', r.size, route]);
    else if (r.kind === 'realloc' || r.kind === 'realloc_large') out.push(['realloc', r.oldSize, r.size, route]);
  }
  return out;
}

describe('pymem run --trace', () => {
  test('the trace reads back; its allocation events after the run mark are the --json request sequence', async () => {
    const t = await traceRun(SNIPPET);
    expect(t.report.error).toBeNull();
    expect(t.report.output).toBe('2 40\n');
    const { rows: rs, strings, level } = await rows(t.trace);
    expect(level).toBe(LEVEL_ALLOCATOR | LEVEL_OBJECTS | LEVEL_GC);
    expect(rs.length).toBe(t.events);
    // realloc(NULL, n) is written as the malloc it is (the format's realloc names the block it resizes)
    const asTrace = t.report.requests.map((e) => (e[0] === 'realloc' && e[1] === null ? ['malloc', e[2], e[3]] : [...e]));
    expect(t.report.requests.some((e) => e[0] === 'realloc' && e[1] === null)).toBe(true);
    expect(requestsOf(rs, strings)).toEqual(asTrace);
    // the first request of all is the static objects' block, before the run
    expect(rs.find((r) => r.kind.startsWith('malloc'))!.kind).toBe('malloc_large');
  });

  test('object events: every create names a live block, its type and getsizeof; every dealloc follows its create', async () => {
    const t = await traceRun(SNIPPET);
    const { rows: rs, strings } = await rows(t.trace);
    const liveBlocks = new Set<number>();
    const liveObjects = new Map<number, string>();
    const created: string[] = [];
    for (const r of rs) {
      if (['malloc', 'malloc_large', 'calloc', 'calloc_large'].includes(r.kind)) liveBlocks.add(r.id);
      else if (r.kind === 'free' || r.kind === 'free_large') {
        expect(liveObjects.has(r.id)).toBe(false); // the object was deallocated before its block was freed
        liveBlocks.delete(r.id);
      } else if (r.kind === 'realloc' || r.kind === 'realloc_large') {
        liveBlocks.delete(r.oldId);
        liveBlocks.add(r.id);
      } else if (r.kind === 'obj_create') {
        expect(liveBlocks.has(r.id)).toBe(true);
        expect(liveObjects.has(r.id)).toBe(false);
        liveObjects.set(r.id, strings(r.value));
        created.push(`${strings(r.value)}:${r.size}`);
      } else if (r.kind === 'obj_dealloc') {
        expect(liveObjects.delete(r.id)).toBe(true);
      }
    }
    // the class object (1688 with its shared keys), the function (152), instances (56), lists and floats
    expect(created).toContain('type:1688');
    expect(created).toContain('function:152');
    expect(created.filter((c) => c === 'Node:56')).toHaveLength(2);
    expect(created.filter((c) => c.startsWith('float:'))).toHaveLength(41); // the code constant 1.5 and the 40 products
  });

  test('gc start and stop: generation 2, 2 collected (the two Nodes), 0 uncollectable', async () => {
    const t = await traceRun(SNIPPET);
    const { rows: rs } = await rows(t.trace);
    const gc = rs.filter((r) => r.kind === 'gc_start' || r.kind === 'gc_stop').map((r) => (r.kind === 'gc_start' ? ['start', r.count] : ['stop', r.count, r.value, r.extra]));
    expect(gc).toEqual([
      ['start', 2],
      ['stop', 2, 2, 0],
    ]);
    // the verdicts between them: the two Nodes (their blocks), collected, told before their deallocation
    const start = rs.findIndex((r) => r.kind === 'gc_start');
    const stop = rs.findIndex((r) => r.kind === 'gc_stop');
    const verdicts = rs.slice(start, stop).filter((r) => r.kind === 'gc_object');
    expect(verdicts.map((r) => GC_OUTCOMES[r.value])).toEqual(['collected', 'collected']);
    for (const v of verdicts) {
      const created = rs.findIndex((r) => r.kind === 'obj_create' && r.id === v.id);
      expect(rs.findLastIndex((r, i) => i < start && r.kind === 'obj_create' && r.id === v.id)).toBe(created);
      expect(rs.findIndex((r, i) => i > start && r.kind === 'obj_dealloc' && r.id === v.id)).toBeGreaterThan(rs.indexOf(v));
    }
  });

  test('--refcounts adds incref/decref events of heap objects; they balance for an object created and freed in the run', async () => {
    const plain = await traceRun('x = [1.5]\ny = x\ndel x, y\n');
    const t = await traceRun('x = [1.5]\ny = x\ndel x, y\n', { refcounts: true });
    expect(t.report.requests).toEqual(plain.report.requests);
    const { rows: rs, level, strings } = await rows(t.trace);
    expect(level & LEVEL_REFCOUNTS).toBe(LEVEL_REFCOUNTS);
    const list = rs.find((r) => r.kind === 'obj_create' && strings(r.value) === 'list')!;
    const mine = rs.filter((r) => r.id === list.id && (r.kind === 'incref' || r.kind === 'decref')).map((r) => r.kind);
    // created with one reference: one more decref than increfs, the last one deallocates it
    expect(mine.filter((k) => k === 'decref').length - mine.filter((k) => k === 'incref').length).toBe(1);
    expect(mine.at(-1)).toBe('decref');
    expect(mine.length).toBeGreaterThanOrEqual(3); // at least y = x and the two names deleted
    expect(rs.findIndex((r) => r.kind === 'obj_dealloc' && r.id === list.id)).toBeGreaterThan(rs.findIndex((r) => r.kind === 'decref' && r.id === list.id));
    expect((await rows(plain.trace)).rows.some((r) => r.kind === 'incref')).toBe(false);
  });

  test('pymem validate and pymem summary accept the file; - writes the trace to stdout, the output to stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pymem-run-trace-'));
    const file = join(dir, 'run.pymem');
    const r = await run('run', '-c', SNIPPET, '--trace', file);
    expect(r).toEqual({ code: 0, out: '2 40\n', err: '' });
    const v = await run('validate', file);
    expect(v.code).toBe(0);
    const s = await run('summary', file, '--json');
    expect(s.code).toBe(0);
    const summary = JSON.parse(s.out) as Record<string, unknown>;
    expect(summary).toBeTypeOf('object');
    // the same bytes through stdout, what the snippet prints to stderr
    const chunks: Uint8Array[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((b: Uint8Array | string, cb?: (err?: Error | null) => void) => {
      chunks.push(typeof b === 'string' ? new TextEncoder().encode(b) : b);
      cb?.(null);
      return true;
    }) as typeof process.stdout.write;
    let r2: Awaited<ReturnType<typeof run>>;
    try {
      r2 = await run('run', '-c', SNIPPET, '--trace', '-');
    } finally {
      process.stdout.write = write;
    }
    expect(r2).toEqual({ code: 0, out: '', err: '2 40\n' });
    expect(Buffer.concat(chunks)).toEqual(readFileSync(file));
  });

  test('run --help names --trace and --refcounts', async () => {
    const r = await run('run', '--help');
    expect(r.out).toMatch(/--trace <out> +write the run as a pymem trace/);
    expect(r.out).toMatch(/--refcounts +with --trace: also an event per incref and decref/);
  });

  test('bad uses are refused with a clear error', async () => {
    expect((await run('run', '-c', 'x = 1', '--refcounts')).err).toMatch(/--refcounts: only with --trace/);
    expect((await run('run', '-c', 'x = 1', '--trace', '-', '--json')).err).toMatch(/--json cannot go there too/);
    expect((await run('run', '-c', 'x = 1', '--trace', '/nonexistent-dir/x.pymem')).err).toMatch(/--trace \/nonexistent-dir\/x.pymem: /);
  });
});
