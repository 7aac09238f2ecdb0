// Pooling tfjs-layers cannot express: PyTorch's ceil_mode, explicit padding (counted or not) and Lp pooling, ranks 1–3.

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
  /** Explicit padding (before, after) per spatial axis: −∞ for max, zeros otherwise. */
  readonly pads?: readonly (readonly [number, number])[];
  /** Averages divide by the whole window, padded zeros included (PyTorch's default), instead of the input's share. */
  readonly countIncludePad?: boolean;
}

/** PyTorch's output length: ceil mode keeps a partial last window unless it would start past the input. */
export function poolLength(input: number, k: number, s: number, ceil: boolean, pads: readonly [number, number] = [0, 0]): number {
  const padded = input + pads[0] + pads[1];
  if (!ceil) return Math.floor((padded - k) / s) + 1;
  const out = Math.ceil((padded - k) / s) + 1;
  return (out - 1) * s >= input + pads[0] ? out - 1 : out;
}

const LOWEST = -3.4e38;

/**
 * Windows see explicit padding where asked; in ceil mode the end is padded further so the partial window fits.
 * Averages divide as PyTorch does; Lp is (k · that average of xᵖ)^(1/p), as PyTorch's LPPool.
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
    const spatial = pool.map((k, i) => (shape[i + 1] === null ? null : poolLength(shape[i + 1] as number, k, strides[i], ceil, this.pad(i))));
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

  /** Explicit padding of spatial axis `i` (rank 1 runs as 2-D, whose second axis is never padded). */
  private pad(i: number): [number, number] {
    const p = this.cfg.pads?.[i];
    return p ? [p[0], p[1]] : [0, 0];
  }

  /**
   * The input padded on each side (explicit padding), then at the end so a ceil-mode partial window fits. Averages
   * divide by the pooled mask: ones over the input, and over the padding too when it counts, as PyTorch divides.
   */
  private pooled(x: tf.Tensor, pool: number[], strides: number[]): tf.Tensor {
    const spatial = x.shape.slice(1, -1) as number[];
    const sides = spatial.map((_, i) => this.pad(i));
    const extra = spatial.map((d, i) => {
      const covered = (poolLength(d, pool[i], strides[i], this.cfg.ceil, sides[i]) - 1) * strides[i] + pool[i];
      return Math.max(0, covered - (d + sides[i][0] + sides[i][1]));
    });
    const inner: [number, number][] = [[0, 0], ...sides, [0, 0]];
    const outer: [number, number][] = [[0, 0], ...extra.map((e): [number, number] => [0, e]), [0, 0]];
    const run = (t: tf.Tensor, op: 'max' | 'avg') => poolOp(t, pool, strides, op);
    if (this.cfg.op === 'max') return run(tf.pad(tf.pad(x, inner, LOWEST), outer, LOWEST), 'max');
    const size = pool.reduce((a, b) => a * b, 1);
    const input = this.cfg.op === 'lp' ? tf.pow(x, this.cfg.p ?? 2) : x;
    let avg = run(tf.pad(tf.pad(input, inner), outer), 'avg');
    const counted = this.cfg.op === 'lp' || this.cfg.countIncludePad === true;
    if (extra.some((e) => e > 0) || (!counted && sides.some(([b, a]) => b + a > 0))) {
      const mask = tf.pad(tf.pad(tf.ones([1, ...spatial, 1]), inner, counted ? 1 : 0), outer);
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
