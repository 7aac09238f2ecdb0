// Syntax tree of a .stride file. Every node has a span; parse errors leave `missing` nodes, never holes.

import type { Span } from './span';

export interface Ident {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
  /** Inserted by error recovery; `name` is empty. */
  readonly missing?: boolean;
}

export type Expr = NumberLit | StringLit | Ident | TupleExpr | ListExpr | BinaryExpr | UnaryExpr | CondExpr | CallExpr | ChainExpr | MissingExpr;

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

export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%';
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type BinaryOp = ArithmeticOp | ComparisonOp | 'and' | 'or';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | 'not';
  readonly operand: Expr;
  readonly span: Span;
}

/** `then if cond else otherwise`: only the taken branch is evaluated. */
export interface CondExpr {
  readonly kind: 'cond';
  readonly then: Expr;
  readonly cond: Expr;
  readonly otherwise: Expr;
  readonly span: Span;
}

/** A call: a layer or block application in a model body, or a value such as `adam(lr: 0.001)`. */
export interface CallExpr {
  readonly kind: 'call';
  readonly callee: Ident;
  readonly args: readonly Arg[];
  /** Offset of the argument list's `(`; `argsSpan()` gives the list's span (a large file has a call per line, so
   *  the span is made when asked, not kept). */
  readonly argsStart: number;
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

/** One branch of an `if` statement: `if cond { … }`, `else if cond { … }` or the final `else { … }` (no condition). */
export interface IfBranch {
  /** The `if`, `else if` or (for the final branch) `else` keywords. */
  readonly keyword: Span;
  readonly cond?: Expr;
  readonly body: readonly BodyStatement[];
  readonly bodySpan: Span;
  readonly span: Span;
}

/** `if cond { … } else if cond { … } else { … }` in a block or model body: the first true branch is lowered. */
export interface IfStatement {
  readonly kind: 'if';
  readonly branches: readonly IfBranch[];
  readonly span: Span;
}

/** What a block or model body holds. */
export type BodyStatement = Statement | IfStatement;

/** The span of a call's argument list, parentheses included. */
export function argsSpan(call: CallExpr): Span {
  return { start: call.argsStart, end: call.span.end };
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
  readonly body: readonly BodyStatement[];
  readonly doc?: string;
  readonly span: Span;
  /** Span of `{ … }`, for folding and formatting. */
  readonly bodySpan: Span;
}

export interface ModelDecl {
  readonly kind: 'model';
  readonly name: Ident;
  readonly body: readonly BodyStatement[];
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

/** A local name of a value function: `n = max(1, c // 4)`. */
export interface FnLocal {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `fn name(params) { (name = expr)* expr }`: a value function, evaluated where it is called. */
export interface FnDecl {
  readonly kind: 'fn';
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly locals: readonly FnLocal[];
  readonly result: Expr;
  readonly doc?: string;
  readonly span: Span;
  readonly bodySpan: Span;
}

export type Item = BlockDecl | ModelDecl | TrainDecl | FnDecl;

export interface SourceFile {
  readonly kind: 'file';
  readonly items: readonly Item[];
  readonly span: Span;
}
