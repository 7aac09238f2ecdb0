// A train section's fine-tuning settings for a trainer: the names written resolved to the model's layer names.

import type { ModelAnalysis } from '../core/analyze';
import { LayerNames } from '../core/model/train-tune';
import type { FineTuneSetting } from '../protocol/training-tune';

/**
 * `freeze:` and `lr_mult:` as layer (node) names — a block instance or a statement's tensor name stands for all its
 * layers, by core/model/train-tune.ts's one rule; where two names cover a layer, the later factor wins. Absent when
 * the section sets none of the four settings.
 */
export function fineTuneOf(model: Pick<ModelAnalysis, 'train' | 'graph'>): FineTuneSetting | undefined {
  const t = model.train;
  if (!t || (!t.freeze && !t.lrMult && t.init === undefined && t.unfreeze === undefined)) return undefined;
  const nameOf = (id: number) => model.graph.nodes[id].name;
  const index = new LayerNames(model.graph);
  const freeze = [...new Set((t.freeze ?? []).flatMap((r) => index.layers(r.name)))].sort((a, b) => a - b).map(nameOf);
  const lrMult: Record<string, number> = {};
  for (const r of t.lrMult ?? []) for (const id of index.layers(r.name)) lrMult[nameOf(id)] = r.mult;
  return {
    freeze,
    ...(t.unfreeze !== undefined ? { unfreeze: t.unfreeze } : {}),
    ...(t.init !== undefined ? { init: t.init } : {}),
    lrMult,
  };
}

/** The names a train section can write without quotes: tensor and layer names and block instances outside any block. */
export function trainableNames(model: Pick<ModelAnalysis, 'graph'>): string[] {
  const names = new Set<string>();
  for (const n of model.graph.nodes) {
    if (n.kind === 'input') continue;
    names.add(n.callSites.length > 0 ? n.callSites[0].instance : n.name);
  }
  return [...names];
}
