// Hover on the statement being edited, from core/incremental.ts's facts of that one statement: the same Markdown the
// full hover gives, or undefined where the answer would need the rest of the file (then the caller analyses it all).

import type { EditedStatement } from '../core/incremental';
import type * as ast from '../core/syntax/ast';
import type { LayerFact } from './facts';
import { layerHover, MAX_CALL_LOOKBACK, type HoverInfo } from './hover';

/** A name in the statement, and the layer call it is the callee of (absent for every other name). */
interface Name {
  readonly span: ast.Ident['span'];
  readonly layerCall?: ast.CallExpr;
}

export function quickHover(edited: EditedStatement, offset: number): HoverInfo | undefined {
  const stmt = edited.statement;
  // Strictly inside: at either edge a neighbouring statement's names could be the ones under the cursor.
  if (offset <= stmt.span.start || offset >= stmt.span.end) return undefined;
  const names = namesOf(stmt);
  if (names.length >= MAX_CALL_LOOKBACK) return undefined;
  const facts = { layersByCall: layersByCall(edited) };
  let hi = -1;
  while (hi + 1 < names.length && names[hi + 1].span.start <= offset) hi++;
  if (hi >= 0 && offset <= names[hi].span.end) {
    // ide/facts.ts's occurrenceAt: a name starting at the cursor wins over one ending there.
    const name = names[hi + 1]?.span.start === offset ? names[hi + 1] : names[hi];
    // A tensor, argument name or value has its own hover, which needs the whole model: not answered here.
    if (!name.layerCall) return undefined;
    const markdown = layerHover(facts, name.layerCall);
    if (markdown) return { markdown, span: name.span };
  }
  // ide/hover.ts's enclosingLayerCall: the innermost layer call around the cursor.
  for (let i = hi; i >= 0; i--) {
    const call = names[i].layerCall;
    if (call && call.span.start <= offset && offset < call.span.end) {
      const markdown = layerHover(facts, call);
      return markdown ? { markdown, span: call.span } : undefined;
    }
  }
  return undefined;
}

function layersByCall(edited: EditedStatement): Map<number, LayerFact[]> {
  const map = new Map<number, LayerFact[]>();
  for (const info of edited.layers) {
    const list = map.get(info.node.span.start);
    if (list) list.push({ model: edited.model, info });
    else map.set(info.node.span.start, [{ model: edited.model, info }]);
  }
  return map;
}

/** Every name of the statement in source order, as ide/facts.ts records them (target, callees, argument names, values). */
function namesOf(stmt: ast.Statement): Name[] {
  const out: Name[] = [];
  const ident = (id: ast.Ident | undefined, layerCall?: ast.CallExpr) => {
    if (id && !id.missing && id.name !== '') out.push({ span: id.span, layerCall });
  };
  const call = (c: ast.CallExpr, isLayer: boolean) => {
    ident(c.callee, isLayer ? c : undefined);
    for (const arg of c.args) {
      ident(arg.name);
      expr(arg.value);
    }
  };
  const elems = (list: readonly ast.ChainElem[]) => list.forEach((e) => (e.kind === 'ident' ? ident(e) : (call(e.call, true), e.repeat && expr(e.repeat))));
  const expr = (e: ast.Expr): void => {
    if (e.kind === 'ident') ident(e);
    else if (e.kind === 'tuple' || e.kind === 'list') e.items.forEach(expr);
    else if (e.kind === 'binary') [e.left, e.right].forEach(expr);
    else if (e.kind === 'unary') expr(e.operand);
    else if (e.kind === 'cond') [e.then, e.cond, e.otherwise].forEach(expr);
    else if (e.kind === 'call') call(e, false);
    else if (e.kind === 'chain') elems(e.elems);
  };
  ident(stmt.target);
  elems(stmt.chain);
  return out.sort((a, b) => a.span.start - b.span.start);
}
