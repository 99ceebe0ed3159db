import { esc, hexAddr } from './color.js';

/**
 * A reference graph as plain data: names (a frame's variables) and heap
 * objects as nodes, references as edges. {@link objectGraphFromSpace} reads
 * one from `@pymem/objects`' `ObjectSpace`; a trace or a test can build one
 * by hand.
 */
export interface ObjectGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** A name or an object. */
export interface GraphNode {
  /** `name:x` for a name, `obj:<address>` for an object. */
  readonly id: string;
  readonly kind: 'name' | 'object';
  /** The name, or the object's type and short value (`float 3.14`, `list len 2`). */
  readonly text: string;
  /** Object address (0 for a name). */
  readonly address: number;
  /** Type name (`''` for a name). */
  readonly type: string;
  /** `sys.getsizeof` (0 for a name). */
  readonly size: number;
  /** `ob_refcnt` (0 for a name). */
  readonly refcount: number;
  /** A static object (None, True, a small int…) that is never deallocated. */
  readonly isStatic: boolean;
}

/** A reference: `from` holds a reference to `to`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Where the reference sits: `[0]`, `['key']`, `key`, `∈`, or `''` for a name. */
  readonly label: string;
}

/** A laid-out node. */
export interface GraphNodeCell extends GraphNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Column: 0 for names, then the shortest reference path length from a name. */
  readonly layer: number;
  /** False for an object no name reaches (kept alive by a cycle, or waiting for the collector). */
  readonly reachable: boolean;
  /** e.g. `float 3.14 at 0x1030: refcount 2, 24 bytes, referenced by x, l[0]`. */
  readonly label: string;
}

/** A laid-out edge as an SVG path. */
export interface GraphEdgeCell extends GraphEdge {
  readonly path: string;
  /** Position of the edge label. */
  readonly lx: number;
  readonly ly: number;
}

/** The laid-out graph. */
export interface ObjectGraphModel {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNodeCell[];
  readonly edges: readonly GraphEdgeCell[];
  /** e.g. `3 names, 4 objects (1 unreachable), 5 references`. */
  readonly summary: string;
}

/** Layout options of {@link objectGraphModel}. */
export interface ObjectGraphOptions {
  /** Node box width and height in px (defaults 150 and 40). */
  readonly nodeWidth?: number;
  readonly nodeHeight?: number;
  /** Horizontal gap between columns, vertical gap between nodes (defaults 60 and 14). */
  readonly hgap?: number;
  readonly vgap?: number;
}

/**
 * A deterministic layered layout: names in column 0 in their order, every
 * object in the column of its shortest reference path from a name (order of
 * discovery within a column), objects no name reaches in a last column.
 */
