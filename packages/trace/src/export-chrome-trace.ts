import type { TraceSummary } from './trace-summary-types.js';

/** One Chrome Trace Event (the subset written here). */
export interface ChromeTraceEvent {
  /** Event name (counter track name for `C`). */
  name: string;
  /** Phase: `C` counter, `i` instant, `M` metadata. */
  ph: 'C' | 'i' | 'M';
  /** Timestamp in microseconds. */
  ts: number;
  /** Process id (1). */
  pid: number;
  /** Thread id (0). */
  tid: number;
  /** Instant scope: `g` (global). */
  s?: 'g';
  /** Counter values / instant details / metadata. */
  args: Record<string, number | string>;
}

/** A Chrome Trace Event JSON object file. */
export interface ChromeTrace {
  /** The events, by time. */
  traceEvents: ChromeTraceEvent[];
  /** Unit the viewer shows. */
  displayTimeUnit: 'ms' | 'ns';
  /** Where the data came from. */
  otherData: Record<string, string | number>;
}

const US_PER_UNIT: Record<string, number> = { ns: 1e-3, us: 1, ms: 1e3 };

/**
 * Converts a trace time to trace-event microseconds: `ns`, `us`, `ms` clocks
 * scale; the `event` clock maps event n to n µs.
 *
 * @param summary - gives the clock unit
 * @param time - a trace time
 * @returns microseconds
 */
export function traceTimeToMicros(summary: TraceSummary, time: number): number {
  return time * (US_PER_UNIT[summary.header.clockUnit] ?? 1);
}

/**
 * A Chrome Trace Event JSON file of a summary's timeline, for the Perfetto UI
 * (ui.perfetto.dev) and chrome://tracing: counter tracks (`ph: "C"`) `live
 * bytes` (total, pymalloc, large), `arenas`, `pools`, `fragmentation`
 * (live pymalloc bytes / arena bytes) and `live bytes by class` (one series
 * per size class with data), at the summary's samples; instants (`ph: "i"`,
 * global) for marks and gc passes.
 *
 * @param summary - from {@link summarizeTrace}
 * @returns the file, ready for `JSON.stringify`
 */
export function toChromeTrace(summary: TraceSummary): ChromeTrace {
  const pid = 1;
  const tid = 0;
  const events: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid, tid, args: { name: 'pymem trace' } },
    { name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name: 'allocator' } },
  ];
  const used = new Set<number>();
  for (const s of summary.samples) s.classBytes.forEach((b, c) => (b !== 0 ? used.add(c) : undefined));
  const classes = [...used].sort((a, b) => a - b);
  const className = (c: number): string => (c < summary.classes ? `${(c + 1) * summary.header.alignment} B` : 'large');
  const timed: ChromeTraceEvent[] = [];
  for (const s of summary.samples) {
    const ts = traceTimeToMicros(summary, summary.header.clockUnit === 'event' ? s.seq : s.time);
    timed.push({ name: 'live bytes', ph: 'C', ts, pid, tid, args: { pymalloc: s.smallBytes, large: s.liveBytes - s.smallBytes } });
    timed.push({ name: 'arenas', ph: 'C', ts, pid, tid, args: { arenas: s.arenas } });
    timed.push({ name: 'pools', ph: 'C', ts, pid, tid, args: { pools: s.pools } });
    timed.push({ name: 'fragmentation', ph: 'C', ts, pid, tid, args: { ratio: s.fragmentation } });
    if (classes.length > 0) {
      const args: Record<string, number> = {};
      for (const c of classes) args[className(c)] = s.classBytes[c]!;
      timed.push({ name: 'live bytes by class', ph: 'C', ts, pid, tid, args });
    }
  }
  for (const x of summary.instants) {
    const ts = traceTimeToMicros(summary, summary.header.clockUnit === 'event' ? x.seq : x.time);
    timed.push({ name: x.type === 'mark' ? x.name : `${x.type} ${x.name}`, ph: 'i', s: 'g', ts, pid, tid, args: { seq: x.seq, ...x.args } });
  }
  timed.sort((a, b) => a.ts - b.ts);
  return {
    traceEvents: events.concat(timed),
    displayTimeUnit: summary.header.clockUnit === 'ns' ? 'ns' : 'ms',
    otherData: { source: '@pymem/trace', clockUnit: summary.header.clockUnit, events: summary.events, peakBytes: summary.peak.liveBytes, peakSeq: summary.peak.seq },
  };
}
