// Multi-head self-attention with Keras MultiHeadAttention's weights (query, key, value, output projections).

import * as tf from '@tensorflow/tfjs';
import { SeededLayer } from './seeded';

export interface AttentionConfig {
  readonly name?: string;
  readonly heads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  /** Seeds the initializers. */
  readonly seed?: number;
  /** Seeds the attention weights' dropout (a stream of its own, counted per training call). */
  readonly dropoutSeed?: number;
}

/** Every position of a (length, dim) sequence attends to every position; softmax(QKᵀ/√key_dim)·V per head. */
export class MultiHeadSelfAttention extends SeededLayer {
  static className = 'StrideMultiHeadSelfAttention';
  private readonly cfg: AttentionConfig;
  private readonly w: Record<string, tf.LayerVariable> = {};

  constructor(cfg: AttentionConfig) {
    super({ name: cfg.name, seed: cfg.dropoutSeed });
    this.cfg = cfg;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = s[s.length - 1] as number;
    const { heads: h, keyDim: k, valueDim: v, useBias, seed } = this.cfg;
    const init = (i: number) => tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + i });
    const shapes: [string, number[], number[]][] = [
      ['query', [d, h * k], [h * k]],
      ['key', [d, h * k], [h * k]],
      ['value', [d, h * v], [h * v]],
      ['attention_output', [h * v, d], [d]],
    ];
    shapes.forEach(([name, kernel, bias], i) => {
      this.w[`${name}/kernel`] = this.addWeight(`${name}/kernel`, kernel, 'float32', init(i));
      if (useBias) this.w[`${name}/bias`] = this.addWeight(`${name}/bias`, bias, 'float32', tf.initializers.zeros());
    });
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [b, t, d] = x.shape;
      const { heads: h, keyDim: k, valueDim: v, dropout } = this.cfg;
      const flat = tf.reshape(x, [b * t, d]);
      const project = (name: string, size: number) => {
        const y = this.dense(flat, name);
        return tf.transpose(tf.reshape(y, [b, t, h, size]), [0, 2, 1, 3]);
      };
      const q = tf.mul(project('query', k), 1 / Math.sqrt(k));
      let weights = tf.softmax(tf.matMul(q, project('key', k), false, true));
      if (kwargs.training && dropout > 0) weights = tf.dropout(weights, dropout, undefined, this.nextSeed());
      const heads = tf.transpose(tf.matMul(weights, project('value', v)), [0, 2, 1, 3]);
      return tf.reshape(this.dense(tf.reshape(heads, [b * t, h * v]), 'attention_output'), [b, t, d]);
    });
  }

  private dense(x: tf.Tensor, name: string): tf.Tensor {
    const y = tf.matMul(x as tf.Tensor2D, this.w[`${name}/kernel`].read() as tf.Tensor2D);
    const bias = this.w[`${name}/bias`];
    return bias ? tf.add(y, bias.read()) : y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(MultiHeadSelfAttention);
