import type { GraphEdge, GraphNode, ObjectGraph } from './object-graph.js';

/**
 * What {@link objectGraphFromSpace} reads from an `ObjectSpace` of
 * `@pymem/objects`, structurally (an `ObjectSpace` is one), so that this
 * package does not depend on the object model.
 */
export interface ObjectSpaceLike {
  isAlive(a: number): boolean;
  isStatic(a: number): boolean;
  refcount(a: number): number;
  typeName(a: number): string;
  sizeof(a: number): number;
  /** The JS value of a scalar (None → null, bool, int, float, str, bytes). */
  value(a: number): unknown;
  /** Items of a list or tuple, first to last. */
  items(seq: number): number[];
  /** A dict's (key, value) pairs in insertion order. */
  dictItems(d: number): [number, number][];
  /** A set's elements in table order. */
  setElements(s: number): number[];
  /** What `tp_traverse` visits (for the other types). */
  referents(a: number): number[];
}

/** A variable of the frame being shown, and the object it names. */
export interface GraphRoot {
  readonly name: string;
  readonly address: number;
}

/** Options of {@link objectGraphFromSpace}. */
export interface ObjectGraphFromSpaceOpts {
  /**
   * More objects to show even when no name reaches them (e.g. every object
   * the page created, from `ObjectSpace.observer.objectCreate`): dead ones
   * are skipped, live ones no name reaches show as unreachable.
   */
  readonly also?: Iterable<number>;
  /** Stop after this many objects (default 80). */
  readonly maxObjects?: number;
}

const SCALARS = new Set(['int', 'float', 'str', 'bool', 'NoneType']);

function shortValue(vm: ObjectSpaceLike, a: number, type: string): string {
  if (!SCALARS.has(type)) {
    if (type === 'list' || type === 'tuple') return `${type} len ${vm.items(a).length}`;
    if (type === 'dict') return `dict len ${vm.dictItems(a).length}`;
    if (type === 'set' || type === 'frozenset') return `${type} len ${vm.setElements(a).length}`;
    return type;
  }
  const v = vm.value(a);
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `str ${JSON.stringify(v.length > 14 ? `${v.slice(0, 13)}…` : v).replace(/^"|"$/g, "'")}`;
  if (typeof v === 'number' && type === 'float') return `float ${Number.isInteger(v) ? v.toFixed(1) : String(v)}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `${type} ${v.toString()}`;
  return type;
}

function keyText(vm: ObjectSpaceLike, k: number): string {
  const t = vm.typeName(k);
  if (!SCALARS.has(t)) return `[${t}]`;
  const v = vm.value(k);
  return typeof v === 'string' ? `['${v}']` : `[${String(v)}]`;
}

/**
 * The reference graph of an object space seen from `roots`: every object a
 * root reaches (and the live ones of `opts.also`), with its type, short
 * value, size and refcount, and one edge per reference: list and tuple items
 * `[i]` first to last, dict entries (`key` to the key, `['k']` to the value),
 * set elements `∈`, and `tp_traverse`'s referents for the other types.
 */
export function objectGraphFromSpace(vm: ObjectSpaceLike, roots: readonly GraphRoot[], opts: ObjectGraphFromSpaceOpts = {}): ObjectGraph {
  const max = opts.maxObjects ?? 80;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const seen = new Set<number>();
  const queue: number[] = [];
  const visit = (a: number): void => {
    if (seen.has(a) || seen.size >= max || !vm.isAlive(a)) return;
    seen.add(a);
    queue.push(a);
  };
  for (const r of roots) {
    nodes.push({ id: `name:${r.name}`, kind: 'name', text: r.name, address: 0, type: '', size: 0, refcount: 0, isStatic: false });
    if (vm.isAlive(r.address)) {
      edges.push({ from: `name:${r.name}`, to: `obj:${r.address}`, label: '' });
      visit(r.address);
    }
  }
  const also = [...(opts.also ?? [])];
  let nextAlso = 0;
  while (queue.length > 0 || nextAlso < also.length) {
    if (queue.length === 0) {
      visit(also[nextAlso++]!);
      continue;
    }
    const a = queue.shift()!;
    const type = vm.typeName(a);
    nodes.push({ id: `obj:${a}`, kind: 'object', text: shortValue(vm, a, type), address: a, type, size: vm.sizeof(a), refcount: vm.refcount(a), isStatic: vm.isStatic(a) });
    const ref = (to: number, label: string): void => {
      edges.push({ from: `obj:${a}`, to: `obj:${to}`, label });
      visit(to);
    };
    if (type === 'list' || type === 'tuple') vm.items(a).forEach((x, i) => ref(x, `[${i}]`));
    else if (type === 'dict') {
      for (const [k, v] of vm.dictItems(a)) {
        ref(k, 'key');
        ref(v, keyText(vm, k));
      }
    } else if (type === 'set' || type === 'frozenset') for (const x of vm.setElements(a)) ref(x, '∈');
    else if (!SCALARS.has(type)) for (const x of vm.referents(a)) ref(x, '');
  }
  // Edges to objects beyond maxObjects have no node: drop them.
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => ids.has(e.to)) };
}
