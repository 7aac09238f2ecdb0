// Factories for pooling of rank 1–3: tfjs's own layers where they match, custom windows for ceil mode and Lp.

import * as tf from '@tensorflow/tfjs';
import { axisPadding, padStart, convOutputLength, effectiveKernel } from '../../core/model/shape-math';
import { nums, num, type LayerContext } from './common';
import { sidePairs } from './explicit-pad';
import { GlobalPool } from './small-layers';
import { WindowPool } from './window-pool';

type Made = tf.layers.Layer | tf.layers.Layer[];

const TF_POOL = {
  max: { 1: tf.layers.maxPooling1d, 2: tf.layers.maxPooling2d, 3: tf.layers.maxPooling3d },
  avg: { 1: tf.layers.averagePooling1d, 2: tf.layers.averagePooling2d, 3: tf.layers.averagePooling3d },
} as const;

export function pool(op: 'max' | 'avg' | 'lp', rank: 1 | 2 | 3) {
  return (ctx: LayerContext): Made => {
    const size = nums(ctx.args.pool);
    const strides = ctx.args.stride === null || ctx.args.stride === undefined ? size : nums(ctx.args.stride);
    const ceil = ctx.args.ceil_mode === true;
    const padding = ctx.args.padding as 'valid' | 'same' | number[];
    const numeric = Array.isArray(padding);
    // `auto`: PyTorch counts padded zeros with numeric padding; TensorFlow's `same` never does.
    const countIncludePad = ctx.args.count_include_pad === null || ctx.args.count_include_pad === undefined ? numeric : ctx.args.count_include_pad === true;
    const sameCounted = padding === 'same' && op === 'avg' && countIncludePad;
    if (op === 'lp' || ceil || numeric || sameCounted) {
      const pads = numeric ? sidePairs(padding) : padding === 'same' ? samePads(ctx.inputShapes[0], size, strides) : undefined;
      return new WindowPool({ name: ctx.name, op, rank, pool: size, strides, ceil, p: op === 'lp' ? num(ctx.args.p ?? 2) : undefined, pads, countIncludePad });
    }
    const make = TF_POOL[op][rank] as (args: object) => tf.layers.Layer;
    return rank === 1 ? make({ name: ctx.name, poolSize: size[0], strides: strides[0], padding }) : make({ name: ctx.name, poolSize: size, strides, padding });
  };
}

/** TensorFlow's `same` split (the odd zero after) as explicit padding, for windows tfjs cannot run itself. */
function samePads(input: readonly (number | null)[], size: number[], strides: number[]): [number, number][] {
  return size.map((k, i) => {
    const d = input[i] ?? 0;
    const out = convOutputLength(d, k, 'same', strides[i]) ?? 0;
    const total = Math.max((out - 1) * strides[i] + effectiveKernel(k, 1) - d, 0);
    const before = padStart(d, k, axisPadding('same', i), strides[i]);
    return [before, total - before];
  });
}

const TF_GLOBAL = {
  avg: { 1: tf.layers.globalAveragePooling1d, 2: tf.layers.globalAveragePooling2d },
  max: { 1: tf.layers.globalMaxPooling1d, 2: tf.layers.globalMaxPooling2d },
} as const;

/** Global pooling; `keepdims: true` restores the size-1 axes with a reshape (tfjs's layers drop them). */
export function globalPool(op: 'avg' | 'max', rank: 1 | 2 | 3) {
  return (ctx: LayerContext): Made => {
    const keepdims = ctx.args.keepdims === true;
    if (rank === 3) return new GlobalPool({ name: ctx.name, op, keepdims });
    const layer = (TF_GLOBAL[op][rank] as (args: object) => tf.layers.Layer)({ name: ctx.name });
    if (!keepdims) return layer;
    return [layer, tf.layers.reshape({ name: `${ctx.name}_keepdims`, targetShape: ctx.outputShape as number[] })];
  };
}
