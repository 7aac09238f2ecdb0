// Evaluates argument expressions: literals, block parameters, arithmetic. Total: errors become diagnostics.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import type { Value } from './values';

/** A block parameter is bound either to a value or to a tensor of the caller. */
export type ParamBinding = { readonly value: Value } | { readonly tensor: number | null };

export function evalExpr(expr: ast.Expr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[]): Value | undefined {
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
      const items = expr.items.map((e) => evalExpr(e, params, diags));
      if (items.some((i) => i === undefined)) return undefined;
      return { kind: expr.kind, items: items as Value[], span: expr.span };
    }
    case 'unary': {
      const v = evalExpr(expr.operand, params, diags);
      if (!v) return undefined;
      if (v.kind !== 'number') return fail(expr, `Cannot negate ${describe(v)}.`, diags);
      return { kind: 'number', value: -v.value, span: expr.span };
    }
    case 'binary':
      return evalBinary(expr, params, diags);
    case 'call': {
      const args = expr.args.map((a) => ({ name: a.name?.name, value: evalExpr(a.value, params, diags) }));
      if (args.some((a) => a.value === undefined)) return undefined;
      return { kind: 'call', name: expr.callee.name, args: args as { name?: string; value: Value }[], span: expr.span };
    }
    case 'chain':
      return fail(expr, 'A chain (`a -> layer()`) is only allowed as a merge argument.', diags);
    case 'missing':
      return undefined;
  }
}

function evalBinary(expr: ast.BinaryExpr, params: ReadonlyMap<string, ParamBinding>, diags: Diagnostic[]): Value | undefined {
  const l = evalExpr(expr.left, params, diags);
  const r = evalExpr(expr.right, params, diags);
  if (!l || !r) return undefined;
  if (l.kind !== 'number' || r.kind !== 'number') return fail(expr, `Arithmetic needs numbers, got ${describe(l)} ${expr.op} ${describe(r)}.`, diags);
  if (expr.op === '/' && r.value === 0) return fail(expr, 'Division by zero.', diags);
  const value = expr.op === '+' ? l.value + r.value : expr.op === '-' ? l.value - r.value : expr.op === '*' ? l.value * r.value : l.value / r.value;
  return { kind: 'number', value, span: expr.span };
}

function describe(v: Value): string {
  return v.kind === 'word' ? `'${v.name}'` : `a ${v.kind}`;
}

function fail(expr: ast.Expr, message: string, diags: Diagnostic[]): undefined {
  diags.push({ code: 'invalid-expression', severity: 'error', message, span: expr.span });
  return undefined;
}
