import { describe, expect, it } from 'vitest';
import { createRecordedHeap } from './recorded.js';
import { commas } from './stats.js';

const EXAMPLE = 0x7fb59fd3d000;

describe('debugMallocStats', () => {
  it('prints CPython 3.11\'s text for a small heap, arena map included', () => {
    const { heap, source, fallback } = createRecordedHeap();
    source.offer(EXAMPLE);
    fallback.expect(0x1000);
    for (let i = 0; i < 3; i++) heap.malloc(56);
    heap.malloc(600);
    expect(heap.debugMallocStats()).toBe(`Small block threshold = 512, in 32 size classes.

class   size   num pools   blocks in use  avail blocks
-----   ----   ---------   -------------  ------------
    3     64           1               3           252

# arenas allocated total           =                    1
# arenas reclaimed                 =                    0
# arenas highwater mark            =                    1
# arenas allocated current         =                    1
1 arenas * 1048576 bytes/arena     =            1,048,576

# bytes in allocated blocks        =                  192
# bytes in available blocks        =               16,128
62 unused pools * 16384 bytes      =            1,015,808
# bytes lost to pool headers       =                   48
# bytes lost to quantization       =                   16
# bytes lost to arena alignment    =               16,384
Total                              =            1,048,576

arena map counts
# arena map mid nodes              =                    1
# arena map bot nodes              =                    1

# bytes lost to arena map root     =              262,144
# bytes lost to arena map mid      =              262,144
# bytes lost to arena map bot      =              131,072
Total                              =              655,360
`);
  });

  it('counts a bottom node per 2^34 range an arena touches, and omits the arena map for 3.8', () => {
    const { heap, source } = createRecordedHeap();
    // An unaligned arena ending past a 2^34 boundary marks two bottom nodes.
    source.offer(2 ** 34 * 3 - 0x80000);
    heap.malloc(8);
    expect(heap.stats().arenaMap).toMatchObject({ midNodes: 1, botNodes: 2, botBytes: 262144, total: 786432 });
    const old = createRecordedHeap('cpython-3.8');
    old.source.offer(0x7f0000000000);
    old.heap.malloc(8);
    const text = old.heap.debugMallocStats();
    expect(text).not.toContain('arena map');
    expect(text).toContain('1 arenas * 262144 bytes/arena      =              262,144\n');
    expect(text).toContain('63 unused pools * 4096 bytes       =              258,048\n');
  });

  it('keeps the totals equal to the arena bytes', () => {
    const { heap, source } = createRecordedHeap();
    for (let i = 0; i < 4; i++) source.offer(0x7f0000000000 + i * 0x300000 + i * 0x1000);
    const live: number[] = [];
    for (let i = 0; i < 20000; i++) live.push(heap.malloc(1 + ((i * 37) % 512)));
    for (let i = 0; i < live.length; i += 3) heap.free(live[i]!);
    const s = heap.stats();
    expect(s.total).toBe(s.arenaBytes);
    expect(s.arenasCurrent).toBe(heap.arenasCurrent);
  });

  it('formats numbers with thousands commas', () => {
    expect([0, 7, 999, 1000, 65536, 1234567, 10485760].map(commas)).toEqual(['0', '7', '999', '1,000', '65,536', '1,234,567', '10,485,760']);
  });
});

describe('check', () => {
  function heapWithBlocks() {
    const { heap, source } = createRecordedHeap();
    source.offer(0x7f0000000000);
    const blocks = [heap.malloc(32), heap.malloc(32), heap.malloc(32)];
    heap.free(blocks[1]!);
    heap.check();
    return { heap, blocks };
  }

  it('finds a free-list pointer that leaves its pool', () => {
    const { heap, blocks } = heapWithBlocks();
    heap.words[heap.offsetOf(blocks[1]!) >>> 2] = 0x7fffff00;
    expect(() => heap.check()).toThrow(/free list holds 0x[0-9a-f]+, not a handed-out block of this pool/);
  });

  it('finds a wrong block count', () => {
    const { heap } = heapWithBlocks();
    const pool = heap.usedpools[1]!;
    heap.words[pool >>> 2] = 5;
    expect(() => heap.check()).toThrow(/count 5 \+ free 2 \+ virgin 506 != 510 blocks/);
  });

  it('finds a stale nfp2lasta finger', () => {
    const { heap } = heapWithBlocks();
    heap.nfp2lasta[10] = 0;
    expect(() => heap.check()).toThrow(/nfp2lasta\[10\] is 0, rightmost arena with 10 free pools is -1/);
  });
});
