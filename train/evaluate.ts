// What the last validation pass says per class (train/results.ts): built from the scores that pass already computed,
// so a finished run costs no second pass over the validation split.

import * as tf from '@tensorflow/tfjs';
import { yieldToEventLoop } from './control';
import { gather, type Dataset } from './data/dataset';
import type { InputPipeline } from './input-pipeline';
import { MetricAccumulator, outputLoss, type OutputForm } from './objective';
import { classResults, type ClassResults, type Predictions } from './results';

export interface Evaluation {
  readonly predictions: Predictions;
  readonly results: ClassResults;
}

/** The first output's scores of a validation pass: `count × units`, row by row in the split's order. */
export interface ValidationScores {
  readonly scores: Float32Array;
  readonly units: number;
}

/**
 * Whether a validation pass can be judged per class: some samples, two classes or more, and a first output of one unit
 * (binary) or one per class. The Node trainer and the PyTorch run's results (cli/torch-results.ts) both ask this.
 */
export function judgedPerClass(samples: number, classes: number, units: number): boolean {
  return samples > 0 && classes >= 2 && (units === 1 || units === classes);
}

/** Per-class results of a classifier on the held-out samples; none without validation samples or class labels. */
export function evaluateSplit(data: Dataset, indices: Int32Array, pass: ValidationScores, form: OutputForm): Evaluation | undefined {
  if (!judgedPerClass(indices.length, data.classes.length, pass.units)) return undefined;
  const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
  const predictions: Predictions = { scores: pass.scores, units: pass.units, labels, indices: Int32Array.from(indices), form };
  return { predictions, results: classResults(predictions, data.classes) };
}

/** What a validation pass reads of a training loop (train/trainer.ts). */
export interface PassContext {
  readonly model: tf.LayersModel;
  readonly options: { readonly data: Dataset; readonly settings: { readonly batch: number; readonly loss: string; readonly metrics: readonly string[] } };
  readonly input: Pick<InputPipeline, 'validation'>;
  readonly forms: readonly OutputForm[];
  readonly sample: number;
}

/** Loss, metrics and the first output's scores (for the per-class results) of the model in inference mode over the given samples. */
export async function validationPass(
  loop: PassContext,
  indices: Int32Array,
  epoch: number,
): Promise<{ loss: number; metrics: Record<string, number> } & ValidationScores> {
  const { data, settings } = loop.options;
  const [h, w, c] = data.shape;
  const metrics = new MetricAccumulator(settings.metrics, data.classes.length, loop.forms[0]);
  const size = Math.max(settings.batch, 64);
  let lossSum = 0;
  let scores = new Float32Array(0);
  let units = 0;
  for (let at = 0; at < indices.length; at += size) {
    await yieldToEventLoop();
    const batch = loop.input.validation(gather(data.train, loop.sample, indices.subarray(at, at + size)), epoch);
    const { loss, pred } = tf.tidy(() => {
      const outs = toArray(loop.model.apply(tf.tensor4d(batch.x, [batch.size, h, w, c]), { training: false }) as tf.Tensor | tf.Tensor[]);
      const ys = tf.tensor1d(batch.y, 'int32');
      const total = outs.map((o, i) => outputLoss(settings.loss, loop.forms[i], o, ys, data.classes.length)).reduce((a, b) => tf.add(a, b));
      return { loss: total, pred: outs[0] };
    });
    lossSum += (await loss.data())[0] * batch.size;
    await metrics.add(pred, batch.y);
    units = pred.size / batch.size;
    if (at === 0) scores = new Float32Array(indices.length * units);
    scores.set((await pred.data()) as Float32Array, at * units);
    tf.dispose([loss, pred]);
  }
  return { loss: lossSum / indices.length, metrics: metrics.result(), scores, units };
}

const toArray = (t: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(t) ? t : [t]);
