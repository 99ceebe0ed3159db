import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStatsFile } from '@pymem/trace';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-demo-'));

describe('pymem demo', () => {
  it('replays the bundled capture (made with pymem capture), prints the real run\'s statistics and what pins each arena, and writes the report', async () => {
    const html = join(dir, 'demo.html');
    const r = await run('demo', '--report', html);
    expect(r.code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<title>pymem report: ');
    expect(r.out).toContain(`open ${html} in a browser.`);
    // The summary of the same run (as pymem summary prints it for the imported trace).
    expect(r.out).toContain('\npeak      4,876,415 live bytes at event 129,038\nend       51,579 live bytes in 471 blocks; 3 arenas, 31 pools (at most 4 arenas, 235 pools)\n');
    const stats = parseStatsFile(readFileSync(fileURLToPath(new URL('../assets/demo.stats.txt', import.meta.url)), 'utf8'));
    expect(r.out).toContain(stats[0]!.pymalloc);
    expect(r.out).toContain('results   85,005 checked, 85,005 matched (100.00 %)');
    expect(r.out).toContain('40,480 bytes in 465 live blocks keep 3 arenas (3,145,728 bytes) mapped: 1.29 % of the arena memory holds data.');
    expect(r.out).toMatch(/\n {3}3 {2}0x7fcf1121d000 +0\/63 .*\(empty: kept as the one spare arena\)\n/);
  });

  it('--json gives the report, the statistics and the arenas', async () => {
    const r = await run('demo', '--json', '--no-report');
    const j = JSON.parse(r.out) as { ok: boolean; report: string | null; arenas: { slot: number; blocksInUse: number }[]; stats: { arenasCurrent: number } };
    expect(j.ok).toBe(true);
    expect(j.report).toBeNull();
    expect(existsSync('pymem-demo-report.html')).toBe(false);
    expect(j.stats.arenasCurrent).toBe(3);
    expect(j.arenas.map((a) => [a.slot, a.blocksInUse])).toEqual([[0, 106], [1, 359], [3, 0]]);
  });
});

describe('help', () => {
  it('pymem --help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatchSnapshot();
  });

  it('pymem verify --help', async () => {
    const r = await run('verify', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatchSnapshot();
  });
});
