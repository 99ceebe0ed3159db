import type { Geometry, GeometryOpts, PresetName } from '@pymem/arena';
import { GeometryError, HeapCorruptionError, PymemArenaError, geometryForPython, resolveGeometry } from '@pymem/arena';
import type { RawHeader } from '@pymem/trace';
import { formatPyVersion } from '@pymem/trace';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { inputError, openCapture } from '../capture-input.js';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import { n } from '../output.js';
import type { FillPoint, GeometrySummary, HeapFigures, ReplayReport, SeriesPoint } from '../what-if.js';
import { WhatIfReplay } from '../what-if.js';
import type { Progress } from '../progress.js';
import { NO_PROGRESS } from '../progress.js';
import type { CommandContext } from './command.js';

/** Options of `pymem replay`. */
export interface ReplayCommandOpts {
  preset?: PresetName;
  poolSize?: number;
  arenaSize?: number;
  keepEmptyArena?: boolean;
  arenaAlignment?: number;
  json?: boolean;
}

/** Rows of the text table of the fill series (plus the end). */
export const TABLE_ROWS = 20;

const UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** "16384", "16K", "16KiB", "1M", "1MiB" → bytes. */
export function parseBytes(text: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()];
  const v = m === null || unit === undefined ? NaN : Number(m[1]) * unit;
  if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(`expected a byte count such as 16384, 16K or 1M, got "${text}".`);
  return v;
}

/** 16384 → "16 KiB", 1048576 → "1 MiB", 1000 → "1000 bytes". */
export function formatBytes(v: number): string {
  if (v >= 1024 ** 2 && v % 1024 ** 2 === 0) return `${v / 1024 ** 2} MiB`;
  if (v >= 1024 && v % 1024 === 0) return `${v / 1024} KiB`;
  return `${v} bytes`;
}

function describe(g: GeometrySummary): string {
  return `${g.name}: ${formatBytes(g.poolSize)} pools, ${formatBytes(g.arenaSize)} arenas, ${g.keepEmptyArena ? 'one empty arena kept' : 'every empty arena released'}`;
}

/** The what-if geometry the options name. */
export function whatIfGeometry(opts: ReplayCommandOpts): Geometry {
  const custom = opts.poolSize !== undefined || opts.arenaSize !== undefined || opts.keepEmptyArena !== undefined;
  if (opts.preset !== undefined && custom) {
    throw new CliError('--preset cannot be combined with --pool-size, --arena-size or --[no-]keep-empty-arena');
  }
  if (opts.preset === undefined && !custom) {
    throw new CliError('replay needs a what-if geometry: --preset cpython-3.8|cpython-3.11, or --pool-size N --arena-size N');
  }
  try {
    if (opts.preset !== undefined) return resolveGeometry(opts.preset);
    const g: GeometryOpts = { name: 'custom' };
    if (opts.poolSize !== undefined) g.poolSize = opts.poolSize;
    if (opts.arenaSize !== undefined) g.arenaSize = opts.arenaSize;
    if (opts.keepEmptyArena !== undefined) g.keepEmptyArena = opts.keepEmptyArena;
    return resolveGeometry(g);
  } catch (e) {
    if (e instanceof GeometryError) throw new CliError(`what-if geometry: ${e.message}`);
    throw e;
  }
}

/** Replays a capture as itself and under the what-if geometry. */
export async function runReplay(path: string, whatIf: Geometry, alignment: number | undefined, progress: Progress = NO_PROGRESS): Promise<{ report: ReplayReport; header: RawHeader | undefined }> {
  const make = (pyVersionHex: number): WhatIfReplay => {
    try {
      return new WhatIfReplay({ original: geometryForPython(pyVersionHex), whatIf, ...(alignment === undefined ? {} : { alignment }) });
    } catch (e) {
      if (e instanceof PymemArenaError && e.code === 'E_ARGUMENT') throw new CliError(`--arena-alignment: ${e.message}`);
      throw e;
    }
  };
  // Options are checked before the capture is read.
  make(0x030b07f0);
  const reader = openCapture(path, progress, 'replay');
  let replay: WhatIfReplay | undefined;
  let report: ReplayReport;
  try {
    for await (const batch of reader) {
      replay ??= make(reader.header!.pyVersionHex);
      replay.feed(batch);
    }
    replay ??= make(reader.header?.pyVersionHex ?? 0x030b07f0);
    report = replay.finish(reader.summary);
  } catch (e) {
    if (e instanceof HeapCorruptionError) throw new CliError(`the replayed heap is corrupt (a bug in pymem, please report it): ${e.message}`, EXIT_CHECK_FAILED);
    inputError(path, e);
  }
  progress.stop();
  return { report, header: reader.header };
}

function pct(f: number | null): string {
  return f === null ? '-' : `${(100 * f).toFixed(2)} %`;
}

/** The rows the text table shows: about {@link TABLE_ROWS} evenly spaced points, and the end. */
export function tableRows(r: ReplayReport): { every: number; rows: SeriesPoint[] } {
  const m = Math.max(1, Math.ceil(Math.floor(r.events / r.every) / TABLE_ROWS));
  const every = m * r.every;
  const rows = r.series.filter((p, i) => p.event % every === 0 || i === r.series.length - 1);
  return { every, rows };
}

