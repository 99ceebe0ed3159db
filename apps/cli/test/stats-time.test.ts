import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromJsonl, parseStatsFile, toJsonl } from '@pymem/trace';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAt } from '../src/commands/stats.js';
import { run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-stats-time-'));
const DEMO = fileURLToPath(new URL('../assets/demo.bin.gz', import.meta.url));
const DEMO_STATS = fileURLToPath(new URL('../assets/demo.stats.txt', import.meta.url));
/** The demo capture imported (clock: events). */
const eventClock = join(dir, 'demo.pymem');
/** The same events on a microsecond clock: event `seq` at `10 × seq` µs (the whole run: 1.71 s). */
const usClock = join(dir, 'demo-us.pymem');

beforeAll(async () => {
  expect((await run('import', DEMO, '-o', eventClock, '--stats', DEMO_STATS)).code).toBe(0);
  const lines = (await toJsonl(readFileSync(eventClock))).split('\n').map((line) => {
    if (line === '') return line;
    const j = JSON.parse(line) as Record<string, unknown>;
    if (j['t'] === 'header') j['clockUnit'] = 'us';
    if (typeof j['seq'] === 'number' && 'time' in j) j['time'] = 10 * j['seq'];
    return JSON.stringify(j);
  });
  writeFileSync(usClock, await fromJsonl(lines.join('\n')));
}, 60_000);

describe('parseAt', () => {
  it('reads times in s, ms, us and ns; #N and marks as before', () => {
    expect(parseAt('1.5s')).toEqual({ kind: 'time', ns: 1.5e9, text: '1.5s' });
    expect(parseAt('250ms')).toEqual({ kind: 'time', ns: 250e6, text: '250ms' });
    expect(parseAt('3000us')).toEqual({ kind: 'time', ns: 3e6, text: '3000us' });
    expect(parseAt('3000µs')).toEqual({ kind: 'time', ns: 3e6, text: '3000µs' });
    expect(parseAt('12 ns')).toEqual({ kind: 'time', ns: 12, text: '12 ns' });
    expect(parseAt('#12')).toEqual({ kind: 'event', events: 12 });
    expect(parseAt('atexit')).toEqual({ kind: 'mark', name: 'atexit' });
    expect(parseAt('1.5 seconds')).toEqual({ kind: 'mark', name: '1.5 seconds' });
  });
});

describe('pymem stats --at TIME on a .pymem trace', () => {
  // After every event at or before t: events 0..t/10 µs, that is t/10 + 1 events.
  for (const [at, events] of [['250ms', 25_001], ['1.5s', 150_001], ['3000us', 301], ['0.5 s', 50_001], ['15000ns', 2]] as const) {
    it(`--at ${at} is the heap after the first ${events} events (--at #${events})`, async () => {
      const byTime = await run('stats', usClock, '--at', at);
      const byCount = await run('stats', usClock, '--at', `#${events}`);
      expect(byTime.err).toBe('');
      expect(byTime.code).toBe(0);
      expect(byTime.out).toBe(byCount.out);
      expect(byTime.out).toMatch(/^Small block threshold = 512, in 32 size classes\.\n/);
      const j = JSON.parse((await run('stats', usClock, '--at', at, '--json')).out) as { at: { events: number; time: number; clockUnit: string }; exact: boolean };
      expect(j.at).toMatchObject({ events, time: 10 * (events - 1), clockUnit: 'us' });
      expect(j.exact).toBe(true);
    });
  }

  it('the time of a trace\'s last event gives the end state, the real run\'s dump at exit', async () => {
    const real = parseStatsFile(readFileSync(DEMO_STATS, 'utf8'));
    const atexit = real.at(-1)!;
    expect(atexit.label).toBe('atexit');
    const end = JSON.parse((await run('stats', usClock, '--json')).out) as { at: { events: number } };
    const last = `${10 * (end.at.events - 1)}us`;
    expect((await run('stats', usClock, '--at', last)).out).toBe(atexit.pymalloc);
    expect((await run('stats', usClock, '--at', 'atexit')).out).toBe(atexit.pymalloc);
    expect((await run('stats', eventClock, '--at', '1')).out).toBe(atexit.pymalloc);
    // The raw capture at the same mark, replayed record by record: the same text.
    expect((await run('stats', DEMO, '--at', 'atexit')).out).toBe(atexit.pymalloc);
  });

  it('the heap grows with time: fewer arenas and blocks early on', async () => {
    const at = async (t: string): Promise<{ arenasCurrent: number; blocksInUse: number }> => {
      const j = JSON.parse((await run('stats', usClock, '--at', t, '--json')).out) as { stats: { arenasCurrent: number; classes: { blocksInUse: number }[] } };
      return { arenasCurrent: j.stats.arenasCurrent, blocksInUse: j.stats.classes.reduce((s, c) => s + c.blocksInUse, 0) };
    };
    const early = await at('50ms');
    const later = await at('1s');
    expect(early.arenasCurrent).toBeLessThan(later.arenasCurrent);
    expect(early.blocksInUse).toBeLessThan(later.blocksInUse);
  });

  it('refuses a time where there is no clock, or past the end, with exit 2', async () => {
    expect(await run('stats', DEMO, '--at', '1.5s')).toEqual({
      code: 2,
      out: '',
      err: `pymem: --at 1.5s: ${DEMO} is a raw capture (PYMTRC01), which records no times; give #N (a number of records) or a mark, or import it and use the trace's event numbers\n`,
    });
    expect(await run('stats', eventClock, '--at', '250ms')).toEqual({
      code: 2,
      out: '',
      err: `pymem: --at 250ms: the clock of ${eventClock} counts events, not time (a trace imported from a raw capture has no times); give #N (a number of events) or a mark\n`,
    });
    const past = await run('stats', usClock, '--at', '10s');
    expect(past.code).toBe(2);
    expect(past.err).toMatch(new RegExp(`^pymem: --at 10s is beyond the end of ${usClock}, whose last event is at [\\d,]+ us\\n$`));
    expect((await run('stats', usClock, '--at', '#999999999')).err).toMatch(/is beyond the end of .*, which has [\d,]+ events\n$/);
    expect((await run('stats', usClock, '--at', 'nope')).err).toBe(`pymem: no mark "nope" in ${usClock}; its marks (id "label"): 1 "atexit"\n`);
  });
});
