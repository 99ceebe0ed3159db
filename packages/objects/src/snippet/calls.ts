/**
 * Calling a value: snippet functions and methods, classes (instance and
 * `__init__`), builtins, weakrefs and bound method objects.
 * @packageDocumentation
 */
import { T_METHOD, T_WEAKREF } from '../layout.js';
import { callBuiltin } from './builtins.js';
import { pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import type { Value } from './values.js';

/** Calls any callable value (borrowed) with borrowed arguments; returns an owned result. */
export function callValue(it: Interpreter, callee: Value, args: readonly Value[], kwargs: readonly (readonly [string, Value])[], line: number): Value {
  const vm = it.vm;
  const f = it.resolve(callee);
  if (kwargs.length > 0 && !(typeof f !== 'number' && f.kind === 'builtin')) throw unsupported(line, 'keyword arguments to this callable');
  if (typeof f === 'number') {
    const t = vm.typeOf(f);
    if (t === T_WEAKREF) {
      if (args.length > 0) throw pyError(line, 'TypeError', 'weakref() takes no arguments');
      const r = vm.weakrefGet(f);
      vm.incref(r);
      return r;
    }
    const m = t === T_METHOD ? it.methods.get(f) : undefined;
    if (m !== undefined) return it.callFunction(m.func, [m.self, ...args], line);
    throw pyError(line, 'TypeError', `'${vm.typeName(f)}' object is not callable`);
  }
  switch (f.kind) {
    case 'func':
      return it.callFunction(f, args, line);
    case 'methodcall':
      return it.callFunction(f.func, [f.self, ...args], line);
    case 'class': {
      const obj = vm.instance(f.info);
      const init = f.methods.get('__init__');
      if (init === undefined) {
        if (args.length > 0) {
          vm.decref(obj);
          throw pyError(line, 'TypeError', `${f.info.name}() takes no arguments`);
        }
        return obj;
      }
      try {
        const r = it.callFunction(init, [obj, ...args], line);
        const isNone = r === vm.none;
        it.release(r);
        if (!isNone) throw pyError(line, 'TypeError', `__init__() should return None, not '${it.typeName(r)}'`);
      } catch (e) {
        vm.decref(obj);
        throw e;
      }
      return obj;
    }
    case 'builtin':
      return callBuiltin(it, f, args, kwargs, line);
    default:
      throw pyError(line, 'TypeError', `'${it.typeName(f)}' object is not callable`);
  }
}