export function objectGraphModel(graph: ObjectGraph, opts: ObjectGraphOptions = {}): ObjectGraphModel {
  const w = opts.nodeWidth ?? 150;
  const h = opts.nodeHeight ?? 40;
  const hgap = opts.hgap ?? 60;
  const vgap = opts.vgap ?? 14;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    const list = out.get(e.from);
    if (list === undefined) out.set(e.from, [e.to]);
    else list.push(e.to);
  }
  const layer = new Map<string, number>();
  const order: string[] = [];
  let queue = graph.nodes.filter((n) => n.kind === 'name').map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  order.push(...queue);
  for (let depth = 1; queue.length > 0; depth++) {
    const next: string[] = [];
    for (const id of queue) {
      for (const to of out.get(id) ?? []) {
        if (layer.has(to)) continue;
        layer.set(to, depth);
        next.push(to);
      }
    }
    order.push(...next);
    queue = next;
  }
  let deepest = 0;
  for (const d of layer.values()) deepest = Math.max(deepest, d);
  const unreachable = graph.nodes.filter((n) => !layer.has(n.id));
  const lost = deepest + 1;
  for (const n of unreachable) {
    layer.set(n.id, lost);
    order.push(n.id);
  }
  const rowOf = new Map<string, number>();
  const perLayer = new Map<number, number>();
  for (const id of order) {
    const l = layer.get(id)!;
    const r = perLayer.get(l) ?? 0;
    rowOf.set(id, r);
    perLayer.set(l, r + 1);
  }
  const refs = new Map<string, string[]>();
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    if (from === undefined || !byId.has(e.to)) continue;
    const where = from.kind === 'name' ? from.text : `${from.text}${e.label === '' ? '' : ` ${e.label}`}`;
    const list = refs.get(e.to);
    if (list === undefined) refs.set(e.to, [where]);
    else list.push(where);
  }
  const nodes: GraphNodeCell[] = [];
  const pos = new Map<string, GraphNodeCell>();
  for (const id of order) {
    const n = byId.get(id)!;
    const l = layer.get(id)!;
    const x = l * (w + hgap);
    const y = rowOf.get(id)! * (h + vgap);
    const reachable = l !== lost || unreachable.length === 0;
    const by = refs.get(id) ?? [];
    const label =
      n.kind === 'name'
        ? `name ${n.text}`
        : `${n.text} at ${hexAddr(n.address)}: refcount ${n.refcount}${n.isStatic ? ' (static)' : ''}, ${n.size} bytes${by.length > 0 ? `, referenced by ${by.join(', ')}` : ''}${reachable ? '' : ', no name reaches it'}`;
    const cell: GraphNodeCell = { ...n, x, y, width: w, height: h, layer: l, reachable, label };
    nodes.push(cell);
    pos.set(id, cell);
  }
  const edges: GraphEdgeCell[] = [];
  for (const e of graph.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (a === undefined || b === undefined) continue;
    let path: string;
    let lx: number;
    let ly: number;
    if (a === b) {
      // A self-reference: a loop over the box's top right corner.
      const x0 = a.x + a.width - 24;
      const y0 = a.y;
      path = `M${x0} ${y0} C${x0} ${y0 - 26} ${x0 + 44} ${y0 - 12} ${a.x + a.width} ${y0 + 10}`;
      lx = x0 + 22;
      ly = y0 - 12;
    } else if (b.layer > a.layer) {
      const x0 = a.x + a.width;
      const y0 = a.y + a.height / 2;
      const x1 = b.x;
      const y1 = b.y + b.height / 2;
      const mx = (x0 + x1) / 2;
      path = `M${x0} ${y0} C${mx} ${y0} ${mx} ${y1} ${x1} ${y1}`;
      lx = mx;
      ly = (y0 + y1) / 2 - 3;
    } else if (b.layer === a.layer) {
      // Same column: a loop out of the right edges, wider going up than down
      // so that the two edges of a two-object cycle do not overlap.
      const up = b.y < a.y;
      const x0 = a.x + a.width;
      const y0 = a.y + a.height / 2 + (up ? -6 : 6);
      const x1 = b.x + b.width;
      const y1 = b.y + b.height / 2 + (up ? 6 : -6);
      const bulge = (up ? 56 : 28) + Math.abs(y1 - y0) * 0.15;
      path = `M${x0} ${y0} C${x0 + bulge} ${y0} ${x1 + bulge} ${y1} ${x1} ${y1}`;
      lx = Math.max(x0, x1) + bulge * 0.75 + 4;
      ly = (y0 + y1) / 2 + 3;
    } else {
      // An earlier column: a curve below the boxes, back to the target's bottom.
      const x0 = a.x + a.width / 2;
      const y0 = a.y + a.height;
      const x1 = b.x + b.width / 2 + 8;
      const y1 = b.y + b.height;
      const dip = Math.max(y0, y1) + 28;
      path = `M${x0} ${y0} C${x0} ${dip} ${x1} ${dip} ${x1} ${y1}`;
      lx = (x0 + x1) / 2;
      ly = dip - 8;
    }
    edges.push({ ...e, path, lx, ly });
  }
  let rows = 0;
  for (const r of perLayer.values()) rows = Math.max(rows, r);
  const columns = Math.max(1, ...nodes.map((n) => n.layer + 1));
  const names = graph.nodes.filter((n) => n.kind === 'name').length;
  const objects = graph.nodes.length - names;
  const lostCount = nodes.filter((n) => !n.reachable).length;
  const summary = `${names} name${names === 1 ? '' : 's'}, ${objects} object${objects === 1 ? '' : 's'}${lostCount > 0 ? ` (${lostCount} unreachable)` : ''}, ${edges.length} reference${edges.length === 1 ? '' : 's'}`;
  return { width: Math.max(200, columns * (w + hgap) - hgap + 50), height: Math.max(h, rows * (h + vgap) - vgap) + 40, nodes, edges, summary };
}

