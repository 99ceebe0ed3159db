import { POOL_COUNT, POOL_FREEBLOCK, POOL_NEXTOFFSET, POOL_SZIDX, createLinearHeap } from '@pymem/arena';
import { Interpreter, ObjectSpace, SnippetError, parseSnippet, reprOf } from '@pymem/objects';
import type { RequestEvent } from '@pymem/objects';
import { heapStateFromPymalloc, objectGraphFromSpace, poolDetailFromPymalloc } from '@pymem/viz';
import type { HeapState, ObjectGraph, ObjectSpaceLike, PoolDetail } from '@pymem/viz';

/** One object alive after a step. */
export interface StepObject {
  readonly address: number;
  readonly type: string;
  readonly refcount: number;
  /** `sys.getsizeof`. */
  readonly size: number;
  /** `repr()`, cut at 60 characters. */
  readonly repr: string;
}

/** The model after one executed statement (step 0 is the state before the first). */
export interface SnippetStep {
  /** Line of the statement that just ran (0 for step 0). */
  readonly line: number;
  /** What the snippet had printed by then. */
  readonly output: string;
  /** How many of {@link SnippetRun.requests} had been made by then. */
  readonly requests: number;
  /** Module-level names bound to heap objects, in insertion order, with the object's address. */
  readonly names: readonly (readonly [string, number])[];
  /** Objects made by the snippet (constants included) that are alive, by address: the namespace and the {@link MAX_OBJECTS} made last. */
  readonly objects: readonly StepObject[];
  /** How many objects made by the snippet are alive (`objects` may show fewer). */
  readonly liveObjects: number;
  /** The pymalloc heap, for the arena map, pool view and class table. */
  readonly heap: HeapState;
  /** Every carved pool's blocks and free list, by `slot:pool`. */
  readonly pools: ReadonlyMap<string, PoolDetail>;
  /**
   * The reference graph from the module names, plus the snippet's objects no
   * name reaches (a cycle waiting for the collector); code constants only
   * when a name reaches them. At most 60 objects, and the first
   * {@link GRAPH_ITEMS} references of each container.
   */
  readonly graph: ObjectGraph;
}

/** A snippet run recorded statement by statement. */
export interface SnippetRun {
  readonly steps: readonly SnippetStep[];
  /** Every allocator request of the run (after compilation), as `runSnippet` records them. */
  readonly requests: readonly RequestEvent[];
  /** The error that ended the run (syntax, unsupported construct, Python exception), if any. */
  readonly error: SnippetError | undefined;
  /** True when the run had more statements than {@link MAX_STEPS}: the steps after that were run but not kept. */
  readonly truncated: boolean;
  /** The space after the run. */
  readonly space: ObjectSpace;
}

/** Steps kept per run (a loop of a million iterations still runs, its steps are not all kept). */
export const MAX_STEPS = 400;

/** Objects listed per step: the ones made last (a snippet may make a million). */
export const MAX_OBJECTS = 200;

const REPR_MAX = 60;
/** Containers longer than this are shown by their length, not their repr (which would read every item at every step). */
const REPR_ITEMS = 12;
const CONTAINERS = new Set(['list', 'tuple', 'dict', 'set', 'frozenset']);
/** References drawn per container in the graph (the graph is built at every step; a list may hold a million items). */
export const GRAPH_ITEMS = 12;

/** The space as the reference graph reads it, with each container's first {@link GRAPH_ITEMS} references only. */
function graphView(vm: ObjectSpace): ObjectSpaceLike {
  return {
    isAlive: (a) => vm.isAlive(a),
    isStatic: (a) => vm.isStatic(a),
    refcount: (a) => vm.refcount(a),
    typeName: (a) => vm.typeName(a),
    sizeof: (a) => vm.sizeof(a),
    value: (a) => vm.value(a),
    items: (a) => vm.items(a).slice(0, GRAPH_ITEMS),
    dictItems: (a) => vm.dictItems(a).slice(0, GRAPH_ITEMS),
    setElements: (a) => vm.setElements(a).slice(0, GRAPH_ITEMS),
    referents: (a) => vm.referents(a).slice(0, GRAPH_ITEMS),
  };
}

/**
 * Runs a snippet of `@pymem/objects`' subset in a fresh space on a 16 KiB
 * aligned linear heap and keeps the model after every executed statement
 * (at every nesting level: a loop body counts once per iteration).
 * A {@link SnippetError} does not throw: it ends the run and is returned
 * with the steps before it.
 */
