// The README's usage snippet, runnable: `node examples/usage.mjs` (after a build).
import { fileURLToPath } from 'node:url';
import { OP_ARENA_ALLOC, OP_MALLOC, OP_MARK, decodeRawCapture, parseStatsFile } from '@pymem/trace';
import { openRawCapture, readRawCaptureFile } from '@pymem/trace/node';
import { readFileSync } from 'node:fs';

const dir = fileURLToPath(new URL('../../../../shared/traces/', import.meta.url));

// Fast path: the whole decompressed capture, one reused record struct.
const bytes = await readRawCaptureFile(`${dir}startup.bin.gz`);
let mallocs = 0;
const summary = decodeRawCapture(bytes, (r) => {
  if (r.op === OP_MALLOC) mallocs++;
  else if (r.op === OP_MARK) console.log(`mark ${r.markId} '${r.markLabel}' at record ${r.index}`);
});
console.log(summary.header.pyVersion, summary.records, summary.ended, mallocs);

// Streaming, bounded memory: batches of records in columns.
const reader = openRawCapture(`${dir}churn.bin.gz`);
let arenas = 0;
for await (const batch of reader) {
  for (let i = 0; i < batch.length; i++) if (batch.op[i] === OP_ARENA_ALLOC && batch.size[i] === 1 << 20) arenas++;
}
console.log(reader.recordCount, reader.ended, arenas);

// Stats dumps, one per mark.
const dumps = parseStatsFile(readFileSync(`${dir}churn.stats.txt`, 'utf8'));
console.log(dumps.length, dumps[0].label, dumps[0].events, dumps[0].pymalloc.split('\n').length - 1);
