// Evaluates value expressions: literals, block parameters, arithmetic, comparisons, conditionals and function calls. Total.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { callFunction, defaultEnv, isBuiltin, type EvalEnv } from './functions';
import { formatValue, type Value } from './values';

export type { EvalEnv } from './functions';

/** A block parameter is bound either to a value or to a tensor of the caller. */
export type ParamBinding = { readonly value: Value } | { readonly tensor: number | null };

/**
 * Evaluates `expr` with `params` in scope. `env` holds the callable value functions and the work budget;
 * without one, the library's functions are callable under a budget of their own.
 */
export function evalExpr(expr: ast.Expr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv = defaultEnv(diags)): Value | undefined {
  switch (expr.kind) {
    case 'number':
      return { kind: 'number', value: expr.value, span: expr.span };
    case 'string':
      return { kind: 'string', value: expr.value, span: expr.span };
    case 'ident': {
      const bound = params.get(expr.name);
      if (bound && 'value' in bound) return { ...bound.value, span: bound.value.span };
      // A parameter whose argument was missing or failed: already reported at the call, so stay silent.
      if (bound && bound.tensor === null) return undefined;
      return { kind: 'word', name: expr.name, span: expr.span };
    }
    case 'tuple':
    case 'list': {
      const items = expr.items.map((e) => evalExpr(e, params, diags, env));
      if (items.some((i) => i === undefined)) return undefined;
      return { kind: expr.kind, items: items as Value[], span: expr.span };
    }
    case 'unary':
      return evalUnary(expr, params, diags, env);
    case 'binary':
      return expr.op === 'and' || expr.op === 'or' ? evalLogic(expr, params, diags, env) : evalBinary(expr, params, diags, env);
    case 'cond': {
      const taken = condition(expr.cond, params, diags, env);
      if (taken === undefined) return undefined;
      return evalExpr(taken ? expr.then : expr.otherwise, params, diags, env);
    }
    case 'call':
      if (isBuiltin(expr.callee.name) || env.fns.has(expr.callee.name)) return callFunction(expr, params, diags, env, evalExpr);
      return evalCallValue(expr, params, diags, env);
    case 'chain':
      return fail(expr, 'A chain (`a -> layer()`) is only allowed as a merge argument.', diags);
    case 'missing':
      return undefined;
  }
}

/** Evaluates a condition to true or false; anything else is reported. */
export function condition(expr: ast.Expr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env?: EvalEnv): boolean | undefined {
  const v = evalExpr(expr, params, diags, env);
  if (!v) return undefined;
  const b = truth(v);
  if (b === undefined) fail(expr, `A condition must be true or false, got ${formatValue(v)}.`, diags);
  return b;
}

/** A call that is no function: a value such as `adam(lr: 0.001)` or `folder("data")`, its arguments evaluated. */
function evalCallValue(expr: ast.CallExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv): Value | undefined {
  const args = expr.args.map((a) => ({ name: a.name?.name, value: evalExpr(a.value, params, diags, env) }));
  if (args.some((a) => a.value === undefined)) return undefined;
  return { kind: 'call', name: expr.callee.name, args: args as { name?: string; value: Value }[], span: expr.span };
}

function evalUnary(expr: ast.UnaryExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv): Value | undefined {
  const v = evalExpr(expr.operand, params, diags, env);
  if (!v) return undefined;
  if (expr.op === 'not') {
    const b = truth(v);
    if (b === undefined) return fail(expr, `'not' needs true or false, got ${formatValue(v)}.`, diags);
    return bool(!b, expr);
  }
  if (v.kind !== 'number') return fail(expr, `Cannot negate ${describe(v)}.`, diags);
  return { kind: 'number', value: -v.value, span: expr.span };
}