export function runSteps(src: string): SnippetRun {
  const space = new ObjectSpace({ heap: createLinearHeap({ arenaAlignment: 16384 }) });
  const alive = new Map<number, number>();
  space.observer = {
    objectCreate: (address) => alive.set(address, address),
    objectDealloc: (address) => alive.delete(address),
  };
  const it = new Interpreter(space);
  // The namespace dict itself is made before the observer could see it.
  alive.set(it.namespace, it.namespace);
  const steps: SnippetStep[] = [];
  let recording: ReturnType<ObjectSpace['recordRequests']> | undefined;
  const kept = { truncated: false };
  const snapshot = (line: number): void => {
    if (steps.length >= MAX_STEPS) {
      kept.truncated = true;
      return;
    }
    steps.push(takeStep(it, alive, constants, poolCache, line, recording?.events.length ?? 0));
  };
  // What exists when the run starts: the namespace and the code constants.
  const constants = new Set<number>();
  const poolCache = new Map<string, { sig: string; detail: PoolDetail }>();
  it.beforeRun = () => {
    recording = space.recordRequests();
    for (const a of alive.keys()) constants.add(a);
    snapshot(0);
  };
  it.onStep = (step) => snapshot(step.line);
  let error: SnippetError | undefined;
  try {
    // Parse first, so that a syntax error or an unsupported construct anywhere stops the run before it starts.
    parseSnippet(src);
    it.run(src);
  } catch (e) {
    if (!(e instanceof SnippetError)) throw e;
    error = e;
    // The state where the error stopped the run (unless nothing ran).
    if (recording !== undefined && !kept.truncated) snapshot(e.line);
  } finally {
    recording?.stop();
  }
  return { steps, requests: recording === undefined ? [] : [...recording.events], error, truncated: kept.truncated, space };
}

function reprShort(it: Interpreter, a: number, type: string): string {
  const vm = it.vm;
  if (a === it.namespace) return '{…} (the module namespace)';
  if (CONTAINERS.has(type)) {
    const n = vm.length(a);
    if (n > REPR_ITEMS) return `${type} of ${n} items`;
  }
  const repr = reprOf(vm, a, () => 'method');
  return repr.length > REPR_MAX ? `${repr.slice(0, REPR_MAX - 1)}…` : repr;
}

function takeStep(it: Interpreter, alive: ReadonlyMap<number, number>, constants: ReadonlySet<number>, poolCache: Map<string, { sig: string; detail: PoolDetail }>, line: number, requests: number): SnippetStep {
  const vm = it.vm;
  const names: [string, number][] = [];
  for (const [k, v] of vm.dictItems(it.namespace)) names.push([String(vm.value(k)), v]);
  // The namespace and the objects made last (the map keeps creation order).
  const shown: number[] = [it.namespace];
  let skip = alive.size - MAX_OBJECTS;
  for (const a of alive.keys()) if (skip-- <= 0 && a !== it.namespace) shown.push(a);
  const objects: StepObject[] = [];
  for (const a of shown.sort((x, y) => x - y)) {
    if (!vm.isAlive(a)) continue;
    const type = vm.typeName(a);
    objects.push({ address: a, type, refcount: vm.refcount(a), size: vm.sizeof(a), repr: reprShort(it, a, type) });
  }
  const heap = heapStateFromPymalloc(vm.heap);
  // Pool details are re-read only for pools whose header changed (count, free list head, next offset, class).
  const pools = new Map<string, PoolDetail>();
  const words = vm.heap.words;
  for (const arena of heap.arenas) {
    for (const p of arena.pools) {
      if (p.status === 'untouched') continue;
      const key = `${arena.slot}:${p.index}`;
      const w = (p.address - vm.heap.aDelta[arena.slot]!) >>> 2;
      const sig = `${words[w + POOL_COUNT]!}:${words[w + POOL_FREEBLOCK]!}:${words[w + POOL_FREEBLOCK + 1]!}:${words[w + POOL_NEXTOFFSET]!}:${words[w + POOL_SZIDX]!}`;
      const cached = poolCache.get(key);
      if (cached?.sig === sig) {
        pools.set(key, cached.detail);
        continue;
      }
      const detail = poolDetailFromPymalloc(vm.heap, arena.slot, p.index);
      if (detail === undefined) continue;
      poolCache.set(key, { sig, detail });
      pools.set(key, detail);
    }
  }
  const others = objects.map((o) => o.address).filter((a) => !constants.has(a));
  const graph = objectGraphFromSpace(graphView(vm), names.map(([name, address]) => ({ name, address })), { also: others, maxObjects: 60 });
  return { line, output: it.output, requests, names, objects, liveObjects: alive.size, heap, pools, graph };
}

/** Example snippets of the playground, each within the runner's subset. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  'a list grows': `a = []
for i in range(9):
    a.append(i * 0.5)
print(len(a), a[-1])
`,
  'refcounts': `import sys
x = [1.5]
y = x
print(sys.getrefcount(x))
del y
print(sys.getrefcount(x))
`,
  'a dict and its keys': `d = {}
d['one'] = 1.0
d['two'] = 2.0
d['three'] = 3.0
del d['one']
print(d)
`,
  'a cycle and the collector': `import gc
gc.disable()
a = []
b = [a]
a.append(b)
del a, b
print('collected', gc.collect())
`,
  'objects of a class': `class Point:
    __slots__ = ('x', 'y')
    def __init__(self, x, y):
        self.x = x
        self.y = y

points = [Point(i * 1.0, i * 2.0) for i in range(4)]
print(len(points))
points = None
`,
};
