// The one renderer of layer signatures, argument types and values: hover, completion, signature help, the model
// graph's labels and the generated docs/layers.md all speak through it, so they never disagree.

import type { GraphNode } from '../core/model/graph';
import { sourceSlice } from '../core/model/library';
import { splitPartCount } from '../core/model/layers/split';
import type { ArgSpec, ArgType, ArgValue, LayerDef, LayerRegistry } from '../core/model/registry';
import type * as ast from '../core/syntax/ast';

/** What each `train` key means, for hover and completion. */
export const TRAIN_KEY_DOCS: Readonly<Record<string, string>> = {
  data: 'Data set: `shapes`, `mnist`, `fashion_mnist`, `cifar10` or `folder("path")`.',
  optimizer: 'Optimizer and its settings, e.g. `adam(lr: 0.001)`, `sgd(lr: 0.01, momentum: 0.9)`.',
  loss: 'Loss function, e.g. `crossentropy`, `mse`.',
  metrics: 'Metrics reported during training, e.g. `[accuracy]`.',
  epochs: 'Passes over the training data (positive integer, default 5).',
  batch: 'Samples per gradient step (positive integer, default 32).',
  validation: 'Fraction of the data held out for validation, in [0, 1) (default 0.1).',
  seed: 'Random seed for weight initialisation and shuffling (integer).',
  normalize: 'Per-channel input normalisation: `auto` (mean and std of the training split) or `stats(mean: [..], std: [..])`.',
  augment:
    'Training-split augmentations, drawn per sample from the seed: `[flip, crop(pad: 4), rotate(15), translate(3), brightness(0.2), contrast(0.2), cutout(8)]`.',
  freeze: 'Layers or block instances left untrained, e.g. `[stem, basic_1]`; a frozen batch norm runs in inference mode.',
  unfreeze: 'Epochs the `freeze:` layers stay frozen; after them they train too (positive integer).',
  init: 'Weights folder to start from, e.g. `"base.runs/Net"` (relative to this file); `stride train --init` overrides it.',
  lr_mult: 'Learning-rate factor per layer or block instance, e.g. `layers(stem: 0.1, head: 10)`.',
};

/** An argument's type as written in hover, completion details and the reference tables. */
export function typeText(t: ArgType): string {
  switch (t.type) {
    case 'enum':
      return t.values.join(' | ');
    case 'padding':
      return `${t.values.join(' | ')} | int | (int, …)`;
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

/**
 * An argument value as source text. A `null` default reads `auto` everywhere: the registry uses it only for
 * values derived from another argument (a pooling stride from the window, `value_dim` from `key_dim`).
 */
export function argValueText(v: ArgValue): string {
  if (v === null) return 'auto';
  if (Array.isArray(v)) return v.length === 1 ? String(v[0]) : `(${v.join(', ')})`;
  return String(v);
}

/** `padding = valid`, `filters`, `shape…`: one argument as shown in signatures. */
export function argLabel(spec: ArgSpec): string {
  if (spec.rest) return `${spec.name}…`;
  if (spec.default === undefined) return spec.name;
  return `${spec.name} = ${argValueText(spec.default)}`;
}

/** `conv2d(filters, kernel, stride = 1, padding = valid, …)`, under the name it was called by (an alias). */
export function layerSignature(def: LayerDef, name = def.kind): string {
  return `${name}(${def.args.map(argLabel).join(', ')})`;
}

/** `block basic(f, stride = 1)`, defaults as written in the source. */
export function blockSignature(block: ast.BlockDecl, text: string): string {
  const params = block.params.map((p) => (p.default ? `${p.name.name} = ${sourceSlice(text, p.default.span)}` : p.name.name));
  return `block ${block.name.name}(${params.join(', ')})`;
}

/** Arguments that rarely matter when reading an architecture; the hover in the editor still shows them. */
const QUIET = new Set(['l1', 'l2', 'momentum', 'epsilon', 'center', 'scale', 'inputs', 'shape']);
const MAX_ARGS_TEXT = 40;

/** The non-default arguments of a layer in short form, for node labels: `64, 7×7, /2, same, no bias`. */
export function keyArgs(node: GraphNode): string {
  // A slice lowered from `a, b = split(…)` is known by its place among the parts.
  if (typeof node.args.part === 'number') return `part ${node.args.part + 1} of ${splitPartCount(node.args.parts)}`;
  const parts: string[] = [];
  for (const spec of node.def?.args ?? []) {
    if (QUIET.has(spec.name)) continue;
    const value = node.args[spec.name];
    if (value === undefined || value === null || isDefault(spec, value)) continue;
    parts.push(shortArg(spec, value));
  }
  const text = parts.join(', ');
  return text.length > MAX_ARGS_TEXT ? `${text.slice(0, MAX_ARGS_TEXT - 1)}…` : text;
}

function isDefault(spec: ArgSpec, value: ArgValue): boolean {
  if (!('default' in spec)) return false;
  return sameValue(perAxis(spec.default ?? null), perAxis(value));
}

/** `(3, 3)` and `3` mean the same for a per-axis argument. */
function perAxis(value: ArgValue): ArgValue {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v === value[0])) return value[0];
  return value;
}

