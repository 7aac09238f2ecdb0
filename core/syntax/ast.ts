// Syntax tree of a .stride file. Every node has a span; parse errors leave `missing` nodes, never holes.

import type { Span } from './span';

export interface Ident {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
  /** Inserted by error recovery; `name` is empty. */
  readonly missing?: boolean;
}

export type Expr = NumberLit | StringLit | Ident | TupleExpr | ListExpr | BinaryExpr | UnaryExpr | CallExpr | ChainExpr | MissingExpr;

/** A chain used as a merge argument: `add(skip -> conv2d(64, 1))`. Always starts with a tensor name. */
export interface ChainExpr {
  readonly kind: 'chain';
  readonly elems: readonly ChainElem[];
  readonly span: Span;
}

export interface NumberLit {
  readonly kind: 'number';
  readonly value: number;
  readonly text: string;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface TupleExpr {
  readonly kind: 'tuple';
  readonly items: readonly Expr[];
  readonly span: Span;
}

export interface ListExpr {
  readonly kind: 'list';
  readonly items: readonly Expr[];
  readonly span: Span;
}

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: '+' | '-' | '*' | '/';
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-';
  readonly operand: Expr;
  readonly span: Span;
}

/** A call: a layer or block application in a model body, or a value such as `adam(lr: 0.001)`. */
export interface CallExpr {
  readonly kind: 'call';
  readonly callee: Ident;
  readonly args: readonly Arg[];
  /** Span of the argument list including parentheses. */
  readonly argsSpan: Span;
  readonly span: Span;
}

export interface MissingExpr {
  readonly kind: 'missing';
  readonly span: Span;
}

export interface Arg {
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** One element of a chain `a -> conv2d(8, 3) -> relu()`: a layer/block call or a tensor reference. */
export type ChainElem = LayerCall | Ident;

export interface LayerCall {
  readonly kind: 'layer';
  readonly call: CallExpr;
  /** `× N` after the call, if any. */
  readonly repeat?: Expr;
  readonly span: Span;
}

/** `target = chain`, `a, b = chain` (destructuring several outputs), or a bare `chain` that feeds the next line. */
export interface Statement {
  readonly kind: 'statement';
  readonly target?: Ident;
  /** Every name of a destructuring statement `a, b = split(2)` (two or more); `target` is then absent. */
  readonly targets?: readonly Ident[];
  readonly chain: readonly ChainElem[];
  readonly doc?: string;
  readonly span: Span;
}

/** The names a statement defines: its one target, every target of a destructuring, or none. */
export function targetsOf(stmt: Statement): readonly Ident[] {
  return stmt.targets ?? (stmt.target ? [stmt.target] : []);
}

export interface Param {
  readonly name: Ident;
  readonly default?: Expr;
  readonly span: Span;
}

export interface BlockDecl {
  readonly kind: 'block';
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly body: readonly Statement[];
  readonly doc?: string;
  readonly span: Span;
  /** Span of `{ … }`, for folding and formatting. */
  readonly bodySpan: Span;
}

export interface ModelDecl {
  readonly kind: 'model';
  readonly name: Ident;
  readonly body: readonly Statement[];
  readonly doc?: string;
  readonly span: Span;
  readonly bodySpan: Span;
}

export interface TrainEntry {
  readonly key: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface TrainDecl {
  readonly kind: 'train';
  readonly model: Ident;
  readonly entries: readonly TrainEntry[];
  readonly doc?: string;
  readonly span: Span;
  readonly bodySpan: Span;
}

export type Item = BlockDecl | ModelDecl | TrainDecl;

export interface SourceFile {
  readonly kind: 'file';
  readonly items: readonly Item[];
  readonly span: Span;
}
