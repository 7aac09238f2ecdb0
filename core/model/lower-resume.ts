// Checkpoints of a model body's lowering, so one statement can be lowered again exactly as a fresh analysis would.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { Budget, type BudgetCounts } from './budget';
import type { GraphNode } from './graph';
import { ModelLowerer } from './lower';
import { modelScope, type Scope, type StatementObserver, type TensorRef } from './scope';

/** Statements between checkpoints: resuming replays at most this many before the statement asked for. */
export const CHECKPOINT_EVERY = 1024;

/** The lowering state before one statement. Lists that only grow are kept as lengths of the final ones. */
interface Checkpoint {
  readonly index: number;
  readonly nodes: number;
  readonly outputs: number[] | undefined;
  readonly kindCounters: ReadonlyMap<string, number>;
  readonly instanceCounters: ReadonlyMap<string, number>;
  readonly missingInputReported: boolean;
  readonly unknownReported: number;
  readonly tensors: number;
  readonly current: number | null | undefined;
  readonly destructured: readonly string[] | undefined;
  readonly budget: BudgetCounts;
  /** How many problems were known: the budget stops a file past LIMITS.diagnostics. */
  readonly diagnostics: number;
}

interface ModelRecord {
  readonly lowerer: ModelLowerer;
  readonly scope: Scope;
  readonly points: Checkpoint[];
}

/** What lowering one statement again gives: its nodes, and how many nodes the statements before it made. */
export interface Relowered {
  readonly nodes: readonly GraphNode[];
  readonly before: number;
}

/** Records checkpoints while `analyze()` lowers (pass it as `checkpoints`), then lowers a statement again from them. */
export class Checkpoints implements StatementObserver {
  private readonly models = new Map<ast.ModelDecl, ModelRecord>();

  record(model: ast.ModelDecl, index: number, lowerer: ModelLowerer, scope: Scope): void {
    let rec = this.models.get(model);
    if (!rec) this.models.set(model, (rec = { lowerer, scope, points: [] }));
    if (index % CHECKPOINT_EVERY !== 0) return;
    rec.points.push({
      index,
      nodes: lowerer.nodes.length,
      outputs: lowerer.outputs,
      kindCounters: new Map(lowerer.kindCounters),
      instanceCounters: new Map(lowerer.instanceCounters),
      missingInputReported: lowerer.missingInputReported,
      unknownReported: lowerer.unknownReported.size,
      tensors: scope.tensors.size,
      current: scope.current,
      destructured: lowerer.destructured.get(scope),
      budget: lowerer.budget.counts(),
      diagnostics: lowerer.ctx.diagnostics.length,
    });
  }

  /** Whether `model` (that very declaration) was lowered while recording. */
  has(model: ast.ModelDecl): boolean {
    return this.models.has(model);
  }

  /**
   * Lowers `stmt` in place of statement `index` of `model`, in the state the statements before it left: the nearest
   * checkpoint, then the statements after it replayed. Equal to a fresh lowering when the text before the statement,
   * the names assigned anywhere, the blocks and the functions are unchanged (core/incremental.ts checks that).
   */
  relower(model: ast.ModelDecl, index: number, stmt: ast.BodyStatement, text: string): Relowered | undefined {
    const rec = this.models.get(model);
    const cp = rec?.points[Math.floor(index / CHECKPOINT_EVERY)];
    if (!rec || !cp || index >= model.body.length) return undefined;
    const { lowerer, scope } = resume(rec, cp, text);
    for (let i = cp.index; i < index; i++) lowerer.statement(model.body[i], scope);
    const before = lowerer.nodes.length;
    lowerer.statement(stmt, scope);
    return { nodes: lowerer.nodes.slice(before), before };
  }
}

/** A lowerer and model scope in the state of `cp`. */
function resume(rec: ModelRecord, cp: Checkpoint, text: string): { lowerer: ModelLowerer; scope: Scope } {
  const old = rec.lowerer;
  // Only the number of problems matters to the budget; their contents stay with the full analysis.
  const diagnostics: Diagnostic[] = [];
  diagnostics.length = cp.diagnostics;
  const budget = Budget.resumed(diagnostics, cp.budget);
  const lowerer = new ModelLowerer({ ...old.ctx, text, diagnostics, budget, checkpoints: undefined }, old.assigned);
  // Lowering only counts the nodes before (a node's id is the list's length), never reads them: a sparse prefix.
  lowerer.nodes.length = cp.nodes;
  lowerer.outputs = cp.outputs;
  for (const [k, v] of cp.kindCounters) lowerer.kindCounters.set(k, v);
  for (const [k, v] of cp.instanceCounters) lowerer.instanceCounters.set(k, v);
  lowerer.missingInputReported = cp.missingInputReported;
  for (const start of firstOf(old.unknownReported, cp.unknownReported)) lowerer.unknownReported.add(start);
  const scope = modelScope();
  for (const [name, ref] of firstOf<[string, TensorRef]>(rec.scope.tensors, cp.tensors)) scope.tensors.set(name, ref);
  scope.current = cp.current;
  if (cp.destructured) lowerer.destructured.set(scope, cp.destructured);
  return { lowerer, scope };
}

/** The first `n` entries of a set or map that only ever grew: what it held when it had `n`. */
function* firstOf<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n === 0) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}