function printReplay(o: Output, path: string, header: RawHeader | undefined, r: ReplayReport): void {
  const v = header === undefined ? '' : ` (CPython ${formatPyVersion(header.pyVersionHex)}, pid ${header.pid})`;
  o.out(`capture   ${path}${v}: ${n(r.events)} events, ${n(r.results)} allocations, ${n(r.frees)} frees\n`);
  const exact = r.original.mismatches === 0 ? `replayed exactly, ${n(r.original.matched)} of ${n(r.results)} results` : `NOT exact: ${n(r.original.mismatches)} mismatches`;
  o.out(`original  ${describe(r.original.geometry)}; arena bases as recorded (${exact})\n`);
  o.out(`what-if   ${describe(r.whatIf.geometry)}; simulated arena bases, ${n(r.whatIf.arenaAlignment)}-aligned\n\n`);
  const rows: [string, (h: HeapFigures) => number][] = [
    ['arenas allocated total', (h) => h.arenasAllocated],
    ['arenas released', (h) => h.arenasReleased],
    ['arenas high-water', (h) => h.arenasHighwater],
    ['arenas live at the end', (h) => h.arenasLive],
    ['bytes in arenas at the end', (h) => h.arenaBytes],
    ['peak bytes in arenas', (h) => h.peakArenaBytes],
    ['pools in use at the end', (h) => h.poolsInUse],
    ['blocks in use at the end', (h) => h.blocksInUse],
    ['bytes in blocks at the end', (h) => h.bytesInBlocks],
  ];
  o.out(`${''.padEnd(28)}${'original'.padStart(14)}${'what-if'.padStart(14)}\n`);
  for (const [label, get] of rows) o.out(`${label.padEnd(28)}${n(get(r.original)).padStart(14)}${n(get(r.whatIf)).padStart(14)}\n`);
  if (r.series.length === 0) return;
  const { every, rows: points } = tableRows(r);
  o.out(`\nfill = bytes in blocks / bytes in arenas, every ${n(every)} events (--json: every ${n(r.every)})\n`);
  o.out(`${'event'.padStart(12)}${'in blocks'.padStart(14)}${'original'.padStart(20)}${'what-if'.padStart(20)}\n`);
  const side = (f: FillPoint): string => `${String(f.arenas).padStart(4)} ${f.arenas === 1 ? 'arena ' : 'arenas'} ${pct(f.fill).padStart(8)}`;
  for (const p of points) o.out(`${n(p.event).padStart(12)}${n(p.original.bytesInBlocks).padStart(14)}${side(p.original).padStart(20)}${side(p.whatIf).padStart(20)}\n`);
  if (r.original.mismatches > 0) {
    const m = r.original.firstMismatch!;
    o.out(`\nthe original column is the model's replay, not the real run's: the replay differs from the capture at record ${n(m.record)} (${m.kind}): ${m.message}\n`);
  }
  if (r.whatIf.unknownPointers > 0) o.out(`\n${n(r.whatIf.unknownPointers)} frees or reallocs named a pointer the capture never returned; they were replayed as no-ops and mallocs\n`);
}

/** `pymem replay CAPTURE (--preset NAME | --pool-size N --arena-size N …) [--arena-alignment N] [--json]`. */
export async function replayCommand(o: Output, path: string, opts: ReplayCommandOpts, progress: Progress = NO_PROGRESS): Promise<number> {
  const whatIf = whatIfGeometry(opts);
  const { report, header } = await runReplay(path, whatIf, opts.arenaAlignment, progress);
  if (opts.json === true) {
    o.out(`${JSON.stringify({ capture: path, pyVersion: header === undefined ? null : formatPyVersion(header.pyVersionHex), ...report }, null, 2)}\n`);
  } else {
    printReplay(o, path, header, report);
  }
  return report.original.mismatches === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem replay`. */
export function registerReplay(program: Command, ctx: CommandContext): void {
  program
    .command('replay')
    .description('what-if: replay the requests of a raw capture through pymalloc with another geometry, next to the original run')
    .argument('<capture>', 'raw capture file (PYMTRC01, plain or gzip), or - for stdin')
    .addOption(new Option('--preset <name>', 'what-if geometry preset').choices(['cpython-3.8', 'cpython-3.11']))
    .addOption(new Option('--pool-size <bytes>', 'what-if pool size (a power of two, e.g. 4K)').argParser(parseBytes))
    .addOption(new Option('--arena-size <bytes>', 'what-if arena size (a power of two, e.g. 256K)').argParser(parseBytes))
    .option('--keep-empty-arena', 'keep one empty arena mapped (CPython 3.9+; the default of a custom geometry)')
    .option('--no-keep-empty-arena', 'release every empty arena (CPython 3.8)')
    .addOption(new Option('--arena-alignment <bytes>', 'alignment of the simulated arena bases, a power of two from 4K to 1G').argParser(parseBytes).default(4096, '4096, an mmap page'))
    .option('--json', 'print the report and the full fill series as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The original column replays the capture at the arena bases the real process',
        "got, with its CPython version's geometry. The what-if column sends the same",
        'requests, in order, to pymalloc with the given geometry, its arenas from a',
        'simulated mmap: top-down, each base as little aligned as --arena-alignment',
        'allows, released ranges reused last first. A custom geometry takes the',
        'cpython-3.11 values for what it does not set. Fill is bytes in blocks / bytes',
        'in arenas, sampled about 20 times (--json: up to 512 times).',
        '',
        'Memory: besides the arenas of both heaps, the replay maps each block live in',
        'the capture to its what-if address: 32 to 64 bytes per live block.',
        '',
      ].join('\n'),
    )
    .action(async (capture: string, opts: ReplayCommandOpts) => {
      ctx.setCode(await replayCommand(ctx.o, capture, opts, ctx.progress?.(opts.json) ?? NO_PROGRESS));
    });
}
