// Completion: layer kinds (with snippets), blocks, tensors in scope, argument names, enum values, training settings.

import type { Analysis } from '../core/analyze';
import { defaultRegistry } from '../core/model/layers';
import type { ArgSpec, LayerDef } from '../core/model/registry';
import { AUGMENTATIONS } from '../core/model/train-augment';
import { DATASETS, LOSSES, METRICS, OPTIMIZERS, TRAIN_KEYS } from '../core/model/train-config';
import * as ast from '../core/syntax/ast';
import { flatStatements } from '../core/syntax/walk';
import { fnBody, fnSnippet, ifSnippets, valueFunctionItems } from './completion-values';
import { trainableNames } from './train-tune';
import { argLabel, blockSignature, layerSignature, TRAIN_KEY_DOCS, typeText } from './signatures';
import { tokenContext, type TokenContext } from './token-context';

export type CompletionKind = 'class' | 'keyword' | 'enum-member' | 'function' | 'property' | 'value' | 'field' | 'module' | 'variable';

/** One completion, editor-neutral: `snippet` marks `insertText` with `$1` placeholders. */
export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  readonly insertText?: string;
  readonly snippet?: true;
  readonly filterText?: string;
  readonly sortText?: string;
  readonly preselect?: true;
  /** Ask for completions again after inserting (an argument name whose values are a fixed set). */
  readonly retrigger?: boolean;
}

export function completion(analysis: Analysis, offset: number): CompletionEntry[] {
  const text = analysis.text;
  const ctx = tokenContext(analysis.parse, text, offset);
  if (ctx.inert) return [];
  if (!ctx.item) return topLevel(analysis, ctx);
  if (ctx.item.kind === 'train') return tuneNames(analysis, ctx, ctx.item) ?? trainBody(ctx, ctx.item);
  if (ctx.item.kind === 'fn') return fnBody(analysis, ctx.item);
  if (ctx.open) return insideBrackets(analysis, ctx, ctx.item);
  return chainStart(analysis, ctx, ctx.item);
}

function prevKind(ctx: TokenContext, back = 0): string | undefined {
  return ctx.tokens[ctx.prev - back]?.kind;
}

function prevText(ctx: TokenContext, back = 0): string | undefined {
  return ctx.tokens[ctx.prev - back]?.text;
}

// ---- top level and training sections --------------------------------------------------------

function topLevel(analysis: Analysis, ctx: TokenContext): CompletionEntry[] {
  if (prevKind(ctx) === 'ident' && prevText(ctx) === 'train' && !ctx.tokens[ctx.prev + 1]?.newlineBefore) {
    return analysis.models.map((m) => ({ label: m.graph.name, kind: 'class', detail: 'model' }));
  }
  const snippets: [string, string, string][] = [
    ['model', 'model ${1:Name} {\n  input(${2:28}, ${3:28}, ${4:1})\n  $0\n}', 'A model: layers from input to output.'],
    ['block', 'block ${1:name}(${2:filters}) {\n  $0\n}', 'A reusable group of layers with parameters.'],
    ['train', 'train ${1:Model} {\n  data: ${2:shapes}\n  optimizer: adam(lr: ${3:0.001})\n  loss: crossentropy\n  epochs: ${4:5}\n}', 'How to train a model.'],
    fnSnippet(),
  ];
  return snippets.map(([label, snippet, doc]) => ({
    label,
    kind: 'keyword',
    insertText: snippet,
    snippet: true,
    documentation: doc,
  }));
}

function trainBody(ctx: TokenContext, item: ast.TrainDecl): CompletionEntry[] {
  if (ctx.open) {
    if (ctx.open.kind === '[' && keyBefore(ctx, ctx.open.index) === 'metrics') return words(METRICS, 'enum-member');
    if (ctx.open.kind === '[' && keyBefore(ctx, ctx.open.index) === 'augment') return augmentItems();
    const settings = ctx.open.callee ? OPTIMIZERS[ctx.open.callee] : undefined;
    if (settings && (prevKind(ctx) === '(' || prevKind(ctx) === ',')) return settings.map((s) => argItem(s, 'optimizer setting'));
    return [];
  }
  if (prevKind(ctx) === ':') return trainValues(prevText(ctx, 1) ?? '');
  const given = new Set(item.entries.map((e) => e.key.name));
  return TRAIN_KEYS.filter((k) => !given.has(k) || ctx.prefix === k).map((k) => ({
    label: k,
    kind: 'property',
    insertText: `${k}: `,
    documentation: TRAIN_KEY_DOCS[k],
  }));
}

