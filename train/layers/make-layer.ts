// One factory per Stride layer kind: resolved arguments in, the tfjs-layers layer(s) that compute it out.

import * as tf from '@tensorflow/tfjs';
import { MultiHeadSelfAttention } from './attention';
import { batchNormalization } from './fused-batchnorm';
import { activationOf, defined, kernelInit, nums, num, regularizerOf, type LayerContext } from './common';
import { conv, depthwise, separable, transpose } from './conv-factories';
import { FunctionLayer } from './function-layer';
import { GroupNorm, LocalResponseNorm } from './normalization';
import { globalPool, pool } from './pool-factories';
import { ResetAfterGru } from './gru';
import { DropPath, LayerScale } from './residual-branch';
import { StrideNoise } from './seeded';
import { PositionalEmbedding, Resize, StrideDropout, Subtract } from './small-layers';
import { SPLIT_FACTORIES } from './split-layers';

/** A kind may need a short chain of tfjs layers (a custom layer followed by its activation). */
export type LayerFactory = (ctx: LayerContext) => tf.layers.Layer | tf.layers.Layer[];

const pair = (v: unknown): [number, number] => {
  const n = nums(v as readonly number[]);
  return [n[0], n[1] ?? n[0]];
};

function dense(ctx: LayerContext): tf.layers.Layer {
  return tf.layers.dense(
    defined({
      name: ctx.name,
      units: num(ctx.args.units),
      useBias: ctx.args.bias !== false,
      activation: activationOf(ctx.args.activation),
      kernelInitializer: kernelInit(ctx),
      kernelRegularizer: regularizerOf(ctx.args),
    }),
  );
}

function batchnorm(ctx: LayerContext): tf.layers.Layer {
  const a = ctx.args;
  return batchNormalization({
    name: ctx.name,
    axis: num(a.axis ?? -1),
    momentum: num(a.momentum ?? 0.99),
    epsilon: num(a.epsilon ?? 0.001),
    center: a.center !== false,
    scale: a.scale !== false,
  });
}

/** (all) | (h, w) | (top, bottom, left, right) → tfjs's ((top, bottom), (left, right)). */
function fourSides(v: unknown): [[number, number], [number, number]] {
  const p = nums(v as readonly number[]);
  const s = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
  return [
    [s[0], s[1]],
    [s[2], s[3]],
  ];
}

/** A `-1` the core could resolve is passed resolved, so tfjs knows the dimension as the core does. */
function reshape(ctx: LayerContext): tf.layers.Layer {
  const target = nums(ctx.args.shape);
  const known = ctx.outputShape.length === target.length && ctx.outputShape.every((d) => d !== null);
  return tf.layers.reshape({ name: ctx.name, targetShape: known ? (ctx.outputShape as number[]) : target });
}

function recurrent(make: typeof tf.layers.lstm) {
  return (ctx: LayerContext): tf.layers.Layer => {
    const a = ctx.args;
    const cell = {
      units: num(a.units),
      returnSequences: a.return_sequences === true,
      activation: activationOf(a.activation ?? 'tanh'),
      useBias: a.bias !== false,
      kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.nextSeed() }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: ctx.nextSeed() }),
      // Keras 2 and PyTorch gate with a sigmoid; tfjs still defaults to Keras 1's hard sigmoid.
      ...(make === tf.layers.simpleRNN ? {} : { recurrentActivation: 'sigmoid' as const }),
      ...(a.reset_after === false ? { resetAfter: false } : {}),
    };
    if (a.bidirectional !== true) return make({ name: ctx.name, ...cell });
    const mergeMode = a.merge_mode as 'concat' | 'sum' | 'mul' | 'ave';
    return tf.layers.bidirectional({ name: ctx.name, layer: make(cell) as never, mergeMode });
  };
}

/** tfjs's GRUCell lacks reset_after (the Keras 2 and PyTorch default), so that variant is Stride's own layer. */
function resetAfterGru(ctx: LayerContext): tf.layers.Layer {
  const a = ctx.args;
  return new ResetAfterGru({
    name: ctx.name,
    units: num(a.units),
    returnSequences: a.return_sequences === true,
    bidirectional: a.bidirectional === true,
    mergeMode: (a.merge_mode ?? 'concat') as 'concat',
    activation: String(a.activation ?? 'tanh'),
    useBias: a.bias !== false,
    seed: ctx.nextSeed(),
  });
}

