// Normalization layers tfjs-layers lacks: group normalization (Keras semantics) and local response normalization (PyTorch semantics).

import * as tf from '@tensorflow/tfjs';
import { input } from './common';

const first = (shape: tf.Shape | tf.Shape[]): tf.Shape => (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;

export interface GroupNormConfig {
  readonly name?: string;
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
}

/** Normalizes each sample over groups of channels (and all positions); γ and β per channel, no moving statistics. */
export class GroupNorm extends tf.layers.Layer {
  static className = 'StrideGroupNorm';
  private readonly cfg: GroupNormConfig;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  constructor(cfg: GroupNormConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = first(inputShape);
    const c = shape[shape.length - 1] as number;
    if (c % this.cfg.groups !== 0) throw new Error(`groups (${this.cfg.groups}) must divide the channels (${c}).`);
    if (this.cfg.scale) this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    if (this.cfg.center) this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      const c = x.shape[x.shape.length - 1];
      const g = this.cfg.groups;
      const grouped = tf.reshape(x, [x.shape[0], -1, g, c / g]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      let y = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, this.cfg.epsilon))), x.shape);
      if (this.gamma) y = tf.mul(y, this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

export interface LrnConfig {
  readonly name?: string;
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
}

/** PyTorch LocalResponseNorm over the channel (last) axis: x / (k + α/n · Σ x²)^β over n neighbouring channels. */
export class LocalResponseNorm extends tf.layers.Layer {
  static className = 'StrideLocalResponseNorm';
  private readonly cfg: LrnConfig;

  constructor(cfg: LrnConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      const { size, alpha, beta, k } = this.cfg;
      const rank = x.shape.length;
      const c = x.shape[rank - 1];
      // The window of channel i is i − ⌊n/2⌋ … i + ⌊(n−1)/2⌋, zero outside: PyTorch's padding.
      const pads = x.shape.map((): [number, number] => [0, 0]);
      pads[rank - 1] = [Math.floor(size / 2), Math.floor((size - 1) / 2)];
      const sq = tf.pad(tf.square(x), pads);
      let sum = tf.slice(sq, Array(rank).fill(0), [...x.shape.slice(0, -1), c]);
      for (let j = 1; j < size; j++) sum = tf.add(sum, tf.slice(sq, [...Array(rank - 1).fill(0), j], [...x.shape.slice(0, -1), c]));
      return tf.div(x, tf.pow(tf.add(k, tf.mul(alpha / size, sum)), beta));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(GroupNorm);
tf.serialization.registerClass(LocalResponseNorm);