/** `and` / `or`: both sides are true or false; the right side is evaluated only when it decides the result. */
function evalLogic(expr: ast.BinaryExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv): Value | undefined {
  const l = evalExpr(expr.left, params, diags, env);
  if (!l) return undefined;
  const lb = truth(l);
  if (lb === undefined) return fail(expr.left, `'${expr.op}' needs true or false on each side, got ${formatValue(l)}.`, diags);
  if (expr.op === 'and' ? !lb : lb) return bool(lb, expr);
  const r = evalExpr(expr.right, params, diags, env);
  if (!r) return undefined;
  const rb = truth(r);
  if (rb === undefined) return fail(expr.right, `'${expr.op}' needs true or false on each side, got ${formatValue(r)}.`, diags);
  return bool(rb, expr);
}

function evalBinary(expr: ast.BinaryExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[], env: EvalEnv): Value | undefined {
  const l = evalExpr(expr.left, params, diags, env);
  const r = evalExpr(expr.right, params, diags, env);
  if (!l || !r) return undefined;
  if (expr.op === '==' || expr.op === '!=') return equality(expr, l, r, diags);
  if (l.kind !== 'number' || r.kind !== 'number') {
    const what = isOrdering(expr.op) ? 'A comparison with' : 'Arithmetic with';
    return fail(expr, `${what} '${expr.op}' needs numbers, got ${describe(l)} ${expr.op} ${describe(r)}.`, diags);
  }
  const a = l.value;
  const b = r.value;
  if (isOrdering(expr.op)) return bool(expr.op === '<' ? a < b : expr.op === '<=' ? a <= b : expr.op === '>' ? a > b : a >= b, expr);
  if ((expr.op === '/' || expr.op === '//' || expr.op === '%') && b === 0) return fail(expr, `Division by zero in '${expr.op}'.`, diags);
  const value =
    expr.op === '+' ? a + b : expr.op === '-' ? a - b : expr.op === '*' ? a * b : expr.op === '/' ? a / b : expr.op === '//' ? floorDiv(a, b) : pyMod(a, b);
  if (!Number.isFinite(value)) return fail(expr, `The result of '${expr.op}' is too large to represent.`, diags);
  return { kind: 'number', value, span: expr.span };
}

/** `==` / `!=` compare numbers, words and strings; tuples, lists and calls are not compared. */
function equality(expr: ast.BinaryExpr, l: Value, r: Value, diags: Diagnostic[]): Value | undefined {
  const scalar = (v: Value) => v.kind === 'number' || v.kind === 'word' || v.kind === 'string';
  if (!scalar(l) || !scalar(r)) return fail(expr, `'${expr.op}' compares numbers, words and strings, got ${describe(l)} ${expr.op} ${describe(r)}.`, diags);
  const key = (v: Value) => (v.kind === 'number' ? v.value : v.kind === 'word' ? `w:${v.name}` : v.kind === 'string' ? `s:${v.value}` : '');
  const same = key(l) === key(r);
  return bool(expr.op === '==' ? same : !same, expr);
}

function isOrdering(op: ast.BinaryOp): op is '<' | '<=' | '>' | '>=' {
  return op === '<' || op === '<=' || op === '>' || op === '>=';
}

/** Python's `%`: the result has the divisor's sign. */
export function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** Python's `//` (CPython's float floor division, exact for integers too): floor of the true quotient. */
export function floorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return 0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** true / false for the words `true` and `false`; undefined for anything else. */
export function truth(v: Value): boolean | undefined {
  return v.kind === 'word' && (v.name === 'true' || v.name === 'false') ? v.name === 'true' : undefined;
}

function bool(b: boolean, expr: ast.Expr): Value {
  return { kind: 'word', name: b ? 'true' : 'false', span: expr.span };
}

function describe(v: Value): string {
  return v.kind === 'word' ? `'${v.name}'` : v.kind === 'number' ? String(v.value) : `a ${v.kind}`;
}

function fail(expr: ast.Expr, message: string, diags: Diagnostic[]): undefined {
  diags.push({ code: 'invalid-expression', severity: 'error', message, span: expr.span });
  return undefined;
}
