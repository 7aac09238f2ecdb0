// Stride arguments → the equivalent tfjs-layers layer, one adapter per Stride kind; only given arguments are passed.

import * as tf from '@tensorflow/tfjs';
import { TFJS_ACTIVATION } from '../../train/layers/common';
import type { Make } from './tfjs-oracle';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cfg = any;

/** Drops undefined entries so tfjs applies its own defaults, which must equal Stride's. */
function opt(o: Record<string, unknown>): Cfg {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const conv = (a: Cfg) => ({ kernelSize: a.kernel, strides: a.stride, padding: a.padding, dilationRate: a.dilation, useBias: a.bias, activation: a.activation });
const pool = (a: Cfg) => opt({ poolSize: a.pool, strides: a.stride, padding: a.padding });

/** `add`/`concat` etc. take their inputs positionally in Stride; tfjs merges take a list. */
const merge = (f: (c: Cfg) => tf.layers.Layer) => (a: Cfg) => f(opt({ axis: a.axis }));

/** zeropad2d and cropping2d: n | (h, w) | (top, bottom, left, right). */
function sides(p: readonly number[] | number): Cfg {
  const v = typeof p === 'number' ? [p] : p;
  if (v.length === 4)
    return [
      [v[0], v[1]],
      [v[2], v[3]],
    ];
  return v.length === 2 ? [v[0], v[1]] : v[0];
}

export const tfjsAdapters: Record<string, Make> = {
  conv2d: (a: Cfg) => tf.layers.conv2d(opt({ filters: a.filters, ...conv(a) })),
  depthwise_conv2d: (a: Cfg) => tf.layers.depthwiseConv2d(opt({ depthMultiplier: a.depth_multiplier, ...conv(a) })),
  separable_conv2d: (a: Cfg) => tf.layers.separableConv2d(opt({ filters: a.filters, depthMultiplier: a.depth_multiplier, ...conv(a) })),
  conv2d_transpose: (a: Cfg) => tf.layers.conv2dTranspose(opt({ filters: a.filters, ...conv(a) })),
  maxpool2d: (a: Cfg) => tf.layers.maxPooling2d(pool(a)),
  avgpool2d: (a: Cfg) => tf.layers.averagePooling2d(pool(a)),
  globalavgpool2d: () => tf.layers.globalAveragePooling2d({}),
  globalmaxpool2d: () => tf.layers.globalMaxPooling2d({}),
  batchnorm: (a: Cfg) => tf.layers.batchNormalization(opt({ axis: a.axis, center: a.center, scale: a.scale, momentum: a.momentum, epsilon: a.epsilon })),
  dropout: (a: Cfg) => tf.layers.dropout({ rate: a.rate }),
  flatten: () => tf.layers.flatten(),
  reshape: (a: Cfg, inputs) => tf.layers.reshape({ targetShape: a.shape ?? inputs[0] }),
  dense: (a: Cfg) => tf.layers.dense(opt({ units: a.units, useBias: a.bias, activation: a.activation })),
  activation: (a: Cfg) => tf.layers.activation({ activation: TFJS_ACTIVATION[a.fn] as Cfg }),
  relu: () => tf.layers.reLU(),
  relu6: () => tf.layers.reLU({ maxValue: 6 }),
  leaky_relu: (a: Cfg) => tf.layers.leakyReLU(opt({ alpha: a.alpha })),
  elu: (a: Cfg) => tf.layers.elu(opt({ alpha: a.alpha })),
  // tfjs's Softmax layer defaults to axis 1; Keras (and Stride) default to the last axis.
  softmax: (a: Cfg) => tf.layers.softmax({ axis: a.axis ?? -1 }),
  add: merge((c) => tf.layers.add(c)),
  concat: merge((c) => tf.layers.concatenate(c)),
  zeropad2d: (a: Cfg) => tf.layers.zeroPadding2d(opt({ padding: a.padding === undefined ? undefined : sides(a.padding) })),
  upsample2d: (a: Cfg) => tf.layers.upSampling2d(opt({ size: typeof a.size === 'number' ? [a.size, a.size] : a.size, interpolation: a.interpolation })),
};

/** Keras's 1-D depthwise, separable and transposed convolutions equal their 2-D forms over a (1, length) image. */
function asImage(inputs: readonly (readonly (number | null)[])[], layer: tf.layers.Layer, channels: number): tf.layers.Layer {
  const [length, c] = inputs[0];
  return tf.sequential({
    layers: [
      tf.layers.reshape({ targetShape: [1, length ?? -1, c as number], inputShape: [length, c] as number[] }),
      layer,
      tf.layers.reshape({ targetShape: [-1, channels] }),
    ],
  });
}
const row = (v: number | undefined) => (v === undefined ? undefined : [1, v]);
const conv1dAs2d = (a: Cfg) => ({ kernelSize: row(a.kernel), strides: row(a.stride), padding: a.padding, dilationRate: row(a.dilation), useBias: a.bias });

/** A recurrent layer, wrapped in tfjs's Bidirectional when asked. */
function recurrent(make: (c: Cfg) => tf.layers.Layer) {
  return (a: Cfg) => {
    const cell = make(opt({ units: a.units, returnSequences: a.return_sequences, useBias: a.bias, activation: a.activation, resetAfter: a.reset_after }));
    return a.bidirectional ? tf.layers.bidirectional(opt({ layer: cell as Cfg, mergeMode: a.merge_mode })) : cell;
  };
}

Object.assign(tfjsAdapters, {
  conv1d: (a: Cfg) => tf.layers.conv1d(opt({ filters: a.filters, ...conv(a) })),
  conv3d: (a: Cfg) => tf.layers.conv3d(opt({ filters: a.filters, ...conv(a) })),
  depthwise_conv1d: (a: Cfg, inputs) =>
    asImage(
      inputs,
      tf.layers.depthwiseConv2d(opt({ depthMultiplier: a.depth_multiplier, ...conv1dAs2d(a) })),
      (inputs[0][1] as number) * (a.depth_multiplier ?? 1),
    ),
  separable_conv1d: (a: Cfg, inputs) =>
    asImage(inputs, tf.layers.separableConv2d(opt({ filters: a.filters, depthMultiplier: a.depth_multiplier, ...conv1dAs2d(a) })), a.filters),
  conv1d_transpose: (a: Cfg, inputs) => asImage(inputs, tf.layers.conv2dTranspose(opt({ filters: a.filters, ...conv1dAs2d(a) })), a.filters),
  conv3d_transpose: (a: Cfg) => tf.layers.conv3dTranspose(opt({ filters: a.filters, ...conv(a) })),
  maxpool1d: (a: Cfg) => tf.layers.maxPooling1d(pool(a)),
  avgpool1d: (a: Cfg) => tf.layers.averagePooling1d(pool(a)),
  maxpool3d: (a: Cfg) => tf.layers.maxPooling3d(pool(a)),
  avgpool3d: (a: Cfg) => tf.layers.averagePooling3d(pool(a)),
  globalavgpool1d: () => tf.layers.globalAveragePooling1d({}),
  globalmaxpool1d: () => tf.layers.globalMaxPooling1d({}),
  layernorm: (a: Cfg) => tf.layers.layerNormalization(opt({ axis: a.axis, epsilon: a.epsilon, center: a.center, scale: a.scale })),
  spatial_dropout1d: (a: Cfg) => tf.layers.spatialDropout1d({ rate: a.rate }),
  gaussian_noise: (a: Cfg) => tf.layers.gaussianNoise({ stddev: a.stddev }),
  gaussian_dropout: (a: Cfg) => tf.layers.gaussianDropout({ rate: a.rate }),
  alpha_dropout: (a: Cfg) => tf.layers.alphaDropout({ rate: a.rate }),
  prelu: (a: Cfg) => tf.layers.prelu(opt({ sharedAxes: a.shared_axes })),
  thresholded_relu: (a: Cfg) => tf.layers.thresholdedReLU(opt({ theta: a.theta })),
  multiply: merge(() => tf.layers.multiply({})),
  average: merge(() => tf.layers.average({})),
  maximum: merge(() => tf.layers.maximum({})),
  minimum: merge(() => tf.layers.minimum({})),
  cropping2d: (a: Cfg) => tf.layers.cropping2D({ cropping: a.cropping === undefined ? 0 : sides(a.cropping) }),
  resizing: (a: Cfg) => tf.layers.resizing(opt({ height: a.height, width: a.width, interpolation: a.interpolation })),
  permute: (a: Cfg) => tf.layers.permute({ dims: typeof a.dims === 'number' ? [a.dims] : a.dims }),
  repeat_vector: (a: Cfg) => tf.layers.repeatVector({ n: a.n }),
  embedding: (a: Cfg) => tf.layers.embedding({ inputDim: a.vocab, outputDim: a.dim }),
  simple_rnn: recurrent((c) => tf.layers.simpleRNN(c)),
  lstm: recurrent((c) => tf.layers.lstm(c)),
  gru: recurrent((c) => tf.layers.gru(c)),
} satisfies Record<string, Make>);

/** Activation layers Stride spells as their own kind (`sigmoid()`) map to tfjs `activation` layers. */
for (const name of ['sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'selu', 'gelu', 'swish', 'softsign', 'mish']) {
  tfjsAdapters[name] = () => tf.layers.activation({ activation: TFJS_ACTIVATION[name] as Cfg });
}
