import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OP_ARENA_ALLOC, OP_MALLOC, encodeRawCapture } from '@pymem/trace';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { packHeap, unpackHeap } from '../src/report/packed.js';
import type { ReportData } from '../src/report/packed.js';
import { reportScriptPath } from '../src/report/html.js';
import { TRACES, haveShared, run, withStdin } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-report-'));
const DEMO = fileURLToPath(new URL('../assets/demo.bin.gz', import.meta.url));
const CHROMIUM = process.env['PYMEM_CHROMIUM'] ?? '/usr/bin/chromium';
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));

/** The data a report embeds. */
function embedded(html: string): ReportData {
  const m = /<script id="pymem-data" type="application\/json">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error('no embedded data');
  return JSON.parse(m[1]!) as ReportData;
}

interface SummaryJson {
  events: number;
  classes: number;
  peak: { liveBytes: number; seq: number; blocks: number[] };
  end: { liveBytes: number; liveBlocks: number; arenas: number; pools: number; seq: number; blocks: number[] };
  max: { arenas: number; pools: number };
  allocated: { bytes: number[] };
  samples: { seq: number; liveBytes: number; arenas: number }[];
}

/** Checks a report's data against `pymem summary --json` of the same trace, figure by figure. */
function expectMatchesSummary(d: ReportData, s: SummaryJson): void {
  expect(d.facts.events).toBe(s.events);
  expect(d.peak).toEqual({ liveBytes: s.peak.liveBytes, seq: s.peak.seq });
  expect(d.end).toEqual({ liveBytes: s.end.liveBytes, liveBlocks: s.end.liveBlocks, arenas: s.end.arenas, pools: s.end.pools, seq: s.end.seq });
  expect(d.max).toEqual(s.max);
  expect(d.series.seq).toEqual(s.samples.map((x) => x.seq));
  expect(d.series.liveBytes).toEqual(s.samples.map((x) => x.liveBytes));
  expect(d.classes.map((c) => c.allocatedBytes)).toEqual(s.allocated.bytes.filter((b) => b > 0));
  // The replayed heaps agree with the summary's own bookkeeping: arenas at the
  // end, pymalloc blocks in use at the peak and at the end. (Per class they may
  // differ: the summary files a block under its requested size, the heap under
  // its pool's class, and a realloc that shrinks in place keeps the pool's.)
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  expect(d.heapAtEnd.arenas.length).toBe(s.end.arenas);
  expect(sum(d.heapAtEnd.classes.map((c) => c[3]!))).toBe(sum(s.end.blocks.slice(0, s.classes)));
  expect(sum(d.heapAtPeak.classes.map((c) => c[3]!))).toBe(sum(s.peak.blocks.slice(0, s.classes)));
}

/** URLs in the page other than XML namespace names (which are never fetched). */
function externalUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:https?|ftp|wss?):\/\/[^\s"'`)<>]*/g)].map((m) => m[0]).filter((u) => !/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xhtml|1999\/xlink|XML\/1998\/namespace|2000\/xmlns\/)$/.test(u));
}

let demoHtml = '';
const demoReport = join(dir, 'demo.html');

beforeAll(async () => {
  if (!existsSync(reportScriptPath())) throw new Error(`build the CLI first (pnpm --filter @pymem/cli run build): ${reportScriptPath()} is missing`);
  const r = await run('report', DEMO, '-o', demoReport);
  expect(r.code).toBe(0);
  demoHtml = readFileSync(demoReport, 'utf8');
}, 60_000);

