// Hover for values: value functions (signature, docs, computed value) and `if` conditions (their value where known).

import type { Analysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import { Budget } from '../core/model/budget';
import { evalExpr } from '../core/model/eval';
import { BUILTINS, fileEnv, isBuiltin } from '../core/model/functions';
import { libraryFunctions, sourceSlice } from '../core/model/library';
import { formatValue } from '../core/model/values';
import type * as ast from '../core/syntax/ast';
import { contains, type Span } from '../core/syntax/span';
import { ifStatements } from '../core/syntax/walk';
import type { Occurrence } from './facts';
import { code, safeDoc } from './hover-markdown';

/** `fn make_divisible(v, divisor = 8, min_value = divisor)`. */
export function fnSignature(fn: ast.FnDecl, text: string): string {
  const params = fn.params.map((p) => (p.default ? `${p.name.name} = ${sourceSlice(text, p.default.span)}` : p.name.name));
  return `fn ${fn.name.name}(${params.join(', ')})`;
}

/** A value function's name, where it is defined or called: signature, docs and, for a call, the value it computes. */
export function fnHover(analysis: Analysis, occ: Occurrence): string | undefined {
  const fn = analysis.fns.get(occ.name) ?? libraryFunctions().get(occ.name);
  const builtin = isBuiltin(occ.name) ? BUILTINS[occ.name] : undefined;
  const parts: string[] = [];
  if (fn) {
    parts.push(code(fnSignature(fn, analysis.text)), `**${occ.name}** — value function${analysis.fns.has(occ.name) ? '' : ' (library)'}`);
    if (fn.doc) parts.push(safeDoc(fn.doc));
  } else if (builtin) {
    parts.push(code(`${occ.name}(${builtin.params.join(', ')})`), `**${occ.name}** — built-in value function. ${builtin.doc}`);
  } else return undefined;
  if (occ.call) parts.push(valueLine(analysis, occ.item, occ.call, 'Value'));
  return parts.join('\n\n');
}

/** A named argument of a value-function call: `divisor` in `make_divisible(37, divisor: 4)`. */
export function fnArgHover(analysis: Analysis, callee: string, name: string): string | undefined {
  const fn = analysis.fns.get(callee) ?? libraryFunctions().get(callee);
  const param = fn?.params.find((p) => p.name.name === name);
  if (!fn || !param) return undefined;
  const dflt = param.default ? ` = ${sourceSlice(analysis.text, param.default.span)}` : '';
  return `**${name}${dflt}** — parameter of function \`${callee}\``;
}

/** Where the cursor is on an `if`, `else if` keyword or inside a condition: what the condition decides. */
export function ifHover(analysis: Analysis, offset: number): { markdown: string; span: Span } | undefined {
  const item = analysis.parse.file.items.find((i) => contains(i.span, offset));
  if (!item || (item.kind !== 'block' && item.kind !== 'model')) return undefined;
  for (const stmt of ifStatements(item.body)) {
    for (const branch of stmt.branches) {
      const onKeyword = contains(branch.keyword, offset);
      if (!branch.cond || !(onKeyword || contains(branch.cond.span, offset))) continue;
      const what = `**if** ${code1(sourceSlice(analysis.text, branch.cond.span))} — layers used only when the condition holds, decided when the ${item.kind} is lowered`;
      return { markdown: `${what}\n\n${valueLine(analysis, item, branch.cond, 'Condition')}`, span: onKeyword ? branch.keyword : branch.cond.span };
    }
  }
  return undefined;
}

/** The value of `expr` where it does not depend on a block's or function's parameters; otherwise what it depends on. */
function valueLine(analysis: Analysis, item: ast.Item, expr: ast.Expr, label: string): string {
  const params = item.kind === 'block' || item.kind === 'fn' ? new Set(item.params.map((p) => p.name.name)) : new Set<string>();
  if (item.kind === 'fn') for (const l of item.locals) params.add(l.name.name);
  const used = [...new Set(namesIn(expr).filter((n) => params.has(n)))];
  if (used.length > 0) return `${label}: decided per call, from ${used.map((n) => `\`${n}\``).join(', ')}.`;
  const diags: Diagnostic[] = [];
  const v = evalExpr(expr, new Map(), diags, fileEnv(analysis.fns, new Budget(diags)));
  if (!v || diags.length > 0) return `${label}: not known (it cannot be evaluated).`;
  return `${label}: \`${formatValue(v)}\``;
}

/** The plain names an expression uses (not callees or argument names). */
function namesIn(e: ast.Expr): string[] {
  switch (e.kind) {
    case 'ident':
      return [e.name];
    case 'tuple':
    case 'list':
      return e.items.flatMap(namesIn);
    case 'binary':
      return [...namesIn(e.left), ...namesIn(e.right)];
    case 'unary':
      return namesIn(e.operand);
    case 'cond':
      return [...namesIn(e.then), ...namesIn(e.cond), ...namesIn(e.otherwise)];
    case 'call':
      return e.args.flatMap((a) => namesIn(a.value));
    default:
      return [];
  }
}

/** Inline code for a one-line snippet. */
function code1(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}