/** Layer and block-instance names in `freeze: [|]`, `freeze: |` and `lr_mult: layers(|)`; undefined elsewhere. */
function tuneNames(analysis: Analysis, ctx: TokenContext, item: ast.TrainDecl): CompletionEntry[] | undefined {
  const model = analysis.models.find((m) => m.graph.name === item.model.name);
  const inList = ctx.open?.kind === '[' && keyBefore(ctx, ctx.open.index) === 'freeze' && ['[', ','].includes(prevKind(ctx) ?? '');
  const bare = !ctx.open && prevKind(ctx) === ':' && prevText(ctx, 1) === 'freeze';
  const inLayers = ctx.open?.callee === 'layers' && keyBefore(ctx, ctx.open.index - 1) === 'lr_mult' && ['(', ','].includes(prevKind(ctx) ?? '');
  if (!model || !(inList || bare || inLayers)) return undefined;
  const names = trainableNames(model);
  return inLayers ? names.map((n) => argItem(n, 'learning-rate factor')) : words(names, 'variable');
}

function keyBefore(ctx: TokenContext, index: number): string | undefined {
  return ctx.tokens[index - 1]?.kind === ':' ? ctx.tokens[index - 2]?.text : undefined;
}

function trainValues(key: string): CompletionEntry[] {
  switch (key) {
    case 'data':
      return words(DATASETS, 'enum-member');
    case 'optimizer':
      return Object.keys(OPTIMIZERS).map((o) => ({
        label: o,
        kind: 'function',
        insertText: `${o}(lr: \${1:${o === 'sgd' ? '0.01' : '0.001'}})`,
        snippet: true,
        detail: `${o}(${OPTIMIZERS[o].join(', ')})`,
      }));
    case 'loss':
      return words(LOSSES, 'enum-member');
    case 'metrics':
      return [{ label: '[accuracy]', kind: 'value' }, ...words(METRICS, 'enum-member')];
    case 'normalize':
      return [
        { label: 'auto', kind: 'enum-member', documentation: 'Mean and std per channel of the training split.' },
        { label: 'stats', kind: 'function', insertText: 'stats(mean: ${1:0.5}, std: ${2:0.25})', snippet: true, detail: 'stats(mean, std)' },
      ];
    case 'augment':
      return [{ label: '[flip, crop(pad: 4)]', kind: 'value' }, ...augmentItems()];
    default:
      return [];
  }
}

// ---- inside a call --------------------------------------------------------------------------

function insideBrackets(analysis: Analysis, ctx: TokenContext, item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  const open = ctx.open!;
  const callee = open.callee ?? '';
  const def = defaultRegistry.get(callee);
  const block = analysis.blocks.get(callee) ?? analysis.library.get(callee);
  // `name: |` — the value of a named argument.
  if (prevKind(ctx) === ':' && ctx.prev - 1 > open.index) {
    const spec = def?.args.find((a) => a.name === prevText(ctx, 1));
    // An enum or boolean takes one of its words, never a computed number.
    const words = spec && (spec.type.type === 'enum' || spec.type.type === 'bool');
    return [...(spec ? valuesOf(spec) : []), ...(words ? scopeParams(item) : scopeValues(analysis, item))];
  }
  if (prevKind(ctx) === '->') return chainItems(analysis, item);
  if (prevKind(ctx) !== '(' && prevKind(ctx) !== ',') return scopeValues(analysis, item);
  const given = namedArgs(ctx, open.index);
  const items: CompletionEntry[] = [];
  if (def) {
    for (const spec of def.args)
      if (!given.has(spec.name) && spec.type.type !== 'tensors' && !spec.rest) items.push(argItem(spec.name, typeText(spec.type), spec));
    if (def.arity === 'many') items.push(...tensorItems(item));
  } else if (block) {
    for (const p of block.params) if (!given.has(p.name.name)) items.push(argItem(p.name.name, `parameter of ${block.name.name}`));
    items.push(...tensorItems(item));
  }
  return [...items, ...scopeParams(item), ...valueFunctionItems(analysis)];
}

function namedArgs(ctx: TokenContext, openIndex: number): Set<string> {
  const names = new Set<string>();
  let depth = 0;
  for (let i = openIndex + 1; i <= ctx.prev; i++) {
    const t = ctx.tokens[i];
    if (t.kind === '(' || t.kind === '[') depth++;
    else if (t.kind === ')' || t.kind === ']') depth--;
    else if (depth === 0 && t.kind === 'ident' && ctx.tokens[i + 1]?.kind === ':') names.add(t.text);
  }
  return names;
}

function valuesOf(spec: ArgSpec): CompletionEntry[] {
  if (spec.type.type === 'enum' || spec.type.type === 'padding') return words(spec.type.values, 'enum-member', spec.default);
  if (spec.type.type === 'bool') return words(['true', 'false'], 'enum-member', spec.default);
  return [];
}

