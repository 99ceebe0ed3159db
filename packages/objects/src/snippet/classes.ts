/**
 * Class statements: `__slots__`, methods, `__del__` as the model's PEP 442
 * finalizer.
 * @packageDocumentation
 */
import { T_LIST, T_STR, T_TUPLE } from '../layout.js';
import type { Stmt } from './ast.js';
import { pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { hexAddress } from './repr.js';
import type { ClassValue, FuncValue, Value } from './values.js';

/**
 * Runs a class statement: defines the class in the model, makes its
 * function objects and its class object (a new reference, returned in
 * `addr`), with `__slots__` and the methods in its `__dict__` in body order.
 */
export function defineClass(it: Interpreter, s: Stmt & { k: 'class' }): ClassValue {
  let slots: string[] | undefined;
  const methods = new Map<string, FuncValue>();
  const attrs: [string, number][] = [];
  try {
    for (const st of s.body) {
      if (st.k === 'def') {
        const f = it.makeFunction(st.name, `${s.name}.${st.name}`, st.params, st.body);
        const old = methods.get(st.name);
        if (old !== undefined) {
          const i = attrs.findIndex(([k]) => k === st.name);
          it.vm.decref(attrs[i]![1]);
          attrs.splice(i, 1);
        }
        methods.set(st.name, f);
        attrs.push([st.name, f.addr]);
      } else if (st.k === 'pass' || (st.k === 'expr' && st.value.k === 'const')) continue;
      else if (st.k === 'assign' && st.targets.length === 1 && st.targets[0]!.k === 'name' && st.targets[0].id === '__slots__') {
        const v = it.eval(st.value);
        try {
          slots = slotsOf(it, v, st.line);
        } catch (e) {
          it.release(v);
          throw e;
        }
        attrs.push(['__slots__', v as number]);
      } else throw unsupported(st.line, 'class body statement other than __slots__ = ... and def');
    }
    const del = methods.get('__del__');
    const info = it.vm.defineClass(s.name, {
      ...(slots === undefined ? {} : { slots }),
      ...(del === undefined ? {} : { del: (self: number) => it.callback(del, self, `<function ${del.qualname} at ${hexAddress(del.addr)}>`) }),
    });
    const addr = it.vm.classObject(info, attrs);
    const cls: ClassValue = { kind: 'class', info, addr, methods };
    it.classes.set(info.id, cls);
    return cls;
  } finally {
    for (const [, v] of attrs) it.vm.decref(v);
  }
}

/** The names of a `__slots__` value (borrowed). */
function slotsOf(it: Interpreter, v: Value, line: number): string[] {
  if (typeof v !== 'number') throw pyError(line, 'TypeError', '__slots__ must be a str or a sequence of strs');
  const ty = it.vm.typeOf(v);
  if (ty === T_STR) return [it.vm.value(v) as string];
  if (ty !== T_TUPLE && ty !== T_LIST) throw pyError(line, 'TypeError', '__slots__ must be a str or a sequence of strs');
  return it.vm.items(v).map((x) => {
    if (it.vm.typeOf(x) !== T_STR) throw pyError(line, 'TypeError', `__slots__ items must be strings, not '${it.vm.typeName(x)}'`);
    return it.vm.value(x) as string;
  });
}
