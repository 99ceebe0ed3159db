import type { Pymalloc, PymallocObserver, Route } from '@pymem/arena';
import { ROUTE_PYMALLOC } from '@pymem/arena';
import type { RequestEvent } from './events.js';

/** No request in progress (a call the space did not make). */
export const OP_NONE = 0;
/** `malloc` in progress. */
export const OP_MALLOC = 1;
/** `calloc` in progress. */
export const OP_CALLOC = 2;
/** `realloc` in progress. */
export const OP_REALLOC = 3;
/** `free` in progress. */
export const OP_FREE = 4;

/**
 * The request the space is making, set around each allocator call: the
 * arena observer reports malloc, calloc and realloc(NULL, n) alike as
 * `blockAlloc`, and frees without their size.
 */
export interface PendingRequest {
  /** One of the `OP_*` constants. */
  op: number;
  /** Old size of a realloc (-1 for realloc(NULL, n)), or the size of a freed block. */
  size: number;
}

/** A running recording of allocator requests, see {@link ObjectSpace.recordRequests}. */
export interface RequestRecording {
  /** The requests so far, in order. */
  readonly events: RequestEvent[];
  /** Stops recording and restores the heap's previous observer. */
  stop(): void;
}

/**
 * Installs an observer on `heap` that records each request as a
 * {@link RequestEvent}, completing what the arena reports (address, size,
 * route) with `pending`. Every callback of an observer already set is
 * still called.
 */
export function recordRequests(heap: Pymalloc, pending: PendingRequest): RequestRecording {
  const events: RequestEvent[] = [];
  const prev = heap.observer;
  const route = (r: Route): 'py' | 'libc' => (r === ROUTE_PYMALLOC ? 'py' : 'libc');
  const obs: PymallocObserver = {
    arenaAlloc: (address, slot, pools) => prev?.arenaAlloc?.(address, slot, pools),
    arenaFree: (address, slot) => prev?.arenaFree?.(address, slot),
    poolInit: (pool, szidx) => prev?.poolInit?.(pool, szidx),
    poolReuse: (pool, szidx) => prev?.poolReuse?.(pool, szidx),
    poolFull: (pool, szidx) => prev?.poolFull?.(pool, szidx),
    poolEmpty: (pool, szidx) => prev?.poolEmpty?.(pool, szidx),
    blockAlloc: (address, size, r, zeroed) => {
      if (pending.op === OP_REALLOC) events.push(['realloc', pending.size < 0 ? null : pending.size, size, route(r)]);
      else events.push([pending.op === OP_CALLOC ? 'calloc' : 'malloc', size, route(r)]);
      prev?.blockAlloc?.(address, size, r, zeroed);
    },
    blockFree: (address, r) => {
      // A realloc that moves frees the old block inside pymalloc, without a blockFree.
      events.push(['free', pending.op === OP_FREE ? pending.size : null, route(r)]);
      prev?.blockFree?.(address, r);
    },
    blockRealloc: (oldAddress, newAddress, size, r) => {
      events.push(['realloc', pending.op === OP_REALLOC && pending.size >= 0 ? pending.size : null, size, route(r)]);
      prev?.blockRealloc?.(oldAddress, newAddress, size, r);
    },
  };
  heap.observer = obs;
  return {
    events,
    stop: () => {
      if (heap.observer === obs) heap.observer = prev;
    },
  };
}
