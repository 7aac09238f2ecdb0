// Lowering: turns a model body into a flat graph (statements, repetition, merge arguments, names); blocks expand in blocks.ts.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { span, type Span } from '../syntax/span';
import { bindArgs, type BoundArg } from './args';
import { expandBlock, pinToCallSite, type BlockHost } from './blocks';
import { Budget, LIMITS } from './budget';
import { condition, evalExpr, type EvalEnv } from './eval';
import { fileEnv } from './functions';
import { lowerDestructuring, missingAfterDestructuring, type DestructureHost } from './destructure';
import type { GraphNode, ModelGraph } from './graph';
import type { LayerDef, ResolvedArgs } from './registry';
import { modelScope, type LowerContext, type Scope } from './scope';
import { closest, didYouMean, suggest, suggestion } from './suggest';
import { formatValue } from './values';

export type { LowerContext } from './scope';

export function lowerModel(model: ast.ModelDecl, ctx: LowerContext): ModelGraph {
  const assigned = assignedNames(model.body);
  for (const block of [...ctx.blocks.values(), ...ctx.library.values()]) assignedNames(block.body, assigned);
  const lowerer = new ModelLowerer(ctx, assigned);
  const scope = modelScope();
  for (let i = 0; i < model.body.length; i++) {
    ctx.checkpoints?.record(model, i, lowerer, scope);
    lowerer.statement(model.body[i], scope);
  }
  // A spent budget leaves later models empty; the too-large diagnostic already says why.
  if (lowerer.nodes.length === 0 && !model.name.missing && !lowerer.budget.stopped) {
    ctx.diagnostics.push({
      code: 'empty-model',
      severity: 'warning',
      message: `Model '${model.name.name}' has no layers; start with input(…).`,
      span: model.name.span,
    });
  }
  const outputs = lowerer.outputs ?? (typeof scope.current === 'number' ? [scope.current] : []);
  const inputs = lowerer.nodes.filter((n) => n.kind === 'input').map((n) => n.id);
  return { name: model.name.name, nameSpan: model.name.span, span: model.span, doc: model.doc, nodes: lowerer.nodes, inputs, outputs };
}

/**
 * Every name the body assigns, in any branch: automatic names (`relu_1`) skip those of the model and of every block
 * (a block's names get its instance's prefix, as its automatic ones do), or two layers could share one.
 */
function assignedNames(body: readonly ast.BodyStatement[], names = new Set<string>()): Set<string> {
  for (const stmt of body) {
    if (stmt.kind === 'if') stmt.branches.forEach((b) => assignedNames(b.body, names));
    else for (const t of stmt.targets ?? (stmt.target ? [stmt.target] : [])) names.add(t.name);
  }
  return names;
}

/** What a layer call binds to: its arguments, where they were written, its inputs, and whether all of it worked. */
interface LayerBinding {
  readonly args: ResolvedArgs;
  readonly argSpans: Readonly<Record<string, Span>>;
  readonly inputs: number[];
  readonly valid: boolean;
}

/** Lowers one model: the statement rules and name resolution; blocks expand through `expandBlock`. */
export class ModelLowerer implements BlockHost, DestructureHost {
  readonly nodes: GraphNode[] = [];
  outputs: number[] | undefined;
  // Not private: a checkpoint (lower-resume.ts) copies them and a resumed lowerer starts from the copies.
  readonly kindCounters = new Map<string, number>();
  readonly instanceCounters = new Map<string, number>();
  missingInputReported = false;
  readonly unknownReported = new Set<number>();
  readonly budget: Budget;
  readonly env: EvalEnv;
  readonly destructured = new WeakMap<Scope, readonly string[]>();

  constructor(
    readonly ctx: LowerContext,
    readonly assigned: ReadonlySet<string> = new Set(),
  ) {
    this.budget = ctx.budget ?? new Budget(ctx.diagnostics);
    this.env = fileEnv(ctx.fns ?? new Map(), this.budget);
  }

  private get diags(): Diagnostic[] {
    return this.ctx.diagnostics;
  }

  nextInstance(block: string): number {
    const n = (this.instanceCounters.get(block) ?? 0) + 1;
    this.instanceCounters.set(block, n);
    return n;
  }

