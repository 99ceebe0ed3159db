import type { ArenaSource } from './api.js';
import { InvalidAddressError, PymemArenaError, hex } from './errors.js';
import type { HeapMemory } from './memory.js';
import type { Tlsf } from './tlsf.js';
import { TLSF_MAX_ALIGN } from './tlsf.js';

/** Options of {@link LinearArenaSource}. */
export interface LinearArenaSourceOpts {
  /**
   * Alignment of arena bases, a power of two from 16 to 1 MiB. 4096 behaves
   * like `mmap` pages: a base is then not always pool-aligned, so arenas of
   * both 63 and 64 pools occur (3.11 geometry). With an alignment of at
   * least the pool size every arena has the full 64 pools.
   * @defaultValue 4096
   */
  alignment?: number;
}

/**
 * Arenas carved from the same linear memory as the large blocks: each arena
 * is a {@link Tlsf.memalign} block, so a freed arena goes back to the TLSF
 * heap, where it is coalesced with its neighbours and reused for arenas or
 * large requests alike. Addresses are memory offsets, so
 * {@link offsetOf} is the identity.
 *
 * @example
 * ```ts
 * const memory = new HeapMemory(1 << 20);
 * const tlsf = new Tlsf(memory, { start: 16 });
 * const source = new LinearArenaSource(tlsf, memory, { alignment: 16384 });
 * const arena = source.allocArena(1 << 20); // a multiple of 16384, or -1
 * ```
 */
export class LinearArenaSource implements ArenaSource {
  /** The bytes arenas (and the TLSF's blocks) live in. */
  readonly memory: HeapMemory;
  /** The allocator arenas are taken from. */
  readonly tlsf: Tlsf;
  /** Alignment of every arena base. */
  readonly alignment: number;
  /** Linear mode: an address is its memory offset. */
  readonly addressesAreOffsets = true;

  /**
   * @throws {@link PymemArenaError} (`E_ARGUMENT`) when `memory` is not the
   * TLSF's memory or the alignment is not a power of two from 16 to 1 MiB.
   */
  constructor(tlsf: Tlsf, memory: HeapMemory, opts: LinearArenaSourceOpts = {}) {
    const alignment = opts.alignment ?? 4096;
    if (!Number.isSafeInteger(alignment) || alignment < 16 || alignment > TLSF_MAX_ALIGN || (alignment & (alignment - 1)) !== 0) {
      throw new PymemArenaError('E_ARGUMENT', `arena alignment must be a power of two from 16 to ${TLSF_MAX_ALIGN}, got ${String(alignment)}`);
    }
    if (tlsf.memory !== memory) {
      throw new PymemArenaError('E_ARGUMENT', 'LinearArenaSource: memory must be the memory the Tlsf manages');
    }
    this.tlsf = tlsf;
    this.memory = memory;
    this.alignment = alignment;
  }

  /** An arena of `size` bytes at an `alignment`-aligned address; -1 when the memory cannot grow. */
  allocArena(size: number): number {
    const address = this.tlsf.memalign(this.alignment, size);
    return address === 0 ? -1 : address;
  }

  /** The identity: in linear mode an address is its memory offset. */
  offsetOf(address: number): number {
    return address;
  }

  /**
   * Gives the arena back to the TLSF heap.
   * @throws {@link InvalidAddressError} when `address` is not a live block of
   * at least `size` bytes (the heap is then unchanged).
   */
  freeArena(address: number, size: number): void {
    const usable = this.tlsf.usableSize(address);
    if (usable < size) {
      throw new InvalidAddressError(address, 'foreign', `freeArena(${hex(address)}, ${size}): the block there holds only ${usable} bytes`);
    }
    this.tlsf.free(address);
  }
}