function attention(ctx: LayerContext): tf.layers.Layer {
  const a = ctx.args;
  const keyDim = num(a.key_dim);
  const dropout = num(a.dropout ?? 0);
  const seed = ctx.nextSeed();
  return new MultiHeadSelfAttention({
    name: ctx.name,
    heads: num(a.heads),
    keyDim,
    valueDim: a.value_dim === null || a.value_dim === undefined ? keyDim : num(a.value_dim),
    dropout,
    useBias: a.bias !== false,
    seed,
    // Asked only when there is dropout, so the seeds of the layers after it stay what they were without.
    dropoutSeed: dropout > 0 ? ctx.nextSeed() : undefined,
  });
}

const activationKind = (fn: string) => (ctx: LayerContext) => tf.layers.activation({ name: ctx.name, activation: activationOf(fn) });
const merge = (make: (args: { name: string }) => tf.layers.Layer) => (ctx: LayerContext) => make({ name: ctx.name });

const CORE: Record<string, LayerFactory> = {
  dense,
  batchnorm,
  reshape,
  flatten: (ctx) => tf.layers.flatten({ name: ctx.name }),
  dropout: (ctx) => new StrideDropout({ name: ctx.name, rate: num(ctx.args.rate), spatial: false, seed: ctx.nextSeed() }),
  drop_path: (ctx) => new DropPath({ name: ctx.name, rate: num(ctx.args.rate), seed: ctx.nextSeed() }),
  scale: (ctx) => new LayerScale({ name: ctx.name, init: num(ctx.args.init) }),
  permute: (ctx) => tf.layers.permute({ name: ctx.name, dims: nums(ctx.args.dims) }),
  repeat_vector: (ctx) => tf.layers.repeatVector({ name: ctx.name, n: num(ctx.args.n) }),
  embedding: (ctx) =>
    tf.layers.embedding({
      name: ctx.name,
      inputDim: num(ctx.args.vocab),
      outputDim: num(ctx.args.dim),
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: ctx.nextSeed() }),
    }),
  positional_embedding: (ctx) => new PositionalEmbedding({ name: ctx.name, length: num(ctx.args.length), seed: ctx.nextSeed() }),
  layernorm: (ctx) =>
    tf.layers.layerNormalization({
      name: ctx.name,
      axis: num(ctx.args.axis ?? -1),
      epsilon: num(ctx.args.epsilon),
      center: ctx.args.center !== false,
      scale: ctx.args.scale !== false,
    }),
  groupnorm: (ctx) =>
    new GroupNorm({
      name: ctx.name,
      groups: num(ctx.args.groups),
      epsilon: num(ctx.args.epsilon),
      center: ctx.args.center !== false,
      scale: ctx.args.scale !== false,
    }),
  lrn: (ctx) => new LocalResponseNorm({ name: ctx.name, size: num(ctx.args.size), alpha: num(ctx.args.alpha), beta: num(ctx.args.beta), k: num(ctx.args.k) }),
  spatial_dropout1d: (ctx) => new StrideDropout({ name: ctx.name, rate: num(ctx.args.rate), spatial: true, seed: ctx.nextSeed() }),
  spatial_dropout2d: (ctx) => new StrideDropout({ name: ctx.name, rate: num(ctx.args.rate), spatial: true, seed: ctx.nextSeed() }),
  spatial_dropout3d: (ctx) => new StrideDropout({ name: ctx.name, rate: num(ctx.args.rate), spatial: true, seed: ctx.nextSeed() }),
  gaussian_noise: (ctx) => new StrideNoise({ name: ctx.name, kind: 'gaussian_noise', amount: num(ctx.args.stddev), seed: ctx.nextSeed() }),
  gaussian_dropout: (ctx) => new StrideNoise({ name: ctx.name, kind: 'gaussian_dropout', amount: num(ctx.args.rate), seed: ctx.nextSeed() }),
  alpha_dropout: (ctx) => new StrideNoise({ name: ctx.name, kind: 'alpha_dropout', amount: num(ctx.args.rate), seed: ctx.nextSeed() }),
  simple_rnn: recurrent(tf.layers.simpleRNN as typeof tf.layers.lstm),
  lstm: recurrent(tf.layers.lstm),
  gru: (ctx) => (ctx.args.reset_after === false ? recurrent(tf.layers.gru as typeof tf.layers.lstm)(ctx) : resetAfterGru(ctx)),
  multihead_attention: attention,
};

