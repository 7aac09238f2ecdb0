// Layers that draw random numbers while training, seeded so that a run can be repeated and resumed: each training
// call draws with `seed + calls` and counts itself. A checkpoint keeps every layer's count (train/checkpoint.ts) and
// partner threads offset theirs (train/node/parallel), so every draw is a function of the seed and the step.

import * as tf from '@tensorflow/tfjs';
import { input, type Kwargs } from './common';

/** A layer with seeded draws (tfjs's own noise layers reuse one seed on every call, or draw unseeded). */
export abstract class SeededLayer extends tf.layers.Layer {
  /** Seeded draws so far: the next one's seed is `seed + calls` (a checkpoint keeps it, so a resumed run draws on). */
  calls = 0;
  protected readonly seed?: number;

  constructor(cfg: { name?: string; seed?: number }) {
    super({ name: cfg.name });
    this.seed = cfg.seed;
  }

  /** The seed of the next draw; undefined (an unseeded model) leaves tfjs's own generator. */
  protected nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : this.seed + this.calls++;
  }
}

export type NoiseKind = 'gaussian_noise' | 'gaussian_dropout' | 'alpha_dropout';

/**
 * Keras's GaussianNoise, GaussianDropout and AlphaDropout (the identity at inference), with seeded draws; the first two
 * as tfjs-layers computes them, alpha dropout as Keras does (see `alphaDropout`).
 */
export class StrideNoise extends SeededLayer {
  static className = 'StrideNoise';
  readonly kind: NoiseKind;
  /** The standard deviation of gaussian_noise; the rate of the two dropouts. */
  readonly amount: number;

  constructor(cfg: { name?: string; kind: NoiseKind; amount: number; seed?: number }) {
    super(cfg);
    this.kind = cfg.kind;
    this.amount = cfg.amount;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      const rate = this.amount;
      if (!kwargs.training || (this.kind !== 'gaussian_noise' && !(rate > 0 && rate < 1))) return tf.clone(x);
      if (this.kind === 'gaussian_noise') return tf.add(tf.randomNormal(x.shape, 0, this.amount, 'float32', this.nextSeed()), x);
      if (this.kind === 'gaussian_dropout') return tf.mul(x, tf.randomNormal(x.shape, 1, Math.sqrt(rate / (1 - rate)), 'float32', this.nextSeed()));
      return alphaDropout(x, rate, this.nextSeed());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind, amount: this.amount, seed: this.seed ?? null };
  }
}

/**
 * Keeps the mean and variance of SELU activations: dropped units take SELU's negative saturation α′ = −λα, then an
 * affine map restores mean 0 and variance 1 (Keras and PyTorch's AlphaDropout). tfjs-layers' own AlphaDropout sets
 * dropped units to −α′ instead (a sign slip), which shifts the mean; this is the Keras formula.
 */
function alphaDropout(x: tf.Tensor, rate: number, seed: number | undefined): tf.Tensor {
  const alpha = 1.6732632423543772848170429916717;
  const scale = 1.0507009873554804934193349852946;
  const alphaP = -alpha * scale;
  const kept = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
  const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
  const b = -a * alphaP * rate;
  const masked = tf.add(tf.mul(x, kept), tf.mul(tf.sub(1, kept), alphaP));
  return tf.add(tf.mul(masked, a), b);
}

tf.serialization.registerClass(StrideNoise);
