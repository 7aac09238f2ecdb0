// Layers that shape a residual branch: layer scale (a learned factor per channel) and stochastic depth, which drops
// whole samples of the branch in training (torchvision's StochasticDepth in "row" mode).

import * as tf from '@tensorflow/tfjs';
import { input, type Kwargs } from './common';
import { SeededLayer } from './seeded';

/** x · γ, with γ one trainable factor per channel (last axis), all starting at `init`. */
export class LayerScale extends tf.layers.Layer {
  static className = 'StrideLayerScale';
  private readonly init: number;
  private gamma?: tf.LayerVariable;

  constructor(cfg: { name?: string; init: number }) {
    super({ name: cfg.name });
    this.init = cfg.init;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.constant({ value: this.init }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(input(inputs), this.gamma!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init };
  }
}

/**
 * In training, keeps each sample with probability 1 − rate and divides the kept ones by it, so the expected value
 * is unchanged; at inference the identity. The seed advances with every training call, as StrideDropout's does.
 */
export class DropPath extends SeededLayer {
  static className = 'StrideDropPath';
  private readonly rate: number;

  constructor(cfg: { name?: string; rate: number; seed?: number }) {
    super(cfg);
    this.rate = cfg.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      if (!kwargs.training || this.rate === 0) return tf.clone(x);
      const keep = 1 - this.rate;
      const seed = this.nextSeed();
      const perSample = [x.shape[0] as number, ...x.shape.slice(1).map(() => 1)];
      const mask = tf.floor(tf.add(tf.randomUniform(perSample, 0, 1, 'float32', seed), keep));
      return tf.mul(x, tf.div(mask, keep));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null };
  }
}

tf.serialization.registerClass(LayerScale);
tf.serialization.registerClass(DropPath);
