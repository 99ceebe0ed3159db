import type { InterpreterInfo } from './interpreter.js';

/** Options of `capture()` (from `@pymem/capture/node`). */
export interface CaptureOpts {
  /** The command to trace, interpreter first, e.g. `['python3', 'script.py']`. */
  argv: readonly string[];
  /** Where the raw capture (PYMTRC01) is written. */
  output: string;
  /** Where the statistics dumps are written (`NAME.stats.txt` layout); none when absent. */
  stats?: string;
  /** Extra environment variables for the traced program (added to `process.env`). */
  env?: Readonly<Record<string, string>>;
  /** Working directory of the traced program. */
  cwd?: string;
  /** Also trace child processes, each into `OUTPUT.<pid>` (and `STATS.<pid>`). @defaultValue `false` */
  children?: boolean;
  /**
   * Record the Python stack of every request (string, frame, stack and
   * stack-switch records; header flags bit 2). Costs a profile function call
   * per Python call, and CPython then makes a frame object for every call.
   * @defaultValue `false`
   */
  stacks?: boolean;
  /**
   * Write the capture's whole 4 KiB blocks with `O_DIRECT`: the kernel does
   * not copy them into the page cache while the program runs, which costs the
   * program less CPU time, but the file is then read back from the disk (by
   * `capture()` itself and by whatever reads it next). Falls back to the page
   * cache where the file system refuses it or the disk falls behind. `false`:
   * everything through the page cache (`PYMEM_CAPTURE_DIRECT=0`).
   * @defaultValue `true`
   */
  directWrites?: boolean;
  /** The traced program's stdio. @defaultValue `"inherit"` */
  stdio?: 'inherit' | 'ignore';
}

/** A mark found in a capture. */
export interface CaptureMark {
  /** The mark id (`### MARK <id>` in the stats file). */
  id: number;
  /** The label given to `pymem_capture.mark()`, or `"atexit"` for the last one. */
  label: string;
  /** Records up to and including the mark record (the stats file's `events=`). */
  events: number;
}

/** What a capture with stacks holds. */
export interface CaptureStacks {
  /** Distinct stacks (trie nodes) written. */
  stacks: number;
  /** Distinct frames (function, file, first line) written. */
  frames: number;
  /** Distinct strings (function and file names) written. */
  strings: number;
  /** Requests (malloc, calloc, realloc, free) made while a Python frame was active. */
  requestsInPython: number;
}

/**
 * The partial record cut off the end of a capture whose process died while
 * writing (see `readCaptureBack`).
 */
export interface CaptureCut {
  /** Byte offset of the partial record: the file's size after the cut. */
  offset: number;
  /** Bytes removed (fewer than one record). */
  bytes: number;
  /** Index of the record that was cut short: the number of complete records before it. */
  record: number;
}

/** What `capture()` did. */
export interface CaptureResult {
  /** Exit code of the traced program; 128 + the signal number when a signal ended it. */
  exitCode: number;
  /** The signal that ended the traced program, e.g. `"SIGKILL"`, or `null`. */
  signal: string | null;
  /** Process id of the traced program (from the capture header). */
  pid: number;
  /** The capture file. */
  output: string;
  /** The stats file, or `null` when none was asked for. */
  stats: string | null;
  /** Records in the capture (the end record not counted). */
  records: number;
  /** Whether the capture has its end record (`false`: the process died before exit). */
  ended: boolean;
  /** The marks, in order; the last is `atexit` when the process exited normally. */
  marks: CaptureMark[];
  /**
   * The partial last record cut off the file, when the process died in the
   * middle of writing one (a SIGKILL); `null` otherwise.
   */
  cut: CaptureCut | null;
  /** What the stack records hold, or `null` when stacks were not asked for. */
  stacks: CaptureStacks | null;
  /** Size of the capture file in bytes. */
  outputBytes: number;
  /** Size of the stats file in bytes (0 when none). */
  statsBytes: number;
  /** Whether the capture library was compiled for this run (`false`: reused from the cache). */
  compiled: boolean;
  /** The capture library that was preloaded. */
  library: string;
  /** The traced interpreter. */
  python: InterpreterInfo;
}

/** What `checkCaptureSupport()` found: everything a capture needs. */
export interface CaptureSupport {
  /** The interpreter. */
  python: InterpreterInfo;
  /** The shared libpython file the capture library links against. */
  libpython: string;
  /** The C compiler: the command, and the first line of its `--version`. */
  compiler: { command: string; version: string };
}
