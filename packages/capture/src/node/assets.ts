import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The installed package's folder (the one with `c/` and `python/`). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === '@pymem/capture') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`@pymem/capture: cannot find the package folder above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The C source of the capture library, shipped in the package. */
export function captureSourcePath(): string {
  return join(packageRoot(), 'c', 'pymem_capture.c');
}

/** The folder holding `pymem_capture.py`, put on `PYTHONPATH` of the traced program. */
export function pythonHelperDir(): string {
  return join(packageRoot(), 'python');
}

/**
 * The folder holding the `sitecustomize.py` that installs the stack
 * profile function, put first on `PYTHONPATH` with `stacks: true` (it runs
 * the program's own `sitecustomize`, if any, after it).
 */
export function pythonStacksDir(): string {
  return join(packageRoot(), 'python', 'stacks');
}
