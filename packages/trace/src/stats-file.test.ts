import { describe, expect, it } from 'vitest';
import { statsText } from '../test/shared-traces.js';
import { parseStatsFile } from './stats-file.js';
import { TraceFormatError } from './trace-format-error.js';

const EXPECTED = {
  startup: [[1, 'atexit', 163030]],
  ast_stdlib: [
    [1, 'after 10 files', 414119],
    [2, 'after 20 files', 908222],
    [3, 'after 30 files', 1442569],
    [4, 'after 40 files', 2246247],
    [5, 'after 50 files', 2801501],
    [6, 'end', 3089014],
    [7, 'atexit', 3130433],
  ],
  json: [
    [1, 'document built', 1161694],
    [2, 'round 0', 1609762],
    [3, 'round 1', 2302431],
    [4, 'round 2', 2960778],
    [5, 'end', 3050227],
    [6, 'atexit', 3090638],
  ],
  churn: [
    [1, 'phase 0 built', 759441],
    [2, 'phase 0 freed', 947141],
    [3, 'phase 1 built', 1572237],
    [4, 'phase 1 half', 1664972],
    [5, 'phase 1 freed', 1759952],
    [6, 'phase 2 built', 2384982],
    [7, 'phase 2 freed', 2572694],
    [8, 'phase 3 built', 3197725],
    [9, 'phase 3 half', 3290471],
    [10, 'phase 3 freed', 3385454],
    [11, 'end', 3385461],
    [12, 'atexit', 3426751],
  ],
} as const;

function errorOf(fn: () => unknown): TraceFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

describe('parseStatsFile on the shared stats files', () => {
  for (const [name, marks] of Object.entries(EXPECTED) as [keyof typeof EXPECTED, (typeof EXPECTED)[keyof typeof EXPECTED]][]) {
    it(`${name}: ids, labels, events and the two parts of each dump`, () => {
      const text = statsText(name);
      const dumps = parseStatsFile(text);
      expect(dumps.map((d) => [d.id, d.label, d.events])).toEqual(marks);
      for (const d of dumps) {
        expect(d.text.startsWith('Small block threshold = 512, in 32 size classes.\n')).toBe(true);
        expect(d.pymalloc.startsWith('Small block threshold = 512, in 32 size classes.\n')).toBe(true);
        expect(d.text.startsWith(d.pymalloc)).toBe(true);
        const lines = d.pymalloc.split('\n');
        expect(lines.at(-1)).toBe('');
        expect(lines.at(-2)).toMatch(/^Total +=  +655,360$/);
        expect(lines.at(-9)).toBe('arena map counts');
        expect(d.pymalloc).toContain('# arenas allocated total');
        expect(d.pymalloc).not.toContain('free PyDictObjects');
        const rest = d.text.slice(d.pymalloc.length);
        if (d.label === 'atexit') expect(rest).toBe('\n');
        else expect(rest).toMatch(/^\n( *\d+ free [^\n]+\n)+$/);
        expect(text).toContain(`### MARK ${d.id} ${d.label} events=${d.events}\n${d.text}### END MARK ${d.id}\n`);
      }
    });
  }
});

describe('parseStatsFile on malformed text', () => {
  const ok = '### MARK 3 a b  c events=12\nSmall block threshold = 512\nTotal = 1\n### END MARK 3\n';

  it('parses labels with spaces, CRLF and no final newline', () => {
    expect(parseStatsFile(ok)).toEqual([{ id: 3, label: 'a b  c', events: 12, text: 'Small block threshold = 512\nTotal = 1\n', pymalloc: 'Small block threshold = 512\nTotal = 1\n' }]);
    expect(parseStatsFile(ok.replaceAll('\n', '\r\n').trimEnd())).toEqual(parseStatsFile(ok));
    expect(parseStatsFile('\n\n')).toEqual([]);
  });

  it('names the line of each problem', () => {
    const cases: [string, number][] = [
      ['junk\n' + ok, 1],
      [ok + '### MARK x y events=1\n', 5],
      ['### MARK 1 a events=1\nx\n### END MARK 2\n', 3],
      ['### MARK 1 a events=1\nx\n### MARK 2 b events=2\n', 3],
      [ok + '### MARK 4 open events=9\nx\n', 5],
      ['### MARK 1 no events\n', 1],
    ];
    for (const [text, line] of cases) {
      const e = errorOf(() => parseStatsFile(text));
      expect(e.code).toBe('E_STATS');
      expect(e.message).toContain(`line ${line}`);
      expect(e.offset).toBe(text.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0));
    }
  });
});
