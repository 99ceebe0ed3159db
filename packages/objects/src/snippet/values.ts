/**
 * Values of the snippet runner that are not heap objects in the model:
 * the pre-existing modules and builtins, ranges, dict key views and methods
 * looked up for a call; and what the interpreter knows of the heap's
 * function and class objects (their code, their methods). Heap objects are
 * plain addresses.
 * @packageDocumentation
 */
import type { Stmt } from './ast.js';
import type { ClassInfo } from '../types.js';

/** A `def`: its parameters and body, and its function object. */
export interface FuncValue {
  readonly kind: 'func';
  /** The function object in the heap (held by the namespace or the class's `__dict__`). */
  readonly addr: number;
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly Stmt[];
  readonly qualname: string;
}

/** A class: the model's class, its class object and its methods. */
export interface ClassValue {
  readonly kind: 'class';
  readonly info: ClassInfo;
  /** The class object in the heap. */
  readonly addr: number;
  readonly methods: ReadonlyMap<string, FuncValue>;
}

/** `gc`, `sys` or `weakref`. */
export interface ModuleValue {
  readonly kind: 'module';
  readonly name: string;
}

/** A builtin function (`len`, `gc.collect`…) or a method bound to `self` for a call (`l.append`). */
export interface BuiltinValue {
  readonly kind: 'builtin';
  readonly name: string;
  /** Address of the object a method was looked up on (borrowed), 0 for a function. */
  readonly self: number;
}

/** `range(start, stop, step)` (not a heap object here). */
export interface RangeValue {
  readonly kind: 'range';
  readonly start: bigint;
  readonly stop: bigint;
  readonly step: bigint;
}

/** `d.keys()`: a view on a dict (not a heap object here). */
export interface KeysValue {
  readonly kind: 'keys';
  /** The dict (the view holds a reference). */
  readonly dict: number;
}

/** A method of a snippet class found on an instance, for a call (`LOAD_METHOD`: no bound method object). */
export interface MethodCallValue {
  readonly kind: 'methodcall';
  readonly func: FuncValue;
  /** The instance (borrowed from the caller's reference to it). */
  readonly self: number;
}

/** What is not a heap object. */
export type NonHeap = FuncValue | ClassValue | ModuleValue | BuiltinValue | RangeValue | KeysValue | MethodCallValue;

/** A heap object's address (an owned or borrowed reference, by context) or a {@link NonHeap}. */
export type Value = number | NonHeap;

/** Length of a range. */
export function rangeLength(r: RangeValue): bigint {
  if (r.step > 0n) return r.stop > r.start ? (r.stop - r.start + r.step - 1n) / r.step : 0n;
  return r.start > r.stop ? (r.start - r.stop - r.step - 1n) / -r.step : 0n;
}
