// Tensor facts shared by hover, symbols and inlay hints: what a name stands for and the shapes it has.

import type { Analysis } from '../core/analyze';
import type { Shape } from '../core/model/values';
import * as ast from '../core/syntax/ast';
import { flatStatements } from '../core/syntax/walk';
import type { Facts, LayerFact } from './facts';

export interface TensorFacts {
  /** One entry per model/instance where the tensor exists. */
  readonly shapes: readonly (Shape | null)[];
  readonly statement?: ast.Statement;
  /** True for a block's `in`. */
  readonly blockInput: boolean;
}

/** What a tensor name stands for: the statement that defines it and the shapes its layer produced. */
export function tensorFacts(analysis: Analysis, facts: Facts, item: ast.Item, name: string, depth = 0): TensorFacts {
  if (item.kind === 'train' || item.kind === 'fn') return { shapes: [], blockInput: false };
  if (item.kind === 'block' && name === 'in') return { shapes: [], blockInput: true };
  const statement = flatStatements(item.body).find((s) => ast.targetsOf(s).some((t) => t.name === name));
  const last = statement?.chain[statement.chain.length - 1];
  if (!statement || !last) return { shapes: [], blockInput: false };
  if (last.kind === 'ident') {
    if (depth > 20) return { shapes: [], statement, blockInput: false };
    const inner = tensorFacts(analysis, facts, item, last.name, depth + 1);
    return { ...inner, statement };
  }
  const made = facts.layersByCall.get(last.call.span.start) ?? [];
  // The parts of `a, b = split(2)` share one call: each name's shape is the slice node named after it.
  const own = statement.targets ? made.filter((f) => f.info.node.target === name) : made;
  return { shapes: lastPerInstance(own).map((f) => f.info.shape), statement, blockInput: false };
}

/** With repetition (`× 3`) a call makes several nodes per instance: the tensor is the last one of each. */
export function lastPerInstance(list: readonly LayerFact[]): LayerFact[] {
  const byInstance = new Map<string, LayerFact>();
  for (const f of list) byInstance.set(`${f.model.graph.name}:${f.info.node.callSites.map((c) => c.instance).join('/')}`, f);
  return [...byInstance.values()];
}

export function distinct<T>(values: readonly T[], key: (v: T) => string = (v) => JSON.stringify(v)): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}
