/**
 * Recursive-descent parser of the snippet subset: statements here,
 * expressions in {@link ExpressionParser}.
 * @packageDocumentation
 */
import type { Expr, Stmt } from './ast.js';
import { SnippetError, unsupported } from './errors.js';
import { AUG, ExpressionParser, UNSUPPORTED_KEYWORDS, checkTarget, describe } from './expression-parser.js';
import { tokenize } from './tokenizer.js';

/** Parses a snippet to its statements. @throws {@link SnippetError} */
export function parseSnippet(src: string): Stmt[] {
  return new Parser(tokenize(src)).file();
}

/** Parses one expression (what `pymem sizeof` takes). @throws {@link SnippetError} */
export function parseExpression(src: string): Expr {
  const p = new Parser(tokenize(src));
  const e = p.testlist();
  p.endOfExpression();
  return e;
}

class Parser extends ExpressionParser {
  file(): Stmt[] {
    const out: Stmt[] = [];
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.i++;
        continue;
      }
      if (this.peek().kind === 'indent') throw new SnippetError('syntax', this.peek().line, 'unexpected indent');
      out.push(...this.statement());
    }
    return out;
  }

  private statement(): Stmt[] {
    const c = this.peek();
    const line = c.line;
    if (c.kind === 'op' && c.text === '@') throw unsupported(line, 'decorator');
    if (c.kind === 'name') {
      if (UNSUPPORTED_KEYWORDS.has(c.text) && !(c.text === 'match' || c.text === 'case')) throw unsupported(line, c.text === 'from' ? 'from ... import' : c.text);
      switch (c.text) {
        case 'if':
          return [this.if()];
        case 'while': {
          this.i++;
          const test = this.namedTest();
          const body = this.block();
          if (this.is('else')) throw unsupported(this.peek().line, 'while ... else');
          return [{ k: 'while', line, test, body }];
        }
        case 'for': {
          this.i++;
          const target = this.targetList();
          this.expect('in');
          const iter = this.testlist();
          const body = this.block();
          if (this.is('else')) throw unsupported(this.peek().line, 'for ... else');
          return [{ k: 'for', line, target, iter, body }];
        }
        case 'def': {
          this.i++;
          const name = this.name();
          this.expect('(');
          const params: string[] = [];
          while (!this.is(')')) {
            if (this.is('*') || this.is('**') || this.is('/')) throw unsupported(this.peek().line, `${this.peek().text} in parameters`);
            params.push(this.name());
            if (this.is('=')) throw unsupported(this.peek().line, 'default argument');
            if (this.is(':')) throw unsupported(this.peek().line, 'annotation');
            if (!this.accept(',')) break;
          }
          this.expect(')');
          if (this.is('->')) throw unsupported(this.peek().line, 'annotation');
          return [{ k: 'def', line, name, params, body: this.block() }];
        }
        case 'class': {
          this.i++;
          const name = this.name();
          if (this.accept('(')) {
            if (!this.is(')')) {
              const base = this.name();
              if (base !== 'object') throw unsupported(line, 'base classes');
            }
            this.expect(')');
          }
          return [{ k: 'class', line, name, body: this.block() }];
        }
        default:
      }
    }
    return this.simpleStatements();
  }

  private if(): Stmt {
    const line = this.peek().line;
    this.i++; // 'if' or 'elif'
    const test = this.namedTest();
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.is('elif')) orelse = [this.if()];
    else if (this.accept('else')) orelse = this.block();
    return { k: 'if', line, test, body, orelse };
  }

  namedTest(): Expr {
    const e = this.test();
    if (this.is(':=')) throw unsupported(this.peek().line, ':=');
    return e;
  }

  private block(): Stmt[] {
    this.expect(':');
    if (this.peek().kind !== 'newline') return this.simpleStatements();
    this.skipNewlines();
    if (this.peek().kind !== 'indent') throw new SnippetError('syntax', this.peek().line, 'expected an indented block');
    this.i++;
    const out: Stmt[] = [];
    while (this.peek().kind !== 'dedent' && this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.i++;
        continue;
      }
      out.push(...this.statement());
    }
    this.i++;
    return out;
  }

  private simpleStatements(): Stmt[] {
    const out: Stmt[] = [this.small()];
    while (this.accept(';')) {
      if (this.peek().kind === 'newline') break;
      out.push(this.small());
    }
    const c = this.peek();
    if (c.kind !== 'newline' && c.kind !== 'eof') throw new SnippetError('syntax', c.line, `unexpected ${describe(c)}`);
    if (c.kind === 'newline') this.i++;
    return out;
  }

  private small(): Stmt {
    const c = this.peek();
    const line = c.line;
    if (c.kind === 'name') {
      if (UNSUPPORTED_KEYWORDS.has(c.text) && c.text !== 'match' && c.text !== 'case') throw unsupported(line, c.text === 'from' ? 'from ... import' : c.text);
      switch (c.text) {
        case 'pass':
        case 'break':
        case 'continue':
          this.i++;
          return { k: c.text, line };
        case 'return': {
          this.i++;
          const end = this.peek().kind === 'newline' || this.peek().kind === 'eof' || this.is(';');
          return { k: 'return', line, value: end ? null : this.testlist() };
        }
        case 'del': {
          this.i++;
          const targets = [this.atomExpr()];
          while (this.accept(',')) targets.push(this.atomExpr());
          return { k: 'del', line, targets };
        }
        case 'import': {
          this.i++;
          const names = [this.name()];
          if (this.is('.')) throw unsupported(line, 'dotted import');
          if (this.is('as')) throw unsupported(line, 'import ... as');
          while (this.accept(',')) names.push(this.name());
          return { k: 'import', line, names };
        }
        default:
      }
    }
    const first = this.testlist();
    if (this.peek().kind === 'op' && AUG.has(this.peek().text)) {
      const op = this.peek().text.slice(0, -1);
      this.i++;
      checkTarget(first, false);
      return { k: 'augassign', line, target: first, op, value: this.testlist() };
    }
    if (this.is(':')) throw unsupported(line, 'annotation');
    if (!this.is('=')) return { k: 'expr', line, value: first };
    const targets: Expr[] = [first];
    let value = first;
    while (this.accept('=')) {
      value = this.testlist();
      targets.push(value);
    }
    targets.pop();
    for (const t of targets) checkTarget(t, true);
    return { k: 'assign', line, targets, value };
  }
}
