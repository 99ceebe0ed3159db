import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { everyKind, expected, rows } from '../test/trace-samples.js';
import { openTraceFile, readTraceFile, traceFileSink } from './node.js';
import { TraceWriter } from './trace-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-trace-fmt-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('@pymem/trace/node: trace files', () => {
  it('writes a file through a Node stream, streams it back and opens it', async () => {
    const path = join(dir, 'a.pymtrace');
    const w = new TraceWriter(traceFileSink(path), { chunkSize: 64, header: { level: 31, clockUnit: 'ns' } });
    for (const s of ['startup', 'stats text\nline 2', 'dict']) w.string(s);
    const f = w.frame(w.string('main'), w.string('app.py'), 1);
    w.stack(w.stack(0, f), w.frame(w.string('work'), 5, 10));
    for (const e of everyKind()) w.append(e);
    await w.close();
    const reader = readTraceFile(path);
    const batches = [];
    for await (const b of reader) batches.push(b);
    expect(rows(batches)).toEqual(everyKind().map((e) => expected(e)));
    expect(reader.complete).toBe(true);
    const file = await openTraceFile(path);
    expect(file.eventCount).toBe(everyKind().length);
    expect(new Uint8Array(file.bytes)).toEqual(new Uint8Array(readFileSync(path)));
  });
});