  /** statement := (target '=')? chain | if */
  statement(stmt: ast.BodyStatement, scope: Scope): void {
    if (stmt.kind === 'if') return this.ifStatement(stmt, scope);
    if (!this.budget.statement(scope.library ?? stmt.span)) {
      scope.current = null;
      return;
    }
    if (stmt.targets) return lowerDestructuring(this, stmt, scope);
    let cur = scope.current;
    stmt.chain.forEach((elem, i) => {
      const last = i === stmt.chain.length - 1;
      const target = last && stmt.target && elem.kind === 'layer' ? stmt.target : undefined;
      cur = elem.kind === 'ident' ? this.reference(elem, scope) : this.layerCall(elem, cur, scope, stmt, target);
    });
    if (stmt.target && !stmt.target.missing) this.define(stmt.target, cur ?? null, scope);
    scope.current = cur;
  }

  /**
   * `if cond { … } else if … else { … }`: the conditions are values, evaluated in the body's scope when it is lowered;
   * the first branch that holds is lowered in that same scope (its names stay visible after it), the others not at all.
   */
  private ifStatement(stmt: ast.IfStatement, scope: Scope): void {
    if (!this.budget.statement(scope.library ?? stmt.span)) return;
    for (const branch of stmt.branches) {
      const taken = branch.cond ? condition(branch.cond, scope.params, this.diags, this.env) : true;
      // An unknown condition lowers no branch; what follows has no known input rather than a guessed one.
      if (taken === undefined) scope.current = null;
      if (taken !== false) {
        if (taken) for (const s of branch.body) this.statement(s, scope);
        return;
      }
    }
  }

  define(name: ast.Ident, id: number | null, scope: Scope): void {
    const previous = scope.tensors.get(name.name);
    if (previous || (name.name === 'in' && scope.blockStack.length > 0)) {
      this.diags.push({
        code: 'duplicate-name',
        severity: 'error',
        message: `'${name.name}' is already defined in this ${scope.blockStack.length > 0 ? 'block' : 'model'}; tensor names are single-assignment.`,
        span: name.span,
        related: previous ? [{ span: previous.span, message: `'${name.name}' first defined here` }] : undefined,
      });
      return;
    }
    scope.tensors.set(name.name, { id, span: name.span });
  }

  /** Resolves a tensor name: local tensors, then tensor-valued block parameters. */
  reference(ref: ast.Ident, scope: Scope): number | null {
    if (ref.missing) return null;
    const local = scope.tensors.get(ref.name);
    if (local) return local.id;
    const param = scope.params.get(ref.name);
    if (param && 'tensor' in param) return param.tensor;
    // Read in place, not copied per error: a renamed tensor used a thousand times is a thousand errors in a large model.
    const paramTensors = [...scope.params].filter(([, b]) => 'tensor' in b).map(([n]) => n);
    const guess = closest(ref.name, scope.tensors.keys(), paramTensors);
    const s = guess ? suggestion(guess, ref.span) : undefined;
    // Name at most a handful: a model with thousands of tensors must not produce a megabyte message per typo.
    const count = scope.tensors.size + paramTensors.length;
    const first: string[] = [];
    for (const name of scope.tensors.keys()) if (first.push(name) === 12) break;
    for (const name of paramTensors) if (first.length < 12) first.push(name);
    const shown = first.join(', ') + (count > 12 ? `, … (${count - 12} more)` : '');
    const known = count > 0 ? ` Known here: ${shown}.` : '';
    this.diags.push({
      code: 'undefined-name',
      severity: 'error',
      message: `No tensor named '${ref.name}'${didYouMean(s, '.')}${known}`,
      span: ref.span,
      fixes: s ? [s.fix] : [],
    });
    return null;
  }

  /** A call in a chain, repeated `× N` times. */
  layerCall(elem: ast.LayerCall, input: number | null | undefined, scope: Scope, stmt: ast.Statement, target?: ast.Ident): number | null {
    const times = this.repeatCount(elem, scope);
    let cur = input;
    for (let i = 0; i < times; i++) {
      // Past the work budget nothing more is lowered: the one too-large diagnostic explains the partial graph.
      if (this.budget.stopped) return null;
      cur = this.apply(elem.call, cur, scope, stmt, i === times - 1 ? target : undefined);
    }
    return cur ?? null;
  }

  private repeatCount(elem: ast.LayerCall, scope: Scope): number {
    if (!elem.repeat) return 1;
    const v = evalExpr(elem.repeat, scope.params, this.diags, this.env);
    if (v?.kind === 'number' && Number.isInteger(v.value) && v.value >= 1) {
      if (v.value <= LIMITS.layers) return v.value;
      this.diags.push(Budget.tooManyRepeats(v.value, elem.repeat.span));
      return 1;
    }
    if (v)
      this.diags.push({
        code: 'invalid-repeat',
        severity: 'error',
        message: `A repetition count must be a positive integer, got ${formatValue(v)}.`,
        span: elem.repeat.span,
      });
    return 1;
  }

