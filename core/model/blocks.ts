// Block expansion: a block call becomes its body lowered in a fresh scope, its arguments bound by the one binder.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { span, type Span } from '../syntax/span';
import { matchArgs, type Misfits } from './args';
import type { Budget } from './budget';
import { evalExpr, type EvalEnv, type ParamBinding } from './eval';
import type { CallSite } from './graph';
import { isLibrarySpan, sourceSlice } from './library';
import { isTensorName, type LowerContext, type Scope } from './scope';
import { didYouMean, suggest } from './suggest';

/** What block expansion needs from the model lowerer: the statement and name rules it applies to every body. */
export interface BlockHost {
  readonly ctx: LowerContext;
  /** Counts expanded block calls, nesting depth and names; expansion stops once it is spent. */
  readonly budget: Budget;
  /** The value functions in scope and their share of the budget. */
  readonly env: EvalEnv;
  statement(stmt: ast.BodyStatement, scope: Scope): void;
  reference(ref: ast.Ident, scope: Scope): number | null;
  reportMissingInput(call: ast.CallExpr, scope: Scope): void;
  /** The next instance number of a block in this model: `basic_1`, `basic_2`, … */
  nextInstance(block: string): number;
}

/** Expands `block` called by `call` on `input`; returns the block's output tensor (null when unknown). */
export function expandBlock(host: BlockHost, block: ast.BlockDecl, call: ast.CallExpr, input: number | null | undefined, scope: Scope): number | null {
  const diags = host.ctx.diagnostics;
  const name = block.name.name;
  if (host.budget.stopped) return null;
  if (scope.blockStack.includes(name)) {
    diags.push(cycleError(block, call, scope));
    return null;
  }
  if (input === undefined) {
    host.reportMissingInput(call, scope);
    input = null;
  }
  const instance = `${scope.prefix}${name}_${host.nextInstance(name)}`;
  // Checked before anything of the call is evaluated: past the budget a call costs nothing more.
  if (!host.budget.blockCall(instance, scope.blockStack.length + 1, [...scope.blockStack, name], scope.library ?? call.callee.span)) return null;
  // Problems binding the arguments of a library block may point into library text too: they are pinned with the body's.
  const firstDiagnostic = diags.length;
  const params = bindBlockArgs(host, block, call, scope);
  const fromLibrary = isLibrarySpan(block.span);
  const site: CallSite = {
    block: name,
    instance,
    span: scope.library ?? call.span,
    text: sourceSlice(host.ctx.text, call.span),
    params: Object.fromEntries(params),
    doc: block.doc,
  };
  const inner: Scope = {
    tensors: new Map([['in', { id: input, span: block.name.span }]]),
    params,
    current: input,
    prefix: `${instance}/`,
    callSites: [...scope.callSites, site],
    blockStack: [...scope.blockStack, name],
    library: scope.library ?? (fromLibrary ? call.span : undefined),
  };
  for (const stmt of block.body) host.statement(stmt, inner);
  // Only a destructuring line leaves no current tensor: its parts cannot leave the block, so the block has no output.
  if (inner.current === undefined && block.body.length > 0) diags.push(noBlockOutput(block));
  if (fromLibrary && !scope.library) pinDiagnostics(diags, firstDiagnostic, call.span);
  return inner.current ?? null;
}

function cycleError(block: ast.BlockDecl, call: ast.CallExpr, scope: Scope): Diagnostic {
  const name = block.name.name;
  const chain = [...scope.blockStack.slice(scope.blockStack.indexOf(name)), name].join(' → ');
  return {
    code: 'cycle',
    severity: 'error',
    message: `Block '${name}' expands into itself (${chain}).`,
    span: call.callee.span,
    related: [{ span: block.name.span, message: `'${name}' is defined here` }],
  };
}

