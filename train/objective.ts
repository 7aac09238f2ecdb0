// Loss and metrics for classification: which form each output has (probabilities or logits) decides the formula.

import * as tf from '@tensorflow/tfjs';
import type { MetricState } from '../protocol/train-state';
import type { TrainingModel } from '../protocol/training-model';
import { layerDef } from './model-builder';

/** What an output holds, read from the layer that produces it. */
export type OutputForm = 'softmax' | 'sigmoid' | 'raw';

export function outputForm(model: TrainingModel, id: number): OutputForm {
  const node = model.nodes[id];
  const fn = layerDef(node)?.activationFn ?? (node.kind === 'activation' ? node.args.fn : node.args.activation);
  return fn === 'softmax' ? 'softmax' : fn === 'sigmoid' ? 'sigmoid' : 'raw';
}

const EPS = 1e-7;

/**
 * One output's mean loss against integer labels. Cross-entropy uses the probabilities when the layer ends in
 * softmax/sigmoid and treats a linear output as logits (the numerically stable form); mse/mae compare with one-hot targets.
 */
export function outputLoss(loss: string, form: OutputForm, pred: tf.Tensor, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const units = pred.shape[pred.shape.length - 1] as number;
  const target = units === 1 ? labels.toFloat().reshape([-1, 1]) : tf.oneHot(labels, classes).toFloat();
  switch (loss) {
    case 'crossentropy':
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      if (units === 1) return binaryCe(form, pred, target);
      // log(p + ε) rather than a clip: a clip would turn NaN predictions into finite losses and hide divergence.
      if (form === 'softmax') return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(tf.add(pred, EPS))), -1))) as tf.Scalar;
      return tf.losses.softmaxCrossEntropy(target, pred) as tf.Scalar;
    case 'binary_crossentropy':
      return binaryCe(form, pred, target);
    case 'mse':
      return tf.losses.meanSquaredError(target, pred) as tf.Scalar;
    case 'mae':
      return tf.losses.absoluteDifference(target, pred) as tf.Scalar;
    default:
      throw new Error(`Unknown loss '${loss}'.`);
  }
}

function binaryCe(form: OutputForm, pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (form === 'raw') return tf.losses.sigmoidCrossEntropy(target, pred) as tf.Scalar;
  return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(tf.add(pred, EPS))), tf.mul(tf.sub(1, target), tf.log(tf.add(tf.sub(1, pred), EPS)))))) as tf.Scalar;
}

/** Accumulates metrics over batches from the first output's predictions; `result()` gives epoch values. */
export class MetricAccumulator {
  private seen = 0;
  private correct = 0;
  private top5 = 0;
  private sqErr = 0;
  private absErr = 0;
  private readonly confusion: Int32Array;

  constructor(
    readonly names: readonly string[],
    private readonly classes: number,
    private readonly form: OutputForm,
  ) {
    this.confusion = new Int32Array(Math.max(classes, 2) ** 2);
  }

  async add(pred: tf.Tensor, labels: Int32Array): Promise<void> {
    const units = pred.shape[pred.shape.length - 1] as number;
    const [predicted, inTop, sq, abs] = tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      const target = units === 1 ? y.toFloat().reshape([-1, 1]) : tf.oneHot(y, this.classes).toFloat();
      const cls =
        units === 1
          ? tf
              .greater(pred, this.form === 'raw' ? 0 : 0.5)
              .reshape([-1])
              .toInt()
          : tf.argMax(pred, -1);
      const k = Math.min(5, units);
      const top = units === 1 ? tf.equal(cls, y) : tf.any(tf.equal(tf.topk(pred, k).indices, y.reshape([-1, 1])), -1);
      return [cls, top.toInt().sum(), tf.sum(tf.square(tf.sub(pred, target))), tf.sum(tf.abs(tf.sub(pred, target)))];
    });
    const [p, t, s, a] = await Promise.all([predicted.data(), inTop.data(), sq.data(), abs.data()]);
    tf.dispose([predicted, inTop, sq, abs]);
    const n = Math.max(this.classes, 2);
    for (let i = 0; i < labels.length; i++) {
      if (p[i] === labels[i]) this.correct++;
      this.confusion[labels[i] * n + p[i]]++;
    }
    this.top5 += t[0];
    this.sqErr += s[0] / units;
    this.absErr += a[0] / units;
    this.seen += labels.length;
  }

  result(): Record<string, number> {
    const out: Record<string, number> = {};
    const n = Math.max(this.seen, 1);
    for (const name of this.names) {
      if (name === 'accuracy') out.accuracy = this.correct / n;
      else if (name === 'top5') out.top5 = this.top5 / n;
      else if (name === 'mse') out.mse = this.sqErr / n;
      else if (name === 'mae') out.mae = this.absErr / n;
      else if (name === 'precision' || name === 'recall') out[name] = this.macro(name);
    }
    return out;
  }

  /** The sums so far, for a checkpoint taken in the middle of an epoch. */
  get state(): MetricState {
    const confusion: [number, number][] = [];
    this.confusion.forEach((v, i) => v > 0 && confusion.push([i, v]));
    return { seen: this.seen, correct: this.correct, top5: this.top5, sqErr: this.sqErr, absErr: this.absErr, confusion };
  }

  /** Continues from a checkpoint's sums; a confusion entry outside this run's classes says the model changed. */
  restore(s: MetricState): void {
    if (s.confusion.some(([i]) => i >= this.confusion.length))
      throw new Error(`The checkpoint's metrics count other classes; the model changed since it was saved.`);
    this.seen = s.seen;
    this.correct = s.correct;
    this.top5 = s.top5;
    this.sqErr = s.sqErr;
    this.absErr = s.absErr;
    this.confusion.fill(0);
    for (const [i, v] of s.confusion) this.confusion[i] = v;
  }

  /** Macro average over classes that occur (recall) or are predicted (precision); binary uses class 1 only. */
  private macro(which: 'precision' | 'recall'): number {
    const n = Math.max(this.classes, 2);
    const classes = this.classes <= 2 ? [1] : Array.from({ length: n }, (_, i) => i);
    const scores: number[] = [];
    for (const c of classes) {
      let tp = 0;
      let total = 0;
      for (let o = 0; o < n; o++) {
        const v = which === 'precision' ? this.confusion[o * n + c] : this.confusion[c * n + o];
        total += v;
        if (o === c) tp += v;
      }
      if (total > 0) scores.push(tp / total);
    }
    return scores.length === 0 ? 0 : scores.reduce((s, x) => s + x, 0) / scores.length;
  }
}
