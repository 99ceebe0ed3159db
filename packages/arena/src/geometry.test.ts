import { describe, expect, it } from 'vitest';
import { GeometryError } from './errors.js';
import { blocksPerPool, classToSize, geometryForPython, resolveGeometry, sizeToClass } from './geometry.js';

describe('geometry presets', () => {
  it('cpython-3.11: 16-byte classes up to 512, 16 KiB pools, 1 MiB arenas, keeps one empty arena', () => {
    const g = resolveGeometry('cpython-3.11');
    expect(g).toMatchObject({ alignment: 16, threshold: 512, nClasses: 32, poolSize: 16384, arenaSize: 1048576, poolOverhead: 48, maxPoolsInArena: 64, keepEmptyArena: true, radixTree: true });
  });

  it('cpython-3.8: 4 KiB pools, 256 KiB arenas, releases every empty arena', () => {
    const g = resolveGeometry('cpython-3.8');
    expect(g).toMatchObject({ poolSize: 4096, arenaSize: 262144, maxPoolsInArena: 64, keepEmptyArena: false, radixTree: false });
    // Spec §11: 253 x 16 B, 63 x 64 B, 7 x 512 B per 4 KiB pool.
    expect([blocksPerPool(g, 0), blocksPerPool(g, 3), blocksPerPool(g, 31)]).toEqual([253, 63, 7]);
  });

  it('matches the spec §2 table of blocks per pool for every class', () => {
    const g = resolveGeometry();
    const table = [1021, 510, 340, 255, 204, 170, 145, 127, 113, 102, 92, 85, 78, 72, 68, 63, 60, 56, 53, 51, 48, 46, 44, 42, 40, 39, 37, 36, 35, 34, 32, 31];
    expect(table.map((_, i) => blocksPerPool(g, i))).toEqual(table);
    expect([sizeToClass(g, 1), sizeToClass(g, 16), sizeToClass(g, 17), sizeToClass(g, 512)]).toEqual([0, 0, 1, 31]);
    expect(classToSize(g, 31)).toBe(512);
  });

  it('derives custom geometries and rounds the header to the alignment', () => {
    const g = resolveGeometry({ alignment: 64, poolSize: 8192, arenaSize: 1 << 20 });
    expect(g).toMatchObject({ name: 'custom', poolOverhead: 64, nClasses: 8, maxPoolsInArena: 128, poolShift: 13, arenaShift: 20 });
  });

  it.each([
    [{ poolSize: 3000 }, /poolSize must be a power of two/],
    [{ alignment: 12 }, /alignment must be a power of two/],
    [{ arenaSize: 8192, poolSize: 16384 }, /arenaSize must be a power of two from 16384/],
    [{ threshold: 100 }, /threshold must be a positive multiple of alignment/],
    [{ poolOverhead: 40 }, /poolOverhead must be at least 48/],
    [{ poolSize: 1024 }, /cannot hold its 48-byte header and two 512-byte blocks/],
    [{ poolSize: 16384, arenaSize: 16384 }, /at least 2 pools/],
    [{ alignment: 8, threshold: 4096, poolSize: 65536 }, /at most 256 are allowed/],
  ])('rejects %o with a GeometryError', (opts, message) => {
    expect(() => resolveGeometry(opts)).toThrow(GeometryError);
    expect(() => resolveGeometry(opts)).toThrow(message);
  });

  it('rejects an unknown preset name', () => {
    expect(() => resolveGeometry('cpython-2.7' as 'cpython-3.8')).toThrow(/unknown geometry preset "cpython-2.7"/);
  });
});

describe('geometryForPython', () => {
  it('maps CPython versions to their pymalloc geometry', () => {
    expect(geometryForPython(0x030b07f0)).toMatchObject({ name: 'cpython-3.11', poolSize: 16384, keepEmptyArena: true });
    expect(geometryForPython(0x030d00f0)).toMatchObject({ name: 'cpython-3.13', arenaSize: 1 << 20 });
    expect(geometryForPython(0x030912f0)).toMatchObject({ name: 'cpython-3.9', poolSize: 4096, keepEmptyArena: true, radixTree: false });
    expect(geometryForPython(0x030810f0)).toMatchObject({ name: 'cpython-3.8', keepEmptyArena: false });
    expect(() => geometryForPython(0x030700f0)).toThrow(/no pymalloc geometry for Python 3.7/);
    expect(() => geometryForPython(0x030e00f0)).toThrow(GeometryError);
  });
});
