import { geometryForPython } from '@pymem/arena';
import type { RawHeader, RawMark } from '@pymem/trace';
import { formatPyVersion } from '@pymem/trace';
import type { Command } from 'commander';
import { inputError, openCapture } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import { sliceBatch } from '../record-batches.js';
import { CaptureVerifier } from '../verify.js';
import type { Mismatch } from '../verify.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** Where `--at` points: after the first `events` records, or at a mark, or the end. */
export type StatsPoint = { kind: 'end' } | { kind: 'event'; events: number } | { kind: 'mark'; name: string };

/** Parses `--at`: `#N` is a record count, anything else a mark id or label. */
export function parseAt(at: string | undefined): StatsPoint {
  if (at === undefined) return { kind: 'end' };
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

/** `pymem stats CAPTURE [--at MARK|#N] [--json]`. */
export async function statsCommand(o: Output, path: string, opts: { at?: string; json?: boolean }, progress: Progress = NO_PROGRESS): Promise<number> {
  const point = parseAt(opts.at);
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
    .description("pymalloc's sys._debugmallocstats() text at a point of a raw capture, as the model replays it")
    .argument('<capture>', 'raw capture file (PYMTRC01, plain or gzip), or - for stdin')
    .option('--at <point>', 'a mark id or label (the first mark with it), or #N: after the first N records (default: the end)')
    .option('--json', 'print heap.stats() and heap.arenas() as JSON instead')
    .addHelpText(
      'after',
      [
        '',
        'At a mark the text equals the pymalloc part of the dump the real process',
        "wrote there (NAME.stats.txt). #N counts records as the stats file's events=N",
        "does: the mark with events=N is record N - 1, so --at #N gives its statistics.",
        'Exits 2 when the mark is not in the capture or #N is beyond its end.',
        '',
      ].join('\n'),
    )
    .action(async (capture: string, opts: { at?: string; json?: boolean }) => {
      ctx.setCode(await statsCommand(ctx.o, capture, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
