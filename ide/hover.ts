// Hover: layer facts (shape, parameter formula, MACs, memory, receptive field), tensors, blocks, models, arguments; values in hover-values.ts.

import type { Analysis, ModelAnalysis } from '../core/analyze';
import { estimateTrainingMemory, type MemoryEstimate } from '../core/model/memory';
import { formatBytes, formatCompact, formatShape } from '../core/model/values';
import type * as ast from '../core/syntax/ast';
import { factsOf, occurrenceAt, type Facts, type LayerFact, type Occurrence } from './facts';
import { distinct, tensorFacts } from './tensor-facts';
import { blockSignature, layerSignature, TRAIN_KEY_DOCS, typeText, argValueText } from './signatures';
import { defaultRegistry } from '../core/model/layers';
import type { Span } from '../core/syntax/span';
import { code, safeDoc, table } from './hover-markdown';
import { LineIndex } from './line-index';
import { formatCount } from './number-format';
import { findModel } from './model-at';
import { fnArgHover, fnHover, ifHover } from './hover-values';

export interface HoverOptions {
  readonly memoryBatchSize: number;
}

/** Hover content: Markdown and the span it describes. */
export interface HoverInfo {
  readonly markdown: string;
  readonly span: Span;
}

export function hover(analysis: Analysis, offset: number, options: HoverOptions): HoverInfo | null {
  const facts = factsOf(analysis);
  const occ = occurrenceAt(facts, offset);
  const markdown = occ && describeOccurrence(analysis, facts, occ, options);
  if (occ && markdown) return { markdown, span: occ.span };
  // Anywhere else inside a layer call (a number, a comma, an enum value): describe the layer.
  const cond = ifHover(analysis, offset);
  if (cond) return cond;
  const call = enclosingLayerCall(facts, offset);
  const layer = call && layerHover(facts, call);
  return layer ? { markdown: layer, span: call.span } : null;
}

/** Occurrences are searched back at most this far for the call around the cursor. */
export const MAX_CALL_LOOKBACK = 200;

function enclosingLayerCall(facts: Facts, offset: number): ast.CallExpr | undefined {
  const occ = facts.occurrences;
  let lo = 0;
  let hi = occ.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].span.start <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  // Walking back from the cursor, the first layer call that still encloses it is the innermost one.
  for (let i = hi; i >= 0 && hi - i < MAX_CALL_LOOKBACK; i--) {
    const call = occ[i].kind === 'layer' ? occ[i].call : undefined;
    if (call && call.span.start <= offset && offset < call.span.end) return call;
  }
  return undefined;
}

function describeOccurrence(analysis: Analysis, facts: Facts, occ: Occurrence, options: HoverOptions): string | undefined {
  switch (occ.kind) {
    case 'layer':
      // A library block is called like a layer; its hover is a block's (signature, docs, instances).
      if (occ.call && !defaultRegistry.get(occ.name) && analysis.library.has(occ.name)) return blockHover(analysis, facts, occ);
      return occ.call ? layerHover(facts, occ.call) : undefined;
    case 'block':
      return blockHover(analysis, facts, occ);
    case 'fn':
      return fnHover(analysis, occ);
    case 'model':
      return modelHover(analysis, occ.name, options);
    case 'tensor':
      return tensorHover(analysis, facts, occ);
    case 'param':
      return paramHover(analysis, occ);
    case 'arg-name':
      return argHover(analysis, occ);
    case 'train-key':
      return TRAIN_KEY_DOCS[occ.name] ? `**${occ.name}** (training setting)\n\n${TRAIN_KEY_DOCS[occ.name]}` : undefined;
    default:
      return undefined;
  }
}

// ---- layers ---------------------------------------------------------------------------------

/** The hover of a built-in layer call: signature, summary, the facts of the layers it made, parameters, docs. */
export function layerHover(facts: Pick<Facts, 'layersByCall'>, call: ast.CallExpr): string | undefined {
  const def = defaultRegistry.get(call.callee.name);
  if (!def) return undefined;
  const parts = [code(layerSignature(def, call.callee.name)), `**${def.kind}** — ${def.summary}`];
  const list = facts.layersByCall.get(call.span.start) ?? [];
  if (def.kind === 'split' && list.length > 0) parts.push(splitTable(list));
  else if (list.length > 0) parts.push(layerTable(list[list.length > 1 && !isBlockLayer(list[0]) ? list.length - 1 : 0]));
  if (list.length > 1 && def.kind !== 'split') parts.push(instanceTable(list));
  if (def.paramsDoc) parts.push(`Parameters: ${def.paramsDoc}`);
  const doc = list[0]?.info.node.doc;
  if (doc) parts.push(safeDoc(doc));
  return parts.join('\n\n');
}

