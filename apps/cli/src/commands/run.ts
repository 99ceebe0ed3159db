import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ROUTE_PYMALLOC, createLinearHeap } from '@pymem/arena';
import type { TraceEventData } from '@pymem/trace';
import {
  FEATURE_REALLOC_CLASS,
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_DECREF,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_GC_OBJECT,
  KIND_GC_START,
  KIND_GC_STOP,
  KIND_INCREF,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_OBJ_CREATE,
  KIND_OBJ_DEALLOC,
  KIND_POOL_EMPTY,
  KIND_POOL_FULL,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  GC_OUTCOMES,
  LEVEL_ALLOCATOR,
  LEVEL_GC,
  LEVEL_OBJECTS,
  LEVEL_REFCOUNTS,
  MemorySink,
  TraceWriter,
  emptyEvent,
} from '@pymem/trace';
import type { Command } from 'commander';
import type { RequestEvent } from '@pymem/objects';
import { Interpreter, ObjectSpace, SnippetError } from '@pymem/objects';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import type { Output } from '../output.js';
import type { CommandContext } from './command.js';

/** Options of `pymem run`. */
export interface RunCommandOpts {
  /** The snippet text (`-c CODE`). */
  code?: string;
  /** `--trace OUT.pymem`: write the run as a pymem trace (`-`: stdout). */
  trace?: string;
  /** `--refcounts`: the trace also gets incref/decref events. */
  refcounts?: boolean;
  json?: boolean;
}

/** What `pymem run --json` prints. */
export interface RunReport {
  /** What the snippet printed (up to the error, if any). */
  readonly output: string;
  /** The allocator requests of the run, `[op, size, route]` / `['realloc', old, new, route]`. */
  readonly requests: RequestEvent[];
  /** Exceptions ignored in `__del__` methods and weakref callbacks. */
  readonly ignored: readonly string[];
  /** The error that ended the snippet (`line N: ...`), or null. */
  readonly error: string | null;
}