function argItem(name: string, detail: string, spec?: ArgSpec): CompletionEntry {
  return {
    label: `${name}:`,
    filterText: name,
    kind: 'field',
    insertText: `${name}: `,
    detail: spec ? `${argLabel(spec)} — ${detail}` : detail,
    documentation: spec?.doc,
    // Arguments first, before tensor and parameter names.
    sortText: `0_${name}`,
    // Enum and boolean arguments go straight on to their values.
    retrigger: spec !== undefined && (spec.type.type === 'enum' || spec.type.type === 'padding' || spec.type.type === 'bool'),
  };
}

// ---- chain positions ------------------------------------------------------------------------

function chainStart(analysis: Analysis, ctx: TokenContext, item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  const k = prevKind(ctx);
  const next = ctx.tokens[ctx.prev + 1];
  const atLineStart =
    ctx.prev < 0 ||
    k === '{' ||
    k === ';' ||
    (next !== undefined && next.span.start >= ctx.prefixStart && next.newlineBefore) ||
    lineStartsAt(analysis.text, ctx.prefixStart);
  if (k === '=' || k === '->') return chainItems(analysis, item);
  if (atLineStart) return [...chainItems(analysis, item), ...ifSnippets()];
  // After `if` the condition is a value.
  if (k === 'ident' && prevText(ctx) === 'if') return scopeValues(analysis, item);
  return [];
}

function lineStartsAt(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

function chainItems(analysis: Analysis, item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  const layers = defaultRegistry.all().map(layerItem);
  const own = analysis.blocks;
  const library = [...analysis.library.values()].filter((b) => !own.has(b.name.name));
  const blocks = [...own.values(), ...library].map((b) => blockItem(b, analysis.text));
  return [...layers, ...blocks, ...tensorItems(item)];
}

function layerItem(def: LayerDef): CompletionEntry {
  const required = def.args.filter((a) => a.default === undefined && !(a.rest && def.kind !== 'input' && def.arity !== 'many'));
  let n = 0;
  const placeholders = required.map((a) => {
    if (def.kind === 'input') return '${1:28}, ${2:28}, ${3:1}';
    if (a.type.type === 'enum') return `\${${++n}|${a.type.values.join(',')}|}`;
    return `\${${++n}:${a.type.type === 'tensors' ? 'skip' : a.name}}`;
  });
  return {
    label: def.kind,
    kind: 'function',
    detail: layerSignature(def),
    documentation: def.summary,
    insertText: `${def.kind}(${placeholders.join(', ')})`,
    snippet: true,
    sortText: `1_${def.kind}`,
  };
}

function blockItem(block: ast.BlockDecl, text: string): CompletionEntry {
  const required = block.params.filter((p) => !p.default);
  return {
    label: block.name.name,
    kind: 'module',
    detail: blockSignature(block, text),
    documentation: block.doc,
    insertText: `${block.name.name}(${required.map((p, i) => `\${${i + 1}:${p.name.name}}`).join(', ')})`,
    snippet: true,
    sortText: `0_${block.name.name}`,
  };
}

function tensorItems(item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  const names = flatStatements(item.body).flatMap((s) => ast.targetsOf(s).flatMap((t) => (t.missing ? [] : [t.name])));
  if (item.kind === 'block') names.unshift('in');
  return [...new Set(names)].map((n) => ({ label: n, kind: 'variable', detail: 'tensor', sortText: `0_${n}` }));
}

function scopeParams(item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  if (item.kind !== 'block') return [];
  return item.params.map((p) => ({
    label: p.name.name,
    kind: 'variable',
    detail: `parameter of ${item.name.name}`,
    sortText: `2_${p.name.name}`,
  }));
}

function scopeValues(analysis: Analysis, item: ast.ModelDecl | ast.BlockDecl): CompletionEntry[] {
  return [...scopeParams(item), ...valueFunctionItems(analysis)];
}

/** Each augmentation, as a call with its argument's default. */
function augmentItems(): CompletionEntry[] {
  return Object.entries(AUGMENTATIONS).map(([name, a]) => ({
    label: name,
    kind: 'function',
    insertText: name === 'flip' ? 'flip' : `${name}(${a.arg}: \${1:${a.fallback}})`,
    snippet: true,
    detail: `${name}(${a.arg}: ${a.fallback})`,
  }));
}

function words(values: readonly string[], kind: CompletionKind, preselect?: unknown): CompletionEntry[] {
  return values.map((v) => ({ label: v, kind, preselect: v === preselect || undefined }));
}