function isBlockLayer(f: LayerFact): boolean {
  return f.info.node.callSites.length > 0;
}

function layerTable(f: LayerFact): string {
  const { info } = f;
  const p = info.params;
  const total = p.trainable + p.nonTrainable;
  const rows = [
    ['Output', `\`${formatShape(info.shape)}\``],
    ['Params', `${formatCount(total)}: \`${p.formula}\``],
    ['Trainable', `${formatCount(p.trainable)} trainable${info.frozen ? ' (frozen by train section)' : ''} · ${formatCount(p.nonTrainable)} non-trainable`],
    ['MACs', `${formatCount(info.macs)} (${formatCompact(info.macs)})`],
    ['Activation memory', info.activationBytes === null ? 'unknown' : `${formatBytes(info.activationBytes)} per sample`],
  ];
  if (info.broadcast) rows.push(['Broadcast', info.broadcast]);
  if (info.rf) {
    const rf = info.rf.global ? 'whole input' : `${info.rf.size.join('×')} (jump ${info.rf.jump.join('×')})`;
    rows.push(['Receptive field', rf]);
  }
  const where = f.info.node.callSites.length > 0 ? `In \`${f.info.node.callSites.map((c) => c.instance).join(' / ')}\`\n\n` : '';
  return where + table(['', ''], rows);
}

/** `a, b = split(2)` makes one slice per name: the hover lists each part with its shape. */
function splitTable(list: readonly LayerFact[]): string {
  const where = (f: LayerFact) => f.info.node.callSites.map((c) => c.instance).join(' / ');
  const first = where(list[0]);
  const parts = list.filter((f) => where(f) === first);
  const rows = parts.slice(0, 12).map((f) => [`\`${f.info.node.target ?? f.info.node.name}\``, `\`${formatShape(f.info.shape)}\``]);
  const intro = `Splits ${first ? `(in \`${first}\`) ` : ''}into ${parts.length} tensors, without parameters:`;
  return `${intro}\n\n${table(['Part', 'Output'], rows)}`;
}

function instanceTable(list: readonly LayerFact[]): string {
  const rows = list
    .slice(0, 12)
    .map((f) => [
      f.info.node.name,
      `\`${formatShape(f.info.shape)}\``,
      formatCount(f.info.params.trainable + f.info.params.nonTrainable),
      formatCompact(f.info.macs),
    ]);
  const more = list.length > 12 ? `\n\n… and ${list.length - 12} more` : '';
  return `${list.length} layers come from this line:\n\n${table(['Layer', 'Output', 'Params', 'MACs'], rows)}${more}`;
}

// ---- blocks, models, tensors ----------------------------------------------------------------

function blockHover(analysis: Analysis, facts: Facts, occ: Occurrence): string | undefined {
  // A block of the file, or one of the library's, which every file may call.
  const block = analysis.blocks.get(occ.name) ?? analysis.library.get(occ.name);
  if (!block) return undefined;
  const parts = [code(blockSignature(block, analysis.text))];
  if (block.doc) parts.push(safeDoc(block.doc));
  const instances = occ.call ? [...(facts.instancesByCall.get(occ.call.span.start)?.entries() ?? [])] : allInstances(facts, occ.name);
  if (instances.length > 0) {
    const rows = instances.slice(0, 12).map(([name, layers]) => {
      const params = layers.reduce((s, f) => s + f.info.params.trainable + f.info.params.nonTrainable, 0);
      const trainable = layers.reduce((s, f) => s + f.info.params.trainable, 0);
      const macs = layers.reduce((s, f) => s + f.info.macs, 0);
      const out = layers[layers.length - 1].info.shape;
      return [name.split(':')[1] ?? name, `\`${formatShape(out)}\``, formatCount(params), formatCount(trainable), formatCompact(macs)];
    });
    parts.push(table(['Instance', 'Output', 'Params', 'Trainable', 'MACs'], rows));
  }
  return parts.join('\n\n');
}

function allInstances(facts: Facts, block: string): [string, readonly LayerFact[]][] {
  const out: [string, readonly LayerFact[]][] = [];
  for (const byInstance of facts.instancesByCall.values()) {
    for (const [name, layers] of byInstance)
      if (layers[0].info.node.callSites.some((c) => c.block === block && name.endsWith(c.instance))) out.push([name, layers]);
  }
  return out;
}