/** Binds block arguments: positional or named, defaults evaluated in order, tensors resolved in the caller. */
function bindBlockArgs(host: BlockHost, block: ast.BlockDecl, call: ast.CallExpr, scope: Scope): Map<string, ParamBinding> {
  const diags = host.ctx.diagnostics;
  const bound = new Map<string, ParamBinding>();
  const what = `block ${block.name.name}`;
  const slots = block.params.map((p) => ({ name: p.name.name }));
  const report = (d: Diagnostic) => void diags.push(d);
  matchArgs(slots, call.args, blockMisfits(what, block), report, (slot, arg) => bound.set(slot.name, argValue(host, arg.value, scope)));
  for (const param of block.params) {
    if (bound.has(param.name.name)) continue;
    if (param.default) {
      const value = evalExpr(param.default, bound, diags, host.env);
      bound.set(param.name.name, value ? { value: { ...value, span: call.span } } : { tensor: null });
    } else if (!param.name.missing) {
      diags.push({
        code: 'missing-argument',
        severity: 'error',
        message: `${what} needs '${param.name.name}' (it takes ${formatParams(block)}).`,
        span: call.callee.span,
        related: [{ span: param.span, message: `'${param.name.name}' declared here` }],
      });
      bound.set(param.name.name, { tensor: null });
    }
  }
  return bound;
}

/** A block argument: a tensor of the caller when it names one, else a value. */
function argValue(host: BlockHost, expr: ast.Expr, scope: Scope): ParamBinding {
  if (expr.kind === 'ident' && isTensorName(expr.name, scope)) return { tensor: host.reference(expr, scope) };
  const value = evalExpr(expr, scope.params, host.ctx.diagnostics, host.env);
  return value ? { value } : { tensor: null };
}

/** How blocks word arguments that fit no parameter. */
function blockMisfits(what: string, block: ast.BlockDecl): Misfits<ast.Arg> {
  return {
    unknown: (arg) => {
      const name = arg.name!;
      const s = suggest(
        name.name,
        block.params.map((p) => p.name.name),
        name.span,
        'Rename',
      );
      return {
        code: 'unknown-argument',
        severity: 'error',
        message: `${what} has no parameter '${name.name}'${didYouMean(s)} It takes ${formatParams(block)}.`,
        span: name.span,
        fixes: s ? [s.fix] : undefined,
      };
    },
    tooMany: (arg) => ({
      code: 'too-many-arguments',
      severity: 'error',
      message: `${what} takes ${block.params.length} argument${block.params.length === 1 ? '' : 's'} (${formatParams(block)}).`,
      span: arg.span,
      fixes: [{ title: 'Remove this argument', edits: [{ span: arg.span, newText: '' }] }],
    }),
    duplicate: (name, arg) => ({ code: 'duplicate-argument', severity: 'error', message: `Argument '${name}' of ${what} is given twice.`, span: arg.span }),
  };
}

/** Layers expanded from a library block are located at the user's call: library text is not in the document. */
export function pinToCallSite(
  node: { span: Span; statementSpan: Span; insertAt: number; argSpans: Readonly<Record<string, Span>>; library?: true },
  site: Span,
): void {
  node.library = true;
  node.span = site;
  node.statementSpan = site;
  node.insertAt = site.start;
  if (Object.values(node.argSpans).some(isLibrarySpan)) {
    node.argSpans = Object.fromEntries(Object.entries(node.argSpans).map(([k, v]) => [k, isLibrarySpan(v) ? site : v]));
  }
}

/** Diagnostics raised inside a library block point at the call that expanded it. */
function pinDiagnostics(diags: Diagnostic[], from: number, site: Span): void {
  for (let i = from; i < diags.length; i++) {
    const d = diags[i];
    if (!isLibrarySpan(d.span) && !d.related?.some((r) => isLibrarySpan(r.span))) continue;
    const related = d.related?.filter((r) => !isLibrarySpan(r.span));
    diags[i] = {
      ...d,
      span: isLibrarySpan(d.span) ? site : d.span,
      related: related?.length ? related : undefined,
      fixes: d.fixes?.filter((f) => !f.edits.some((e) => isLibrarySpan(e.span))),
    };
  }
}

function formatParams(block: ast.BlockDecl): string {
  return block.params.length === 0 ? 'no arguments' : block.params.map((p) => (p.default ? `${p.name.name} = …` : p.name.name)).join(', ');
}

function noBlockOutput(block: ast.BlockDecl): Diagnostic {
  const last = block.body[block.body.length - 1];
  return {
    code: 'missing-input',
    severity: 'error',
    message: `Block '${block.name.name}' ends on a line that names several outputs, so it has no output tensor; end it with a layer that joins them, e.g. concat(…).`,
    span:
      last.kind === 'statement' && last.targets && last.targets.length > 0
        ? span(last.targets[0].span.start, last.targets[last.targets.length - 1].span.end)
        : last.span,
  };
}
