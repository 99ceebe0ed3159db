import { TraceFormatError } from './trace-format-error.js';

/** One `sys._debugmallocstats()` dump of a `NAME.stats.txt` file. */
export interface StatsDump {
  /** The mark id (matches the capture's mark record). */
  id: number;
  /** The mark label, e.g. `"after 10 files"` or `"atexit"`. */
  label: string;
  /** Records written up to and including the mark record (its index + 1). */
  events: number;
  /** The whole dump: every line between the `### MARK` and `### END MARK` lines, each ending in `\n`. */
  text: string;
  /**
   * pymalloc's part of the dump: from `Small block threshold` through the
   * `Total` line of the arena map section, each line ending in `\n`; without
   * the blank line and the type free-list lines that follow.
   */
  pymalloc: string;
}

const HEAD = /^### MARK (\d+) (.*) events=(\d+)$/;
const FOOT = /^### END MARK (\d+)$/;

function fail(line: number, offset: number, what: string): never {
  throw new TraceFormatError('E_STATS', offset, `malformed stats file at line ${line}: ${what}`);
}

/** Lines from the first through the arena map's `Total` line (or all but trailing blanks). */
function pymallocPart(lines: readonly string[]): string {
  let last = -1;
  const map = lines.indexOf('arena map counts');
  if (map >= 0) {
    for (let i = map + 1; i < lines.length; i++) {
      if (lines[i]!.startsWith('Total ')) {
        last = i;
        break;
      }
    }
  }
  if (last < 0) {
    last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
  }
  return lines
    .slice(0, last + 1)
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * Parses a `NAME.stats.txt` file: one dump per mark, each framed by
 * `### MARK <id> <label> events=<n>` and `### END MARK <id>` (labels may
 * contain spaces). Accepts `\n` and `\r\n` line ends.
 *
 * @param text - the whole file
 * @returns the dumps, in file order
 * @throws {@link TraceFormatError} `E_STATS` (message names the line; `offset`
 *   is the line's character offset) on text outside a dump, a malformed or
 *   nested header, a mismatched or missing `### END MARK`
 *
 * @example
 * ```ts
 * const dumps = parseStatsFile(readFileSync('startup.stats.txt', 'utf8'));
 * dumps[0]; // { id: 1, label: 'atexit', events: 163030, text: '…', pymalloc: '…' }
 * ```
 */
export function parseStatsFile(text: string): StatsDump[] {
  const dumps: StatsDump[] = [];
  let open: { id: number; label: string; events: number; line: number; offset: number; lines: string[] } | undefined;
  let offset = 0;
  let lineNo = 0;
  while (offset < text.length) {
    let nl = text.indexOf('\n', offset);
    if (nl < 0) nl = text.length;
    let line = text.slice(offset, nl);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lineNo++;
    if (open === undefined) {
      const m = HEAD.exec(line);
      if (m !== null) {
        open = { id: Number(m[1]), label: m[2]!, events: Number(m[3]), line: lineNo, offset, lines: [] };
      } else if (line.trim() !== '') {
        fail(lineNo, offset, line.startsWith('### ') ? `expected '### MARK <id> <label> events=<n>', got '${line}'` : `text outside a '### MARK' block: '${line.slice(0, 60)}'`);
      }
    } else if (line.startsWith('### ')) {
      const m = FOOT.exec(line);
      if (m === null) fail(lineNo, offset, `expected '### END MARK ${open.id}', got '${line}'`);
      if (Number(m[1]) !== open.id) fail(lineNo, offset, `'### END MARK ${m[1]}' closes mark ${open.id} (opened at line ${open.line})`);
      const { id, label, events, lines } = open;
      dumps.push({ id, label, events, text: lines.map((l) => `${l}\n`).join(''), pymalloc: pymallocPart(lines) });
      open = undefined;
    } else {
      open.lines.push(line);
    }
    offset = nl + 1;
  }
  if (open !== undefined) fail(open.line, open.offset, `mark ${open.id} has no '### END MARK ${open.id}'`);
  return dumps;
}
