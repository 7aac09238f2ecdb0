// Shared wording for hover, completion and signature help: layer signatures, argument types, tensor facts.

import type { Analysis } from '../core/analyze';
import type { GraphNode } from '../core/model/graph';
import { sourceSlice } from '../core/model/library';
import type { ArgSpec, ArgType, ArgValue, LayerDef } from '../core/model/registry';
import type { Shape } from '../core/model/values';
import type * as ast from '../core/syntax/ast';
import type { Facts, LayerFact } from './facts';

export const TRAIN_KEY_DOCS: Readonly<Record<string, string>> = {
  data: 'Data set: `shapes`, `mnist`, `fashion_mnist`, `cifar10` or `folder("path")`.',
  optimizer: 'Optimizer and its settings, e.g. `adam(lr: 0.001)`, `sgd(lr: 0.01, momentum: 0.9)`.',
  loss: 'Loss function, e.g. `crossentropy`, `mse`.',
  metrics: 'Metrics reported during training, e.g. `[accuracy]`.',
  epochs: 'Passes over the training data (positive integer, default 5).',
  batch: 'Samples per gradient step (positive integer, default 32).',
  validation: 'Fraction of the data held out for validation, in [0, 1) (default 0.1).',
  seed: 'Random seed for weight initialisation and shuffling (integer).',
};

export function typeText(t: ArgType): string {
  switch (t.type) {
    case 'enum':
      return t.values.join(' | ');
    case 'ints':
      return 'int | (int, int)';
    case 'dims':
      return 'ints…';
    case 'tensors':
      return 'tensors…';
    default:
      return t.type;
  }
}

export function argValueText(v: ArgValue): string {
  if (v === null) return 'none';
  if (Array.isArray(v)) return v.join('×');
  return String(v);
}

/** `padding = valid`, `filters`, `shape…`: one argument as shown in signatures. */
export function argLabel(spec: ArgSpec): string {
  if (spec.rest) return `${spec.name}…`;
  if (spec.default === undefined) return spec.name;
  return `${spec.name} = ${argValueText(spec.default)}`;
}

export function layerSignature(def: LayerDef, name = def.kind): string {
  return `${name}(${def.args.map(argLabel).join(', ')})`;
}

export function blockSignature(block: ast.BlockDecl, text: string): string {
  const params = block.params.map((p) => (p.default ? `${p.name.name} = ${sourceSlice(text, p.default.span)}` : p.name.name));
  return `block ${block.name.name}(${params.join(', ')})`;
}

/** Arguments that differ from their defaults, e.g. `filters: 16, kernel: 3×3, padding: same`. */
export function keyArgs(node: GraphNode): string {
  const def = node.def;
  if (!def) return '';
  const parts: string[] = [];
  for (const spec of def.args) {
    const v = node.args[spec.name];
    if (v === undefined || spec.type.type === 'tensors') continue;
    if (spec.default !== undefined && sameValue(v, spec.default)) continue;
    if (spec.rest && Array.isArray(v) && v.length === 0) continue;
    parts.push(`${spec.name}: ${Array.isArray(v) ? (v as number[]).join('×') : argValueText(v)}`);
  }
  return parts.join(', ');
}

function sameValue(v: ArgValue, d: ArgValue): boolean {
  if (Array.isArray(v)) return typeof d === 'number' ? (v as number[]).every((x) => x === d) : JSON.stringify(v) === JSON.stringify(d);
  return v === d;
}

export interface TensorFacts {
  /** One entry per model/instance where the tensor exists. */
  readonly shapes: readonly (Shape | null)[];
  readonly statement?: ast.Statement;
  /** True for a block's `in`. */
  readonly blockInput: boolean;
}

/** What a tensor name stands for: the statement that defines it and the shapes its layer produced. */
export function tensorFacts(analysis: Analysis, facts: Facts, item: ast.Item, name: string, depth = 0): TensorFacts {
  if (item.kind === 'train') return { shapes: [], blockInput: false };
  if (item.kind === 'block' && name === 'in') return { shapes: [], blockInput: true };
  const statement = item.body.find((s) => s.target?.name === name);
  const last = statement?.chain[statement.chain.length - 1];
  if (!statement || !last) return { shapes: [], blockInput: false };
  if (last.kind === 'ident') {
    if (depth > 20) return { shapes: [], statement, blockInput: false };
    const inner = tensorFacts(analysis, facts, item, last.name, depth + 1);
    return { ...inner, statement };
  }
  return { shapes: lastPerInstance(facts.layersByCall.get(last.call.span.start) ?? []).map((f) => f.info.shape), statement, blockInput: false };
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
