// Selection ranges: expand from a name to its argument, call, chain, statement, body, item and file.

import * as ast from '../core/syntax/ast';
import { contains, type Span } from '../core/syntax/span';

/** For each offset, the spans that contain it, outermost (the file) first and without repeats. */
export function selectionRanges(file: ast.SourceFile, offsets: readonly number[]): Span[][] {
  return offsets.map((offset) => enclosing(file, offset));
}

/** Spans containing `offset`, outermost first, without repeats. */
function enclosing(file: ast.SourceFile, offset: number): Span[] {
  const out: Span[] = [file.span];
  const push = (s: Span) => {
    const last = out[out.length - 1];
    if (contains(s, offset) && (s.start !== last.start || s.end !== last.end) && s.start >= last.start && s.end <= last.end) out.push(s);
  };
  const item = file.items.find((i) => contains(i.span, offset));
  if (!item) return out;
  push(item.span);
  push(item.bodySpan);
  if (item.kind === 'train') {
    const entry = item.entries.find((e) => contains(e.span, offset));
    if (entry) {
      push(entry.span);
      expr(entry.value, offset, push);
    }
    return out;
  }
  if (item.kind === 'block' || item.kind === 'fn') for (const p of item.params) if (contains(p.span, offset)) push(p.span);
  if (item.kind === 'fn') {
    const local = item.locals.find((l) => contains(l.span, offset));
    if (local) push(local.span);
    expr(local ? local.value : item.result, offset, push);
    return out;
  }
  statement(item.body, offset, push);
  return out;
}

/** The statement containing `offset`, through `if` branches: the statement, the branch, its body, and what is inside. */
function statement(body: readonly ast.BodyStatement[], offset: number, push: (s: Span) => void): void {
  const stmt = body.find((s) => contains(s.span, offset));
  if (!stmt) return;
  push(stmt.span);
  if (stmt.kind === 'if') {
    const branch = stmt.branches.find((b) => contains(b.span, offset));
    if (!branch) return;
    push(branch.span);
    if (branch.cond) expr(branch.cond, offset, push);
    push(branch.bodySpan);
    return statement(branch.body, offset, push);
  }
  for (const target of ast.targetsOf(stmt)) if (contains(target.span, offset)) push(target.span);
  chain(stmt.chain, offset, push);
}

function chain(elems: readonly ast.ChainElem[], offset: number, push: (s: Span) => void): void {
  const elem = elems.find((e) => contains(e.span, offset));
  if (!elem) return;
  push(elem.span);
  if (elem.kind === 'layer') call(elem.call, offset, push);
}

function call(c: ast.CallExpr, offset: number, push: (s: Span) => void): void {
  push(c.span);
  push(c.callee.span);
  push(ast.argsSpan(c));
  const arg = c.args.find((a) => contains(a.span, offset));
  if (!arg) return;
  push(arg.span);
  if (arg.name) push(arg.name.span);
  expr(arg.value, offset, push);
}

function expr(e: ast.Expr, offset: number, push: (s: Span) => void): void {
  if (!contains(e.span, offset)) return;
  push(e.span);
  switch (e.kind) {
    case 'tuple':
    case 'list':
      return e.items.forEach((i) => expr(i, offset, push));
    case 'binary':
      expr(e.left, offset, push);
      return expr(e.right, offset, push);
    case 'unary':
      return expr(e.operand, offset, push);
    case 'cond':
      expr(e.then, offset, push);
      expr(e.cond, offset, push);
      return expr(e.otherwise, offset, push);
    case 'call':
      return call(e, offset, push);
    case 'chain':
      return chain(e.elems, offset, push);
    default:
      return;
  }
}
