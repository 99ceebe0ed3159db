/**
 * Every error @pymem/arena throws is a {@link PymemArenaError}; the subclass
 * says what kind, `code` says it in a stable machine-readable form.
 */
export class PymemArenaError extends Error {
  /** A stable code, e.g. `"E_GEOMETRY"`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An invalid geometry (not a power of two, out of range, inconsistent). */
export class GeometryError extends PymemArenaError {
  constructor(message: string) {
    super('E_GEOMETRY', message);
  }
}

/** The memory could not grow to hold a new arena or large block. */
export class OutOfMemoryError extends PymemArenaError {
  readonly requested: number;
  constructor(requested: number, message: string) {
    super('E_OOM', message);
    this.requested = requested;
  }
}

/**
 * Misuse of an address: a double free, an address the heap never returned,
 * a block whose guard bytes were overwritten. The heap is unchanged.
 */
export class InvalidAddressError extends PymemArenaError {
  /** The address the caller passed. */
  readonly address: number;
  /** What was wrong: `"double-free"`, `"foreign"`, `"overrun"`, `"underrun"`, `"misaligned"`. */
  readonly reason: string;
  constructor(address: number, reason: string, message: string) {
    super(reason === 'double-free' ? 'E_DOUBLE_FREE' : reason === 'overrun' || reason === 'underrun' ? 'E_CORRUPT' : 'E_FOREIGN', message);
    this.address = address;
    this.reason = reason;
  }
}

/** `check()` found a broken invariant; the message names the structure and value. */
export class HeapCorruptionError extends PymemArenaError {
  constructor(message: string) {
    super('E_INVARIANT', message);
  }
}

/** Formats an address as CPython prints pointers: `0x7fb59fd40030`. */
export function hex(address: number): string {
  return `0x${address.toString(16)}`;
}
