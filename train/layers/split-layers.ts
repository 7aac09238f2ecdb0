// tfjs layers for split parts, slices and channel shuffle: tensor ops only, so tfjs differentiates them itself.

import * as tf from '@tensorflow/tfjs';
import { sliceRange } from '../../core/model/layers/split';
import { input, num, type LayerContext } from './common';

const first = (shape: tf.Shape | tf.Shape[]): tf.Shape => (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;

/** Positions begin … begin + size − 1 along one axis (counted with the batch as 0): a part of a split or a slice. */
export class StrideSlice extends tf.layers.Layer {
  static className = 'StrideSlice';
  private readonly axis: number;
  private readonly begin: number;
  private readonly size: number;

  constructor(cfg: { name?: string; axis: number; begin: number; size: number }) {
    super({ name: cfg.name });
    this.axis = cfg.axis;
    this.begin = cfg.begin;
    this.size = cfg.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return first(inputShape).map((d, i) => (i === this.axis ? this.size : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = input(inputs);
    const begin = x.shape.map((_, i) => (i === this.axis ? this.begin : 0));
    const size = x.shape.map((_, i) => (i === this.axis ? this.size : -1));
    return tf.slice(x, begin, size);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, begin: this.begin, size: this.size };
  }
}

/** ShuffleNet's shuffle on the last (channel) axis: (…, g, C/g) → (…, C/g, g), read back as (…, C). */
export class ChannelShuffle extends tf.layers.Layer {
  static className = 'StrideChannelShuffle';
  private readonly groups: number;

  constructor(cfg: { name?: string; groups: number }) {
    super({ name: cfg.name });
    this.groups = cfg.groups;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return first(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = input(inputs);
      const lead = x.shape.slice(0, -1);
      const channels = x.shape[x.shape.length - 1];
      const grouped = tf.reshape(x, [...lead, this.groups, channels / this.groups]);
      const perm = [...lead.map((_, i) => i), lead.length + 1, lead.length];
      return tf.reshape(tf.transpose(grouped, perm), x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

for (const cls of [StrideSlice, ChannelShuffle]) tf.serialization.registerClass(cls);

/** The core already checked the range; here it is resolved against the input shape the core inferred. */
function slice(ctx: LayerContext): tf.layers.Layer {
  const range = sliceRange(ctx.args, ctx.inputShapes[0]);
  if ('code' in range || Number.isNaN(range.start))
    throw new Error(`Layer '${ctx.name}' takes a range that is not known: ${'code' in range ? range.message : 'the axis length is unknown.'}`);
  return new StrideSlice({ name: ctx.name, axis: range.axis + 1, begin: range.start, size: range.stop - range.start });
}

export const SPLIT_FACTORIES = {
  slice,
  channel_shuffle: (ctx: LayerContext): tf.layers.Layer => new ChannelShuffle({ name: ctx.name, groups: num(ctx.args.groups) }),
};
