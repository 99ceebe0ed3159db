import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from '../errors.js';
import { n } from '../output.js';
import type { ReportData } from './packed.js';

/** The report page's script, built by tsup next to the CLI (`dist/report-browser.global.js`), or `PYMEM_REPORT_SCRIPT` (the tests build their own). */
export function reportScriptPath(): string {
  const env = process.env['PYMEM_REPORT_SCRIPT'];
  if (env !== undefined && env !== '') return env;
  // From dist/ this is dist/ itself; from src/report/ (tests) it is the package's dist/.
  const here = new URL('.', import.meta.url).pathname;
  const rel = here.endsWith('/src/report/') ? '../../dist/report-browser.global.js' : './report-browser.global.js';
  return fileURLToPath(new URL(rel, import.meta.url));
}

function reportScript(): string {
  const p = reportScriptPath();
  if (!existsSync(p)) throw new CliError(`the report page's script is missing (${p}); build the CLI first: pnpm --filter @pymem/cli run build`);
  return readFileSync(p, 'utf8');
}

/** Escapes text for HTML. */
export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** JSON that can sit inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;padding:0 16px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}.facts td{text-align:left}
.maps{display:grid;grid-template-columns:1fr;gap:12px}.map svg{max-width:100%;height:auto}
.note{color:#555;font-size:13px}code,.stack{font-family:ui-monospace,monospace;font-size:12px}
.stack{white-space:pre-wrap;text-align:left}.chart{margin:8px 0}
`;

function factsTable(d: ReportData): string {
  const f = d.facts;
  const g = f.geometry;
  const rows: [string, string][] = [
    ['input', `${esc(d.source)} (${d.input === 'raw' ? 'raw PYMTRC01 capture, imported for this report' : '.pymem trace'})`],
    ['Python', esc(f.python)],
    ['geometry', `${esc(g.name)}: ${g.alignment}-byte alignment, requests up to ${g.threshold} bytes, ${n(g.poolSize)}-byte pools, ${n(g.arenaSize)}-byte arenas`],
    ['events', `${n(f.events)}${f.complete ? '' : ' (incomplete trace: no index)'}`],
    ['marks', n(f.marks)],
    ['duration', f.clockUnit === 'event' ? `${n(f.duration)} events (the trace's clock counts events: raw captures record no times)` : `${n(f.duration)} ${esc(f.clockUnit)}`],
    ['peak', `${n(d.peak.liveBytes)} live bytes after event ${n(d.peak.seq)}`],
    ['replay', f.mismatch === null ? 'the model reproduces every result and arena of the input exactly' : `<strong>not exact</strong>: ${esc(f.mismatch)}; the heaps below are the model's`],
    ['end', `${n(d.end.liveBytes)} live bytes in ${n(d.end.liveBlocks)} blocks; ${n(d.end.arenas)} arenas, ${n(d.end.pools)} pools (at most ${n(d.max.arenas)} arenas, ${n(d.max.pools)} pools)`],
  ];
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function classTable(d: ReportData): string {
  const rows = d.classes.map((c) => `<tr><td>${esc(c.label)}</td><td>${n(c.allocatedBytes)}</td><td>${n(c.peakBytes)}</td><td>${n(c.endBytes)}</td><td>${n(c.tempBlocks)}</td></tr>`).join('');
  return `<table class="summary-classes"><tr><th>class</th><th>allocated bytes</th><th>bytes at peak</th><th>bytes at end</th><th>temporary blocks</th></tr>${rows}</table>`;
}

function stacksSection(d: ReportData): string {
  if (!d.facts.stacks) return '<p class="note">The trace recorded no stacks (capture with <code>pymem capture --stacks</code> to see where the memory was allocated).</p>';
  const rows = d.stacks.map((s) => `<tr><td>${n(s.allocBytes)}</td><td>${n(s.allocBlocks)}</td><td>${n(s.liveBytes)}</td><td>${n(s.liveBlocks)}</td><td class="stack">${s.frames.map(esc).join('\n') || '&lt;no Python stack: interpreter start-up, shutdown or C code&gt;'}</td></tr>`).join('');
  return `<table class="stacks"><tr><th>bytes allocated</th><th>blocks allocated</th><th>bytes live at the end</th><th>blocks live at the end</th><th>stack (innermost first)</th></tr>${rows}</table>`;
}

function marksSection(d: ReportData): string {
  if (d.instants.length === 0) return '<p class="note">No marks.</p>';
  return `<table class="marks"><tr><th>event</th><th>type</th><th>name</th></tr>${d.instants.map((i) => `<tr><td>${n(i.seq)}</td><td>${esc(i.type)}</td><td>${esc(i.name)}</td></tr>`).join('')}</table>`;
}

/**
 * The whole report: one HTML file with its styles, script and data inline,
 * so it opens offline from `file://` and makes no network request.
 */
export function reportHtml(d: ReportData): string {
  const title = `pymem report: ${d.source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="note">Made by <code>pymem report</code>: the allocator state is the pymalloc model's replay of the trace, block for block.</p>
<h2>The run</h2>
${factsTable(d)}
<h2>Over time</h2>
<div id="timelines"></div>
<h2>Arenas at the peak</h2>
<p class="note" id="peak-caption"></p>
<div class="map" id="map-peak"></div>
<h2>Arenas at the end</h2>
<p class="note" id="end-caption"></p>
<div class="map" id="map-end"></div>
<h2>Size classes</h2>
<p class="note">Requested bytes per size class over the whole trace (as <code>pymem summary</code> counts them):</p>
${classTable(d)}
<p class="note">Pools and blocks per class at the peak:</p>
<div id="classes-peak"></div>
<p class="note">and at the end:</p>
<div id="classes-end"></div>
<h2>Top allocation stacks</h2>
${stacksSection(d)}
<h2>Marks and gc</h2>
${marksSection(d)}
<script id="pymem-data" type="application/json">${scriptJson(d)}</script>
<script>${reportScript().replaceAll('</script', '<\\/script')}</script>
</body>
</html>
`;
}
