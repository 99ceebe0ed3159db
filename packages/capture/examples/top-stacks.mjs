// Prints the stacks that made the most allocation requests in a capture
// written by `pymem capture --stacks`: node examples/top-stacks.mjs run.bin [N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeRawCapture, OP_CALLOC, OP_MALLOC, OP_REALLOC } from '@pymem/trace';

const [file, top = '5'] = process.argv.slice(2);
const requests = new Map();
const bytes = new Map();
const summary = decodeRawCapture(new Uint8Array(readFileSync(file)), (r) => {
  if (r.op !== OP_MALLOC && r.op !== OP_CALLOC && r.op !== OP_REALLOC) return;
  requests.set(r.stack, (requests.get(r.stack) ?? 0) + 1);
  bytes.set(r.stack, (bytes.get(r.stack) ?? 0) + (r.op === OP_CALLOC ? r.size * r.size2 : r.size));
});
if (summary.stacks === undefined) throw new Error(`${file} has no stacks (capture it with pymem capture --stacks)`);
const table = summary.stacks;
const total = [...requests.values()].reduce((a, b) => a + b, 0);
console.log(`${total.toLocaleString('en-US')} allocation requests in ${requests.size} stacks (${table.stackCount} stacks, ${table.frameCount} frames in the capture)`);
for (const [id, n] of [...requests].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  const frames = table.resolve(id).map((f) => `${f.function} (${basename(f.file)}:${f.line})`);
  console.log(`${n.toLocaleString('en-US').padStart(10)} requests ${bytes.get(id).toLocaleString('en-US').padStart(12)} bytes  ${frames.length > 0 ? frames.join(' > ') : '(no Python frame)'}`);
}
