// Small custom layers: spatial dropout of any rank, subtraction, 3-D global pooling and learned position embeddings.

import * as tf from '@tensorflow/tfjs';
import { input, type Kwargs } from './common';
import { broadcastShapes } from '../../core/model/layers/merge';
import { SeededLayer } from './seeded';

const first = (shape: tf.Shape | tf.Shape[]): tf.Shape => (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;

/**
 * Dropout, optionally of whole channels (spatial). tfjs's own layer reuses its seed on every call, so a
 * seeded layer would drop the same units at every step; here the seed advances with each training call,
 * which keeps runs reproducible and masks fresh.
 */
export class StrideDropout extends SeededLayer {
  static className = 'StrideDropout';
  private readonly rate: number;
  private readonly spatial: boolean;

  constructor(cfg: { name?: string; rate: number; spatial: boolean; seed?: number }) {
    super(cfg);
    this.rate = cfg.rate;
    this.spatial = cfg.spatial;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      if (!kwargs.training || this.rate === 0) return tf.clone(x);
      // Spatial: one decision per sample and channel, shared by every position.
      const noise = this.spatial ? x.shape.map((d, i) => (i === 0 || i === x.shape.length - 1 ? d : 1)) : undefined;
      return tf.dropout(x, this.rate, noise, this.nextSeed());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, spatial: this.spatial, seed: this.seed ?? null };
  }
}

/** first − second (tfjs-layers has no Subtract layer), broadcasting over the non-batch axes as the other merges do. */
export class Subtract extends tf.layers.Layer {
  static className = 'StrideSubtract';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [a, b] = inputShape as tf.Shape[];
    return [a[0], ...(broadcastShapes(a.slice(1), b.slice(1)) ?? a.slice(1))];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    // A lower-rank operand gains axes of 1 after the batch, so it lines up from the right.
    const lift = (t: tf.Tensor, rank: number) => (t.rank >= rank ? t : tf.reshape(t, [t.shape[0], ...Array(rank - t.rank).fill(1), ...t.shape.slice(1)]));
    const rank = Math.max(a.rank, b.rank);
    return tf.sub(lift(a, rank), lift(b, rank));
  }
}

/** Global average or maximum over every axis between batch and channels (used for 3-D volumes). */
export class GlobalPool extends tf.layers.Layer {
  static className = 'StrideGlobalPool';
  private readonly op: 'avg' | 'max';
  private readonly keepdims: boolean;

  constructor(cfg: { name?: string; op: 'avg' | 'max'; keepdims: boolean }) {
    super({ name: cfg.name });
    this.op = cfg.op;
    this.keepdims = cfg.keepdims;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = first(inputShape);
    return this.keepdims ? [s[0], ...s.slice(1, -1).map(() => 1), s[s.length - 1]] : [s[0], s[s.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = input(inputs);
    const axes = x.shape.slice(1, -1).map((_, i) => i + 1);
    return this.op === 'avg' ? tf.mean(x, axes, this.keepdims) : tf.max(x, axes, this.keepdims);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, keepdims: this.keepdims };
  }
}

/** Adds a learned vector per position (up to `length`) to a (length, dim) sequence. */
export class PositionalEmbedding extends tf.layers.Layer {
  static className = 'StridePositionalEmbedding';
  private readonly length: number;
  private readonly seed?: number;
  private table?: tf.LayerVariable;

  constructor(cfg: { name?: string; length: number; seed?: number }) {
    super({ name: cfg.name });
    this.length = cfg.length;
    this.seed = cfg.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = first(inputShape);
    this.table = this.addWeight('embeddings', [this.length, s[s.length - 1] as number], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      const steps = x.shape[1];
      return tf.add(x, tf.slice(this.table!.read(), [0, 0], [steps as number, x.shape[2] as number]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), length: this.length, seed: this.seed ?? null };
  }
}

for (const cls of [StrideDropout, Subtract, GlobalPool, PositionalEmbedding]) tf.serialization.registerClass(cls);

/** Resizes images to a fixed size with half-pixel centres (Keras Resizing; tfjs's own layer mis-reports its shape). */
export class Resize extends tf.layers.Layer {
  static className = 'StrideResize';
  private readonly size: [number, number];
  private readonly interpolation: 'bilinear' | 'nearest';

  constructor(cfg: { name?: string; height: number; width: number; interpolation: 'bilinear' | 'nearest' }) {
    super({ name: cfg.name });
    this.size = [cfg.height, cfg.width];
    this.interpolation = cfg.interpolation;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = first(inputShape);
    return [s[0], ...this.size, s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = input(inputs) as tf.Tensor4D;
    return this.interpolation === 'bilinear' ? tf.image.resizeBilinear(x, this.size, false, true) : tf.image.resizeNearestNeighbor(x, this.size, false, true);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.size[0], width: this.size[1], interpolation: this.interpolation };
  }
}

tf.serialization.registerClass(Resize);
