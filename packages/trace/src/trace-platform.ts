/**
 * Faster native implementations a platform entry may install (the `./node`
 * entry installs zlib's). Every function must give exactly what the portable
 * code gives: the same CRC, the same bytes, and an error (of any kind) where
 * the portable code throws.
 */
export interface TracePlatform {
  /** CRC-32 (ISO-HDLC) of the whole of `bytes`, unsigned. */
  crc32?: (bytes: Uint8Array) => number;
  /**
   * Inflates a raw deflate stream that must give exactly `expected` bytes;
   * throws when it is corrupt, does not end, has bytes after its end or
   * inflates to more (stopping there) or fewer bytes.
   */
  inflateRaw?: (bytes: Uint8Array, expected: number) => Uint8Array;
}

// Kept on globalThis under a registered symbol, so that every copy of this
// module (the ESM and CJS builds, a bundle) sees what the node entry installed.
const KEY = Symbol.for('@pymem/trace/platform');
const store = globalThis as unknown as Record<symbol, TracePlatform | undefined>;

/**
 * Installs (or, with `{}`, removes) native helpers for CRC-32 and raw inflate;
 * `@pymem/trace/node` installs zlib's when it is loaded. Results are the same
 * either way, only the speed differs.
 *
 * @param platform - the helpers to use
 * @returns the helpers in use before
 */
export function setTracePlatform(platform: TracePlatform): TracePlatform {
  const before = store[KEY] ?? {};
  store[KEY] = { ...platform };
  return before;
}

/**
 * The helpers in use.
 *
 * @internal
 */
export function tracePlatform(): TracePlatform {
  return store[KEY] ?? NONE;
}

const NONE: TracePlatform = {};
