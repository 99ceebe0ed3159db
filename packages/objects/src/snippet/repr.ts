/**
 * `repr()` and `str()` of heap objects as CPython 3.11 prints them.
 * @packageDocumentation
 */
import type { ObjectSpace } from '../space.js';
import { FIRST_CLASS_ID, T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_METHOD, T_NONE, T_OBJECT, T_SET, T_STR, T_TUPLE, T_WEAKREF, T_FUNCTION, T_TYPE, T_MODULE, T_BUILTIN_FUNCTION, T_GETSET, T_MEMBER } from '../layout.js';
import { floatRepr } from './float-repr.js';

/** Python's `repr(str)`: single quotes unless the text has a `'` and no `"`. */
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}

/** Python's `repr(bytes)`. */
export function bytesRepr(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    if (c === 0x22) hasDouble = true;
  }
  const q = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${q}`;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}

/** `0x…` of an address, as `%p` prints it. */
export function hexAddress(a: number): string {
  return `0x${a.toString(16)}`;
}

/** `repr(obj)`; `methodName(method)` names a bound method's function (`C.f`). */
export function reprOf(vm: ObjectSpace, a: number, methodName: (m: number) => string = () => '?', active = new Set<number>()): string {
  const t = vm.typeOf(a);
  const inner = (x: number): string => reprOf(vm, x, methodName, active);
  switch (t) {
    case T_NONE:
      return 'None';
    case T_BOOL:
      return a === vm.true ? 'True' : 'False';
    case T_INT:
      return String(vm.value(a));
    case T_FLOAT:
      return floatRepr(vm.value(a) as number);
    case T_STR:
      return strRepr(vm.value(a) as string);
    case T_BYTES:
      return bytesRepr(vm.value(a) as Uint8Array);
    case T_BYTEARRAY:
      return `bytearray(${bytesRepr(vm.value(a) as Uint8Array)})`;
    case T_OBJECT:
      return `<object object at ${hexAddress(a)}>`;
    case T_WEAKREF: {
      const o = vm.weakrefGet(a);
      return o === vm.none ? `<weakref at ${hexAddress(a)}; dead>` : `<weakref at ${hexAddress(a)}; to '${vm.typeName(o)}' at ${hexAddress(o)}>`;
    }
    case T_METHOD:
      return `<bound method ${methodName(a)} of ${inner(vm.referents(a).at(-1) ?? vm.none)}>`;
    case T_FUNCTION:
      return `<function ${vm.qualname(a)} at ${hexAddress(a)}>`;
    case T_TYPE:
      return vm.isStatic(a) ? `<class '${vm.qualname(a)}'>` : `<class '__main__.${vm.qualname(a)}'>`;
    case T_MODULE:
      return `<module '${vm.qualname(a)}'>`;
    case T_BUILTIN_FUNCTION:
      return `<built-in method of object at ${hexAddress(a)}>`;
    case T_GETSET:
    case T_MEMBER:
      return `<${vm.typeName(a).replace('_', ' ')} at ${hexAddress(a)}>`;
    default:
  }
  if (t >= FIRST_CLASS_ID) return `<__main__.${vm.typeName(a)} object at ${hexAddress(a)}>`;
  // containers: Py_ReprEnter
  if (active.has(a)) return t === T_LIST ? '[...]' : t === T_DICT ? '{...}' : t === T_TUPLE ? '(...)' : `${vm.typeName(a)}(...)`;
  active.add(a);
  try {
    switch (t) {
      case T_LIST:
        return `[${vm.items(a).map(inner).join(', ')}]`;
      case T_TUPLE: {
        const it = vm.items(a);
        return it.length === 1 ? `(${inner(it[0]!)},)` : `(${it.map(inner).join(', ')})`;
      }
      case T_DICT:
        return `{${vm.dictItems(a).map(([k, v]) => `${inner(k)}: ${inner(v)}`).join(', ')}}`;
      case T_SET: {
        const e = vm.setElements(a);
        return e.length === 0 ? 'set()' : `{${e.map(inner).join(', ')}}`;
      }
      case T_FROZENSET: {
        const e = vm.setElements(a);
        return e.length === 0 ? 'frozenset()' : `frozenset({${e.map(inner).join(', ')}})`;
      }
      default:
        return `<${vm.typeName(a)} object at ${hexAddress(a)}>`;
    }
  } finally {
    active.delete(a);
  }
}

/** `str(obj)`: the text of a str, `repr` otherwise. */
export function strOf(vm: ObjectSpace, a: number, methodName?: (m: number) => string): string {
  return vm.typeOf(a) === T_STR ? (vm.value(a) as string) : reprOf(vm, a, methodName);
}