/** How many parameters the train section's `freeze:` counts as non-trainable, and for how long. */
function frozenNote(model: ModelAnalysis): string {
  if (!model.layers.some((l) => l.frozen)) return '';
  const frozen = model.layers.filter((l) => l.frozen).reduce((s, l) => s + l.params.nonTrainable, 0);
  const until = model.train?.unfreeze === undefined ? '' : ` for ${model.train.unfreeze} epoch${model.train.unfreeze === 1 ? '' : 's'}`;
  return ` (${formatCount(frozen)} frozen by train section${until})`;
}

function modelHover(analysis: Analysis, name: string, options: HoverOptions): string | undefined {
  const model = findModel(analysis, { name });
  if (!model) return undefined;
  const t = model.totals;
  const mem = estimateTrainingMemory(model.layers, t, options.memoryBatchSize, model.train?.optimizer);
  const parts = [`**model ${name}** — ${model.layers.length} layers`];
  if (model.graph.doc) parts.push(safeDoc(model.graph.doc));
  parts.push(
    table(
      ['', ''],
      [
        ['Params', `${formatCount(t.params)} (${formatCompact(t.params)})`],
        ['Trainable', `${formatCount(t.trainable)} trainable · ${formatCount(t.nonTrainable)} non-trainable${frozenNote(model)}`],
        ['MACs', `${formatCount(t.macs)} (${formatCompact(t.macs)}) per sample`],
        ['Activations', `${formatBytes(t.activationBytes)} per sample`],
        [`Training memory (batch ${mem.batch}, ${mem.optimizer})`, `≈ ${formatBytes(mem.total)}`],
      ],
    ),
  );
  parts.push(memoryBreakdown(mem));
  return parts.join('\n\n');
}

function memoryBreakdown(mem: MemoryEstimate): string {
  const items = [
    `weights ${formatBytes(mem.weights)}`,
    `gradients ${formatBytes(mem.gradients)}`,
    `optimizer state ${formatBytes(mem.optimizerState)}`,
    `activations ${formatBytes(mem.activations)}`,
  ];
  return `${items.join(' · ')}\n\nAssumes ${mem.assumptions.join('; ')}.`;
}

function tensorHover(analysis: Analysis, facts: Facts, occ: Occurrence): string | undefined {
  const t = tensorFacts(analysis, facts, occ.item, occ.name);
  const block = occ.item.kind === 'block' ? occ.item.name.name : '';
  const shapes = distinct(t.shapes.map((s) => formatShape(s)));
  const shapeText = t.blockInput ? `the input of block \`${block}\`` : shapes.length === 0 ? 'unknown shape' : shapes.map((s) => `\`${s}\``).join(' · ');
  const parts = [`**${occ.name}**: tensor, ${shapeText}`];
  if (t.statement) {
    const line = new LineIndex(analysis.text).position(t.statement.span.start).line + 1;
    // A fence must start its own line (CommonMark): the code goes in a block after the sentence.
    parts.push(`Defined on line ${line}:`, code(analysis.text.slice(t.statement.span.start, t.statement.span.end)));
    if (t.statement.doc) parts.push(safeDoc(t.statement.doc));
  }
  return parts.join('\n\n');
}

function paramHover(analysis: Analysis, occ: Occurrence): string | undefined {
  if (occ.item.kind === 'fn') {
    const isParam = occ.item.params.some((p) => p.name.name === occ.name);
    return `**${occ.name}** — ${isParam ? 'parameter' : 'local value'} of function \`${occ.item.name.name}\``;
  }
  if (occ.item.kind !== 'block') return undefined;
  const param = occ.item.params.find((p) => p.name.name === occ.name);
  if (!param) return undefined;
  const def = param.default ? ` = ${analysis.text.slice(param.default.span.start, param.default.span.end)}` : '';
  return `**${occ.name}${def}** — parameter of block \`${occ.item.name.name}\``;
}

function argHover(analysis: Analysis, occ: Occurrence): string | undefined {
  const callee = occ.call?.callee.name ?? '';
  const def = defaultRegistry.get(callee);
  const spec = def?.args.find((a) => a.name === occ.name);
  if (spec) {
    const dflt = spec.default !== undefined ? `, default \`${argValueText(spec.default)}\`` : spec.rest ? '' : ', required';
    return `**${spec.name}**: \`${typeText(spec.type)}\`${dflt}\n\n${spec.doc}`;
  }
  const block = analysis.blocks.get(callee);
  if (block?.params.some((p) => p.name.name === occ.name)) return `**${occ.name}** — parameter of block \`${callee}\``;
  return fnArgHover(analysis, callee, occ.name);
}