function sameValue(a: ArgValue, b: ArgValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

function shortArg(spec: ArgSpec, value: ArgValue): string {
  const plain = Array.isArray(value) ? value.join('×') : String(value);
  switch (spec.name) {
    case 'kernel':
    case 'pool':
    case 'size':
      return Array.isArray(value) ? plain : `${plain}×${plain}`;
    case 'stride':
      return `/${Array.isArray(value) && perAxis(value) !== value ? perAxis(value) : plain}`;
    case 'padding':
      return Array.isArray(value) ? `pad ${paddingText(value)}` : plain;
    case 'activation':
    case 'fn':
    case 'interpolation':
      return plain;
    case 'bias':
      return value === false ? 'no bias' : 'bias';
    default:
      return 'default' in spec ? `${spec.name} ${plain}` : plain;
  }
}

/** Per-side padding as it would be written: `1` when every side agrees, `(1, 2)` per axis, else every side. */
export function paddingText(sides: readonly number[]): string {
  if (sides.every((p) => p === sides[0])) return String(sides[0]);
  const axes = sides.filter((_, i) => i % 2 === 0);
  if (axes.every((p, i) => p === sides[2 * i + 1]) && axes.length > 1) return `(${axes.join(', ')})`;
  return `(${sides.join(', ')})`;
}

/** Markdown for one layer kind: summary, signature, parameter formula and argument table. */
export function layerMarkdown(def: LayerDef): string {
  const lines = [`### \`${def.kind}\``, '', def.summary, '', '```', layerSignature(def), '```'];
  if (def.aliases?.length) lines.push('', `Also: ${def.aliases.map((a) => `\`${a}\``).join(', ')}.`);
  if (def.paramsDoc) lines.push('', `Parameters: ${def.paramsDoc}`);
  if (def.args.length > 0) {
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    lines.push('', '| argument | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const a of def.args) {
      const dflt = a.rest ? '' : a.default === undefined ? 'required' : argValueText(a.default);
      lines.push(`| \`${a.name}\`${a.namedOnly ? ' (named)' : ''} | ${cell(typeText(a.type))} | ${cell(dflt)} | ${cell(a.doc)} |`);
    }
  }
  return lines.join('\n');
}

const CATEGORY_TITLES: Record<string, string> = {
  input: 'Inputs',
  convolution: 'Convolution',
  pooling: 'Pooling',
  normalization: 'Normalization',
  regularization: 'Regularization',
  core: 'Core',
  activation: 'Activations',
  merge: 'Merges',
  spatial: 'Spatial',
  recurrent: 'Recurrent',
  attention: 'Attention',
};

/** The whole catalogue as one Markdown document (docs/layers.md), grouped by category in registration order. */
export function layerReference(registry: LayerRegistry): string {
  const out = [
    '# Layer reference',
    '',
    'Generated from the layer registry (`core/model/layers/`) by `ide/signatures.ts`; regenerate with `npm run docs`. Shapes are channels-last with the batch dimension implicit; parameter counts follow Keras.',
  ];
  const categories = [...new Set(registry.all().map((d) => d.category))];
  for (const category of categories) {
    out.push('', `## ${CATEGORY_TITLES[category] ?? category}`);
    for (const def of registry.all().filter((d) => d.category === category)) out.push('', layerMarkdown(def));
  }
  return out.join('\n') + '\n';
}
