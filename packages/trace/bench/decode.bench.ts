// `pnpm --filter @pymem/trace bench`: one decode of each shared capture per iteration.
// Records per second = hz × the record count printed in each bench name.
import { bench, describe } from 'vitest';
import { RecordDigest, TRACES, loadCapture } from '../test/shared-traces.js';
import { OP_MALLOC } from '../src/api.js';
import { decodeRawCapture } from '../src/decode-raw-capture.js';
import { RawRecordDecoder } from '../src/raw-record-decoder.js';

// Read once: vitest turns each use of an imported binding into a property load.
const MALLOC = OP_MALLOC;
const captures = await Promise.all(TRACES.map(async (t) => ({ ...t, bytes: await loadCapture(t.name) })));

describe('decodeRawCapture (whole buffer)', () => {
  for (const c of captures) {
    let mallocBytes = 0;
    bench(`${c.name} (${c.records - 1} records)`, () => {
      decodeRawCapture(c.bytes, (r) => {
        if (r.op === MALLOC) mallocBytes += r.size;
      });
      if (mallocBytes < 0) throw new Error('unreachable');
    });
  }
});

describe('RawRecordDecoder (64 KiB chunks)', () => {
  for (const c of captures) {
    bench(`${c.name} (${c.records - 1} records)`, () => {
      const d = new RawRecordDecoder();
      const digest = new RecordDigest();
      for (let at = 0; at < c.bytes.length; at += 65536) d.push(c.bytes.subarray(at, at + 65536), digest.add);
      d.finish();
    });
  }
});
