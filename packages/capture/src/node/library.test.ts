import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureLibraryKeyParts } from './library.js';
import { captureCacheDir, captureLibraryKey } from './library.js';

const PARTS: CaptureLibraryKeyParts = {
  source: 'int x;\n',
  executable: '/usr/bin/python3.11',
  hexversion: 0x030b07f0,
  include: '/usr/include/python3.11',
  libpython: '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0',
  compiler: 'cc',
  compilerVersion: 'cc (Debian 12.2.0-14) 12.2.0',
};

describe('captureLibraryKey', () => {
  it('is 16 hex digits of SHA-256 over the inputs, stable across runs', () => {
    // = hashlib.sha256(''.join(p + '\0' for p in parts).encode()).hexdigest()[:16] in Python
    expect(captureLibraryKey(PARTS)).toBe('30781638cf1e61db');
    expect(captureLibraryKey({ ...PARTS })).toBe(captureLibraryKey(PARTS));
  });

  it('changes with each input: source, interpreter, version, headers, libpython, compiler', () => {
    const keys = new Set([captureLibraryKey(PARTS)]);
    const changed: Partial<CaptureLibraryKeyParts>[] = [
      { source: 'int y;\n' },
      { executable: '/opt/py/bin/python3.11' },
      { hexversion: 0x030b08f0 },
      { include: '/opt/include' },
      { libpython: '/opt/lib/libpython3.11.so' },
      { compiler: 'gcc' },
      { compilerVersion: 'cc (Debian 13.1.0) 13.1.0' },
    ];
    for (const c of changed) keys.add(captureLibraryKey({ ...PARTS, ...c }));
    expect(keys.size).toBe(changed.length + 1);
  });

  it('keeps field boundaries: moving text from one field to the next changes the key', () => {
    expect(captureLibraryKey({ ...PARTS, compiler: 'c', compilerVersion: `c${PARTS.compilerVersion}` })).not.toBe(captureLibraryKey(PARTS));
  });
});

describe('captureCacheDir', () => {
  it('is PYMEM_CACHE_DIR, else $XDG_CACHE_HOME/pymem, else ~/.cache/pymem', () => {
    expect(captureCacheDir({ PYMEM_CACHE_DIR: '/tmp/c', XDG_CACHE_HOME: '/x' })).toBe('/tmp/c');
    expect(captureCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/pymem');
    expect(captureCacheDir({ PYMEM_CACHE_DIR: '', XDG_CACHE_HOME: '' })).toBe(join(homedir(), '.cache', 'pymem'));
  });
});
