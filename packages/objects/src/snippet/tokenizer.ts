/**
 * Python's tokenizer for the snippet subset: names, numbers, strings,
 * operators, NEWLINE and the INDENT/DEDENT of Python's indentation rules.
 * @packageDocumentation
 */
import { SnippetError, unsupported } from './errors.js';

/** Token kinds. */
export type TokenKind = 'name' | 'int' | 'float' | 'str' | 'bytes' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof';

/** One token with its 1-based line. */
export interface Token {
  readonly kind: TokenKind;
  /** Name, operator, the decoded string, the digits of a number. */
  readonly text: string;
  readonly line: number;
}

const OPS3 = ['**=', '//=', '>>=', '<<=', '...'];
const OPS2 = ['**', '//', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '->', ':=', '<<', '>>'];
const OPS1 = '+-*/%<>=()[]{},:.;@&|^~';
const OPEN = '([{';
const CLOSE = ')]}';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

function decodeEscapes(body: string, line: number, isBytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      if (isBytes && c.charCodeAt(0) > 127) throw new SnippetError('syntax', line, 'bytes can only contain ASCII literal characters');
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    if (e === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (!isBytes && e === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e in ESCAPES) {
      out += ESCAPES[e]!;
    } else {
      out += `\\${e}`;
    }
  }
  return out;
}

/**
 * Splits `src` into tokens. Indentation follows Python: a stack of
 * indentation widths, INDENT when a logical line starts deeper, one DEDENT
 * per level left (a width not on the stack is an error); blank and
 * comment-only lines and lines inside brackets or after a backslash do not
 * count.
 * @throws {@link SnippetError} for text Python's tokenizer refuses.
 */
export function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  const indents = [0];
  let depth = 0;
  const opened: Token[] = [];
  let line = 1;
  let i = 0;
  let atLineStart = true;
  const n = src.length;
  while (i < n) {
    if (atLineStart && depth === 0) {
      let w = 0;
      let j = i;
      while (j < n && (src[j] === ' ' || src[j] === '\t')) {
        w = src[j] === '\t' ? (w & ~7) + 8 : w + 1;
        j++;
      }
      if (j >= n || src[j] === '\n' || src[j] === '#' || src[j] === '\r') {
        // blank or comment-only line
        while (j < n && src[j] !== '\n') j++;
        i = j + 1;
        line++;
        continue;
      }
      atLineStart = false;
      i = j;
      const top = indents[indents.length - 1]!;
      if (w > top) {
        indents.push(w);
        toks.push({ kind: 'indent', text: '', line });
      } else if (w < top) {
        while (w < indents[indents.length - 1]!) {
          indents.pop();
          toks.push({ kind: 'dedent', text: '', line });
        }
        if (w !== indents[indents.length - 1]) throw new SnippetError('syntax', line, 'unindent does not match any outer indentation level');
      }
    }
    const c = src[i]!;
    if (c === '\n') {
      if (depth === 0) {
        toks.push({ kind: 'newline', text: '', line });
        atLineStart = true;
      }
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127) {
      while (i < n && (/[A-Za-z0-9_]/.test(src[i]!) || src.charCodeAt(i) > 127)) i++;
      const word = src.slice(start, i);
      const q = src[i];
      if ((q === "'" || q === '"') && /^[bBrRuUfF]{1,2}$/.test(word)) {
        const p = word.toLowerCase();
        if (p.includes('f')) throw unsupported(line, 'f-string');
        i = readString(src, i, p.includes('b'), p.includes('r'), line, toks);
        line = toks[toks.length - 1]!.line + countNewlines(src, start, i);
        continue;
      }
      toks.push({ kind: 'name', text: word, line });
      continue;
    }
    if (c === "'" || c === '"') {
      i = readString(src, i, false, false, line, toks);
      line += countNewlines(src, start, i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)([jJ]?)/.exec(src.slice(i))!;
      const text = m[1]!;
      if (m[2] !== '') throw unsupported(line, 'complex');
      i += text.length;
      const isFloat = !/^0[xXoObB]/.test(text) && /[.eE]/.test(text);
      toks.push({ kind: isFloat ? 'float' : 'int', text: text.replaceAll('_', ''), line });
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    let op: string;
    if (OPS3.includes(three)) op = three;
    else if (OPS2.includes(two)) op = two;
    else if (OPS1.includes(c)) op = c;
    else throw new SnippetError('syntax', line, `invalid character '${c}'`);
    const tok: Token = { kind: 'op', text: op, line };
    if (OPEN.includes(op)) {
      depth++;
      opened.push(tok);
    }
    if (CLOSE.includes(op)) {
      const o = opened.pop();
      if (o === undefined) throw new SnippetError('syntax', line, `unmatched '${op}'`);
      if (OPEN.indexOf(o.text) !== CLOSE.indexOf(op)) throw new SnippetError('syntax', line, `closing parenthesis '${op}' does not match opening parenthesis '${o.text}'${o.line === line ? '' : ` on line ${o.line}`}`);
      depth--;
    }
    i += op.length;
    toks.push(tok);
  }
  const unclosed = opened.pop();
  if (unclosed !== undefined) throw new SnippetError('syntax', unclosed.line, `'${unclosed.text}' was never closed`);
  if (toks.length > 0 && toks[toks.length - 1]!.kind !== 'newline') toks.push({ kind: 'newline', text: '', line });
  while (indents.length > 1) {
    indents.pop();
    toks.push({ kind: 'dedent', text: '', line });
  }
  toks.push({ kind: 'eof', text: '', line });
  return toks;
}

function countNewlines(src: string, from: number, to: number): number {
  let k = 0;
  for (let j = from; j < to; j++) if (src[j] === '\n') k++;
  return k;
}

/** Reads a (possibly triple-quoted) string starting at the quote `i`; pushes its token, returns the index after it. */
function readString(src: string, i: number, isBytes: boolean, raw: boolean, line: number, toks: Token[]): number {
  const q = src[i]!;
  const triple = src.slice(i, i + 3) === q.repeat(3);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  let body = '';
  for (;;) {
    if (j >= src.length || (!triple && src[j] === '\n')) throw new SnippetError('syntax', line, 'unterminated string literal');
    if (src[j] === '\\') {
      body += src.slice(j, j + 2);
      j += 2;
      continue;
    }
    if (src.startsWith(close, j)) break;
    body += src[j]!;
    j++;
  }
  const text = raw ? body : decodeEscapes(body, line, isBytes);
  toks.push({ kind: isBytes ? 'bytes' : 'str', text, line });
  return j + close.length;
}
