// A GRU with reset_after (Keras 2, PyTorch and cuDNN convention), which tfjs's GRUCell refuses; optionally bidirectional.

import * as tf from '@tensorflow/tfjs';
import { hardSigmoid, hardSwish } from './hard-activations';

export interface GruConfig {
  readonly name?: string;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly bidirectional: boolean;
  readonly mergeMode: 'concat' | 'sum' | 'mul' | 'ave';
  /** A Stride activation name (`tanh` by default). */
  readonly activation: string;
  readonly useBias: boolean;
  readonly seed?: number;
}

/** Every activation the language names, as tensor functions (tfjs keeps its own table private). */
export const ACT: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: tf.relu,
  relu6: tf.relu6,
  sigmoid: tf.sigmoid,
  hard_sigmoid: hardSigmoid,
  hard_swish: hardSwish,
  tanh: tf.tanh,
  softmax: (x) => tf.softmax(x),
  softplus: tf.softplus,
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  elu: tf.elu,
  selu: tf.selu,
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
};

/**
 * Per direction: kernel (F, 3U), recurrent kernel (U, 3U) and, with bias, separate input and recurrent
 * biases (2, 3U) — Keras's weights, so counts match. Gates z, r, h; h' = z·h + (1 − z)·act(x·W_h + r ⊙ (h·U_h + b)).
 */
export class ResetAfterGru extends tf.layers.Layer {
  static className = 'StrideResetAfterGru';
  private readonly cfg: GruConfig;
  private readonly w: tf.LayerVariable[][] = [];

  constructor(cfg: GruConfig) {
    super({ name: cfg.name });
    if (!ACT[cfg.activation]) throw new Error(`Unknown activation '${cfg.activation}'.`);
    this.cfg = cfg;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const f = s[s.length - 1] as number;
    const u = this.cfg.units;
    const seed = (i: number) => (this.cfg.seed === undefined ? undefined : this.cfg.seed + i);
    for (const [d, dir] of (this.cfg.bidirectional ? ['forward', 'backward'] : ['forward']).entries()) {
      const set = [
        this.addWeight(`${dir}/kernel`, [f, 3 * u], 'float32', tf.initializers.glorotUniform({ seed: seed(2 * d) })),
        this.addWeight(`${dir}/recurrent_kernel`, [u, 3 * u], 'float32', tf.initializers.orthogonal({ seed: seed(2 * d + 1) })),
      ];
      if (this.cfg.useBias) set.push(this.addWeight(`${dir}/bias`, [2, 3 * u], 'float32', tf.initializers.zeros()));
      this.w.push(set);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const width = this.cfg.bidirectional && this.cfg.mergeMode === 'concat' ? 2 * this.cfg.units : this.cfg.units;
    return this.cfg.returnSequences ? [s[0], s[1], width] : [s[0], width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const outs = this.w.map((weights, d) => this.run(x, weights, d === 1));
      if (outs.length === 1) return outs[0];
      const [a, b] = outs;
      switch (this.cfg.mergeMode) {
        case 'concat':
          return tf.concat([a, b], -1);
        case 'sum':
          return tf.add(a, b);
        case 'mul':
          return tf.mul(a, b);
        case 'ave':
          return tf.div(tf.add(a, b), 2);
      }
    });
  }

  /** One direction; a backward pass reads time in reverse and its sequence output is re-aligned, as Keras Bidirectional. */
  private run(x: tf.Tensor3D, [kernel, recurrent, bias]: tf.LayerVariable[], backward: boolean): tf.Tensor {
    const [b, t] = x.shape;
    const u = this.cfg.units;
    const biases = bias ? tf.unstack(bias.read()) : [tf.zeros([3 * u]), tf.zeros([3 * u])];
    const xs = tf.unstack(tf.add(tf.matMul(tf.reshape(x, [b * t, -1]), kernel.read() as tf.Tensor2D).reshape([b, t, 3 * u]), biases[0]), 1);
    let h: tf.Tensor = tf.zeros([b, u]);
    const states: tf.Tensor[] = [];
    for (let i = 0; i < t; i++) {
      const [xz, xr, xh] = tf.split(xs[backward ? t - 1 - i : i], 3, -1);
      const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h as tf.Tensor2D, recurrent.read() as tf.Tensor2D), biases[1]), 3, -1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const candidate = ACT[this.cfg.activation ?? 'tanh'](tf.add(xh, tf.mul(r, hh)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      states.push(h);
    }
    if (!this.cfg.returnSequences) return h;
    return tf.stack(backward ? states.reverse() : states, 1);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(ResetAfterGru);
