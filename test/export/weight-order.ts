// tfjs lists a model's weights trainable first, and its layers in its own topological order; the PyTorch export
// registers modules in graph order. This puts tfjs weights in graph order, each layer's as tfjs lists them.

import type * as tf from '@tensorflow/tfjs';
import type { ModelAnalysis } from '../../core/analyze';
import { tfName } from '../../train/model-builder';

/** The graph node a tfjs layer was built for: its name is the node's, or the node's with a suffix (`_depthwise`). */
function ownerNode(model: ModelAnalysis, layerName: string): number {
  let best = -1;
  for (const { node } of model.layers) {
    const name = tfName(node.name);
    const fits = layerName === name || layerName.startsWith(`${name}_`);
    if (fits && (best < 0 || name.length > tfName(model.layers[best].node.name).length)) best = node.id;
  }
  if (best < 0) throw new Error(`no graph node for tfjs layer '${layerName}'`);
  return best;
}

/** `values` (one per tfModel.weights entry) reordered: by graph node, then as each layer lists its weights. */
export function inGraphOrder<T>(model: ModelAnalysis, tfModel: tf.LayersModel, values: readonly T[]): T[] {
  const index = new Map(tfModel.weights.map((w, i) => [w.originalName, i]));
  const layers = tfModel.layers.map((layer, i) => ({ layer, i, node: ownerNode(model, layer.name) }));
  layers.sort((a, b) => a.node - b.node || a.i - b.i);
  return layers.flatMap(({ layer }) => layer.weights.map((w) => values[index.get(w.originalName)!]));
}
