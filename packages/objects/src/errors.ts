/**
 * Stable machine-readable codes of {@link ObjectModelError}:
 * - `E_REFCOUNT`: a decref of an object whose count is already 0 (below zero).
 * - `E_DEAD`: use of an address that holds no live object (freed, recycled
 *   into a free list, or never an object).
 * - `E_STATIC`: a decref would deallocate a static object (None, a small int…).
 * - `E_TYPE`: an operation applied to an object of the wrong type.
 * - `E_UNHASHABLE`: a dict key or set element that cannot be hashed.
 * - `E_INDEX`: an index out of range.
 * - `E_VALUE`: a bad argument (not an integer, unknown attribute…).
 * - `E_HEAP`: a heap this model cannot use (its addresses are not offsets into its memory).
 * - `E_OOM`: the allocator returned NULL.
 */
export type ObjectModelErrorCode = 'E_REFCOUNT' | 'E_DEAD' | 'E_STATIC' | 'E_TYPE' | 'E_UNHASHABLE' | 'E_INDEX' | 'E_VALUE' | 'E_HEAP' | 'E_OOM';

/**
 * Every error `@pymem/objects` throws. It names the object concerned by its
 * type and address when there is one; the space is left as it was.
 */
export class ObjectModelError extends Error {
  /** What went wrong, stable across versions. */
  readonly code: ObjectModelErrorCode;
  /** Address of the object concerned, or undefined. */
  readonly address: number | undefined;
  /** Type name of the object concerned (its last type for a freed one), or undefined. */
  readonly typeName: string | undefined;
  constructor(code: ObjectModelErrorCode, message: string, address?: number, typeName?: string) {
    super(message);
    this.name = 'ObjectModelError';
    this.code = code;
    this.address = address;
    this.typeName = typeName;
  }
}
