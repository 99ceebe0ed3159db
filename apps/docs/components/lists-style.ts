/**
 * Styles of the chapter widgets (refcounting, pools and lists, arena
 * pinning) for the classes @pymem/viz renders; added once per page, in the
 * browser only.
 */
const CSS = `
.pv-chapter .pv-keys { font-size: 12px; color: var(--vp-c-text-2); margin: 4px 0; }
.pv-chapter:focus-visible { outline: 2px solid var(--vp-c-brand-1); outline-offset: 2px; }
.pv-chapter pre.pv-text { font-size: 12px; line-height: 1.5; background: var(--vp-c-bg-soft); padding: 8px; border-radius: 6px; white-space: pre-wrap; margin: 8px 0; }
.pv-chapter ol.pv-steps { font-family: var(--vp-font-family-mono); font-size: 13px; margin: 8px 0; padding-left: 2.2em; }
.pv-chapter ol.pv-steps li { color: var(--vp-c-text-3); }
.pv-chapter ol.pv-steps li.pv-done { color: var(--vp-c-text-1); }
.pv-chapter ol.pv-steps li.pv-current { font-weight: 600; color: var(--vp-c-brand-1); }
.pv-chapter .pv-note { margin: 6px 0; min-height: 3em; }
.pv-chapter g.pv-node { outline: none; }
.pv-chapter g.pv-node:focus rect { stroke-width: 3; }
.pv-chapter .pv-object-graph text { fill: inherit; }
.pv-pool-lists table { font-size: 13px; margin: 6px 0; display: table; }
.pv-pool-lists caption { text-align: left; font-size: 12px; color: var(--vp-c-text-2); }
.pv-pool-lists ol.pv-list { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
.pv-pool-lists li.pv-list-pool { margin: 0; padding: 0 6px; border-radius: 4px; color: #1b1b1b; font-size: 12px; cursor: pointer; border: 1px solid #90a4ae; }
.pv-pool-lists li.pv-list-pool.pv-full { color: #fff; }
.pv-pool-lists li.pv-list-pool:focus { outline: 2px solid var(--vp-c-text-1); }
.pv-pool-lists li.pv-list-pool + li.pv-list-pool::before { content: '→ '; color: var(--vp-c-text-2); margin-left: -2px; }
.pv-pool-lists .pv-list-empty, .pv-pool-lists .pv-list-untouched { color: var(--vp-c-text-3); font-size: 12px; }
.pv-pool-lists .pv-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.pv-arena-usage { font-size: 13px; display: table; }
.pv-arena-usage caption { text-align: left; font-size: 12px; color: var(--vp-c-text-2); }
.pv-arena-usage tr[data-pinned="true"] td:first-child { font-weight: 600; }
.pv-arena-usage .pv-bar { display: inline-block; width: 120px; height: 8px; background: var(--vp-c-bg-soft); border: 1px solid var(--vp-c-divider); vertical-align: middle; }
.pv-arena-usage .pv-bar span { display: block; height: 100%; background: #3b6fb6; }
`;

/** Adds the chapter widgets' style sheet to the document, once. */
export function ensureChapterStyles(doc: Document): void {
  if (doc.getElementById('pv-chapter-css') !== null) return;
  const style = doc.createElement('style');
  style.id = 'pv-chapter-css';
  style.textContent = CSS;
  doc.head.append(style);
}
