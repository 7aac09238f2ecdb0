// Pooling tfjs-layers cannot express: PyTorch's ceil_mode (partial last windows) and Lp pooling, for ranks 1–3.

import * as tf from '@tensorflow/tfjs';

export interface WindowPoolConfig {
  readonly name?: string;
  readonly op: 'max' | 'avg' | 'lp';
  readonly rank: 1 | 2 | 3;
  readonly pool: number[];
  readonly strides: number[];
  readonly ceil: boolean;
  /** The Lp norm's p. */
  readonly p?: number;
}

/** PyTorch's output length: ceil mode keeps a partial last window unless it would start past the input. */
export function poolLength(input: number, k: number, s: number, ceil: boolean): number {
  if (!ceil) return Math.floor((input - k) / s) + 1;
  const out = Math.ceil((input - k) / s) + 1;
  return (out - 1) * s >= input ? out - 1 : out;
}

const LOWEST = -3.4e38;

/**
 * Windows never pad the input (padding: valid); in ceil mode the end is padded so the partial window fits.
 * Averages divide by the in-bounds count, as PyTorch does; Lp is (k · that average of xᵖ)^(1/p), as PyTorch's LPPool.
 */
export class WindowPool extends tf.layers.Layer {
  static className = 'StrideWindowPool';
  private readonly cfg: WindowPoolConfig;

  constructor(cfg: WindowPoolConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const { pool, strides, ceil } = this.cfg;
    const spatial = pool.map((k, i) => (shape[i + 1] === null ? null : poolLength(shape[i + 1] as number, k, strides[i], ceil)));
    return [shape[0], ...spatial, shape[shape.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
      // Rank 1 runs as a 2-D pool over (length, 1).
      const x = this.cfg.rank === 1 ? tf.expandDims(x0, 2) : x0;
      const pool = this.cfg.rank === 1 ? [...this.cfg.pool, 1] : this.cfg.pool;
      const strides = this.cfg.rank === 1 ? [...this.cfg.strides, 1] : this.cfg.strides;
      const y = this.pooled(x, pool, strides);
      return this.cfg.rank === 1 ? tf.squeeze(y, [2]) : y;
    });
  }

  private pooled(x: tf.Tensor, pool: number[], strides: number[]): tf.Tensor {
    const spatial = x.shape.slice(1, -1) as number[];
    const extra = spatial.map((d, i) => Math.max(0, (poolLength(d, pool[i], strides[i], this.cfg.ceil) - 1) * strides[i] + pool[i] - d));
    const pads: [number, number][] = [[0, 0], ...extra.map((e): [number, number] => [0, e]), [0, 0]];
    const run = (t: tf.Tensor, op: 'max' | 'avg') => poolOp(t, pool, strides, op);
    if (this.cfg.op === 'max') return run(tf.pad(x, pads, LOWEST), 'max');
    const size = pool.reduce((a, b) => a * b, 1);
    const input = this.cfg.op === 'lp' ? tf.pow(x, this.cfg.p ?? 2) : x;
    let avg = run(tf.pad(input, pads), 'avg');
    if (extra.some((e) => e > 0)) {
      // In-bounds fraction of each window: the average of a padded mask of ones.
      const mask = tf.pad(tf.ones([1, ...spatial, 1]), pads);
      avg = tf.div(avg, run(mask, 'avg'));
    }
    return this.cfg.op === 'avg' ? avg : tf.pow(tf.mul(avg, size), 1 / (this.cfg.p ?? 2));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

function poolOp(x: tf.Tensor, pool: number[], strides: number[], op: 'max' | 'avg'): tf.Tensor {
  if (pool.length === 2) {
    const f = op === 'max' ? tf.maxPool : tf.avgPool;
    return f(x as tf.Tensor4D, pool as [number, number], strides as [number, number], 'valid');
  }
  const f = op === 'max' ? tf.maxPool3d : tf.avgPool3d;
  return f(x as tf.Tensor5D, pool as [number, number, number], strides as [number, number, number], 'valid');
}

tf.serialization.registerClass(WindowPool);
