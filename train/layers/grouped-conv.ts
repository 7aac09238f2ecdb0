// A grouped convolution of rank 1–3 (`conv2d(..., groups: g)`), which tfjs-layers lacks.

import * as tf from '@tensorflow/tfjs';
import { convOutputLength, type Padding } from '../../core/model/shape-math';

export interface GroupedConvConfig {
  readonly name?: string;
  readonly rank: 1 | 2 | 3;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dilationRate: number[];
  readonly groups: number;
  readonly useBias: boolean;
  readonly seed?: number;
  readonly l1?: number;
  readonly l2?: number;
}

const first = (shape: tf.Shape | tf.Shape[]): tf.Shape => (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;

/**
 * Also the dilated form of every convolution: tfjs computes dilated convolutions but has no gradients for them.
 * Each of `groups` slices of the input channels is convolved with its own slice of the filters and the
 * results are concatenated, as PyTorch's `groups`. The kernel is one weight of shape
 * (…kernel, C_in / groups, filters), so the parameter count matches Keras's `Conv2D(groups=…)`.
 */
export class GroupedConv extends tf.layers.Layer {
  static className = 'StrideGroupedConv';
  private readonly cfg: GroupedConvConfig;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(cfg: GroupedConvConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = first(inputShape);
    const cin = shape[shape.length - 1];
    const { kernelSize, groups, filters, seed, l1 = 0, l2 = 0 } = this.cfg;
    if (cin === null || cin % groups !== 0) throw new Error(`groups (${groups}) must divide the input channels (${cin}).`);
    const reg = l1 > 0 || l2 > 0 ? tf.regularizers.l1l2({ l1, l2 }) : undefined;
    this.kernel = this.addWeight('kernel', [...kernelSize, cin / groups, filters], 'float32', tf.initializers.glorotNormal({ seed }), reg, true);
    if (this.cfg.useBias) this.bias = this.addWeight('bias', [filters], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = first(inputShape);
    const { kernelSize, strides, padding, dilationRate, filters } = this.cfg;
    const spatial = kernelSize.map((k, i) => convOutputLength(shape[i + 1], k, padding as Padding, strides[i], dilationRate[i]));
    return [shape[0], ...spatial, filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = this.causalPad(Array.isArray(inputs) ? inputs[0] : inputs);
      const { rank, groups, filters } = this.cfg;
      const kernel = dilateKernel(this.kernel!.read(), this.cfg.dilationRate);
      const cin = x.shape[rank + 1] as number;
      let y: tf.Tensor;
      if (rank === 2 && groups > 1 && groups === cin) {
        // One group per input channel is a depthwise convolution: one op instead of C.
        const [kh, kw] = kernel.shape;
        y = tf.depthwiseConv2d(x as tf.Tensor4D, tf.reshape(kernel, [kh, kw, cin, filters / cin]) as tf.Tensor4D, this.strides2(), this.padding());
      } else if (groups === 1) {
        y = this.convolve(x, kernel);
      } else {
        const xs = tf.split(x, groups, rank + 1);
        const ks = tf.split(kernel, groups, rank + 1);
        const ys = xs.map((xi, i) => this.convolve(xi, ks[i]));
        y = ys.length === 1 ? ys[0] : tf.concat(ys, rank + 1);
      }
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  /** Causal (rank 1): (k − 1)·dilation zeros on the left, then a valid convolution. */
  private causalPad(x: tf.Tensor): tf.Tensor {
    if (this.cfg.padding !== 'causal') return x;
    const left = (this.cfg.kernelSize[0] - 1) * this.cfg.dilationRate[0];
    return tf.pad(x, [
      [0, 0],
      [left, 0],
      [0, 0],
    ]);
  }

  private padding(): 'valid' | 'same' {
    return this.cfg.padding === 'causal' ? 'valid' : this.cfg.padding;
  }

  private strides2(): [number, number] {
    return this.cfg.strides as [number, number];
  }

  /** The kernel is already dilated, so every op runs with dilation 1 (tfjs has no gradients for dilated ops). */
  private convolve(x: tf.Tensor, k: tf.Tensor): tf.Tensor {
    const { rank, strides } = this.cfg;
    if (rank === 1) return tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, strides[0], this.padding(), 'NWC');
    if (rank === 2) return tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, this.strides2(), this.padding(), 'NHWC');
    return tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, strides as [number, number, number], this.padding(), 'NDHWC');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

/**
 * Spreads a kernel's taps `rate` apart with zeros between them, (k − 1)·rate + 1 wide per axis. A dilated
 * convolution is exactly a plain convolution with this kernel, and pad/reshape/slice all have gradients.
 */
export function dilateKernel(kernel: tf.Tensor, rates: readonly number[]): tf.Tensor {
  let k = kernel;
  rates.forEach((rate, axis) => {
    if (rate === 1) return;
    const shape = k.shape;
    const size = shape[axis];
    const spread = tf.reshape(k, [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]);
    const pads = spread.shape.map((_, i): [number, number] => (i === axis + 1 ? [0, rate - 1] : [0, 0]));
    const merged = tf.reshape(tf.pad(spread, pads), [...shape.slice(0, axis), size * rate, ...shape.slice(axis + 1)]);
    k = tf.slice(merged, Array(shape.length).fill(0), [...shape.slice(0, axis), (size - 1) * rate + 1, ...shape.slice(axis + 1)]);
  });
  return k;
}

tf.serialization.registerClass(GroupedConv);
