// Fine-tuning settings of a train section (`freeze:`, `unfreeze:`, `init:`, `lr_mult:`): lowered here, their names
// checked against the model's layers and block instances, and frozen layers' parameters counted as non-trainable.

import type { ModelAnalysis } from '../analyze';
import type { Diagnostic } from '../diagnostics';
import type { LayerRef, ModelGraph, TrainConfig } from './graph';
import type { LayerInfo, ModelTotals } from './infer';
import { didYouMean, suggest } from './suggest';
import { formatValue, type Value } from './values';

type Report = (span: Value['span'], message: string) => void;

/** Sets `freeze:`, `unfreeze:`, `init:` or `lr_mult:` (core/model/train-config.ts hands each over by key). */
export function applyTuneEntry(config: { -readonly [K in keyof TrainConfig]: TrainConfig[K] }, key: string, v: Value, report: Report): void {
  if (key === 'freeze') config.freeze = lowerFreeze(v, report);
  else if (key === 'unfreeze') config.unfreeze = lowerUnfreeze(v, report);
  else if (key === 'init') config.init = lowerInit(v, report);
  else if (key === 'lr_mult') config.lrMult = lowerLrMult(v, report);
}

/** `freeze: [stem, basic_1]`, `freeze: stem`, or strings for nested paths: `freeze: ["basic_1/conv2d_2"]`. */
export function lowerFreeze(v: Value, report: Report): LayerRef[] | undefined {
  const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
  const refs: LayerRef[] = [];
  for (const item of items) {
    if (item.kind === 'word') refs.push({ name: item.name, span: item.span });
    else if (item.kind === 'string' && item.value !== '') refs.push({ name: item.value, span: item.span });
    else report(item.span, `'freeze' lists layers or block instances by name, e.g. freeze: [stem, basic_1]; got ${formatValue(item)}.`);
  }
  return refs.length > 0 ? refs : undefined;
}

/** `unfreeze: 3`: the frozen layers train too from epoch 4 on. */
export function lowerUnfreeze(v: Value, report: Report): number | undefined {
  if (v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1) return v.value;
  return void report(v.span, `'unfreeze' is the number of epochs the frozen layers stay frozen: a positive integer, got ${formatValue(v)}.`);
}

/** `init: "runs/base/weights"`: a weights folder or a run folder. */
export function lowerInit(v: Value, report: Report): string | undefined {
  if (v.kind === 'string' && v.value.trim() !== '') return v.value;
  return void report(v.span, `'init' is the weights folder to start from, as a string: init: "runs/base"; got ${formatValue(v)}.`);
}

/** `lr_mult: layers(stem: 0.1, head: 10)`: each named layer or block instance learns at lr × its factor. */
export function lowerLrMult(v: Value, report: Report): (LayerRef & { mult: number })[] | undefined {
  if (v.kind !== 'call' || v.name !== 'layers' || v.args.length === 0)
    return void report(v.span, `'lr_mult' takes a factor per layer or block instance: lr_mult: layers(stem: 0.1, head: 10); got ${formatValue(v)}.`);
  const out: (LayerRef & { mult: number })[] = [];
  for (const a of v.args) {
    if (!a.name) report(a.value.span, `layers() takes named factors (layers(stem: 0.1)); this one has no name.`);
    else if (out.some((o) => o.name === a.name)) report(a.value.span, `'${a.name}' is given twice in lr_mult.`);
    else if (a.value.kind !== 'number' || !Number.isFinite(a.value.value) || a.value.value < 0)
      report(a.value.span, `The factor of '${a.name}' must be a number, 0 or more; got ${formatValue(a.value)}.`);
    else out.push({ name: a.name, span: a.value.span, mult: a.value.value });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The layers each name stands for, by node id: a block instance (`basic_1`, `basic_1/inner_1`) stands for every layer
 * in it; a layer name stands for itself, and a tensor name that ends a statement (`stem = conv2d(…) -> batchnorm() ->
 * relu()`) for the whole statement. Built in one pass over the graph, so a long list of names costs one look-up each.
 */
export class LayerNames {
  private readonly byName = new Map<string, number[]>();
  private readonly byInstance = new Map<string, number[]>();

  constructor(graph: ModelGraph) {
    const statements = new Map<string, number[]>();
    const statementOf = (n: ModelGraph['nodes'][number]) => `${n.statementSpan.start}|${n.callSites.map((c) => c.instance).join('/')}`;
    for (const n of graph.nodes) {
      for (const c of n.callSites) push(this.byInstance, c.instance, n.id);
      push(statements, statementOf(n), n.id);
    }
    for (const n of graph.nodes) this.byName.set(n.name, n.target === undefined ? [n.id] : statements.get(statementOf(n))!);
  }

  /** Node ids in graph order; empty when nothing matches. */
  layers(name: string): readonly number[] {
    return this.byInstance.get(name) ?? this.byName.get(name) ?? [];
  }

  /** Every name a section may use (for the did-you-mean). */
  names(): string[] {
    return [...this.byName.keys(), ...this.byInstance.keys()];
  }
}

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

/** Unknown names that get a did-you-mean: each costs a pass over every name of the model. */
const SUGGESTIONS = 20;

/** Node ids each reference stands for; an unknown name is one `invalid-training` diagnostic with a did-you-mean. */
export function resolveRefs(graph: ModelGraph, refs: readonly LayerRef[], diags: Diagnostic[]): number[][] {
  const index = new LayerNames(graph);
  let unknown = 0;
  return refs.map((ref) => {
    const ids = index.layers(ref.name);
    if (ids.length === 0) {
      const s = unknown++ < SUGGESTIONS ? suggest(ref.name, index.names(), ref.span) : undefined;
      const fix = s && ref.span.end - ref.span.start === ref.name.length ? [s.fix] : undefined;
      diags.push({
        code: 'invalid-training',
        severity: 'error',
        message: `No layer or block instance named '${ref.name}' in model '${graph.name}'${didYouMean(s, '.')}`,
        span: ref.span,
        fixes: fix,
      });
    }
    return [...ids];
  });
}

/** Checks the section's names against its model and counts frozen layers' parameters as non-trainable. */
export function tuneModel(model: ModelAnalysis, diags: Diagnostic[]): ModelAnalysis {
  const t: TrainConfig | undefined = model.train;
  if (!t) return model;
  if (t.lrMult) resolveRefs(model.graph, t.lrMult, diags);
  if (t.unfreeze !== undefined && !t.freeze)
    diags.push({ code: 'invalid-training', severity: 'error', message: `'unfreeze' needs 'freeze': the layers to unfreeze.`, span: t.span });
  if (!t.freeze) return model;
  const frozen = new Set(resolveRefs(model.graph, t.freeze, diags).flat());
  const layers = model.layers.map((l): LayerInfo => (frozen.has(l.node.id) ? freezeLayer(l) : l));
  return { ...model, layers, totals: { ...model.totals, ...splitTotals(layers) } };
}

function freezeLayer(l: LayerInfo): LayerInfo {
  const p = l.params;
  return { ...l, frozen: true, params: { trainable: 0, nonTrainable: p.trainable + p.nonTrainable, formula: p.formula } };
}

function splitTotals(layers: readonly LayerInfo[]): Pick<ModelTotals, 'trainable' | 'nonTrainable'> {
  return {
    trainable: layers.reduce((s, l) => s + l.params.trainable, 0),
    nonTrainable: layers.reduce((s, l) => s + l.params.nonTrainable, 0),
  };
}
