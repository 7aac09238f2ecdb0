// The validation split's predictions after a run, and what they say per class (train/results.ts).

import * as tf from '@tensorflow/tfjs';
import { yieldToEventLoop } from './control';
import { gather, sampleSize, type Dataset } from './data/dataset';
import type { OutputForm } from './objective';
import { classResults, type ClassResults, type Predictions } from './results';

export interface Evaluation {
  readonly predictions: Predictions;
  readonly results: ClassResults;
}

/** The first output's scores for the samples at `indices`, in inference mode, `batch` at a time. */
export async function predictIndices(model: tf.LayersModel, data: Dataset, indices: Int32Array, batch: number, form: OutputForm): Promise<Predictions> {
  const [h, w, c] = data.shape;
  const sample = sampleSize(data);
  const rows: Float32Array[] = [];
  let units = 0;
  for (let at = 0; at < indices.length; at += batch) {
    await yieldToEventLoop();
    const b = gather(data.train, sample, indices.subarray(at, at + batch));
    const out = tf.tidy(() => {
      const y = model.apply(tf.tensor4d(b.x, [b.size, h, w, c]), { training: false }) as tf.Tensor | tf.Tensor[];
      const first = Array.isArray(y) ? y[0] : y;
      return first.reshape([b.size, -1]);
    });
    units = out.shape[1] as number;
    rows.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const scores = new Float32Array(indices.length * units);
  rows.reduce((at, r) => (scores.set(r, at), at + r.length), 0);
  const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
  return { scores, units, labels, indices: Int32Array.from(indices), form };
}

/** Per-class results of a classifier on the held-out samples; none without validation samples or class labels. */
export async function evaluateSplit(
  model: tf.LayersModel,
  data: Dataset,
  indices: Int32Array,
  batch: number,
  form: OutputForm,
): Promise<Evaluation | undefined> {
  if (indices.length === 0 || data.classes.length < 2) return undefined;
  const predictions = await predictIndices(model, data, indices, Math.max(batch, 64), form);
  if (predictions.units !== 1 && predictions.units !== data.classes.length) return undefined;
  return { predictions, results: classResults(predictions, data.classes) };
}
