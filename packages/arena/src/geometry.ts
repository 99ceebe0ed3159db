import { GeometryError } from './errors.js';

/** Names of the built-in geometry presets. */
export type PresetName = 'cpython-3.11' | 'cpython-3.8';

/** A custom geometry; every field defaults to the `cpython-3.11` value. */
export interface GeometryOpts {
  /** Name printed in reports. @defaultValue `"custom"` */
  name?: string;
  /** Block alignment and size-class spacing, a power of two from 8 to 4096. @defaultValue 16 */
  alignment?: number;
  /** Largest request pymalloc serves; larger ones go to the fallback. @defaultValue 512 */
  threshold?: number;
  /** Pool size, a power of two from 1 KiB to 1 MiB. @defaultValue 16384 */
  poolSize?: number;
  /** Arena size, a power of two, at least one pool, at most 256 MiB. @defaultValue 1048576 */
  arenaSize?: number;
  /** Pool header size: at least 48, a multiple of `alignment`. @defaultValue 48 rounded up to `alignment` */
  poolOverhead?: number;
  /** Keep one wholly empty arena (bpo-37257, CPython 3.9+). @defaultValue true */
  keepEmptyArena?: boolean;
  /** Ownership by radix tree (3.10+), which adds the "arena map counts" statistics. @defaultValue true */
  radixTree?: boolean;
}

