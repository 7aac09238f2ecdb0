// Checks imported weights against the layers of the text they were imported with, before anything is built: the
// same number of layers with weights, and each layer's parameter count equal to the numbers the file gives it.

import type { ModelAnalysis } from '../core/analyze';
import { LineIndex } from '../ide/line-index';
import type { LayerWeights } from './imported';
import { ImportError } from './read';

/** A layer of the text with weights: its kind, and the shape its `flatten` input had when it is a dense after one. */
export interface WeightedLayer {
  readonly name: string;
  readonly kind: string;
  readonly line: number;
  readonly params: number;
  /** The input shape of the `flatten` that feeds this layer directly; null otherwise. */
  readonly flattened: readonly (number | null)[] | null;
}

/** The layers with parameters, in the order of the model's nodes (the text's order, blocks expanded). */
export function weightedLayers(model: ModelAnalysis, text: string): WeightedLayer[] {
  const lines = new LineIndex(text);
  const out: WeightedLayer[] = [];
  for (const info of model.layers) {
    const params = info.params.trainable + info.params.nonTrainable;
    if (params === 0) continue;
    const node = info.node;
    const source = node.inputs.length === 1 ? model.layers[node.inputs[0]] : undefined;
    const flattened = source?.node.kind === 'flatten' ? (model.layers[source.node.inputs[0]]?.shape ?? null) : null;
    out.push({ name: node.name, kind: node.kind, line: lines.position(node.span.start).line + 1, params, flattened });
  }
  return out;
}

/** Refuses weights that do not fit the layers: a different number of layers, or a layer given the wrong count. */
export function checkWeightCounts(weights: readonly LayerWeights[], layers: readonly WeightedLayer[], model: string): void {
  if (weights.length !== layers.length) {
    throw new ImportError(`model '${model}' has ${layers.length} layers with weights but the file gives weights for ${weights.length}`);
  }
  layers.forEach((l, i) => {
    const given = weights[i].tensors.reduce((n, t) => n + t.data.length, 0);
    if (given !== l.params) {
      throw new ImportError(`layer '${l.name}' (${l.kind}, line ${l.line}) has ${l.params} parameters but ${weights[i].line} gives ${given}`);
    }
  });
}
