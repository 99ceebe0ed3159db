import { ObjectSpace } from '@pymem/objects';
import { describe, expect, test } from 'vitest';
import { objectGraphModel, renderObjectGraphSvg } from './object-graph.js';
import type { ObjectGraph } from './object-graph.js';
import { objectGraphFromSpace } from './object-space.js';

describe('objectGraphFromSpace', () => {
  test('names, objects with refcounts, references by position', () => {
    const vm = new ObjectSpace();
    const x = vm.float(3.14); // x = 3.14
    const l = vm.list([x]); // l = [x]
    const d = vm.dict(); // d = {'key': l}
    const k = vm.str('key');
    vm.dictSet(d, k, l);
    vm.decref(k);
    const g = objectGraphFromSpace(vm, [
      { name: 'x', address: x },
      { name: 'l', address: l },
      { name: 'd', address: d },
    ]);
    expect(g.nodes.map((n) => [n.id.startsWith('name:') ? n.id : n.type, n.text, n.refcount, n.size])).toEqual([
      ['name:x', 'x', 0, 0],
      ['name:l', 'l', 0, 0],
      ['name:d', 'd', 0, 0],
      ['float', 'float 3.14', 2, 24],
      ['list', 'list len 1', 2, vm.sizeof(l)],
      ['dict', 'dict len 1', 1, vm.sizeof(d)],
      ['str', "str 'key'", 1, vm.sizeof(k)],
    ]);
    expect(vm.refcount(x)).toBe(2);
    expect(g.edges.map((e) => `${e.from} -${e.label}-> ${e.to}`)).toEqual([
      `name:x -- obj:${x}`.replace('--', '-->'),
      `name:l -- obj:${l}`.replace('--', '-->'),
      `name:d -- obj:${d}`.replace('--', '-->'),
      `obj:${l} -[0]-> obj:${x}`,
      `obj:${d} -key-> obj:${k}`,
      `obj:${d} -['key']-> obj:${l}`,
    ]);
  });

  test('a cycle no name reaches is still alive and shown as unreachable', () => {
    const vm = new ObjectSpace();
    vm.gc.disable();
    const a = vm.list();
    const b = vm.list();
    vm.listAppend(a, b);
    vm.listAppend(b, a);
    vm.decref(a); // del a
    vm.decref(b); // del b
    const m = objectGraphModel(objectGraphFromSpace(vm, [], { also: [a, b] }));
    expect(m.nodes.map((n) => [n.address, n.refcount, n.reachable, n.layer])).toEqual([
      [a, 1, false, 1],
      [b, 1, false, 1],
    ]);
    expect(m.summary).toBe('0 names, 2 objects (2 unreachable), 2 references');
    expect(m.nodes[0]!.label).toBe(`list len 1 at 0x${a.toString(16)}: refcount 1, 88 bytes, referenced by list len 1 [0], no name reaches it`);
    vm.gc.collect();
    expect(objectGraphFromSpace(vm, [], { also: [a, b] }).nodes).toEqual([]);
  });

  test('maxObjects bounds the walk and drops edges to objects left out', () => {
    const vm = new ObjectSpace();
    const items = [vm.float(1.5), vm.float(2.5), vm.float(3.5)];
    const l = vm.list(items);
    const g = objectGraphFromSpace(vm, [{ name: 'l', address: l }], { maxObjects: 2 });
    expect(g.nodes.map((n) => n.text)).toEqual(['l', 'list len 3', 'float 1.5']);
    expect(g.edges.map((e) => e.label)).toEqual(['', '[0]']);
  });
});

describe('objectGraphModel', () => {
  const node = (id: string, kind: 'name' | 'object', text: string, refcount = 1) => ({ id, kind, text, address: kind === 'name' ? 0 : Number(id.slice(4)), type: kind === 'name' ? '' : 'list', size: 56, refcount, isStatic: false });
  const graph: ObjectGraph = {
    nodes: [node('name:a', 'name', 'a'), node('name:b', 'name', 'b'), node('obj:16', 'object', 'list len 2', 2), node('obj:32', 'object', 'list len 0'), node('obj:48', 'object', 'list len 1')],
    edges: [
      { from: 'name:a', to: 'obj:16', label: '' },
      { from: 'name:b', to: 'obj:16', label: '' },
      { from: 'obj:16', to: 'obj:32', label: '[0]' },
      { from: 'obj:16', to: 'obj:16', label: '[1]' },
      { from: 'obj:48', to: 'obj:48', label: '[0]' },
    ],
  };

  test('layers by shortest path from a name, unreachable last, deterministic positions', () => {
    const m = objectGraphModel(graph);
    expect(m.nodes.map((n) => [n.id, n.layer, n.x, n.y, n.reachable])).toEqual([
      ['name:a', 0, 0, 0, true],
      ['name:b', 0, 0, 54, true],
      ['obj:16', 1, 210, 0, true],
      ['obj:32', 2, 420, 0, true],
      ['obj:48', 3, 630, 0, false],
    ]);
    expect(m.nodes[2]!.label).toBe('list len 2 at 0x10: refcount 2, 56 bytes, referenced by a, b, list len 2 [1]');
    expect(m.edges[0]!.path).toBe('M150 20 C180 20 180 20 210 20');
    expect(m.edges[3]!.path).toBe('M336 0 C336 -26 380 -12 360 10');
    expect(m.summary).toBe('2 names, 3 objects (1 unreachable), 5 references');
    expect(m.width).toBe(4 * 210 - 60 + 50);
  });

  test('the SVG has one focusable group per node with refcount text', () => {
    const svg = renderObjectGraphSvg(objectGraphModel(graph));
    expect(svg.match(/<g class="pv-node /g)).toHaveLength(5);
    expect(svg).toContain('<g class="pv-node pv-object" tabindex="0" role="img" aria-label="list len 2 at 0x10: refcount 2, 56 bytes, referenced by a, b, list len 2 [1]" data-id="obj:16" data-refcount="2" data-reachable="true">');
    expect(svg).toContain('<text class="pv-refcount" x="218" y="32" font-size="11" font-family="system-ui, sans-serif" fill="#37474f">refcount 2 · 56 B</text>');
    expect(svg).toContain('data-id="obj:48" data-refcount="1" data-reachable="false"');
    expect(svg.match(/<path class="pv-edge"/g)).toHaveLength(5);
  });
});

describe('objectGraphModel edge routes', () => {
  test('a two-object cycle in one column: two loops on the right, the upward one wider', () => {
    const n = (id: string) => ({ id, kind: 'object' as const, text: 'list len 1', address: Number(id.slice(4)), type: 'list', size: 88, refcount: 1, isStatic: false });
    const m = objectGraphModel({
      nodes: [n('obj:16'), n('obj:32')],
      edges: [
        { from: 'obj:16', to: 'obj:32', label: '[0]' },
        { from: 'obj:32', to: 'obj:16', label: '[0]' },
      ],
    });
    expect(m.nodes.map((x) => [x.x, x.y, x.layer])).toEqual([
      [210, 0, 1],
      [210, 54, 1],
    ]);
    // down: from (360, 26) to (360, 68); up: from (360, 68) to (360, 26)
    expect(m.edges.map((e) => e.path)).toEqual(['M360 26 C394.3 26 394.3 68 360 68', 'M360 68 C422.3 68 422.3 26 360 26']);
  });
});