/** A validated geometry with every derived constant. */
export interface Geometry {
  readonly name: string;
  readonly alignment: number;
  readonly alignmentShift: number;
  readonly threshold: number;
  /** Number of size classes: `threshold / alignment`. */
  readonly nClasses: number;
  readonly poolSize: number;
  readonly poolShift: number;
  readonly arenaSize: number;
  readonly arenaShift: number;
  readonly poolOverhead: number;
  /** `arenaSize / poolSize`: pools in a pool-aligned arena (one fewer otherwise). */
  readonly maxPoolsInArena: number;
  readonly keepEmptyArena: boolean;
  readonly radixTree: boolean;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** Options of the built-in presets. */
export const PRESETS: Readonly<Record<PresetName, Required<GeometryOpts>>> = {
  'cpython-3.11': {
    name: 'cpython-3.11', alignment: 16, threshold: 512, poolSize: 16 * KIB, arenaSize: MIB,
    poolOverhead: 48, keepEmptyArena: true, radixTree: true,
  },
  'cpython-3.8': {
    name: 'cpython-3.8', alignment: 16, threshold: 512, poolSize: 4 * KIB, arenaSize: 256 * KIB,
    poolOverhead: 48, keepEmptyArena: false, radixTree: false,
  },
};

function isPow2(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function log2(n: number): number {
  return 31 - Math.clz32(n);
}

function pow2In(field: string, v: number, lo: number, hi: number): void {
  if (!isPow2(v) || v < lo || v > hi) {
    throw new GeometryError(`${field} must be a power of two from ${lo} to ${hi}, got ${String(v)}`);
  }
}

/**
 * Resolves a preset name, custom options or an already resolved geometry to
 * a validated {@link Geometry}.
 *
 * @throws {@link GeometryError} when a value is not a power of two, out of
 * range, or inconsistent with the others.
 * @example
 * ```ts
 * resolveGeometry('cpython-3.8').poolSize; // 4096
 * resolveGeometry({ poolSize: 8192 }).maxPoolsInArena; // 128
 * ```
 */
export function resolveGeometry(g: PresetName | GeometryOpts | Geometry = 'cpython-3.11'): Geometry {
  let opts: Required<GeometryOpts>;
  if (typeof g === 'string') {
    const preset = (PRESETS as Record<string, Required<GeometryOpts> | undefined>)[g];
    if (preset === undefined) {
      throw new GeometryError(`unknown geometry preset "${g}" (known: ${Object.keys(PRESETS).join(', ')})`);
    }
    opts = preset;
  } else {
    const alignment = g.alignment ?? 16;
    opts = {
      ...PRESETS['cpython-3.11'],
      name: 'custom',
      // The header is 48 bytes, rounded up to the alignment as CPython does.
      poolOverhead: Math.ceil(48 / alignment) * alignment,
      ...g,
    };
  }
  const { alignment, threshold, poolSize, arenaSize, poolOverhead } = opts;
  pow2In('alignment', alignment, 8, 4096);
  pow2In('poolSize', poolSize, KIB, MIB);
  pow2In('arenaSize', arenaSize, poolSize, 256 * MIB);
  if (!Number.isSafeInteger(threshold) || threshold < alignment || threshold % alignment !== 0) {
    throw new GeometryError(`threshold must be a positive multiple of alignment (${alignment}), got ${String(threshold)}`);
  }
  if (threshold / alignment > 256) {
    throw new GeometryError(`threshold / alignment gives ${threshold / alignment} size classes; at most 256 are allowed`);
  }
  if (!Number.isSafeInteger(poolOverhead) || poolOverhead < 48 || poolOverhead % alignment !== 0) {
    throw new GeometryError(`poolOverhead must be at least 48 (the pool header) and a multiple of alignment (${alignment}), got ${String(poolOverhead)}`);
  }
  if (poolOverhead + 2 * threshold > poolSize) {
    throw new GeometryError(`a pool of ${poolSize} bytes cannot hold its ${poolOverhead}-byte header and two ${threshold}-byte blocks`);
  }
  if (arenaSize / poolSize < 2) {
    throw new GeometryError(`an arena must hold at least 2 pools (arenaSize ${arenaSize}, poolSize ${poolSize})`);
  }
  return Object.freeze({
    name: opts.name,
    alignment,
    alignmentShift: log2(alignment),
    threshold,
    nClasses: threshold / alignment,
    poolSize,
    poolShift: log2(poolSize),
    arenaSize,
    arenaShift: log2(arenaSize),
    poolOverhead,
    maxPoolsInArena: arenaSize / poolSize,
    keepEmptyArena: opts.keepEmptyArena,
    radixTree: opts.radixTree,
  });
}

/** Size class of a request of `n` bytes (1 <= n <= threshold). */
export function sizeToClass(g: Geometry, n: number): number {
  return (n - 1) >> g.alignmentShift;
}

/** Block size of size class `idx`. */
export function classToSize(g: Geometry, idx: number): number {
  return (idx + 1) << g.alignmentShift;
}

/** Blocks in a pool of class `idx`: `(poolSize - poolOverhead) / size`, rounded down. */
export function blocksPerPool(g: Geometry, idx: number): number {
  return Math.floor((g.poolSize - g.poolOverhead) / classToSize(g, idx));
}

/**
 * The geometry of a default CPython build of the version in `pyVersionHex`
 * (`sys.hexversion`, e.g. `0x030B07F0` for 3.11.7), 64-bit: 3.8 has 4 KiB
 * pools, 256 KiB arenas and frees every empty arena; 3.9 keeps one empty
 * arena; 3.10 to 3.13 have 16 KiB pools, 1 MiB arenas and the radix tree.
 *
 * @throws {@link GeometryError} for versions whose pymalloc differs
 * otherwise (before 3.8: 8-byte alignment on some builds; 3.14 and later
 * are not modelled yet).
 */
export function geometryForPython(pyVersionHex: number): Geometry {
  const major = (pyVersionHex >>> 24) & 0xff;
  const minor = (pyVersionHex >>> 16) & 0xff;
  if (major !== 3 || minor < 8 || minor > 13) {
    throw new GeometryError(`no pymalloc geometry for Python ${major}.${minor}: versions 3.8 to 3.13 are modelled`);
  }
  if (minor === 8) return resolveGeometry('cpython-3.8');
  if (minor === 9) return resolveGeometry({ ...PRESETS['cpython-3.8'], name: 'cpython-3.9', keepEmptyArena: true });
  return resolveGeometry({ ...PRESETS['cpython-3.11'], name: `cpython-3.${minor}` });
}
