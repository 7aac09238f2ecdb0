// Stride's custom tfjs classes rewritten as stock tfjs-layers classes where inference computes the same, and the
// per-kind support table of the tfjs format.

import type { KindSupport } from './refusal';

/** One layer of a tfjs model topology (`modelTopology.config.layers[i]`, Python-style keys). */
export interface TopologyLayer {
  class_name: string;
  config: Record<string, unknown>;
  name: string;
  inbound_nodes: unknown[];
}

/** What a stock replacement needs of the live layer: its config and input shape (batch first). */
export interface LiveLayer {
  readonly className: string;
  readonly config: Record<string, unknown>;
  readonly inputShape: readonly (number | null)[];
}

/** Activation identifiers that stock tfjs knows; Stride's `strideHardSigmoid`/`strideHardSwish` are not among them. */
export const STOCK_ACTIVATIONS = new Set([
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'elu',
  'selu',
  'gelu',
  'swish',
  'mish',
]);

/** A stock class and config computing what `live` computes at inference, or why there is none. */
export function stockReplacement(live: LiveLayer): { class_name: string; config: Record<string, unknown> } | { refused: string } {
  const c = live.config;
  const base = { name: c.name, trainable: true, dtype: 'float32' };
  switch (live.className) {
    case 'StrideDropout':
    case 'StrideDropPath':
      // Both are the identity at inference, as stock Dropout is.
      return { class_name: 'Dropout', config: { ...base, rate: c.rate, noise_shape: null, seed: null } };
    case 'StrideNoise':
      // Seeded in training, the identity at inference, as the stock layers are.
      if (c.kind === 'gaussian_noise') return { class_name: 'GaussianNoise', config: { ...base, stddev: c.amount } };
      return { class_name: c.kind === 'alpha_dropout' ? 'AlphaDropout' : 'GaussianDropout', config: { ...base, rate: c.amount } };
    case 'StrideExplicitPad':
      return explicitPad(live, base);
    case 'StrideFunction':
      // Stock Softmax takes an axis but its kernel runs only on the last one.
      return { refused: c.fn === 'softmax' ? 'stock tfjs softmax runs only on the last axis' : `${String(c.fn)} has no stock tfjs layer` };
    default:
      return { refused: `Stride's own layer ${live.className} has no stock tfjs equivalent` };
  }
}

/** Zero padding and cropping of two spatial axes are stock ZeroPadding2D / Cropping2D; other ranks are not. */
function explicitPad(live: LiveLayer, base: object): { class_name: string; config: Record<string, unknown> } | { refused: string } {
  const c = live.config;
  const pads = c.pads as [number, number][];
  if (pads.length !== 2) return { refused: `explicit padding of ${pads.length} spatial axes has no stock tfjs layer (only 2-D)` };
  if (c.mode === 'pad') {
    if ((c.value ?? 0) !== 0) return { refused: 'padding with a non-zero value has no stock tfjs layer' };
    return { class_name: 'ZeroPadding2D', config: { ...base, padding: pads, data_format: 'channels_last' } };
  }
  const sizes = c.sizes as number[];
  const cropping = pads.map(([before], i) => [before, (live.inputShape[i + 1] ?? 0) - before - sizes[i]]);
  return { class_name: 'Cropping2D', config: { ...base, cropping, data_format: 'channels_last' } };
}

const EXACT = new Set(
  `input dense flatten reshape batchnorm relu relu6 sigmoid tanh softplus selu gelu swish leaky_relu softsign mish
  thresholded_relu prelu globalavgpool1d globalmaxpool1d globalavgpool2d globalmaxpool2d layernorm add multiply
  average maximum minimum concat cropping2d zeropad2d upsample2d permute repeat_vector embedding simple_rnn lstm dropout
  gaussian_noise gaussian_dropout alpha_dropout`.split(/\s+/),
);

