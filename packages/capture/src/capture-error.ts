/**
 * Why a capture cannot be taken, in a stable form:
 *
 * - `E_PLATFORM`: not Linux, or not a 64-bit interpreter (the hooks are an `LD_PRELOAD` library)
 * - `E_PYTHON_NOT_FOUND`: the interpreter could not be started
 * - `E_PYTHON_QUERY`: it ran but did not answer the sysconfig query (not CPython 3?)
 * - `E_PYTHON_VERSION`: a version outside 3.9 – 3.13
 * - `E_NOT_SHARED`: CPython built without a shared libpython (`Py_ENABLE_SHARED` is 0)
 * - `E_FREE_THREADED`: a free-threaded build (`Py_GIL_DISABLED`): no pymalloc
 * - `E_DEBUG_BUILD`: a debug build, whose debug hooks replace the capture's
 * - `E_PYTHONMALLOC`: `PYTHONMALLOC`, `PYTHONDEVMODE` or `-X dev` would replace the capture's hooks
 * - `E_NO_HEADERS`: `Python.h` or the libpython file is missing (a `-dev` package is needed)
 * - `E_NO_COMPILER`: no C compiler (`$CC`, `cc`, `gcc`)
 * - `E_COMPILE`: the compiler failed on the capture library
 * - `E_NO_CAPTURE`: the traced program ran but wrote no capture
 * - `E_USAGE`: wrong arguments (an empty command line)
 */
export type CaptureErrorCode =
  | 'E_PLATFORM'
  | 'E_PYTHON_NOT_FOUND'
  | 'E_PYTHON_QUERY'
  | 'E_PYTHON_VERSION'
  | 'E_NOT_SHARED'
  | 'E_FREE_THREADED'
  | 'E_DEBUG_BUILD'
  | 'E_PYTHONMALLOC'
  | 'E_NO_HEADERS'
  | 'E_NO_COMPILER'
  | 'E_COMPILE'
  | 'E_NO_CAPTURE'
  | 'E_USAGE';

/**
 * The one error type of `@pymem/capture`: this machine, interpreter or
 * command line cannot be captured. The message says what was found and
 * what to do about it; `code` says it in a stable form.
 *
 * @example
 * ```ts
 * try {
 *   await checkCaptureSupport('python3');
 * } catch (e) {
 *   if (e instanceof CaptureError && e.code === 'E_NO_COMPILER') console.log(e.message);
 * }
 * ```
 */
export class CaptureError extends Error {
  /** A stable machine-readable code, e.g. `"E_NOT_SHARED"`. */
  readonly code: CaptureErrorCode;

  /**
   * @param code - stable code
   * @param message - what was found and what to do, for humans
   */
  constructor(code: CaptureErrorCode, message: string) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
  }
}
