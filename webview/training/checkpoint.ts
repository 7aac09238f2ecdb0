// Weights in and out of a tfjs LayersModel as plain specs + bytes, the form they travel in between page and host.

import * as tf from '@tensorflow/tfjs';
import type { TrainingModel } from '../../protocol/training-model';
import type { CheckpointPayload, SavedMetadata, WeightSpec, WeightsPayload } from '../../protocol/training-payloads';
import { packTensors } from '../../train/checkpoint';
import type { Dataset } from '../../train/data/dataset';
import { normalizationOf } from './input-stats';

/**
 * Every weight (trainable and batch-norm statistics), in the model's order, concatenated as tfjs saves them.
 * Synchronous on purpose: called between batches, it cannot race the next update's reassignment of the variables.
 */
export function captureWeights(model: tf.LayersModel): WeightsPayload {
  return packTensors(model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
}

/** Where in the run a checkpoint was taken, in words: "the end of epoch 2", or "batch 15 of epoch 3" when mid-epoch. */
export function checkpointPlace(c: CheckpointPayload): string {
  const partial = c.state?.loop.partial;
  return partial ? `batch ${partial.batch} of epoch ${c.epoch + 1}` : `the end of epoch ${c.epoch}`;
}

/** Loads weights by name into a model built from the same source; a mismatch names the first differing weight. */
export function restoreWeights(model: tf.LayersModel, payload: WeightsPayload): void {
  const offsets = new Map<string, { spec: WeightSpec; at: number }>();
  let at = 0;
  for (const spec of payload.specs) {
    offsets.set(spec.name, { spec, at });
    at += spec.shape.reduce((a, d) => a * d, 1) * 4;
  }
  const tensors: tf.Tensor[] = [];
  try {
    for (const w of model.weights) {
      const found = offsets.get(w.originalName);
      if (!found) throw new Error(`The saved weights have no '${w.originalName}'; the model changed since they were saved.`);
      const { spec } = found;
      if (spec.shape.length !== w.shape.length || spec.shape.some((d, k) => d !== w.shape[k])) {
        throw new Error(
          `Saved weight '${spec.name}' has shape [${spec.shape.join(', ')}], the model's has [${w.shape.join(', ')}]; the model changed since they were saved.`,
        );
      }
      const count = spec.shape.reduce((a, d) => a * d, 1);
      const bytes = payload.data.slice(found.at, found.at + count * 4);
      const values = spec.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
      tensors.push(tf.tensor(values, [...spec.shape], spec.dtype === 'int32' ? 'int32' : 'float32'));
    }
    if (payload.specs.length !== tensors.length) {
      throw new Error(`The saved weights hold ${payload.specs.length} tensors, the model has ${tensors.length}; the model changed since they were saved.`);
    }
    model.weights.forEach((w, i) => w.write(tensors[i]));
  } finally {
    tf.dispose(tensors);
  }
}

/** The model.json topology (without weights) that tfjs's loadLayersModel reads back. */
export function topologyJson(model: tf.LayersModel): string {
  return JSON.stringify(model.toJSON(undefined, false));
}

/** What is recorded beside weights the page saves: the input size, class names, and the run's normalisation if any. */
export function savedMetadata(training: TrainingModel, data: Dataset, inputShape: readonly number[], epochs: number): SavedMetadata {
  const normalization = normalizationOf(training, data);
  return { inputShape: [...inputShape], classes: data.classes, dataset: data.name, epochs, ...(normalization ? { normalization } : {}) };
}