const NOTES: Record<string, string> = {
  conv1d:
    'numeric padding is refused (no stock 1-D zero padding); groups > 1, dilation and causal padding are refused (Stride runs them as its own convolution)',
  conv2d: 'numeric padding becomes a stock ZeroPadding2D before a `valid` convolution; groups > 1 and dilation are refused',
  conv3d: 'numeric padding, groups > 1 and dilation are refused (Stride runs them as its own layers)',
  depthwise_conv1d: 'built as a stock 2-D depthwise convolution over (length, 1); numeric padding and dilation are refused',
  depthwise_conv2d: 'numeric padding becomes a stock ZeroPadding2D; dilation is refused',
  separable_conv1d: 'built as a stock 2-D separable convolution over (length, 1); numeric padding and dilation are refused',
  separable_conv2d: 'numeric padding becomes a stock ZeroPadding2D; dilation is refused',
  conv1d_transpose: 'built as a stock 2-D transposed convolution over (length, 1); numeric padding is refused',
  conv2d_transpose: 'numeric padding becomes a stock Cropping2D after a `valid` transposed convolution',
  conv3d_transpose: 'numeric padding is refused (no stock 3-D cropping)',
  maxpool1d: 'ceil mode and numeric padding are refused (Stride runs them as its own window)',
  avgpool1d: 'ceil mode, numeric padding and counted `same` padding are refused',
  maxpool2d: 'ceil mode and numeric padding are refused (Stride runs them as its own window)',
  avgpool2d: 'ceil mode, numeric padding and counted `same` padding are refused',
  maxpool3d: 'ceil mode and numeric padding are refused',
  avgpool3d: 'ceil mode, numeric padding and counted `same` padding are refused',
  activation: 'refused for hard_sigmoid and hard_swish (stock tfjs has only the 0.2·x + 0.5 hard sigmoid)',
  softmax: 'only on the last axis (stock tfjs softmax runs on no other)',
  elu: 'alpha other than 1 is refused (stock ELU fixes α = 1)',
  spatial_dropout1d: 'saved as stock Dropout: the same at inference, drops single values rather than channels in training',
  spatial_dropout2d: 'saved as stock Dropout: the same at inference, drops single values rather than channels in training',
  spatial_dropout3d: 'saved as stock Dropout: the same at inference, drops single values rather than channels in training',
  drop_path: 'saved as stock Dropout: the identity at inference, as drop path is; training drops values, not whole samples',
  gru: 'only with reset_after: false (stock tfjs GRU lacks reset_after, the default)',
};

const REFUSED: Record<string, string> = {
  hard_sigmoid: 'stock tfjs hard sigmoid is 0.2·x + 0.5, not relu6(x + 3)/6',
  hard_swish: 'no stock tfjs layer or activation',
  hard_tanh: 'no stock tfjs layer or activation',
  lppool1d: 'no stock tfjs Lp pooling',
  lppool2d: 'no stock tfjs Lp pooling',
  lppool3d: 'no stock tfjs Lp pooling',
  globalavgpool3d: 'no stock tfjs 3-D global pooling',
  globalmaxpool3d: 'no stock tfjs 3-D global pooling',
  groupnorm: 'no stock tfjs group normalization',
  lrn: 'no stock tfjs local response normalization',
  scale: 'no stock tfjs layer scale',
  subtract: 'no stock tfjs Subtract layer',
  resizing: "Stride's resize is its own layer",
  split: 'no stock tfjs slicing layer',
  slice: 'no stock tfjs slicing layer',
  channel_shuffle: 'no stock tfjs channel shuffle',
  positional_embedding: 'no stock tfjs positional embedding',
  multihead_attention: 'no stock tfjs multi-head attention',
};

export function tfjsSupport(kind: string): KindSupport {
  if (EXACT.has(kind)) return { status: 'exact' };
  if (Object.hasOwn(NOTES, kind)) return { status: 'note', note: NOTES[kind] };
  if (Object.hasOwn(REFUSED, kind)) return { status: 'refused', note: REFUSED[kind] };
  return { status: 'refused', note: 'not checked for stock tfjs' };
}
