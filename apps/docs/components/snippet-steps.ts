import { createLinearHeap } from '@pymem/arena';
import { Interpreter, ObjectSpace, SnippetError, parseSnippet, reprOf } from '@pymem/objects';
import type { RequestEvent } from '@pymem/objects';
import { heapStateFromPymalloc, objectGraphFromSpace, poolDetailFromPymalloc } from '@pymem/viz';
import type { HeapState, ObjectGraph, PoolDetail } from '@pymem/viz';

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
  /** Objects made by the snippet (constants included) that are alive, by address. */
  readonly objects: readonly StepObject[];
  /** The pymalloc heap, for the arena map, pool view and class table. */
  readonly heap: HeapState;
  /** Every carved pool's blocks and free list, by `slot:pool`. */
  readonly pools: ReadonlyMap<string, PoolDetail>;
  /**
   * The reference graph from the module names, plus the snippet's objects no
   * name reaches (a cycle waiting for the collector); code constants only
   * when a name reaches them.
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

const REPR_MAX = 60;

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
    steps.push(takeStep(it, alive, constants, line, recording?.events.length ?? 0));
  };
  // What exists when the run starts: the namespace and the code constants.
  const constants = new Set<number>();
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

function takeStep(it: Interpreter, alive: ReadonlyMap<number, number>, constants: ReadonlySet<number>, line: number, requests: number): SnippetStep {
  const vm = it.vm;
  const names: [string, number][] = [];
  for (const [k, v] of vm.dictItems(it.namespace)) names.push([String(vm.value(k)), v]);
  const objects: StepObject[] = [];
  for (const a of [...alive.keys()].sort((x, y) => x - y)) {
    if (!vm.isAlive(a)) continue;
    let repr = a === it.namespace ? '{…} (the module namespace)' : reprOf(vm, a, () => 'method');
    if (repr.length > REPR_MAX) repr = `${repr.slice(0, REPR_MAX - 1)}…`;
    objects.push({ address: a, type: vm.typeName(a), refcount: vm.refcount(a), size: vm.sizeof(a), repr });
  }
  const heap = heapStateFromPymalloc(vm.heap);
  const pools = new Map<string, PoolDetail>();
  for (const arena of heap.arenas) {
    for (const p of arena.pools) {
      if (p.status === 'untouched') continue;
      const detail = poolDetailFromPymalloc(vm.heap, arena.slot, p.index);
      if (detail !== undefined) pools.set(`${arena.slot}:${p.index}`, detail);
    }
  }
  const others = objects.map((o) => o.address).filter((a) => !constants.has(a));
  const graph = objectGraphFromSpace(vm, names.map(([name, address]) => ({ name, address })), { also: others, maxObjects: 60 });
  return { line, output: it.output, requests, names, objects, heap, pools, graph };
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
