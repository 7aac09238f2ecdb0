// Reads a built tfjs model's weights into the exporters' plain form (core/export/weights.ts).

import type * as tf from '@tensorflow/tfjs';
import type { ModelWeights } from '../core/export/weights';

/** Every weight of `model` with its original tfjs name (`layer/weight`, never uniquified) and a copy of its values. */
export function modelWeights(model: tf.LayersModel): ModelWeights {
  return model.weights.map((v) => {
    const value = v.read();
    return { name: v.originalName, shape: [...value.shape], data: Float32Array.from(value.dataSync() as Float32Array) };
  });
}
