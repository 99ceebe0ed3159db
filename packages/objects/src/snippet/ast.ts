/**
 * The AST of the snippet subset. Every node keeps its 1-based line.
 * @packageDocumentation
 */

/** A literal's value: int (bigint), float (number), str, bytes, None, True, False. */
export type ConstValue = { readonly t: 'int'; readonly v: bigint } | { readonly t: 'float'; readonly v: number } | { readonly t: 'str'; readonly v: string } | { readonly t: 'bytes'; readonly v: Uint8Array } | { readonly t: 'none' } | { readonly t: 'bool'; readonly v: boolean } | { readonly t: 'tuple'; readonly v: readonly ConstValue[] };

/** Expressions. */
export type Expr =
  | { readonly k: 'const'; readonly line: number; readonly value: ConstValue }
  | { readonly k: 'name'; readonly line: number; readonly id: string }
  | { readonly k: 'attr'; readonly line: number; readonly obj: Expr; readonly name: string }
  | { readonly k: 'subscript'; readonly line: number; readonly obj: Expr; readonly index: Expr }
  | { readonly k: 'slice'; readonly line: number; readonly lower: Expr | null; readonly upper: Expr | null }
  | { readonly k: 'call'; readonly line: number; readonly func: Expr; readonly args: readonly Expr[]; readonly kwargs: readonly (readonly [string, Expr])[] }
  | { readonly k: 'binop'; readonly line: number; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'unary'; readonly line: number; readonly op: string; readonly operand: Expr }
  | { readonly k: 'boolop'; readonly line: number; readonly op: 'and' | 'or'; readonly values: readonly Expr[] }
  | { readonly k: 'compare'; readonly line: number; readonly left: Expr; readonly ops: readonly string[]; readonly rights: readonly Expr[] }
  | { readonly k: 'ifexp'; readonly line: number; readonly test: Expr; readonly body: Expr; readonly orelse: Expr }
  | { readonly k: 'list' | 'tuple' | 'set'; readonly line: number; readonly elts: readonly Expr[] }
  | { readonly k: 'dict'; readonly line: number; readonly keys: readonly Expr[]; readonly values: readonly Expr[] }
  | { readonly k: 'listcomp'; readonly line: number; readonly elt: Expr; readonly target: Expr; readonly iter: Expr; readonly ifs: readonly Expr[] };

/** Statements. */
export type Stmt =
  | { readonly k: 'expr'; readonly line: number; readonly value: Expr }
  | { readonly k: 'assign'; readonly line: number; readonly targets: readonly Expr[]; readonly value: Expr }
  | { readonly k: 'augassign'; readonly line: number; readonly target: Expr; readonly op: string; readonly value: Expr }
  | { readonly k: 'del'; readonly line: number; readonly targets: readonly Expr[] }
  | { readonly k: 'if'; readonly line: number; readonly test: Expr; readonly body: readonly Stmt[]; readonly orelse: readonly Stmt[] }
  | { readonly k: 'while'; readonly line: number; readonly test: Expr; readonly body: readonly Stmt[] }
  | { readonly k: 'for'; readonly line: number; readonly target: Expr; readonly iter: Expr; readonly body: readonly Stmt[] }
  | { readonly k: 'break' | 'continue' | 'pass'; readonly line: number }
  | { readonly k: 'return'; readonly line: number; readonly value: Expr | null }
  | { readonly k: 'def'; readonly line: number; readonly name: string; readonly params: readonly string[]; readonly body: readonly Stmt[] }
  | { readonly k: 'class'; readonly line: number; readonly name: string; readonly body: readonly Stmt[] }
  | { readonly k: 'import'; readonly line: number; readonly names: readonly string[] };
