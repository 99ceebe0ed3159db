/**
 * `type(v).__name__`, `str(v)` and `repr(v)` of any value (heap objects
 * and the JS values of functions, classes, modules, ranges, views).
 * @packageDocumentation
 */
import { TYPE_NAMES } from './builtins.js';
import type { Interpreter } from './interpreter.js';
import { reprOf, strOf } from './repr.js';
import type { Value } from './values.js';

/** `type(v).__name__`. */
export function typeNameOf(it: Interpreter, v: Value): string {
  if (typeof v === 'number') return it.vm.typeName(v);
  if (v.kind === 'builtin' && v.self === 0 && TYPE_NAMES.has(v.name)) return 'type';
  return { func: 'function', class: 'type', module: 'module', builtin: 'builtin_function_or_method', range: 'range', keys: 'dict_keys', methodcall: 'method' }[v.kind];
}

/** `str(v)`. */
export function strOfValue(it: Interpreter, v: Value): string {
  return typeof v === 'number' ? strOf(it.vm, v, it.methodName) : reprOfValue(it, v);
}

/** `repr(v)`. */
export function reprOfValue(it: Interpreter, v: Value): string {
  if (typeof v === 'number') return reprOf(it.vm, v, it.methodName);
  switch (v.kind) {
    case 'func':
      return `<function ${v.qualname}>`;
    case 'class':
      return `<class '__main__.${v.info.name}'>`;
    case 'module':
      return `<module '${v.name}' (built-in)>`;
    case 'builtin':
      return v.self === 0 && TYPE_NAMES.has(v.name) ? `<class '${v.name}'>` : `<built-in function ${v.name.split('.').pop()!}>`;
    case 'range':
      return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
    case 'keys':
      return `dict_keys([${it.vm.dictItems(v.dict).map(([k]) => reprOf(it.vm, k)).join(', ')}])`;
    case 'methodcall':
      return `<bound method ${v.func.qualname} of ${reprOf(it.vm, v.self)}>`;
  }
}