/**
 * The graph as an SVG string: each node a `<g tabindex="0">` with an
 * `aria-label` and `data-id`, `data-refcount`, `data-reachable`; names as
 * rounded boxes, objects with their type, value, refcount and size.
 */
export function renderObjectGraphSvg(model: ObjectGraphModel): string {
  const pad = 12;
  let out = `<svg xmlns="http://www.w3.org/2000/svg" class="pv-object-graph" width="${model.width + 2 * pad}" height="${model.height + 2 * pad}" viewBox="${-pad} ${-pad - 12} ${model.width + 2 * pad} ${model.height + 2 * pad}" role="group" aria-label="${esc(model.summary)}">`;
  out += `<title>${esc(model.summary)}</title>`;
  out += '<defs><marker id="pv-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z" fill="#546e7a"/></marker></defs>';
  for (const e of model.edges) {
    out += `<path class="pv-edge" d="${e.path}" fill="none" stroke="#546e7a" stroke-width="1.4" marker-end="url(#pv-arrow)" data-from="${esc(e.from)}" data-to="${esc(e.to)}"/>`;
    if (e.label !== '') out += `<text class="pv-edge-label" x="${e.lx}" y="${e.ly}" text-anchor="middle" font-size="10" font-family="system-ui, sans-serif" fill="#37474f">${esc(e.label)}</text>`;
  }
  for (const n of model.nodes) {
    const cls = n.kind === 'name' ? 'pv-name' : n.reachable ? 'pv-object' : 'pv-object pv-unreachable';
    out += `<g class="pv-node ${cls}" tabindex="0" role="img" aria-label="${esc(n.label)}" data-id="${esc(n.id)}" data-refcount="${n.refcount}" data-reachable="${n.reachable}">`;
    if (n.kind === 'name') {
      out += `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${n.height / 2}" fill="#e3f2fd" stroke="#1e88e5"/>`;
      out += `<text x="${n.x + n.width / 2}" y="${n.y + n.height / 2 + 5}" text-anchor="middle" font-size="14" font-family="ui-monospace, monospace" fill="#0d47a1">${esc(n.text)}</text>`;
    } else {
      const fill = n.isStatic ? '#eceff1' : n.reachable ? '#fff8e1' : '#ffebee';
      const stroke = n.reachable ? '#f9a825' : '#c62828';
      out += `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="4" fill="${fill}" stroke="${stroke}"${n.reachable ? '' : ' stroke-dasharray="4 2"'}/>`;
      out += `<text x="${n.x + 8}" y="${n.y + 16}" font-size="12" font-family="ui-monospace, monospace" fill="#1b1b1b">${esc(clip(n.text, Math.floor(n.width / 7.3)))}</text>`;
      const rc = n.isStatic ? `refcount ${n.refcount} · static` : `refcount ${n.refcount} · ${n.size} B`;
      out += `<text class="pv-refcount" x="${n.x + 8}" y="${n.y + 32}" font-size="11" font-family="system-ui, sans-serif" fill="#37474f">${esc(rc)}</text>`;
    }
    out += `<title>${esc(n.label)}</title></g>`;
  }
  return `${out}</svg>`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
