import { copyFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, TraceFormatError } from '@pymem/trace';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureBack } from './read-back.js';
import { capture } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-capture-readback-'));
const env = { PYMEM_CACHE_DIR: join(dir, 'cache') };
const whole = join(dir, 'whole.bin');
/** Byte offset of every record of `whole`, the end record last. */
let starts: number[] = [];
let size = 0;

beforeAll(async () => {
  const code = 'import pymem_capture\nx = {i: str(i) * (i % 7) for i in range(3000)}\npymem_capture.mark("built")\ndel x';
  await capture({ argv: ['python3', '-c', code], output: whole, env, stdio: 'ignore' });
  const bytes = new Uint8Array(readFileSync(whole));
  size = bytes.length;
  starts = [];
  decodeRawCapture(bytes, (r) => {
    starts.push(r.offset);
  });
  starts.push(size - 9); // the end record: tag + u64
}, 120_000);

/** A copy of the capture, cut to `n` bytes. */
function cutCopy(name: string, n: number): string {
  const path = join(dir, name);
  copyFileSync(whole, path);
  truncateSync(path, n);
  return path;
}

describe('readCaptureBack', () => {
  it('reads a whole capture as it is', async () => {
    const back = await readCaptureBack(whole);
    expect(back).toMatchObject({ records: starts.length - 1, ended: true, cut: null, bytes: size });
    expect(back.marks.map((m) => m.label)).toEqual(['built', 'atexit']);
  });

  it('without trim, a capture cut inside a record is E_TRUNCATED at the record\'s first byte', async () => {
    const k = Math.floor(starts.length / 2);
    const path = cutCopy('mid.bin', starts[k]! + 3);
    const e = await readCaptureBack(path, { trim: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TraceFormatError);
    expect(e).toMatchObject({ code: 'E_TRUNCATED', offset: starts[k], message: `truncated record at byte ${starts[k]} (record ${k}): input ends after 3 of its bytes` });
    expect(statSync(path).size).toBe(starts[k]! + 3); // left alone
  });

  it('cuts a partial last record off: the file keeps every record before it, and readers take it (property)', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 41, max: size - 1 }), async (n) => {
        const path = cutCopy(`cut-${i++}.bin`, n);
        // The records that end at or before byte n are complete.
        let complete = 0;
        while (complete + 1 < starts.length && starts[complete + 1]! <= n) complete++;
        const recordStart = starts[complete]!;
        const back = await readCaptureBack(path);
        if (recordStart === n) {
          expect(back.cut).toBeNull();
        } else {
          expect(back.cut).toEqual({ offset: recordStart, bytes: n - recordStart, record: complete });
        }
        expect(back).toMatchObject({ records: complete, ended: false, bytes: recordStart });
        expect(statSync(path).size).toBe(recordStart);
        expect(decodeRawCapture(new Uint8Array(readFileSync(path)), () => undefined)).toMatchObject({ records: complete, ended: false });
      }),
      { numRuns: 40 },
    );
  });

  it('leaves other damage alone: a header cut short or a bad tag is an error, and the file is not changed', async () => {
    const short = cutCopy('short.bin', 20);
    await expect(readCaptureBack(short)).rejects.toMatchObject({ code: 'E_TRUNCATED', offset: 0 });
    expect(statSync(short).size).toBe(20);
    const bad = cutCopy('bad.bin', size);
    const bytes = readFileSync(bad);
    bytes[starts[5]!] = 0x0f; // op 15: no such record
    writeFileSync(bad, bytes);
    await expect(readCaptureBack(bad)).rejects.toMatchObject({ code: 'E_TAG', offset: starts[5] });
    expect(statSync(bad).size).toBe(size);
  });
});
