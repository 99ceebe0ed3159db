import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { geometryForPython } from '@pymem/arena';
import type { RawHeader, RawMark } from '@pymem/trace';
import { formatPyVersion } from '@pymem/trace';
import type { Command } from 'commander';
import { inputError, openCapture } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { sliceBatch } from '../record-batches.js';
import { replayTraceTo } from '../stats-trace.js';
import { isTrace } from '../trace-input.js';
import { CaptureVerifier } from '../verify.js';
import type { Mismatch } from '../verify.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** Where `--at` points: after the first `events` records, or at a mark, at a time (in ns), or the end. */
export type StatsPoint = { kind: 'end' } | { kind: 'event'; events: number } | { kind: 'mark'; name: string } | { kind: 'time'; ns: number; text: string };

const TIME_UNITS_NS: Record<string, number> = { s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };

/** Parses `--at`: `#N` is a record count, `1.5s`, `250ms`, `3000us` or `10ns` a time, anything else a mark id or label. */
export function parseAt(at: string | undefined): StatsPoint {
  if (at === undefined) return { kind: 'end' };
  const t = /^(\d+(?:\.\d+)?)\s*(s|ms|us|µs|ns)$/.exec(at.trim());
  if (t !== null) return { kind: 'time', ns: Number(t[1]) * TIME_UNITS_NS[t[2]!]!, text: at.trim() };
  if (at.startsWith('#')) {
    const digits = at.slice(1).replaceAll(',', '').replaceAll('_', '');
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) throw new CliError(`--at ${at}: expected #N, a number of records, e.g. #10000`);
    return { kind: 'event', events: Number(digits) };
  }
  return { kind: 'mark', name: at };
}

/** The replay stopped where `--at` points. */
export interface StatsAt {
  verifier: CaptureVerifier;
  header: RawHeader | undefined;
  /** Records replayed. */
  events: number;
  /** The mark stopped at, if any. */
  mark: RawMark | null;
  /** Every record of the capture was replayed. */
  atEnd: boolean;
}

function markMatches(m: RawMark, name: string): boolean {
  return m.label === name || (/^\d+$/.test(name) && m.id === Number(name));
}

/** Replays a capture up to the point `--at` names. */
export async function replayTo(path: string, point: StatsPoint, progress: Progress = NO_PROGRESS): Promise<StatsAt> {
  const reader = openCapture(path, progress, 'stats');
  const seen: RawMark[] = [];
  let verifier: CaptureVerifier | undefined;
  let events = 0;
  let found: RawMark | null = null;
  const make = (): CaptureVerifier => new CaptureVerifier({ geometry: geometryForPython(reader.header?.pyVersionHex ?? 0x030b07f0) });
  if (point.kind === 'time') {
    throw new CliError(`--at ${point.text}: ${path === '-' ? 'stdin' : path} is a raw capture (PYMTRC01), which records no times; give #N (a number of records) or a mark, or import it and use the trace's event numbers`);
  }
  try {
    for await (const b of reader) {
      verifier ??= make();
      let stop = b.length;
      if (point.kind === 'event') stop = Math.max(0, Math.min(b.length, point.events - b.firstIndex));
      else if (point.kind === 'mark') {
        for (const m of b.marks) {
          seen.push(m);
          if (markMatches(m, point.name)) {
            found = m;
            stop = m.index + 1 - b.firstIndex;
            break;
          }
        }
      }
      if (stop > 0) verifier.feed(sliceBatch(b, 0, stop));
      events = b.firstIndex + stop;
      if (found !== null || (point.kind === 'event' && events === point.events)) break;
    }
    verifier ??= make();
  } catch (e) {
    inputError(path, e);
  }
  const name = path === '-' ? 'stdin' : path;
  if (point.kind === 'mark' && found === null) {
    const list = seen.map((m) => `${m.id} "${m.label}"`).join(', ');
    throw new CliError(`no mark "${point.name}" in ${name}; ${seen.length === 0 ? 'it has no marks' : `its marks (id "label"): ${list}`}`);
  }
  if (point.kind === 'event' && events < point.events) {
    throw new CliError(`--at #${point.events} is beyond the end of ${name}, which has ${n(events)} records`);
  }
  return { verifier, header: reader.header, events, mark: found, atEnd: point.kind === 'end' };
}

