import { classToSize } from '@pymem/arena';
import type { Command } from 'commander';
import { Option } from 'commander';
import { assetPath, DEMO_CAPTURE, DEMO_STATS } from '../assets.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { CommandContext } from './command.js';
import { n, style } from '../output.js';
import { verifyCapture } from '../verify.js';
import { openCapture, readStats } from '../capture-input.js';
import { printVerify } from './verify.js';
import { writeReport } from './report.js';
import { printSummaryFacts } from './summary.js';

/** Where `pymem demo` writes its HTML report unless told otherwise. */
export const DEMO_REPORT = 'pymem-demo-report.html';

/**
 * `pymem demo`: replays the bundled real capture, checks it against the real
 * run's statistics, prints pymalloc's statistics at exit and what keeps the
 * arenas alive.
 */
export async function demoCommand(o: Output, opts: { json?: boolean; report?: string | false }): Promise<number> {
  const path = assetPath(DEMO_CAPTURE);
  const reportFile = opts.report === false ? null : (opts.report ?? DEMO_REPORT);
  // The report goes to a file (its one-line note is kept off the output); the summary comes with it.
  const quiet: Output = { out: () => undefined, err: () => undefined, color: false };
  const { summary } = await writeReport(quiet, path, { output: reportFile ?? '-' });
  const stats = readStats(assetPath(DEMO_STATS));
  const reader = openCapture(path);
  const { verifier, report } = await verifyCapture(reader, { stats });
  const heap = verifier.heap;
  const arenas = heap.arenas();
  const s = heap.stats();
  if (opts.json === true) {
    const { finalStats, ...rest } = report;
    o.out(`${JSON.stringify({ capture: DEMO_CAPTURE, ok: report.mismatches === 0, ...rest, stats: s, arenas, statsText: finalStats, report: reportFile }, null, 2)}\n`);
    return report.mismatches === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
  }
  o.out(style(o.color, 'bold', 'pymem demo: a real CPython 3.11.7 run of `python3 -c pass`, recorded with `pymem capture` and replayed allocation for allocation\n\n'));
  printVerify(o, `assets/${DEMO_CAPTURE}`, reader.header, report);
  o.out(style(o.color, 'bold', '\nThe run in brief, as pymem summary gives it (live bytes count requested sizes):\n\n'));
  printSummaryFacts(o, `assets/${DEMO_CAPTURE}`, summary);
  o.out(style(o.color, 'bold', '\npymalloc statistics at exit, as sys._debugmallocstats() printed them in the real process:\n\n'));
  o.out(report.finalStats);
  o.out(style(o.color, 'bold', '\nWhy the process keeps its memory: what pins each arena at exit\n\n'));
  o.out('slot  address          pools used/free  blocks  bytes in use  fill   classes holding it (class:blocks)\n');
  for (const a of arenas) {
    const classes = a.classBlocks
      .map((b, i) => [i, b] as const)
      .filter(([, b]) => b > 0)
      .map(([i, b]) => `${classToSize(heap.geometry, i)}B:${b}`)
      .join(' ');
    const fill = ((100 * a.bytesInUse) / heap.geometry.arenaSize).toFixed(1);
    o.out(`${String(a.slot).padStart(4)}  0x${a.address.toString(16).padEnd(14)} ${String(a.usedPools).padStart(5)}/${String(a.freePools).padEnd(10)} ${String(a.blocksInUse).padStart(6)}  ${n(a.bytesInUse).padStart(12)}  ${fill.padStart(4)} %  ${classes || '(empty: kept as the one spare arena)'}\n`);
  }
  const live = s.bytesInAllocatedBlocks;
  o.out(`\n${n(live)} bytes in ${n(arenas.reduce((t, a) => t + a.blocksInUse, 0))} live blocks keep ${s.arenasCurrent} arenas (${n(s.arenaBytes)} bytes) mapped: `);
  o.out(`${((100 * live) / Math.max(1, s.arenaBytes)).toFixed(2)} % of the arena memory holds data.\n`);
  o.out('An arena returns to the OS only when every one of its pools is empty, so a few long-lived\n');
  o.out('blocks spread over many pools pin whole megabytes.\n\n');
  if (reportFile !== null) o.out(`The same run as pictures (timelines, arena maps, size classes): open ${reportFile} in a browser.\n\n`);
  o.out(`Next: pymem capture -o my.bin.gz -- python3 my_script.py   (record a run of your own)\n`);
  o.out(`      pymem report my.bin.gz -o my-report.html; pymem replay my.bin.gz --preset cpython-3.8\n`);
  return report.mismatches === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem demo`. */
export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('replay the bundled real CPython capture and show why its arenas stay mapped')
    .addOption(new Option('--json', 'print the report as JSON'))
    .option('--report <file>', `also write the HTML report of the capture there (default: ${DEMO_REPORT} in the current directory)`)
    .option('--no-report', 'do not write the HTML report')
    .action(async (opts: { json?: boolean; report?: string | false }) => {
      ctx.setCode(await demoCommand(ctx.o, opts));
    });
}
