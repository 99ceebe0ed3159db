/**
 * Class statements: `__slots__`, methods, `__del__` as the model's PEP 442
 * finalizer.
 * @packageDocumentation
 */
import { T_LIST, T_STR, T_TUPLE } from '../layout.js';
import type { Expr, Stmt } from './ast.js';
import { pyError, unsupported } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { hexAddress } from './repr.js';
import type { ClassValue, FuncValue } from './values.js';

/** Runs a class statement: defines the class in the model, with its methods. */
export function defineClass(it: Interpreter, s: Stmt & { k: 'class' }): ClassValue {
  let slots: string[] | undefined;
  const methods = new Map<string, FuncValue>();
  for (const st of s.body) {
    if (st.k === 'def') methods.set(st.name, { kind: 'func', name: st.name, params: st.params, body: st.body, qualname: `${s.name}.${st.name}` });
    else if (st.k === 'pass' || (st.k === 'expr' && st.value.k === 'const')) continue;
    else if (st.k === 'assign' && st.targets.length === 1 && st.targets[0]!.k === 'name' && st.targets[0].id === '__slots__') slots = slotsOf(it, st.value, st.line);
    else throw unsupported(st.line, 'class body statement other than __slots__ = ... and def');
  }
  const del = methods.get('__del__');
  const info = it.vm.defineClass(s.name, {
    ...(slots === undefined ? {} : { slots }),
    ...(del === undefined ? {} : { del: (self: number) => it.callback(del, self, `<function ${del.qualname} at ${hexAddress(0)}>`) }),
  });
  const cls: ClassValue = { kind: 'class', info, methods };
  it.classes.set(info.id, cls);
  return cls;
}

/** The names of a `__slots__` value. */
function slotsOf(it: Interpreter, e: Expr, line: number): string[] {
  const v = it.eval(e);
  try {
    if (typeof v !== 'number') throw pyError(line, 'TypeError', '__slots__ must be a str or a sequence of strs');
    const ty = it.vm.typeOf(v);
    if (ty === T_STR) return [it.vm.value(v) as string];
    if (ty !== T_TUPLE && ty !== T_LIST) throw pyError(line, 'TypeError', '__slots__ must be a str or a sequence of strs');
    return it.vm.items(v).map((x) => {
      if (it.vm.typeOf(x) !== T_STR) throw pyError(line, 'TypeError', `__slots__ items must be strings, not '${it.vm.typeName(x)}'`);
      return it.vm.value(x) as string;
    });
  } finally {
    it.release(v);
  }
}

