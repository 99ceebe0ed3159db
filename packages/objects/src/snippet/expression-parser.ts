/**
 * Token access and the expression grammar of the snippet subset
 * (recursive descent, Python's precedence).
 * @packageDocumentation
 */
import type { ConstValue, Expr } from './ast.js';
import { foldBinary, foldTuple, foldUnary } from './constant-folding.js';
import { SnippetError, unsupported } from './errors.js';
import type { Token } from './tokenizer.js';

/** Keywords of constructs outside the subset. */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set(['lambda', 'yield', 'await', 'async', 'try', 'except', 'finally', 'with', 'raise', 'assert', 'global', 'nonlocal', 'from', 'match', 'case']);
const RESERVED = new Set(['if', 'elif', 'else', 'for', 'while', 'in', 'not', 'and', 'or', 'is', 'def', 'class', 'return', 'pass', 'break', 'continue', 'del', 'import', 'None', 'True', 'False', 'as', ...UNSUPPORTED_KEYWORDS]);
/** Augmented assignment operators. */
export const AUG: ReadonlySet<string> = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '&=', '|=', '^=', '<<=', '>>=']);
const COMPARE = new Set(['<', '>', '==', '>=', '<=', '!=']);

/** Token access and the expression grammar. */
export class ExpressionParser {
  protected t: Token[];
  protected i = 0;
  constructor(t: Token[]) {
    this.t = t;
  }

  protected peek(): Token {
    return this.t[this.i]!;
  }

  protected is(text: string): boolean {
    const c = this.peek();
    return (c.kind === 'op' || c.kind === 'name') && c.text === text;
  }

