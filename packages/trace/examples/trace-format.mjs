// The README's pymem trace format snippet, runnable: `node examples/trace-format.mjs` (after a build).
import {
  KIND_FREE,
  KIND_MALLOC,
  KIND_MARK,
  LEVEL_ALLOCATOR,
  LEVEL_STACKS,
  MemorySink,
  TraceWriter,
  openTrace,
  readTrace,
  recoverTrace,
  toJsonl,
} from '@pymem/trace';

// Write: 10,000 mallocs and frees, a checkpoint every 4 chunks.
const live = new Map();
const sink = new MemorySink();
const w = new TraceWriter(sink, {
  header: { pythonVersion: 0x030b07f0, level: LEVEL_ALLOCATOR | LEVEL_STACKS },
  chunkSize: 4096,
  checkpointEvery: 4,
  checkpoint: () => ({ blocks: [...live.values()], arenas: [], objects: [] }),
});
const main = w.stack(0, w.frame(w.string('main'), w.string('app.py'), 3));
for (let i = 0; i < 10_000; i++) {
  if (i % 2 === 1) {
    const b = live.get(i - 1);
    w.append({ kind: KIND_FREE, id: b.id, size: b.size });
    live.delete(i - 1);
  } else {
    const b = { id: i, size: 8 + (i % 64), large: false, cls: 0, arena: 0, pool: i % 64, block: 0, stack: main };
    b.cls = (b.size - 1) >> 4;
    w.append({ kind: KIND_MALLOC, ...b });
    live.set(i, b);
  }
}
w.append({ kind: KIND_MARK, value: 1, label: w.string('done') });
await w.close();
const bytes = sink.bytes();
console.log(`${bytes.length} bytes, ${(bytes.length / 10_001).toFixed(2)} bytes/event`);

// Stream: one batch of columns per events chunk.
const reader = readTrace(bytes);
let mallocBytes = 0;
for await (const b of reader) for (let i = 0; i < b.length; i++) if (b.kind[i] === KIND_MALLOC) mallocBytes += b.size[i];
console.log(reader.eventCount, reader.complete, mallocBytes, reader.dictionary.strings.join('|'));

// Random access: the footer index, then the state at event 7,777.
const file = await openTrace(bytes);
const { checkpoint, events } = await file.seekSeq(7777);
console.log(file.index.length, checkpoint.seq, events.map((b) => `${b.firstSeq}+${b.length}`).join(' '), file.peak);

// JSONL, one line per record.
const lines = (await toJsonl(bytes)).split('\n');
console.log(lines.length, lines.find((l) => l.includes('"t":"malloc"')));

// A truncated file: every complete chunk back.
const { report } = await recoverTrace(bytes.subarray(0, 2000));
console.log(report);