  /** Applies one layer or block to `input`; returns the produced node (or null when unknown). */
  private apply(call: ast.CallExpr, input: number | null | undefined, scope: Scope, stmt: ast.Statement, target?: ast.Ident): number | null | undefined {
    const name = call.callee.name;
    if (call.callee.missing) return null;
    if (name === 'output') return this.output(call, input, scope);
    const block = this.ctx.blocks.get(name) ?? this.ctx.library.get(name);
    if (block) return expandBlock(this, block, call, input, scope);
    return this.layer(call, input, scope, stmt, target);
  }

  private layer(call: ast.CallExpr, input: number | null | undefined, scope: Scope, stmt: ast.Statement, target?: ast.Ident): number | null {
    const name = call.callee.name;
    const def = this.ctx.registry.get(name);
    const bound = def ? this.bindLayer(def, call, input, scope, stmt) : this.unknownLayer(call.callee, input, scope);
    return this.push(
      {
        kind: def?.kind ?? name,
        def,
        args: bound.args,
        argSpans: bound.argSpans,
        inputs: bound.inputs,
        span: call.span,
        statementSpan: stmt.span,
        insertAt: call.span.start,
        callSites: scope.callSites,
        valid: bound.valid,
        target: target?.name,
        doc: stmt.doc,
        id: -1, // placeholders: push() names the node
        name: '',
      },
      scope,
      target,
    );
  }

  /** Evaluates and binds a known layer's arguments and connects its inputs; merge tensors are resolved here. */
  bindLayer(def: LayerDef, call: ast.CallExpr, input: number | null | undefined, scope: Scope, stmt: ast.Statement): LayerBinding {
    let valid = true;
    const given: BoundArg[] = [];
    const tensors: (number | null)[] = [];
    for (const arg of call.args) {
      if (isTensorArg(def, arg)) {
        tensors.push(this.tensorArg(arg.value, scope, stmt));
        continue;
      }
      const value = evalExpr(arg.value, scope.params, this.diags, this.env);
      if (!value) valid = false;
      else given.push({ name: arg.name ? { name: arg.name.name, span: arg.name.span } : undefined, value, span: arg.span });
    }
    // An argument that failed to evaluate was already reported; binding without it would shift the others.
    const bound = bindArgs(`${call.callee.name}()`, def.args, given, call.callee.span, def.spatialRank ?? 1, valid ? this.diags : []);
    const tensorArgs = call.args.filter((a) => isTensorArg(def, a));
    const argSpans =
      tensorArgs.length > 0 ? { ...bound.spans, inputs: span(tensorArgs[0].span.start, tensorArgs[tensorArgs.length - 1].span.end) } : bound.spans;
    const resolved = this.connect(def.arity, tensors, input, call, scope);
    return { args: bound.args, argSpans, inputs: resolved.inputs, valid: valid && bound.ok && resolved.ok };
  }

  /** Works out a layer's inputs from the current tensor and, for merges, its tensor arguments. */
  private connect(
    arity: 0 | 1 | 'many',
    tensors: (number | null)[],
    input: number | null | undefined,
    call: ast.CallExpr,
    scope: Scope,
  ): { inputs: number[]; ok: boolean } {
    if (arity === 0) return { inputs: [], ok: true };
    if (input === undefined && !(arity === 'many' && tensors.length >= 2)) {
      this.reportMissingInput(call, scope);
      return { inputs: [], ok: false };
    }
    if (arity === 1) return input === null ? { inputs: [], ok: false } : { inputs: [input as number], ok: true };
    if (tensors.length === 0) {
      this.diags.push({
        code: 'missing-argument',
        severity: 'error',
        message: `${call.callee.name}() needs the tensors to merge, e.g. ${call.callee.name}(skip).`,
        span: call.span,
      });
      return { inputs: [], ok: false };
    }
    // One name merges the current tensor with it; two or more are the complete list.
    const all = tensors.length === 1 ? [input as number | null, tensors[0]] : tensors;
    return all.includes(null) ? { inputs: all.filter((t): t is number => t !== null), ok: false } : { inputs: all as number[], ok: true };
  }

  /** A merge argument: a tensor name, or a chain starting from one (`skip -> conv2d(64, 1)`). */
  private tensorArg(expr: ast.Ident | ast.ChainExpr, scope: Scope, stmt: ast.Statement): number | null {
    if (expr.kind === 'ident') return this.reference(expr, scope);
    let cur: number | null = null;
    for (const elem of expr.elems) cur = elem.kind === 'ident' ? this.reference(elem, scope) : this.layerCall(elem, cur, scope, stmt);
    return cur;
  }