  protected accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }

  protected expect(text: string): Token {
    const c = this.peek();
    if (!this.is(text)) throw new SnippetError('syntax', c.line, `expected '${text}', found ${describe(c)}`);
    this.i++;
    return c;
  }

  protected name(): string {
    const c = this.peek();
    if (c.kind !== 'name' || RESERVED.has(c.text)) throw new SnippetError('syntax', c.line, `expected a name, found ${describe(c)}`);
    this.i++;
    return c.text;
  }

  protected skipNewlines(): void {
    while (this.t[this.i]!.kind === 'newline') this.i++;
  }

  endOfExpression(): void {
    while (this.peek().kind === 'newline') this.i++;
    if (this.peek().kind !== 'eof') throw new SnippetError('syntax', this.peek().line, `unexpected ${describe(this.peek())} after the expression`);
  }

  /** `test (',' test)* [',']`: a tuple when there is a comma. */
  testlist(): Expr {
    const line = this.peek().line;
    const first = this.test();
    if (!this.is(',')) return first;
    const elts = [first];
    while (this.accept(',')) {
      if (this.endsTestlist()) break;
      elts.push(this.test());
    }
    return foldTuple({ k: 'tuple', line, elts });
  }

  protected endsTestlist(): boolean {
    const c = this.peek();
    return c.kind === 'newline' || c.kind === 'eof' || (c.kind === 'op' && [')', ']', '}', '=', ';', ':'].includes(c.text)) || (c.kind === 'op' && AUG.has(c.text));
  }

  protected test(): Expr {
    const line = this.peek().line;
    if (this.is('lambda')) throw unsupported(line, 'lambda');
    if (this.is('yield')) throw unsupported(line, 'yield');
    if (this.is('await')) throw unsupported(line, 'await');
    const body = this.or();
    if (!this.accept('if')) return body;
    const test = this.or();
    this.expect('else');
    return { k: 'ifexp', line, test, body, orelse: this.test() };
  }

  protected or(): Expr {
    const line = this.peek().line;
    const values = [this.and()];
    while (this.accept('or')) values.push(this.and());
    return values.length === 1 ? values[0]! : { k: 'boolop', line, op: 'or', values };
  }

  protected and(): Expr {
    const line = this.peek().line;
    const values = [this.not()];
    while (this.accept('and')) values.push(this.not());
    return values.length === 1 ? values[0]! : { k: 'boolop', line, op: 'and', values };
  }

  protected not(): Expr {
    const line = this.peek().line;
    if (this.accept('not')) return foldUnary({ k: 'unary', line, op: 'not', operand: this.not() });
    return this.comparison();
  }

  protected comparison(): Expr {
    const line = this.peek().line;
    const left = this.bitor();
    const ops: string[] = [];
    const rights: Expr[] = [];
    for (;;) {
      const c = this.peek();
      let op: string | undefined;
      if (c.kind === 'op' && COMPARE.has(c.text)) op = c.text;
      else if (this.is('in')) op = 'in';
      else if (this.is('is')) op = this.t[this.i + 1]?.text === 'not' ? 'is not' : 'is';
      else if (this.is('not') && this.t[this.i + 1]?.text === 'in') op = 'not in';
      if (op === undefined) break;
      this.i += op.includes(' ') ? 2 : 1;
      ops.push(op);
      rights.push(this.bitor());
    }
    return ops.length === 0 ? left : { k: 'compare', line, left, ops, rights };
  }

  protected binary(ops: readonly string[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const c = this.peek();
      if (c.kind !== 'op' || !ops.includes(c.text)) return left;
      this.i++;
      left = foldBinary({ k: 'binop', line: c.line, op: c.text, left, right: next() });
    }
  }

  protected bitor = (): Expr => this.binary(['|'], this.xor);
  protected xor = (): Expr => this.binary(['^'], this.band);
  protected band = (): Expr => this.binary(['&'], this.shift);
  protected shift = (): Expr => this.binary(['<<', '>>'], this.arith);
  protected arith = (): Expr => this.binary(['+', '-'], this.term);
  protected term = (): Expr => {
    if (this.is('@')) throw unsupported(this.peek().line, '@');
    const e = this.binary(['*', '/', '//', '%'], this.factor);
    if (this.is('@')) throw unsupported(this.peek().line, '@');
    return e;
  };

  protected factor = (): Expr => {
    const c = this.peek();
    if (c.kind === 'op' && (c.text === '-' || c.text === '+' || c.text === '~')) {
      this.i++;
      return foldUnary({ k: 'unary', line: c.line, op: c.text, operand: this.factor() });
    }
    const base = this.atomExpr();
    if (!this.is('**')) return base;
    const line = this.peek().line;
    this.i++;
    return foldBinary({ k: 'binop', line, op: '**', left: base, right: this.factor() });
  };

  protected atomExpr(): Expr {
    let e = this.atom();
    for (;;) {
      const line = this.peek().line;
      if (this.accept('.')) {
        e = { k: 'attr', line, obj: e, name: this.name() };
      } else if (this.accept('(')) {
        const args: Expr[] = [];
        const kwargs: [string, Expr][] = [];
        while (!this.is(')')) {
          if (this.is('*') || this.is('**')) throw unsupported(this.peek().line, `${this.peek().text} in a call`);
          const next = this.t[this.i + 1];
          if (this.peek().kind === 'name' && next?.kind === 'op' && next.text === '=') {
            const kw = this.name();
            this.i++;
            kwargs.push([kw, this.test()]);
          } else {
            if (kwargs.length > 0) throw new SnippetError('syntax', this.peek().line, 'positional argument follows keyword argument');
            args.push(this.test());
            if (this.is('for')) throw unsupported(this.peek().line, 'generator expression');
          }
          if (!this.accept(',')) break;
        }
        this.expect(')');
        e = { k: 'call', line, func: e, args, kwargs };
      } else if (this.accept('[')) {
        const index = this.subscript();
        this.expect(']');
        e = { k: 'subscript', line, obj: e, index };
      } else {
        return e;
      }
    }
  }

  protected subscript(): Expr {
    const line = this.peek().line;
    const lower = this.is(':') ? null : this.testlist();
    if (!this.accept(':')) return lower!;
    const upper = this.is(']') || this.is(':') ? null : this.test();
    if (this.is(':')) throw unsupported(line, 'slice step');
    return { k: 'slice', line, lower, upper };
  }

  protected atom(): Expr {
    const c = this.peek();
    const line = c.line;
    switch (c.kind) {
      case 'int':
        this.i++;
        return { k: 'const', line, value: { t: 'int', v: BigInt(c.text.replace(/^0+(?=\d)/, '')) } };
      case 'float':
        this.i++;
        return { k: 'const', line, value: { t: 'float', v: Number(c.text) } };
      case 'str':
      case 'bytes': {
        let s = '';
        const kind = c.kind;
        while (this.peek().kind === 'str' || this.peek().kind === 'bytes') {
          if (this.peek().kind !== kind) throw new SnippetError('syntax', line, 'cannot mix bytes and nonbytes literals');
          s += this.peek().text;
          this.i++;
        }
        if (kind === 'str') return { k: 'const', line, value: { t: 'str', v: s } };
        return { k: 'const', line, value: { t: 'bytes', v: Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff) } };
      }
      case 'name': {
        if (c.text === 'None') return this.const({ t: 'none' });
        if (c.text === 'True' || c.text === 'False') return this.const({ t: 'bool', v: c.text === 'True' });
        if (UNSUPPORTED_KEYWORDS.has(c.text) && c.text !== 'match' && c.text !== 'case') throw unsupported(line, c.text);
        return { k: 'name', line, id: this.name() };
      }
      case 'op':
        break;
      default:
        throw new SnippetError('syntax', line, `unexpected ${describe(c)}`);
    }
    if (this.accept('(')) {
      if (this.accept(')')) return foldTuple({ k: 'tuple', line, elts: [] });
      const first = this.test();
      if (this.is('for')) throw unsupported(this.peek().line, 'generator expression');
      if (this.accept(')')) return first;
      const elts = [first];
      while (this.accept(',')) {
        if (this.is(')')) break;
        elts.push(this.test());
      }
      this.expect(')');
      return foldTuple({ k: 'tuple', line, elts });
    }
    if (this.accept('[')) {
      const elts: Expr[] = [];
      while (!this.is(']')) {
        if (this.is('*')) throw unsupported(this.peek().line, '* unpacking');
        elts.push(this.test());
        if (elts.length === 1 && this.is('for')) return this.listComp(line, elts[0]!);
        if (!this.accept(',')) break;
      }
      this.expect(']');
      return { k: 'list', line, elts };
    }
    if (this.accept('{')) {
      if (this.accept('}')) return { k: 'dict', line, keys: [], values: [] };
      if (this.is('**') || this.is('*')) throw unsupported(this.peek().line, `${this.peek().text} unpacking`);
      const first = this.test();
      if (this.accept(':')) {
        const keys = [first];
        const values = [this.test()];
        if (this.is('for')) throw unsupported(this.peek().line, 'dict comprehension');
        while (this.accept(',')) {
          if (this.is('}')) break;
          keys.push(this.test());
          this.expect(':');
          values.push(this.test());
        }
        this.expect('}');
        return { k: 'dict', line, keys, values };
      }
      if (this.is('for')) throw unsupported(this.peek().line, 'set comprehension');
      const elts = [first];
      while (this.accept(',')) {
        if (this.is('}')) break;
        elts.push(this.test());
      }
      this.expect('}');
      return { k: 'set', line, elts };
    }
    if (c.text === '...') throw unsupported(line, '...');
    throw new SnippetError('syntax', line, `unexpected ${describe(c)}`);
  }

  protected const(value: ConstValue): Expr {
    const line = this.peek().line;
    this.i++;
    return { k: 'const', line, value };
  }

  protected listComp(line: number, elt: Expr): Expr {
    this.expect('for');
    const target = this.targetList();
    this.expect('in');
    const iter = this.or();
    const ifs: Expr[] = [];
    while (this.accept('if')) ifs.push(this.or());
    if (this.is('for')) throw unsupported(this.peek().line, 'nested comprehension');
    this.expect(']');
    return { k: 'listcomp', line, elt, target, iter, ifs };
  }

  /** A for/comprehension target: a name, attribute, subscript or a tuple of them. */
  protected targetList(): Expr {
    const line = this.peek().line;
    const first = this.bitor();
    if (!this.is(',')) {
      checkTarget(first, true);
      return first;
    }
    const elts = [first];
    while (this.accept(',')) {
      if (this.is('in') || this.is('=')) break;
      elts.push(this.bitor());
    }
    const t: Expr = { k: 'tuple', line, elts };
    checkTarget(t, true);
    return t;
  }
}

/** How a token is named in a syntax error. */
export function describe(t: Token): string {
  if (t.kind === 'newline') return 'end of line';
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'indent' || t.kind === 'dedent') return 'indentation';
  return `'${t.kind === 'str' ? JSON.stringify(t.text) : t.text}'`;
}

/** Refuses what cannot be assigned to. */
export function checkTarget(e: Expr, allowTuple: boolean): void {
  if (e.k === 'name' || e.k === 'attr' || e.k === 'subscript') return;
  if (allowTuple && (e.k === 'tuple' || e.k === 'list')) {
    for (const x of e.elts) checkTarget(x, false);
    return;
  }
  if (e.k === 'const' && e.value.t === 'tuple' && allowTuple) throw new SnippetError('syntax', e.line, 'cannot assign to literal');
  throw new SnippetError('syntax', e.line, `cannot assign to ${e.k === 'const' ? 'literal' : 'expression'}`);
}

