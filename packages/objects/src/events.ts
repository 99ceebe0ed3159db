/**
 * Observer of object-level events, for traces and tests. Every callback is
 * optional; with none set the space pays one check per event.
 */
export interface ObjectObserver {
  /**
   * An object came to life: `size` is its `sys.getsizeof` at creation;
   * `recycled` is true when it came from a type free list (no allocator
   * request was made).
   */
  objectCreate?(address: number, type: number, size: number, recycled: boolean): void;
  /**
   * An object's deallocator finished: its memory was freed, or (when
   * `recycled`) it was kept in a type free list. Objects deferred by the
   * trashcan report when their deallocator finally runs.
   */
  objectDealloc?(address: number, type: number, recycled: boolean): void;
  /**
   * `Py_INCREF` of a heap object through the space's `incref` (static
   * objects, and the counts the collector and deallocators adjust
   * internally, are not reported). Read when the observer is set: set the
   * observer again after adding this callback.
   */
  incref?(address: number): void;
  /** `Py_DECREF` of a heap object, told before a deallocation it causes. Same rules as {@link incref}. */
  decref?(address: number): void;
  /**
   * The collector's verdict on an object it found unreachable: `'collected'`
   * (told before its `tp_clear`, in the order the collector clears them) or
   * `'uncollectable'` (reachable from a legacy finalizer, left alive).
   * Objects that survive a collection are not reported.
   */
  gcObject?(address: number, outcome: 'collected' | 'uncollectable'): void;
}

/** Where an allocator request went, in the conventions of the shared measurements. */
export type RequestRoute = 'py' | 'libc';

/**
 * One allocator request in the conventions of `objects/README.md`:
 * `[op, size, route]` for malloc, calloc and free (a free's size is the
 * request size the block was allocated with), and
 * `['realloc', oldSize, newSize, route]` (`oldSize` null for `realloc(NULL, n)`).
 */
export type RequestEvent =
  | readonly ['malloc' | 'calloc', number, RequestRoute]
  | readonly ['free', number | null, RequestRoute]
  | readonly ['realloc', number | null, number, RequestRoute];
