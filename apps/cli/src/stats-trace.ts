import type { TraceEventBatch, TraceHeader } from '@pymem/trace';
import { KIND_MARK, readTrace } from '@pymem/trace';
import { CliError } from './errors.js';
import { n } from './output.js';
import type { Progress } from './progress.js';
import { NO_PROGRESS, trackBytes } from './progress.js';
import { TraceVerifier } from './trace-verify.js';
import type { TraceMismatch } from './trace-verify.js';
import { readInput, traceInputError } from './trace-input.js';

/** A point of a `.pymem` trace: after N events, at a mark, at a time (ns), or the end. */
export type TracePoint = { kind: 'end' } | { kind: 'event'; events: number } | { kind: 'mark'; name: string } | { kind: 'time'; ns: number; text: string };

/** The replayed heap of a trace stopped at a point. */
export interface TraceStatsAt {
  verifier: TraceVerifier;
  header: TraceHeader;
  /** Events replayed. */
  events: number;
  /** The mark stopped at. */
  mark: { id: number; label: string } | null;
  /** Time of the last event replayed (clock unit of the header). */
  time: number;
  firstMismatch: TraceMismatch | null;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6 };

/** Rows 0..`to` of a batch as a batch of their own (views of its columns). */
function head(b: TraceEventBatch, to: number): TraceEventBatch {
  if (to === b.length) return b;
  const s = Object.create(Object.getPrototypeOf(b) as object) as TraceEventBatch;
  s.length = to;
  s.firstSeq = b.firstSeq;
  s.kind = b.kind.subarray(0, to);
  s.time = b.time.subarray(0, to);
  for (const c of ['id', 'oldId', 'size', 'oldSize', 'cls', 'arena', 'pool', 'block', 'stack', 'count', 'value', 'extra', 'label'] as const) s[c] = b[c].subarray(0, to);
  return s;
}

/**
 * Replays a `.pymem` trace's allocator events up to a point: `#N` after the
 * first N events, a mark (id or label) after its event, a time after every
 * event at or before it (in the trace's clock, which must be a time clock).
 */
export async function replayTraceTo(path: string, point: TracePoint, progress: Progress = NO_PROGRESS): Promise<TraceStatsAt> {
  const name = path === '-' ? 'stdin' : path;
  const bytes = await readInput(path);
  const reader = readTrace(progress === NO_PROGRESS ? bytes : trackBytes(bytes, progress, 'stats'), { reuseBatches: true });
  let v: TraceVerifier | undefined;
  let events = 0;
  let time = 0;
  let mark: { id: number; label: string } | null = null;
  const marks: string[] = [];
  let limit = Infinity;
  let early = false;
  try {
    for await (const b of reader) {
      const h = reader.header!;
      if (v === undefined) {
        v = new TraceVerifier(h, reader.dictionary.strings);
        if (point.kind === 'time') {
          const unit = UNIT_NS[h.clockUnit];
          if (unit === undefined) throw new CliError(`--at ${point.text}: the clock of ${name} counts ${h.clockUnit === 'event' ? 'events, not time (a trace imported from a raw capture has no times)' : `"${h.clockUnit}"`}; give #N (a number of events) or a mark`);
          limit = point.ns / unit;
        }
      }
      let stop = b.length;
      if (point.kind === 'event') stop = Math.max(0, Math.min(b.length, point.events - b.firstSeq));
      else if (point.kind === 'time') {
        stop = 0;
        while (stop < b.length && b.time[stop]! <= limit) stop++;
      } else if (point.kind === 'mark') {
        const strings = reader.dictionary.strings;
        for (let i = 0; i < b.length; i++) {
          if (b.kind[i] !== KIND_MARK) continue;
          const id = b.value[i]!;
          const label = strings[b.label[i]!] ?? '';
          marks.push(`${id} "${label}"`);
          if (label === point.name || (/^\d+$/.test(point.name) && id === Number(point.name))) {
            mark = { id, label };
            stop = i + 1;
            break;
          }
        }
      }
      if (stop > 0) {
        v.feed(head(b, stop));
        time = b.time[stop - 1]!;
      }
      events = b.firstSeq + stop;
      if (mark !== null || (point.kind === 'event' && events === point.events) || stop < b.length) {
        early = true;
        break;
      }
    }
  } catch (e) {
    traceInputError(path, e);
  }
  if (v === undefined) throw new CliError(`${name}: the trace has no events`);
  if (point.kind === 'mark' && mark === null) {
    throw new CliError(`no mark "${point.name}" in ${name}; ${marks.length === 0 ? 'it has no marks' : `its marks (id "label"): ${marks.join(', ')}`}`);
  }
  if (point.kind === 'event' && events < point.events) throw new CliError(`--at #${point.events} is beyond the end of ${name}, which has ${n(events)} events`);
  if (point.kind === 'time' && !early && limit > time) {
    throw new CliError(`--at ${point.text} is beyond the end of ${name}, whose last event is at ${n(time)} ${reader.header!.clockUnit}`);
  }
  const report = v.finish(reader.complete);
  // Stopped inside the trace, the end-of-replay checks (arenas the trace releases later) do not apply.
  const m = report.firstMismatch;
  return { verifier: v, header: reader.header!, events, mark, time, firstMismatch: m !== null && early && m.seq >= events ? null : m };
}