  reportMissingInput(call: ast.CallExpr, scope: Scope): void {
    const names = this.destructured.get(scope);
    if (names && scope.current === undefined) return void this.diags.push(missingAfterDestructuring(call, names));
    if (this.missingInputReported) return;
    this.missingInputReported = true;
    const inBlock = scope.blockStack.length > 0;
    this.diags.push({
      code: 'missing-input',
      severity: 'error',
      message: inBlock
        ? `${call.callee.name}() has no input tensor.`
        : `${call.callee.name}() has no input: a model starts with input(…), e.g. input(28, 28, 1).`,
      span: call.callee.span,
      fixes: inBlock
        ? undefined
        : [{ title: 'Insert input(28, 28, 1) before it', edits: [{ span: span(call.span.start, call.span.start), newText: 'input(28, 28, 1)\n  ' }] }],
    });
  }

  /** Reports a call to no layer or block; the edge is kept so the layers before it are not also reported as unused. */
  private unknownLayer(callee: ast.Ident, input: number | null | undefined, scope: Scope): LayerBinding {
    const unbound = { args: {}, argSpans: {}, inputs: typeof input === 'number' ? [input] : [], valid: false };
    // `× 100000` or a block used many times meets the same call again: one suggestion search per place, not per layer.
    if (this.unknownReported.has(callee.span.start)) return unbound;
    this.unknownReported.add(callee.span.start);
    const names = [...this.ctx.registry.names(), ...this.ctx.blocks.keys(), ...this.ctx.library.keys()];
    const s = suggest(callee.name, names, callee.span);
    const isTensor = scope.tensors.has(callee.name);
    this.diags.push({
      code: 'unknown-layer',
      severity: 'error',
      message: isTensor
        ? `'${callee.name}' is a tensor, not a layer; to continue from it write '${callee.name} -> …'.`
        : `Unknown layer '${callee.name}'${didYouMean(s, '.')}`,
      span: callee.span,
      fixes: s ? [s.fix] : undefined,
    });
    return unbound;
  }

  /** `output(a, b)`: declares the model outputs explicitly. */
  private output(call: ast.CallExpr, input: number | null | undefined, scope: Scope): number | null | undefined {
    if (scope.blockStack.length > 0) {
      this.diags.push({
        code: 'unknown-layer',
        severity: 'error',
        message: 'output(…) declares model outputs and is only allowed in a model body.',
        span: call.callee.span,
      });
      return input;
    }
    const ids: number[] = [];
    for (const arg of call.args) {
      if (arg.value.kind === 'ident') {
        const id = this.reference(arg.value, scope);
        if (id !== null) ids.push(id);
      } else {
        this.diags.push({ code: 'invalid-argument', severity: 'error', message: 'output(…) takes tensor names.', span: arg.span });
      }
    }
    if (call.args.length === 0 && typeof input === 'number') ids.push(input);
    this.outputs = [...(this.outputs ?? []), ...ids];
    return input;
  }

  /**
   * Completes and adds a node; null when the work budget is spent (the node is dropped). `fields` is a fresh literal
   * whose `id` and `name` are placeholders, filled in here.
   */
  push(fields: GraphNode, scope: Scope, target?: ast.Ident): number | null {
    const id = this.nodes.length;
    let base = target && !target.missing ? target.name : '';
    if (!base) {
      let n = this.kindCounters.get(fields.kind) ?? 0;
      do n++;
      while (this.assigned.has(`${fields.kind}_${n}`));
      this.kindCounters.set(fields.kind, n);
      base = `${fields.kind}_${n}`;
    }
    // `fields` is a fresh literal from layer(): completing it in place avoids an object spread per node,
    // which was the largest single cost of lowering a 1,000-layer model; the literal already has the two
    // placeholders, so filling them keeps every field inside the object (adding them would give each node a
    // second, out-of-object property store).
    const node = fields as { -readonly [K in keyof GraphNode]: GraphNode[K] };
    node.id = id;
    node.name = scope.prefix + base;
    if (!this.budget.layer(node.name, scope.library ?? node.span)) return null;
    if (scope.library) pinToCallSite(node, scope.library);
    this.nodes.push(node);
    return id;
  }
}

/** A merge layer's unnamed tensor name or chain argument: an input, not a value. */
function isTensorArg(def: LayerDef, arg: ast.Arg): arg is ast.Arg & { readonly value: ast.Ident | ast.ChainExpr } {
  return def.arity === 'many' && !arg.name && (arg.value.kind === 'ident' || arg.value.kind === 'chain');
}
