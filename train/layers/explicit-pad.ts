// PyTorch-style explicit padding for windows of any rank: constant padding before a `valid` window, and the
// cropping a transposed convolution's numeric padding means.

import * as tf from '@tensorflow/tfjs';

export interface ExplicitPadConfig {
  readonly name?: string;
  /** (before, after) per spatial axis; negative never: cropping is its own mode. */
  readonly pads: readonly (readonly [number, number])[];
  /** `pad` adds `value` on every side; `crop` removes `before` and keeps the next `sizes` elements. */
  readonly mode: 'pad' | 'crop';
  readonly value?: number;
  /** Crop only: the length kept on each spatial axis. */
  readonly sizes?: readonly number[];
}

/** Per-side padding as bound by the core ((before, after) pairs, axis by axis) as a list of pairs. */
export function sidePairs(sides: readonly number[]): [number, number][] {
  return Array.from({ length: sides.length / 2 }, (_, i): [number, number] => [sides[2 * i], sides[2 * i + 1]]);
}

export class ExplicitPad extends tf.layers.Layer {
  static className = 'StrideExplicitPad';
  private readonly cfg: ExplicitPadConfig;

  constructor(cfg: ExplicitPadConfig) {
    super({ name: cfg.name });
    this.cfg = cfg;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const spatial = this.cfg.pads.map(([b, a], i) => {
      const d = shape[i + 1];
      if (this.cfg.mode === 'crop') return this.cfg.sizes?.[i] ?? null;
      return d === null ? null : d + b + a;
    });
    return [shape[0], ...spatial, shape[shape.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.cfg.mode === 'crop') {
        const begin = [0, ...this.cfg.pads.map(([b]) => b), 0];
        const size = [-1, ...(this.cfg.sizes ?? []), -1];
        return tf.slice(x, begin, size);
      }
      const pads: [number, number][] = [[0, 0], ...this.cfg.pads.map(([b, a]): [number, number] => [b, a]), [0, 0]];
      return tf.pad(x, pads, this.cfg.value ?? 0);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.cfg } as unknown as tf.serialization.ConfigDict;
  }
}

tf.serialization.registerClass(ExplicitPad);
