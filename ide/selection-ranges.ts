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
  if (item.kind === 'block') for (const p of item.params) if (contains(p.span, offset)) push(p.span);
  const stmt = item.body.find((s) => contains(s.span, offset));
  if (stmt) {
    push(stmt.span);
    for (const target of ast.targetsOf(stmt)) if (contains(target.span, offset)) push(target.span);
    chain(stmt.chain, offset, push);
  }
  return out;
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
  push(c.argsSpan);
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
    case 'call':
      return call(e, offset, push);
    case 'chain':
      return chain(e.elems, offset, push);
    default:
      return;
  }
}
