import { LiveBlockTable } from './live-block-table.js';
import type { TraceFile } from './open-trace.js';
import { openTrace } from './open-trace.js';
import { CHUNK_EVENTS } from './trace-constants.js';
import type { TraceEventBatch } from './trace-event.js';
import { sizeClassCount } from './trace-header.js';
import {
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
} from './trace-record-kinds.js';
import type { StackTotal } from './trace-summary-types.js';

/** A block allocated in a time window and still live at its end. */
export interface WindowBlock {
  /** Logical id. */
  id: number;
  /** Requested size. */
  size: number;
  /** Class bucket (`classes` = large). */
  cls: number;
  /** Stack id of the allocation. */
  stack: number;
  /** Sequence number of the allocation. */
  seq: number;
  /** Time of the allocation. */
  time: number;
}

/** What {@link liveBetween} finds. */
export interface LiveBetweenResult {
  /** Window start (inclusive). */
  t1: number;
  /** Window end (inclusive). */
  t2: number;
  /** First event with time ≥ t1 (−1: none in the window). */
  firstSeq: number;
  /** Last event with time ≤ t2 (−1: none in the window). */
  lastSeq: number;
  /** Events chunks decoded (the others were skipped through the index). */
  chunksRead: number;
  /** Blocks allocated in [t1, t2] and live after the last event at or before t2, by ascending allocation seq. */
  blocks: WindowBlock[];
  /** Their total bytes. */
  bytes: number;
  /** Blocks and bytes per class bucket (length `classes + 1`, the last = large). */
  byClass: { blocks: number[]; bytes: number[] };
  /** Per stack, largest first. */
  byStack: StackTotal[];
}

/**
 * What was allocated between `t1` and `t2` (inclusive, in the header's clock
 * unit) and is still live at `t2`: the leak suspects of a phase. Random
 * access through the footer index: only the events chunks overlapping the
 * window are decoded (blocks allocated before `t1` are not wanted, so no
 * state before the window is needed), in memory that grows with the blocks
 * live in the window.
 *
 * @param source - trace bytes, or a trace opened with {@link openTrace}
 * @param t1 - window start
 * @param t2 - window end (≥ t1)
 * @returns the window's surviving blocks, per class and per stack
 *
 * @example
 * ```ts
 * const r = await liveBetween(bytes, 1_000, 2_000);
 * console.log(r.bytes, r.byStack[0]);
 * ```
 */
export async function liveBetween(source: Uint8Array | TraceFile, t1: number, t2: number): Promise<LiveBetweenResult> {
  if (!(t2 >= t1)) throw new RangeError(`liveBetween: t2 (${t2}) must be ≥ t1 (${t1})`);
  const file = source instanceof Uint8Array ? await openTrace(source) : source;
  const classes = sizeClassCount(file.header);
  const L = classes;
  const table = new LiveBlockTable();
  let firstSeq = -1;
  let lastSeq = -1;
  let chunksRead = 0;
  let reuse: TraceEventBatch | undefined;
  const drop = (id: number): void => {
    const slot = table.find(id);
    if (slot >= 0) table.removeSlot(slot);
  };
  for (const e of file.index) {
    if (e.type !== CHUNK_EVENTS || e.events === 0 || e.lastTime < t1) continue;
    if (e.firstTime > t2) break;
    const b = await file.events(e, reuse);
    reuse = b;
    chunksRead++;
    const { kind, id, oldId, size, cls, stack, time } = b;
    for (let i = 0; i < b.length; i++) {
      const t = time[i]!;
      if (t < t1) continue;
      if (t > t2) break;
      const seq = b.firstSeq + i;
      if (firstSeq < 0) firstSeq = seq;
      lastSeq = seq;
      switch (kind[i]!) {
        case KIND_MALLOC:
        case KIND_CALLOC:
          table.set(id[i]!, size[i]!, cls[i]!, stack[i]!, seq, t);
          break;
        case KIND_MALLOC_LARGE:
        case KIND_CALLOC_LARGE:
          table.set(id[i]!, size[i]!, L, stack[i]!, seq, t);
          break;
        case KIND_REALLOC:
        case KIND_REALLOC_CLASS:
        case KIND_REALLOC_LARGE:
          drop(oldId[i]!);
          table.set(id[i]!, size[i]!, kind[i] === KIND_REALLOC_LARGE ? L : cls[i]!, stack[i]!, seq, t);
          break;
        case KIND_FREE:
        case KIND_FREE_LARGE:
          drop(id[i]!);
          break;
        default:
          break;
      }
    }
  }
  const blocks: WindowBlock[] = [];
  const byClass = { blocks: new Array<number>(classes + 1).fill(0), bytes: new Array<number>(classes + 1).fill(0) };
  const stacks = new Map<number, StackTotal>();
  let bytes = 0;
  table.forEach((blockId, s) => {
    const b = { id: blockId, size: table.size[s]!, cls: table.cls[s]!, stack: table.stack[s]!, seq: table.seq[s]!, time: table.time[s]! };
    blocks.push(b);
    bytes += b.size;
    byClass.blocks[b.cls] = byClass.blocks[b.cls]! + 1;
    byClass.bytes[b.cls] = byClass.bytes[b.cls]! + b.size;
    let st = stacks.get(b.stack);
    if (st === undefined) stacks.set(b.stack, (st = { stack: b.stack, blocks: 0, bytes: 0 }));
    st.blocks++;
    st.bytes += b.size;
  });
  blocks.sort((a, b) => a.seq - b.seq);
  const byStack = [...stacks.values()].sort((a, b) => b.bytes - a.bytes || b.blocks - a.blocks || a.stack - b.stack);
  return { t1, t2, firstSeq, lastSeq, chunksRead, blocks, bytes, byClass, byStack };
}