async function readSource(file: string): Promise<string> {
  if (file !== '-') {
    if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
    if (statSync(file).isDirectory()) throw new CliError(`${file} is a directory, not a snippet file`);
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const parts: Uint8Array[] = [];
  for await (const c of process.stdin as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Runs a snippet in a fresh object space; the requests are recorded from the end of compilation. */
export function runSource(src: string, space: ObjectSpace = new ObjectSpace()): RunReport {
  const it = new Interpreter(space);
  let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
  it.beforeRun = () => (rec = space.recordRequests());
  let error: string | null = null;
  try {
    it.run(src);
  } catch (e) {
    if (!(e instanceof SnippetError)) throw e;
    error = e.message;
  } finally {
    rec?.stop();
  }
  return { output: it.output, requests: rec === undefined ? [] : [...rec.events], ignored: it.ignored, error };
}

/** Options of {@link traceRun}. */
export interface TraceRunOpts {
  /** Also write an event per incref and decref of a heap object (level `refcounts`). */
  refcounts?: boolean;
}

/** What {@link traceRun} returns: the run's report and the trace's bytes. */
export interface TraceRunResult {
  readonly report: RunReport;
  readonly trace: Uint8Array;
  /** Events written. */
  readonly events: number;
}

const NO_CLASS = -1;

/**
 * Runs a snippet in a fresh object space whose heap and objects are
 * watched, and writes everything as a pymem trace: the allocator's events
 * from the space's first request (arenas, pools, blocks; the static objects'
 * block and the code constants come before a `run` mark, the snippet's own
 * requests after it, exactly the `--json` request sequence), object creation
 * (block id, type name, `sys.getsizeof`) and deallocation, each collection's
 * start and stop (generation, collected, uncollectable) with its verdict on
 * each object it collected or found uncollectable in between and, with
 * `refcounts`, every incref and decref. Objects are identified by the id of
 * the block that holds them.
 */
export async function traceRun(src: string, opts: TraceRunOpts = {}): Promise<TraceRunResult> {
  const heap = createLinearHeap();
  const g = heap.geometry;
  const sink = new MemorySink();
  const level = LEVEL_ALLOCATOR | LEVEL_OBJECTS | LEVEL_GC | (opts.refcounts === true ? LEVEL_REFCOUNTS : 0);
  const w = new TraceWriter(sink, {
    header: {
      writer: '@pymem/cli run',
      pythonVersion: 0x030b07f0,
      alignment: g.alignment,
      smallRequestThreshold: g.threshold,
      poolSize: g.poolSize,
      arenaSize: g.arenaSize,
      level,
      clockUnit: 'event',
      // A realloc that keeps its block in a bigger class says so (format 1.1).
      requiredFeatures: FEATURE_REALLOC_CLASS,
    },
  });
  const e = emptyEvent();
  const ev = (kind: number): TraceEventData => {
    e.kind = kind;
    e.time = w.seq;
    e.id = e.oldId = e.size = e.oldSize = e.cls = e.arena = e.pool = e.block = e.stack = e.count = e.value = e.extra = e.label = 0;
    return e;
  };
  // arenas by heap slot: trace arena id and first pool address
  const arenaId: number[] = [];
  const firstPool: number[] = [];
  let nextArena = 0;
  let nextId = 0;
  // live blocks by address: id, size, size class (NO_CLASS: large)
  const live = new Map<number, { id: number; size: number; cls: number }>();
  // pool full/empty and arena release follow the block event that caused them
  const post: [number, number, number, number][] = [];
  const poolOf = (address: number): [number, number] => {
    const slot = heap.slotOf(address);
    return [slot, Math.floor((address - firstPool[slot]!) / g.poolSize)];
  };
  const flushPost = (): void => {
    for (const [kind, slot, pool, cls] of post) {
      const x = ev(kind);
      x.arena = arenaId[slot]!;
      x.pool = pool;
      x.cls = cls;
      w.append(x);
    }
    post.length = 0;
  };
  const locate = (x: TraceEventData, address: number, cls: number): void => {
    if (cls === NO_CLASS) return;
    const [slot, pool] = poolOf(address);
    const poolAddress = firstPool[slot]! + pool * g.poolSize;
    x.cls = cls;
    x.arena = arenaId[slot]!;
    x.pool = pool;
    x.block = (address - poolAddress - g.poolOverhead) / ((cls + 1) << g.alignmentShift);
  };
  const classOf = (size: number, route: number): number => (route === ROUTE_PYMALLOC ? (Math.max(size, 1) - 1) >> g.alignmentShift : NO_CLASS);
  const alloc = (address: number, size: number, route: number, zeroed: boolean): void => {
    const cls = classOf(size, route);
    const x = ev(zeroed ? (cls === NO_CLASS ? KIND_CALLOC_LARGE : KIND_CALLOC) : cls === NO_CLASS ? KIND_MALLOC_LARGE : KIND_MALLOC);
    const id = nextId++;
    x.id = id;
    x.size = size;
    if (zeroed) {
      // the model's only calloc is a list's items array: calloc(n, 8)
      x.count = size % 8 === 0 ? size / 8 : size;
      x.value = size % 8 === 0 ? 8 : 1;
    }
    locate(x, address, cls);
    w.append(x);
    live.set(address, { id, size, cls });
    flushPost();
  };
  heap.observer = {
    arenaAlloc: (address, slot, pools) => {
      arenaId[slot] = nextArena++;
      firstPool[slot] = address + ((g.poolSize - (address % g.poolSize)) % g.poolSize);
      const x = ev(KIND_ARENA_ALLOC);
      x.arena = arenaId[slot];
      x.value = address;
      x.count = pools;
      w.append(x);
    },
    arenaFree: (_address, slot) => post.push([KIND_ARENA_FREE, slot, 0, 0]),
    poolInit: (pool, cls) => {
      const [slot, index] = poolOf(pool);
      const x = ev(KIND_POOL_INIT);
      x.arena = arenaId[slot]!;
      x.pool = index;
      x.cls = cls;
      w.append(x);
    },
    poolReuse: (pool, cls) => {
      const [slot, index] = poolOf(pool);
      const x = ev(KIND_POOL_REUSE);
      x.arena = arenaId[slot]!;
      x.pool = index;
      x.cls = cls;
      w.append(x);
    },
    poolFull: (pool, cls) => post.push([KIND_POOL_FULL, ...poolOf(pool), cls]),
    poolEmpty: (pool, cls) => post.push([KIND_POOL_EMPTY, ...poolOf(pool), cls]),
    blockAlloc: alloc,
    blockFree: (address) => {
      const b = live.get(address);
      if (b === undefined) throw new CliError(`--trace: free of 0x${address.toString(16)}, a block the trace never saw allocated`);
      const x = ev(b.cls === NO_CLASS ? KIND_FREE_LARGE : KIND_FREE);
      x.id = b.id;
      x.size = b.size;
      w.append(x);
      live.delete(address);
      flushPost();
    },
    blockRealloc: (oldAddress, newAddress, size, route) => {
      if (newAddress === 0) return;
      const b = oldAddress === 0 ? undefined : live.get(oldAddress);
      if (b === undefined) {
        alloc(newAddress, size, route, false);
        return;
      }
      const cls = classOf(size, route);
      const inPlace = newAddress === oldAddress;
      // In place, pymalloc keeps the block while the new size is above 3/4 of it: the block's class may be above the size's.
      const kept = inPlace && cls !== NO_CLASS && b.cls !== cls;
      const x = ev(cls === NO_CLASS ? KIND_REALLOC_LARGE : kept ? KIND_REALLOC_CLASS : KIND_REALLOC);
      x.oldId = b.id;
      x.oldSize = b.size;
      x.id = inPlace ? b.id : nextId++;
      x.size = size;
      locate(x, newAddress, inPlace && cls !== NO_CLASS ? b.cls : cls);
      w.append(x);
      live.delete(oldAddress);
      live.set(newAddress, { id: x.id, size, cls: inPlace && cls !== NO_CLASS ? b.cls : cls });
      flushPost();
    },
  };
  /** The id of the block holding the object at `a` (its own block, or one with a GC / managed-dict pre-header). */
  const blockOf = (a: number): number => {
    for (const start of [a, a - 16, a - 32]) {
      const b = live.get(start);
      if (b !== undefined && start + b.size > a) return b.id;
    }
    throw new CliError(`--trace: no live block holds the object at 0x${a.toString(16)}`);
  };
  const space = new ObjectSpace({ heap });
  const types = new Map<number, number>();
  const typeString = (t: number): number => {
    let id = types.get(t);
    if (id === undefined) {
      id = w.string(space.typeNameOfId(t));
      types.set(t, id);
    }
    return id;
  };
  const refEvent = (kind: number, a: number): void => {
    const x = ev(kind);
    x.id = blockOf(a);
    w.append(x);
  };
  space.observer = {
    objectCreate: (a, type, size) => {
      const x = ev(KIND_OBJ_CREATE);
      x.id = blockOf(a);
      x.value = typeString(type);
      x.size = size;
      w.append(x);
    },
    objectDealloc: (a) => refEvent(KIND_OBJ_DEALLOC, a),
    gcObject: (a, outcome) => {
      const x = ev(KIND_GC_OBJECT);
      x.id = blockOf(a);
      x.value = GC_OUTCOMES.indexOf(outcome);
      w.append(x);
    },
    ...(opts.refcounts === true ? { incref: (a: number) => refEvent(KIND_INCREF, a), decref: (a: number) => refEvent(KIND_DECREF, a) } : {}),
  };
  space.gc.callbacks.push((phase, info) => {
    const x = ev(phase === 'start' ? KIND_GC_START : KIND_GC_STOP);
    x.count = info.generation;
    if (phase === 'stop') {
      x.value = info.collected;
      x.extra = info.uncollectable;
    }
    w.append(x);
  });
  const it = new Interpreter(space);
  let rec: ReturnType<ObjectSpace['recordRequests']> | undefined;
  it.beforeRun = () => {
    const x = ev(KIND_MARK);
    x.value = 1;
    x.label = w.string('run');
    w.append(x);
    rec = space.recordRequests();
  };
  let error: string | null = null;
  try {
    it.run(src);
  } catch (err) {
    if (!(err instanceof SnippetError)) throw err;
    error = err.message;
  } finally {
    rec?.stop();
  }
  const events = w.seq;
  await w.close();
  const report: RunReport = { output: it.output, requests: rec === undefined ? [] : [...rec.events], ignored: it.ignored, error };
  return { report, trace: sink.bytes(), events };
}

/** `pymem run (-c CODE | FILE) [--json] [--trace OUT.pymem [--refcounts]]`: exit 0, or 1 when the snippet raised or used what the runner does not support. */
export async function runCommand(o: Output, file: string | undefined, opts: RunCommandOpts): Promise<number> {
  if (opts.code === undefined && file === undefined) throw new CliError('no snippet: give it as -c CODE or as a FILE (- for stdin)');
  if (opts.code !== undefined && file !== undefined) throw new CliError(`give the snippet as -c CODE or as a FILE, not both (got -c and ${file})`);
  if (opts.refcounts === true && opts.trace === undefined) throw new CliError('--refcounts: only with --trace (it adds incref/decref events to the trace)');
  if (opts.trace === '-' && opts.json === true) throw new CliError('--trace - writes the trace to stdout: --json cannot go there too');
  if (opts.trace === '-' && file === '-') throw new CliError('--trace - with the snippet on stdin: give the snippet with -c or as a file');
  const src = opts.code ?? (await readSource(file!));
  let r: RunReport;
  if (opts.trace !== undefined) {
    const t = await traceRun(src, { refcounts: opts.refcounts === true });
    r = t.report;
    if (opts.trace === '-') {
      await new Promise<void>((done, fail) => process.stdout.write(t.trace, (err) => (err == null ? done() : fail(err))));
    } else {
      try {
        writeFileSync(opts.trace, t.trace);
      } catch (err) {
        throw new CliError(`--trace ${opts.trace}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } else {
    r = runSource(src);
  }
  if (opts.json === true) {
    o.out(`${JSON.stringify(r)}\n`);
  } else {
    // with the trace on stdout, what the snippet prints goes to stderr
    const text = opts.trace === '-' ? o.err.bind(o) : o.out.bind(o);
    text(r.output);
    for (const m of r.ignored) o.err(`${m}\n`);
    if (r.error !== null) o.err(`pymem run: ${r.error}\n`);
  }
  return r.error === null ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Registers `pymem run`. */
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description("run a Python snippet (the documented subset of @pymem/objects) on CPython 3.11's object model: prints what it prints; --json adds the pymalloc request sequence")
    .argument('[file]', 'snippet file, or - for stdin')
    .option('-c, --code <code>', 'the snippet text')
    .option('--trace <out>', 'write the run as a pymem trace: allocator, object and gc events (- for stdout)')
    .option('--refcounts', 'with --trace: also an event per incref and decref')
    .option('--json', 'print one JSON object: output, requests, ignored, error')
    .action(async (file: string | undefined, opts: RunCommandOpts) => {
      ctx.setCode(await runCommand(ctx.o, file, opts));
    });
}
