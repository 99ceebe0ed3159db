import { statSync, truncateSync } from 'node:fs';
import { OP_CALLOC, OP_FREE, OP_MALLOC, OP_MARK, OP_REALLOC, TraceFormatError } from '@pymem/trace';
import type { RawStackTable } from '@pymem/trace';
import { openRawCapture } from '@pymem/trace/node';
import type { CaptureCut, CaptureMark } from '../capture-types.js';

/** What {@link readCaptureBack} found in a capture file. */
export interface CaptureReadBack {
  /** Process id from the header. */
  pid: number;
  /** Records read (the end record not counted). */
  records: number;
  /** Whether the end record is there. */
  ended: boolean;
  /** The marks, in order. */
  marks: CaptureMark[];
  /** The stacks table, when the header has the stacks flag. */
  stacks: RawStackTable | undefined;
  /** Requests (malloc, calloc, realloc, free) made while a Python frame was active. */
  requestsInPython: number;
  /** The partial last record that was cut off, or `null`. */
  cut: CaptureCut | null;
  /** Size of the file after the cut, in bytes. */
  bytes: number;
}

/**
 * Reads back a capture written by the capture library. A process that died
 * (SIGKILL, the OOM killer) can leave a partial record at the end of the
 * file: the library writes whole 4 KiB blocks (`O_DIRECT`), not whole
 * records, while the program runs, and a write cut short by the kill ends
 * where it ends. With `trim` (the default) such a tail is cut off the file,
 * so that it holds every complete record and any reader takes it; the cut
 * is reported. A file that does not end that way is left as it is.
 *
 * @param path - the capture file
 * @param opts - `trim: false` leaves a partial record in place (and the read then fails)
 * @returns what the capture holds, and what was cut
 * @throws {@link TraceFormatError} when the file is not a capture (`E_MAGIC`, …),
 *   is damaged before its end (`E_TAG`, …), or ends in a partial record and `trim` is `false` (`E_TRUNCATED`)
 *
 * @example
 * ```ts
 * const back = await readCaptureBack('killed.bin');
 * if (back.cut !== null) console.log(`cut ${back.cut.bytes} bytes at byte ${back.cut.offset}`);
 * ```
 */
export async function readCaptureBack(path: string, opts: { trim?: boolean } = {}): Promise<CaptureReadBack> {
  const marks: CaptureMark[] = [];
  let requestsInPython = 0;
  const reader = openRawCapture(path);
  let cut: CaptureCut | null = null;
  try {
    await reader.forEach((r) => {
      const op = r.op;
      if (op === OP_MARK) marks.push({ id: r.markId, label: r.markLabel, events: r.index + 1 });
      else if (r.stack !== 0 && (op === OP_MALLOC || op === OP_CALLOC || op === OP_REALLOC || op === OP_FREE)) requestsInPython++;
    });
  } catch (e) {
    // E_TRUNCATED at a record (not in the header): every record before it was read.
    if (opts.trim === false || !(e instanceof TraceFormatError) || e.code !== 'E_TRUNCATED' || reader.header === undefined || reader.ended || e.offset < 40) throw e;
    const size = statSync(path).size;
    truncateSync(path, e.offset);
    cut = { offset: e.offset, bytes: size - e.offset, record: reader.recordCount };
  }
  const header = reader.header!;
  return { pid: header.pid, records: reader.recordCount, ended: reader.ended, marks, stacks: reader.stacks, requestsInPython, cut, bytes: statSync(path).size };
}
