// Lowering of destructuring statements: `a, b = x -> split(2)` becomes one slice node per name, all of the same input.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { span, type Span } from '../syntax/span';
import type { GraphNode } from './graph';
import { splitPartCount } from './layers/split';
import type { LayerDef, ResolvedArgs } from './registry';
import type { LowerContext, Scope } from './scope';

/** What a layer call binds to (see lower.ts). */
export interface Binding {
  readonly args: ResolvedArgs;
  readonly argSpans: Readonly<Record<string, Span>>;
  readonly inputs: number[];
  readonly valid: boolean;
}

/** The parts of the model lowerer a destructuring statement needs. */
export interface DestructureHost {
  readonly ctx: LowerContext;
  reference(ref: ast.Ident, scope: Scope): number | null;
  layerCall(elem: ast.LayerCall, input: number | null | undefined, scope: Scope, stmt: ast.Statement): number | null;
  bindLayer(def: LayerDef, call: ast.CallExpr, input: number | null | undefined, scope: Scope, stmt: ast.Statement): Binding;
  push(fields: GraphNode, scope: Scope, target?: ast.Ident): number | null;
  define(name: ast.Ident, id: number | null, scope: Scope): void;
  /** Remembers the names just destructured, so a bare layer after them is told to start from one. */
  readonly destructured: WeakMap<Scope, readonly string[]>;
}

/** targets '=' chain — the chain ends in `split(…)`; afterwards there is no current tensor. */
export function lowerDestructuring(host: DestructureHost, stmt: ast.Statement, scope: Scope): void {
  const targets = stmt.targets ?? [];
  let cur = scope.current;
  // Lowering stops at the first split: a split that does not end the line is one mistake, reported once on the names.
  const at = stmt.chain.findIndex((e) => isSplit(host, e));
  const end = at >= 0 ? at : stmt.chain.length - 1;
  for (const elem of stmt.chain.slice(0, end)) cur = elem.kind === 'ident' ? host.reference(elem, scope) : host.layerCall(elem, cur, scope, stmt);
  const last = stmt.chain[end];
  const ids = last ? splitParts(host, last, cur, scope, stmt) : [];
  targets.forEach((t, i) => {
    if (!t.missing) host.define(t, ids[i] ?? null, scope);
  });
  scope.current = undefined;
  host.destructured.set(
    scope,
    targets.filter((t) => !t.missing).map((t) => t.name),
  );
}

function isSplit(host: DestructureHost, elem: ast.ChainElem): boolean {
  return elem.kind === 'layer' && host.ctx.registry.get(elem.call.callee.name)?.kind === 'split';
}

/** Lowers the line's `split(…)` into one slice node per target; an empty list when it cannot (already reported). */
function splitParts(host: DestructureHost, last: ast.ChainElem, input: number | null | undefined, scope: Scope, stmt: ast.Statement): (number | null)[] {
  const targets = stmt.targets ?? [];
  const names = targetSpan(targets);
  if (last.kind === 'ident' || !isSplit(host, last)) {
    if (last.kind === 'layer') host.layerCall(last, input, scope, stmt);
    else host.reference(last, scope);
    report(host.ctx.diagnostics, names, `Only split(…) produces several tensors; ${targets.length} names need a line that ends in split(${targets.length}).`);
    return [];
  }
  if (last.repeat || last !== stmt.chain[stmt.chain.length - 1]) {
    const message = last.repeat
      ? 'A split cannot be repeated with × N: each of its parts gets one name.'
      : `split(…) must end the line that names its parts; continue from a name on the next line, e.g. \`${targets[0]?.name || 'a'} -> …\`.`;
    report(host.ctx.diagnostics, names, message);
    return [];
  }
  const def = host.ctx.registry.get(last.call.callee.name)!;
  const call = last.call;
  const bound = host.bindLayer(def, call, input, scope, stmt);
  if (!bound.valid && bound.args.parts === undefined) return [];
  const n = splitPartCount(bound.args.parts);
  if (n !== targets.length) {
    report(host.ctx.diagnostics, names, `split(…) here produces ${n} tensors, but ${targets.length} names are given; write one name per part.`);
    return [];
  }
  const slice = host.ctx.registry.get('slice');
  return targets.map((target, part) =>
    host.push(
      {
        kind: slice?.kind ?? 'slice',
        def: slice,
        args: { start: null, stop: null, axis: bound.args.axis ?? -1, parts: bound.args.parts, part },
        argSpans: bound.argSpans,
        inputs: bound.inputs,
        span: call.span,
        statementSpan: stmt.span,
        insertAt: call.span.start,
        callSites: scope.callSites,
        valid: bound.valid,
        target: target.missing ? undefined : target.name,
        doc: stmt.doc,
        id: -1, // placeholders: push() names the node
        name: '',
      },
      scope,
      target,
    ),
  );
}

function targetSpan(targets: readonly ast.Ident[]): Span {
  return targets.length > 0 ? span(targets[0].span.start, targets[targets.length - 1].span.end) : span(0, 0);
}

function report(diags: Diagnostic[], at: Span, message: string): void {
  diags.push({ code: 'invalid-argument', severity: 'error', message, span: at });
}

/** The missing-input message for a bare layer right after a destructuring statement, with a fix that starts from a name. */
export function missingAfterDestructuring(call: ast.CallExpr, names: readonly string[]): Diagnostic {
  const first = names[0] ?? 'a';
  return {
    code: 'missing-input',
    severity: 'error',
    message: `${call.callee.name}() has no input: after a line that names several outputs there is no current tensor; start from one of them, e.g. \`${first} -> ${call.callee.name}(…)\`.`,
    span: call.callee.span,
    fixes: names.map((n) => ({ title: `Start from '${n}'`, edits: [{ span: span(call.span.start, call.span.start), newText: `${n} -> ` }] })),
  };
}