const ACTIVATIONS: Record<string, LayerFactory> = {
  activation: (ctx) => activationKind(String(ctx.args.fn))(ctx),
  relu: (ctx) => tf.layers.reLU({ name: ctx.name }),
  relu6: (ctx) => tf.layers.reLU({ name: ctx.name, maxValue: 6 }),
  leaky_relu: (ctx) => tf.layers.leakyReLU({ name: ctx.name, alpha: num(ctx.args.alpha ?? 0.3) }),
  elu: (ctx) =>
    num(ctx.args.alpha ?? 1) === 1 ? tf.layers.elu({ name: ctx.name }) : new FunctionLayer({ name: ctx.name, fn: 'elu', alpha: num(ctx.args.alpha) }),
  softmax: (ctx) => {
    const rank = ctx.inputShapes[0].length + 1;
    const axis = num(ctx.args.axis ?? -1);
    const last = axis === -1 || axis === rank - 1;
    // tfjs's Softmax layer defaults to axis 1, not the last axis: say it.
    return last ? tf.layers.softmax({ name: ctx.name, axis: -1 }) : new FunctionLayer({ name: ctx.name, fn: 'softmax', axis });
  },
  prelu: (ctx) => {
    const shared = nums(ctx.args.shared_axes ?? []);
    return tf.layers.prelu(defined({ name: ctx.name, sharedAxes: shared.length > 0 ? shared : undefined }));
  },
  thresholded_relu: (ctx) => tf.layers.thresholdedReLU({ name: ctx.name, theta: num(ctx.args.theta ?? 1) }),
  hard_swish: (ctx) => new FunctionLayer({ name: ctx.name, fn: 'hard_swish' }),
  hard_tanh: (ctx) => new FunctionLayer({ name: ctx.name, fn: 'hard_tanh' }),
};
for (const fn of ['sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'softsign', 'selu', 'gelu', 'swish', 'silu', 'mish']) ACTIVATIONS[fn] = activationKind(fn);

const MERGES: Record<string, LayerFactory> = {
  add: merge(tf.layers.add),
  subtract: (ctx) => new Subtract({ name: ctx.name }),
  multiply: merge(tf.layers.multiply),
  average: merge(tf.layers.average),
  maximum: merge(tf.layers.maximum),
  minimum: merge(tf.layers.minimum),
  concat: (ctx) => tf.layers.concatenate({ name: ctx.name, axis: num(ctx.args.axis ?? -1) }),
};

const SPATIAL: Record<string, LayerFactory> = {
  zeropad2d: (ctx) => tf.layers.zeroPadding2d({ name: ctx.name, padding: fourSides(ctx.args.padding) }),
  cropping2d: (ctx) => tf.layers.cropping2D({ name: ctx.name, cropping: fourSides(ctx.args.cropping) }),
  upsample2d: (ctx) => tf.layers.upSampling2d({ name: ctx.name, size: pair(ctx.args.size), interpolation: ctx.args.interpolation as 'nearest' | 'bilinear' }),
  resizing: (ctx) =>
    new Resize({ name: ctx.name, height: num(ctx.args.height), width: num(ctx.args.width), interpolation: ctx.args.interpolation as 'nearest' | 'bilinear' }),
};

const RANKS = [1, 2, 3] as const;
const CONV: Record<string, LayerFactory> = {};
for (const r of RANKS) {
  CONV[`conv${r}d`] = conv(r);
  CONV[`conv${r}d_transpose`] = transpose(r);
  CONV[`maxpool${r}d`] = pool('max', r);
  CONV[`avgpool${r}d`] = pool('avg', r);
  CONV[`lppool${r}d`] = pool('lp', r);
  CONV[`globalavgpool${r}d`] = globalPool('avg', r);
  CONV[`globalmaxpool${r}d`] = globalPool('max', r);
}
for (const r of [1, 2] as const) {
  CONV[`depthwise_conv${r}d`] = depthwise(r);
  CONV[`separable_conv${r}d`] = separable(r);
}

export const LAYER_FACTORIES: Record<string, LayerFactory> = { ...CORE, ...ACTIVATIONS, ...MERGES, ...SPATIAL, ...CONV, ...SPLIT_FACTORIES };
