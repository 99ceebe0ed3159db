/**
 * The items of an iterable value, as new references (what iterating it
 * yields: list and tuple items, str characters, bytes ints, dict keys, set
 * elements in table order, range ints).
 * @packageDocumentation
 */
import { T_BYTEARRAY, T_BYTES, T_DICT, T_FROZENSET, T_LIST, T_SET, T_STR, T_TUPLE } from '../layout.js';
import { pyError } from './errors.js';
import type { Interpreter } from './interpreter.js';
import type { Value } from './values.js';
import { rangeLength } from './values.js';

/** New references to the items of `v` (borrowed). @throws SnippetError TypeError when not iterable */
export function iterate(it: Interpreter, v: Value, line: number): number[] {
  const vm = it.vm;
  let items: number[];
  if (typeof v === 'number') {
    switch (vm.typeOf(v)) {
      case T_LIST:
      case T_TUPLE:
        items = vm.items(v);
        break;
      case T_DICT:
        items = vm.dictItems(v).map(([k]) => k);
        break;
      case T_SET:
      case T_FROZENSET:
        items = vm.setElements(v);
        break;
      case T_STR:
        return Array.from(vm.value(v) as string, (ch) => vm.str(ch));
      case T_BYTES:
      case T_BYTEARRAY:
        return Array.from(vm.value(v) as Uint8Array, (b) => vm.int(b));
      default:
        throw pyError(line, 'TypeError', `'${vm.typeName(v)}' object is not iterable`);
    }
    for (const x of items) vm.incref(x);
    return items;
  }
  if (v.kind === 'range') {
    const n = rangeLength(v);
    const out: number[] = [];
    for (let i = 0n; i < n; i++) {
      const x = v.start + i * v.step;
      out.push(vm.int(x >= -(2n ** 53n) && x <= 2n ** 53n ? Number(x) : x));
    }
    return out;
  }
  if (v.kind === 'keys') {
    items = vm.dictItems(v.dict).map(([k]) => k);
    for (const x of items) vm.incref(x);
    return items;
  }
  throw pyError(line, 'TypeError', `'${it.typeName(v)}' object is not iterable`);
}
