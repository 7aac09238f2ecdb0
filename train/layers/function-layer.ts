// Parameter-free functions tfjs has no layer or activation for: ELU with any α, hard swish, hard tanh, softmax on any axis.

import * as tf from '@tensorflow/tfjs';
import { hardSwish } from './hard-activations';

export interface FunctionLayerConfig {
  readonly name?: string;
  readonly fn: 'elu' | 'hard_swish' | 'hard_tanh' | 'softmax';
  /** ELU's α. */
  readonly alpha?: number;
  /** Softmax axis (batch = 0); tfjs's own softmax handles only the last one. */
  readonly axis?: number;
}

const FUNCTIONS: Record<FunctionLayerConfig['fn'], (x: tf.Tensor, cfg: FunctionLayerConfig) => tf.Tensor> = {
  // tfjs's `elu` op fixes α = 1, so the negative side is scaled here.
  elu: (x, cfg) => tf.where(tf.greater(x, 0), x, tf.mul(cfg.alpha ?? 1, tf.sub(tf.exp(x), 1))),
  hard_swish: hardSwish,
  hard_tanh: (x) => tf.clipByValue(x, -1, 1),
  softmax: (x, cfg) => {
    const axis = cfg.axis ?? -1;
    const e = tf.exp(tf.sub(x, tf.max(x, axis, true)));
    return tf.div(e, tf.sum(e, axis, true));
  },
};

export class FunctionLayer extends tf.layers.Layer {
  static className = 'StrideFunction';
  private readonly cfg: FunctionLayerConfig;

  constructor(cfg: FunctionLayerConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => FUNCTIONS[this.cfg.fn](Array.isArray(inputs) ? inputs[0] : inputs, this.cfg));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(FunctionLayer);
