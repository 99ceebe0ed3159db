/**
 * Code constants: the objects a compiled snippet holds in its `co_consts`
 * (ints outside the small-int range, floats, strs, bytes, tuples of
 * constants, the key tuples of constant-key dict displays and the tuples
 * of constant list displays), made once at compile time, deduplicated by
 * type and value as CPython's compiler does; and the interned names.
 * @packageDocumentation
 */
import type { ObjectSpace } from '../space.js';
import type { ConstValue, Expr, Stmt } from './ast.js';

/** Whether CPython interns a str constant (only name characters). */
function allNameChars(s: string): boolean {
  return /^[A-Za-z0-9_]*$/.test(s);
}

function key(c: ConstValue): string {
  switch (c.t) {
    case 'int':
      return `i${c.v}`;
    case 'float':
      return Object.is(c.v, -0) ? 'f-0' : `f${c.v}`;
    case 'str':
      return `s${c.v}`;
    case 'bytes':
      return `b${[...c.v].join(',')}`;
    case 'none':
      return 'n';
    case 'bool':
      return `B${c.v}`;
    case 'tuple':
      return `t(${c.v.map(key).join(';')})`;
  }
}

/** The constant table of one snippet. */
export class CodeConstants {
  readonly #vm: ObjectSpace;
  readonly #byKey = new Map<string, number>();
  /** The object of each constant node, and of each constant-folded display (list/set/dict keys). */
  readonly #byNode = new Map<object, number>();

  constructor(vm: ObjectSpace) {
    this.#vm = vm;
  }

  /** The object of a constant (borrowed: the table keeps its reference). */
  object(c: ConstValue): number {
    const k = key(c);
    const have = this.#byKey.get(k);
    if (have !== undefined) return have;
    const vm = this.#vm;
    let a: number;
    switch (c.t) {
      case 'int':
        a = vm.int(c.v >= -(2n ** 53n) && c.v <= 2n ** 53n ? Number(c.v) : c.v);
        break;
      case 'float':
        a = vm.float(c.v);
        break;
      case 'str':
        if (allNameChars(c.v)) {
          a = vm.intern(c.v);
          vm.incref(a);
        } else {
          a = vm.str(c.v);
        }
        break;
      case 'bytes':
        a = vm.bytes(c.v);
        break;
      case 'none':
        a = vm.newNone();
        break;
      case 'bool':
        a = vm.bool(c.v);
        break;
      case 'tuple': {
        const items = c.v.map((x) => this.object(x));
        a = vm.tuple(items);
        break;
      }
    }
    this.#byKey.set(k, a);
    return a;
  }

  /** The constant made for an AST node at compile time (a literal, or a display's constant tuple/frozenset). */
  ofNode(node: object): number | undefined {
    return this.#byNode.get(node);
  }

  /** Makes the constants of statements, in source order, and interns their names. */
  compile(body: readonly Stmt[]): void {
    for (const s of body) this.#stmt(s);
  }

  /** Makes the constants of one expression. */
  compileExpr(e: Expr): void {
    this.#expr(e);
  }

  #stmt(s: Stmt): void {
    const vm = this.#vm;
    switch (s.k) {
      case 'expr':
        this.#expr(s.value);
        break;
      case 'assign':
        this.#expr(s.value);
        for (const t of s.targets) this.#expr(t);
        break;
      case 'augassign':
        this.#expr(s.target);
        this.#expr(s.value);
        break;
      case 'del':
        for (const t of s.targets) this.#expr(t);
        break;
      case 'if':
        this.#expr(s.test);
        this.compile(s.body);
        this.compile(s.orelse);
        break;
      case 'while':
        this.#expr(s.test);
        this.compile(s.body);
        break;
      case 'for':
        this.#expr(s.target);
        this.#expr(s.iter);
        this.compile(s.body);
        break;
      case 'return':
        if (s.value !== null) this.#expr(s.value);
        break;
      case 'def':
        vm.intern(s.name);
        for (const p of s.params) vm.intern(p);
        this.compile(s.body);
        break;
      case 'class':
        vm.intern(s.name);
        this.compile(s.body);
        break;
      case 'import':
        for (const n of s.names) vm.intern(n);
        break;
      default:
    }
  }

  #expr(e: Expr): void {
    const vm = this.#vm;
    switch (e.k) {
      case 'const':
        this.#byNode.set(e, this.object(e.value));
        return;
      case 'name':
        vm.intern(e.id);
        return;
      case 'attr':
        this.#expr(e.obj);
        vm.intern(e.name);
        return;
      case 'subscript':
        this.#expr(e.obj);
        this.#expr(e.index);
        return;
      case 'slice':
        if (e.lower !== null) this.#expr(e.lower);
        if (e.upper !== null) this.#expr(e.upper);
        return;
      case 'call':
        this.#expr(e.func);
        for (const a of e.args) this.#expr(a);
        for (const [k, v] of e.kwargs) {
          vm.intern(k);
          this.#expr(v);
        }
        return;
      case 'binop':
        this.#expr(e.left);
        this.#expr(e.right);
        return;
      case 'unary':
        this.#expr(e.operand);
        return;
      case 'boolop':
        for (const v of e.values) this.#expr(v);
        return;
      case 'compare':
        this.#expr(e.left);
        for (const r of e.rights) this.#expr(r);
        return;
      case 'ifexp':
        this.#expr(e.test);
        this.#expr(e.body);
        this.#expr(e.orelse);
        return;
      case 'list':
      case 'set':
      case 'tuple':
        if (e.k !== 'tuple' && e.elts.length > 2 && e.elts.every((x) => x.k === 'const')) {
          // BUILD_LIST 0; LOAD_CONST (tuple); LIST_EXTEND (sets: a frozenset constant, SET_UPDATE)
          const items = e.elts.map((x) => this.object((x).value));
          this.#byNode.set(e, e.k === 'list' ? this.object({ t: 'tuple', v: e.elts.map((x) => (x).value) }) : vm.frozenset(items));
          return;
        }
        for (const x of e.elts) this.#expr(x);
        return;
      case 'dict':
        for (let i = 0; i < e.keys.length; i++) {
          this.#expr(e.keys[i]!);
          this.#expr(e.values[i]!);
        }
        if (e.keys.length > 1 && e.keys.every((x) => x.k === 'const')) {
          // BUILD_CONST_KEY_MAP: the keys are one tuple constant
          this.#byNode.set(e, this.object({ t: 'tuple', v: e.keys.map((x) => (x).value) }));
        }
        return;
      case 'listcomp':
        this.#expr(e.iter);
        this.#expr(e.target);
        this.#expr(e.elt);
        for (const c of e.ifs) this.#expr(c);
        return;
    }
  }
}