function mismatchWarning(o: Output, m: Mismatch): void {
  o.err(`pymem: the replay differs from the capture at record ${m.record} (${m.kind}): ${m.message}; these statistics are the model's, not the real run's\n`);
}

function firstBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(8);
    readSync(fd, b, 0, 8, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** `pymem stats TRACE.pymem`: the model's statistics after replaying the trace to the point. */
async function traceStats(o: Output, path: string, point: StatsPoint, opts: { json?: boolean }, progress: Progress): Promise<number> {
  const r = await replayTraceTo(path, point, progress);
  progress.stop();
  const heap = r.verifier.heap;
  const v = r.header.pythonVersion;
  if (opts.json === true) {
    o.out(`${JSON.stringify({
      trace: path,
      pyVersion: v === 0 ? null : formatPyVersion(v),
      at: { events: r.events, time: r.time, clockUnit: r.header.clockUnit, mark: r.mark },
      exact: r.firstMismatch === null,
      stats: heap.stats(),
      arenas: heap.arenas(),
    }, null, 2)}\n`);
  } else {
    o.out(heap.debugMallocStats());
  }
  if (r.firstMismatch === null) return EXIT_OK;
  o.err(`pymem: the replay differs from the trace at event ${r.firstMismatch.seq} (${r.firstMismatch.kind}): ${r.firstMismatch.message}; these statistics are the model's\n`);
  return EXIT_CHECK_FAILED;
}

/** `pymem stats CAPTURE [--at MARK|#N] [--json]`. */
export async function statsCommand(o: Output, path: string, opts: { at?: string; json?: boolean }, progress: Progress = NO_PROGRESS): Promise<number> {
  const point = parseAt(opts.at);
  if (path !== '-' && existsSync(path) && !statSync(path).isDirectory() && isTrace(firstBytes(path))) return traceStats(o, path, point, opts, progress);
  const { verifier, header, events, mark } = await replayTo(path, point, progress);
  progress.stop();
  const heap = verifier.heap;
  const report = verifier.finish();
  if (opts.json === true) {
    o.out(`${JSON.stringify({
      capture: path,
      pyVersion: header === undefined ? null : formatPyVersion(header.pyVersionHex),
      at: { events, mark: mark === null ? null : { id: mark.id, label: mark.label } },
      exact: report.mismatches === 0,
      stats: heap.stats(),
      arenas: heap.arenas(),
    }, null, 2)}\n`);
  } else {
    o.out(report.finalStats);
  }
  if (report.mismatches === 0) return EXIT_OK;
  mismatchWarning(o, report.firstMismatch!);
  return EXIT_CHECK_FAILED;
}

/** Registers `pymem stats`. */
export function registerStats(program: Command, ctx: CommandContext): void {
  program
    .command('stats')
    .description("pymalloc's sys._debugmallocstats() text at a point of a raw capture or a .pymem trace, as the model replays it")
    .argument('<capture>', 'raw capture file (PYMTRC01, plain or gzip), or - for stdin; or a .pymem trace')
    .option('--at <point>', 'a mark id or label (the first mark with it); #N: after the first N records (events of a .pymem trace); a time such as 1.5s, 250ms, 3000us (.pymem traces with a time clock) (default: the end)')
    .option('--json', 'print heap.stats() and heap.arenas() as JSON instead')
    .addHelpText(
      'after',
      [
        '',
        'At a mark the text equals the pymalloc part of the dump the real process',
        "wrote there (NAME.stats.txt). #N counts records as the stats file's events=N",
        "does: the mark with events=N is record N - 1, so --at #N gives its statistics.",
        'A time means after every event at or before it, in the clock of a .pymem trace;',
        'raw captures record no times, so a time is refused there (exit 2).',
        'Exits 2 when the mark is not in the capture or #N or the time is beyond its end.',
        '',
      ].join('\n'),
    )
    .action(async (capture: string, opts: { at?: string; json?: boolean }) => {
      ctx.setCode(await statsCommand(ctx.o, capture, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