describe('pymem report', () => {
  it('embeds the figures pymem summary --json gives for the same trace (demo capture)', async () => {
    const trace = join(dir, 'demo.pymem');
    expect((await run('import', DEMO, '-o', trace)).code).toBe(0);
    const s = JSON.parse((await run('summary', trace, '--json')).out) as SummaryJson;
    const d = embedded(demoHtml);
    expect(d.input).toBe('raw');
    expect(d.facts.python).toBe('3.11.7');
    expect(d.facts.geometry).toEqual({ name: 'cpython-3.11', alignment: 16, threshold: 512, poolSize: 16384, arenaSize: 1048576 });
    expect(d.facts.marks).toBe(1);
    expect(d.facts.stacks).toBe(false);
    expect(d.facts.mismatch).toBeNull();
    expectMatchesSummary(d, s);
    // The real run's dump at exit: 3 arenas; 465 blocks in use.
    expect(d.heapAtEnd.arenas.map((a) => a.slot)).toEqual([0, 1, 3]);
    expect(d.heapAtEnd.classes.reduce((t, c) => t + c[3]!, 0)).toBe(465);
    // The .pymem trace gives the same report, but for its name.
    const fromTrace = join(dir, 'demo-trace.html');
    expect((await run('report', trace, '-o', fromTrace)).code).toBe(0);
    expect({ ...embedded(readFileSync(fromTrace, 'utf8')), source: '', input: '' }).toEqual({ ...d, source: '', input: '' });
  });

  it('is self-contained: no external URL, no src or href attribute, inline script and styles only', () => {
    expect(externalUrls(demoHtml)).toEqual([]);
    expect(demoHtml).not.toMatch(/<(script|img|link|iframe)\b[^>]*\b(src|href)=/i);
    expect(demoHtml).toContain("default-src 'none'");
    expect(Buffer.byteLength(demoHtml)).toBeLessThan(150_000);
  });

  it('writes to stdout with -o - and reports what it wrote on stderr otherwise', async () => {
    const r = await run('report', DEMO, '-o', '-');
    expect(r.code).toBe(0);
    expect(r.out.startsWith('<!doctype html>')).toBe(true);
    expect(embedded(r.out)).toEqual(embedded(demoHtml));
    const w = await run('report', DEMO, '-o', join(dir, 'again.html'));
    expect(w.err).toMatch(/^report {4}.*again\.html: [\d,]+ bytes; 171,126 events, peak 4,876,415 live bytes, 3 arenas at the end\n$/);
  });

  it('reads the capture from stdin with -', async () => {
    const out = join(dir, 'stdin.html');
    const r = await withStdin(readFileSync(DEMO), () => run('report', '-', '-o', out));
    expect(r.code).toBe(0);
    expect({ ...embedded(readFileSync(out, 'utf8')), source: '' }).toEqual({ ...embedded(demoHtml), source: '' });
  });

  it('says so, writes the report and exits 1 when the model does not reproduce the capture', async () => {
    const BASE = 0x7f0000000000;
    const wrong = join(dir, 'wrong.bin');
    // pymalloc puts the first 24-byte block at arena + 48, not + 4096.
    writeFileSync(wrong, encodeRawCapture([{ op: OP_ARENA_ALLOC, domain: 3, size: 1 << 20, result: BASE }, { op: OP_MALLOC, domain: 2, size: 24, result: BASE + 4096 }]));
    const out = join(dir, 'wrong.html');
    const r = await run('report', wrong, '-o', out);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[1]).toBe(`pymem: the model does not reproduce ${wrong} exactly: 1 of 1 results of the capture are elsewhere in the model's replay (pymem verify ${wrong} shows the first); the report's heaps are the model's`);
    const html = readFileSync(out, 'utf8');
    expect(embedded(html).facts.mismatch).toBe(`1 of 1 results of the capture are elsewhere in the model's replay (pymem verify ${wrong} shows the first)`);
    expect(html).toContain('<strong>not exact</strong>');
  });

  it('packs heaps losslessly', () => {
    const d = embedded(demoHtml);
    for (const h of [d.heapAtPeak, d.heapAtEnd]) expect(packHeap(unpackHeap(h))).toEqual(h);
    const peak = unpackHeap(d.heapAtPeak);
    expect(peak.arenas.flatMap((a) => a.pools).filter((p) => p.status !== 'untouched').every((p) => p.capacity > 0 && p.count <= p.capacity)).toBe(true);
  });

  it('refuses what it cannot read, with exit 2 and the file named', async () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello\n');
    expect(await run('report', junk, '-o', join(dir, 'x.html'))).toEqual({ code: 2, out: '', err: `pymem: ${junk}: neither a raw capture (PYMTRC01, plain or gzip) nor a .pymem trace\n` });
    expect(await run('report', join(dir, 'nope.bin'), '-o', join(dir, 'x.html'))).toEqual({ code: 2, out: '', err: `pymem: no such file: ${join(dir, 'nope.bin')}\n` });
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, gunzipSync(readFileSync(DEMO)).subarray(0, 30));
    const r = await run('report', cut, '-o', join(dir, 'x.html'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^pymem: ${cut}: .*\\n$`));
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it.skipIf(!haveShared)('reports a shared capture (startup) with the figures of pymem summary', async () => {
    const raw = join(TRACES, 'startup.bin.gz');
    const trace = join(dir, 'startup.pymem');
    expect((await run('import', raw, '-o', trace)).code).toBe(0);
    const s = JSON.parse((await run('summary', trace, '--json')).out) as SummaryJson;
    const out = join(dir, 'startup.html');
    expect((await run('report', raw, '-o', out)).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expectMatchesSummary(embedded(html), s);
    expect(externalUrls(html)).toEqual([]);
  }, 120_000);
});

describe.skipIf(!existsSync(CHROMIUM))('pymem report in Chromium', () => {
  it(`opens from file:// offline and draws the timelines, arena maps and tables without errors (screenshot in test-results/)`, async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('request', (r) => requests.push(r.url()));
      const url = `file://${demoReport}`;
      await page.goto(url);
      await page.waitForSelector('body[data-rendered="yes"]', { timeout: 20_000 });
      const found = await page.evaluate(() => ({
        canvases: document.querySelectorAll('#timelines canvas').length,
        maps: [...document.querySelectorAll('#map-peak svg, #map-end svg')].length,
        pools: document.querySelectorAll('#map-end g.pv-pool').length,
        classTables: document.querySelectorAll('#classes-peak table, #classes-end table').length,
        caption: document.getElementById('end-caption')?.textContent,
      }));
      // live and arena bytes, arenas, pools, pools per class
      expect(found.canvases).toBe(4);
      expect(found.maps).toBe(2);
      expect(found.pools).toBe(3 * 63);
      expect(found.classTables).toBe(2);
      expect(found.caption).toBe('after event 171,125: 39.5 KiB in pymalloc blocks, 3 arenas (3 MiB)');
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'report-demo.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe.runIf(!existsSync(CHROMIUM))('pymem report in Chromium (skipped)', () => {
  it.skip(`${CHROMIUM} is missing (install it with apt-get install -y chromium, or set PYMEM_CHROMIUM)`, () => undefined);
});
