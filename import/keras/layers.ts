// One Keras layer to one Stride layer call, with the names of its weights in `getWeights()` order: the class table.

import { ImportError } from '../read';
import type { Json, KLayer } from './types';

/** A single-input layer's Stride call and the names of its weights. */
export interface Mapped {
  readonly call: string;
  /** Weight names in order; `a|b` accepts either name (Keras 2 and 3 name some weights differently). */
  readonly weights: readonly string[];
}

function refuse(l: KLayer, why: string): never {
  throw new ImportError(`${l.cls} layer '${l.name}': ${why}`);
}

/** A config value by its Keras (snake_case) name or its tfjs (camelCase) name. */
function opt(l: KLayer, key: string): unknown {
  const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return l.config[key] ?? l.config[camel];
}
const numberOf = (l: KLayer, key: string, fallback: number): number => {
  const v = opt(l, key);
  return typeof v === 'number' ? v : Array.isArray(v) && typeof v[0] === 'number' && v.length === 1 ? v[0] : fallback;
};
const ints = (l: KLayer, key: string, fallback: readonly number[]): readonly number[] => {
  const v = opt(l, key);
  if (typeof v === 'number') return [v, v];
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : fallback;
};
/** A float written with the digits it was meant to have (1e-5, not 9.99999974e-6). */
const float = (x: number): string => String(Number(x.toPrecision(6)));
const pair = (v: readonly number[]): string => (v.every((x) => x === v[0]) ? `${v[0]}` : `(${v.join(', ')})`);

/** Keras activation names that mean the same function in Stride. */
const ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  elu: 'elu',
  selu: 'selu',
  swish: 'swish',
  silu: 'silu',
  hard_swish: 'hard_swish',
  strideHardSwish: 'hard_swish',
  strideHardSigmoid: 'hard_sigmoid',
};

function activationName(l: KLayer, key = 'activation'): string {
  const raw = opt(l, key) ?? 'linear';
  // Keras 3 may serialize an activation as `{class_name: 'function', config: 'relu'}`.
  const name = typeof raw === 'object' && raw !== null ? (raw as Json).config : raw;
  const fn = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
  if (fn === undefined) refuse(l, `activation '${JSON.stringify(name)}' is not imported`);
  return fn;
}
const activationArg = (l: KLayer): string => {
  const fn = activationName(l);
  return fn === 'linear' ? '' : `, activation: ${fn}`;
};

function channelsLast(l: KLayer): void {
  if (opt(l, 'data_format') === 'channels_first') refuse(l, 'channels_first data is not imported; Stride is channels-last');
}

function paddingArg(l: KLayer): string {
  const p = opt(l, 'padding') ?? 'valid';
  if (p === 'same') return ', padding: same';
  if (p !== 'valid') refuse(l, `padding '${String(p)}' is not imported`);
  return '';
}

/** The window arguments every convolution shares, after its leading positional ones. */
function convTail(l: KLayer): string {
  channelsLast(l);
  const strides = ints(l, 'strides', [1, 1]);
  const dilation = ints(l, 'dilation_rate', [1, 1]);
  let args = strides.some((s) => s !== 1) ? `, stride: ${pair(strides)}` : '';
  args += paddingArg(l);
  if (dilation.some((d) => d !== 1)) args += `, dilation: ${pair(dilation)}`;
  return args;
}
const useBias = (l: KLayer): boolean => opt(l, 'use_bias') !== false;
const biasArg = (l: KLayer): string => (useBias(l) ? '' : ', bias: false');
const withBias = (l: KLayer, names: string[]): string[] => (useBias(l) ? [...names, 'bias'] : names);

function conv(l: KLayer): Mapped {
  if (numberOf(l, 'rank', 2) !== 2) refuse(l, 'only 2-D convolutions are imported');
  const groups = numberOf(l, 'groups', 1);
  const tail = `${convTail(l)}${groups !== 1 ? `, groups: ${groups}` : ''}${biasArg(l)}${activationArg(l)}`;
  return { call: `conv2d(${numberOf(l, 'filters', 0)}, ${pair(ints(l, 'kernel_size', []))}${tail})`, weights: withBias(l, ['kernel']) };
}

function depthwise(l: KLayer): Mapped {
  const m = numberOf(l, 'depth_multiplier', 1);
  const tail = `${convTail(l)}${m !== 1 ? `, depth_multiplier: ${m}` : ''}${biasArg(l)}${activationArg(l)}`;
  return { call: `depthwise_conv2d(${pair(ints(l, 'kernel_size', []))}${tail})`, weights: withBias(l, ['depthwise_kernel|kernel']) };
}

function separable(l: KLayer): Mapped {
  const m = numberOf(l, 'depth_multiplier', 1);
  const tail = `${convTail(l)}${m !== 1 ? `, depth_multiplier: ${m}` : ''}${biasArg(l)}${activationArg(l)}`;
  return {
    call: `separable_conv2d(${numberOf(l, 'filters', 0)}, ${pair(ints(l, 'kernel_size', []))}${tail})`,
    weights: withBias(l, ['depthwise_kernel', 'pointwise_kernel']),
  };
}

function transpose(l: KLayer): Mapped {
  const out = opt(l, 'output_padding');
  if (out !== null && out !== undefined) refuse(l, 'output_padding is not imported');
  if (ints(l, 'dilation_rate', [1, 1]).some((d) => d !== 1)) refuse(l, 'a dilated transposed convolution is not imported');
  const tail = `${convTail(l)}${biasArg(l)}${activationArg(l)}`;
  return { call: `conv2d_transpose(${numberOf(l, 'filters', 0)}, ${pair(ints(l, 'kernel_size', []))}${tail})`, weights: withBias(l, ['kernel']) };
}

/** Layer normalization over the last axis only (Keras 3's RMS scaling is another function). */
function layernorm(l: KLayer, rank: number): Mapped {
  if (!lastAxis(l, rank)) refuse(l, `axis ${JSON.stringify(opt(l, 'axis'))} is not imported (only the last)`);
  if (opt(l, 'rms_scaling') === true) refuse(l, 'rms_scaling is not imported');
  const epsilon = numberOf(l, 'epsilon', 0.001);
  const center = opt(l, 'center') !== false;
  const scale = opt(l, 'scale') !== false;
  const args = [epsilon !== 0.001 ? `epsilon: ${float(epsilon)}` : '', center ? '' : 'center: false', scale ? '' : 'scale: false'].filter(Boolean);
  return { call: `layernorm(${args.join(', ')})`, weights: [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : [])] };
}

function upsample(l: KLayer): Mapped {
  channelsLast(l);
  // tfjs and Keras agree on nearest; their bilinear differ (pixel centres), so only nearest is imported.
  if ((opt(l, 'interpolation') ?? 'nearest') !== 'nearest') refuse(l, 'only nearest interpolation is imported');
  return { call: `upsample2d(${pair(ints(l, 'size', [2, 2]))})`, weights: [] };
}

/** True when `axis` (a number or Keras's one-element list, batch counted) is the last axis of a rank-`rank` input. */
function lastAxis(l: KLayer, rank: number): boolean {
  const v = opt(l, 'axis') ?? -1;
  const axis = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return axis === -1 || axis === rank - 1;
}

function batchnorm(l: KLayer, rank: number): Mapped {
  if (!lastAxis(l, rank)) refuse(l, `axis ${JSON.stringify(opt(l, 'axis'))} is not imported (only the channel axis, the last)`);
  const momentum = numberOf(l, 'momentum', 0.99);
  const epsilon = numberOf(l, 'epsilon', 0.001);
  const center = opt(l, 'center') !== false;
  const scale = opt(l, 'scale') !== false;
  const args = [
    momentum !== 0.99 ? `momentum: ${float(momentum)}` : '',
    epsilon !== 0.001 ? `epsilon: ${float(epsilon)}` : '',
    center ? '' : 'center: false',
    scale ? '' : 'scale: false',
  ].filter(Boolean);
  const weights = [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
  return { call: `batchnorm(${args.join(', ')})`, weights };
}

function pool(kind: string) {
  return (l: KLayer): Mapped => {
    const size = ints(l, 'pool_size', [2, 2]);
    const strides = ints(l, 'strides', size);
    const stride = strides.some((s, i) => s !== size[i]) ? `, stride: ${pair(strides)}` : '';
    channelsLast(l);
    return { call: `${kind}(${pair(size)}${stride}${paddingArg(l)})`, weights: [] };
  };
}

function globalPool(kind: string) {
  return (l: KLayer): Mapped => {
    channelsLast(l);
    return { call: `${kind}(${opt(l, 'keepdims') === true ? 'keepdims: true' : ''})`, weights: [] };
  };
}

/** Keras's int, (h, w) or ((top, bottom), (left, right)) as Stride's four sides. */
function sides(l: KLayer, v: unknown): string {
  if (typeof v === 'number') return `${v}`;
  const flat = Array.isArray(v) ? v.flat() : [];
  if (flat.length === 2 && !Array.isArray((v as unknown[])[0])) return `${flat[0]}, ${flat[1]}`;
  if (flat.length !== 4 || flat.some((x) => typeof x !== 'number')) refuse(l, `padding ${JSON.stringify(v)} is not imported`);
  return flat.join(', ');
}

function relu(l: KLayer): Mapped {
  const max = opt(l, 'max_value');
  const slope = numberOf(l, 'negative_slope', 0);
  const threshold = numberOf(l, 'threshold', 0);
  if (slope !== 0 || threshold !== 0) refuse(l, 'a negative slope or threshold is not imported');
  if (max === null || max === undefined) return { call: 'relu()', weights: [] };
  if (max === 6) return { call: 'relu6()', weights: [] };
  return refuse(l, `max_value ${String(max)} is not imported (only none or 6)`);
}

/** LSTM and GRU; a GRU's reset_after is Keras's default (true), absent only in tfjs, whose GRU lacks it (false). */
function recurrent(l: KLayer, kind: 'lstm' | 'gru'): Mapped {
  for (const flag of ['go_backwards', 'stateful', 'return_state']) if (opt(l, flag) === true) refuse(l, `${flag} is not imported`);
  if (activationName(l, 'recurrent_activation') !== 'sigmoid') refuse(l, 'only the sigmoid recurrent activation is imported');
  const act = activationName(l);
  const args = [
    `${numberOf(l, 'units', 0)}`,
    opt(l, 'return_sequences') === true ? 'return_sequences: true' : '',
    act !== 'tanh' ? `activation: ${act}` : '',
    useBias(l) ? '' : 'bias: false',
    kind === 'gru' && opt(l, 'reset_after') !== true ? 'reset_after: false' : '',
  ].filter(Boolean);
  return { call: `${kind}(${args.join(', ')})`, weights: withBias(l, ['kernel', 'recurrent_kernel']) };
}

/** Stride's own layers, as its trainer saves them in a tfjs model.json. */
const STRIDE: Record<string, (l: KLayer, rank: number) => Mapped> = {
  StrideDropout: (l, rank) => {
    if (opt(l, 'spatial') === true && (rank < 3 || rank > 5)) refuse(l, `spatial dropout on a rank-${rank} tensor is not imported`);
    const kind = opt(l, 'spatial') !== true ? 'dropout' : `spatial_dropout${rank - 2}d`;
    return { call: `${kind}(${float(numberOf(l, 'rate', 0))})`, weights: [] };
  },
  StrideGroupedConv: conv,
  StrideExplicitPad: (l) => {
    if (opt(l, 'mode') !== 'pad') refuse(l, 'only padding (not cropping) is imported');
    return { call: `zeropad2d(${sides(l, opt(l, 'pads'))})`, weights: [] };
  },
  StrideFunction: (l) => {
    const fn = String(opt(l, 'fn'));
    if (fn === 'hard_swish' || fn === 'hard_tanh') return { call: `${fn}()`, weights: [] };
    if (fn === 'elu') return { call: `elu(alpha: ${float(numberOf(l, 'alpha', 1))})`, weights: [] };
    if (fn === 'softmax') return { call: `softmax(axis: ${numberOf(l, 'axis', -1)})`, weights: [] };
    return refuse(l, `function '${fn}' is not imported`);
  },
  StrideDropPath: (l) => ({ call: `drop_path(${float(numberOf(l, 'rate', 0))})`, weights: [] }),
};

/** Single-input layer classes this importer reads (merges are in MERGES). */
export const TABLE: Readonly<Record<string, (l: KLayer, rank: number) => Mapped>> = {
  Conv2D: conv,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  Conv2DTranspose: transpose,
  Dense: (l) => ({ call: `dense(${numberOf(l, 'units', 0)}${biasArg(l)}${activationArg(l)})`, weights: withBias(l, ['kernel']) }),
  BatchNormalization: batchnorm,
  LayerNormalization: layernorm,
  Activation: (l) => {
    const fn = activationName(l);
    return { call: fn === 'linear' ? 'activation(linear)' : `${fn}()`, weights: [] };
  },
  ReLU: relu,
  LeakyReLU: (l) => ({ call: `leaky_relu(alpha: ${float(numberOf(l, 'negative_slope', numberOf(l, 'alpha', 0.3)))})`, weights: [] }),
  Softmax: (l) => ({ call: numberOf(l, 'axis', -1) === -1 ? 'softmax()' : `softmax(axis: ${numberOf(l, 'axis', -1)})`, weights: [] }),
  MaxPooling2D: pool('maxpool2d'),
  AveragePooling2D: pool('avgpool2d'),
  GlobalAveragePooling2D: globalPool('globalavgpool2d'),
  GlobalMaxPooling2D: globalPool('globalmaxpool2d'),
  Flatten: (l) => {
    channelsLast(l);
    return { call: 'flatten()', weights: [] };
  },
  Dropout: (l) => ({ call: `dropout(${float(numberOf(l, 'rate', 0))})`, weights: [] }),
  SpatialDropout2D: (l) => ({ call: `spatial_dropout2d(${float(numberOf(l, 'rate', 0))})`, weights: [] }),
  UpSampling2D: upsample,
  ZeroPadding2D: (l) => {
    channelsLast(l);
    return { call: `zeropad2d(${sides(l, opt(l, 'padding') ?? 1)})`, weights: [] };
  },
  Reshape: (l) => ({ call: `reshape(${ints(l, 'target_shape', []).join(', ')})`, weights: [] }),
  Embedding: (l) => {
    if (opt(l, 'mask_zero') === true) refuse(l, 'mask_zero is not imported');
    return { call: `embedding(${numberOf(l, 'input_dim', 0)}, ${numberOf(l, 'output_dim', 0)})`, weights: ['embeddings'] };
  },
  LSTM: (l) => recurrent(l, 'lstm'),
  GRU: (l) => recurrent(l, 'gru'),
  ...STRIDE,
};

/** Merge layers: Stride's call name, and whether the order of the inputs matters. */
export const MERGES: Readonly<Record<string, { readonly kind: string; readonly ordered: boolean }>> = {
  Add: { kind: 'add', ordered: false },
  Multiply: { kind: 'multiply', ordered: false },
  Average: { kind: 'average', ordered: false },
  Maximum: { kind: 'maximum', ordered: false },
  Minimum: { kind: 'minimum', ordered: false },
  Subtract: { kind: 'subtract', ordered: true },
  StrideSubtract: { kind: 'subtract', ordered: true },
  Concatenate: { kind: 'concat', ordered: true },
};

/** Checks a Concatenate joins the last axis (channels), the only axis Stride's default reads. */
export function concatAxis(l: KLayer, rank: number): void {
  if (!lastAxis(l, rank)) refuse(l, `axis ${JSON.stringify(opt(l, 'axis'))} is not imported (only the last axis)`);
}

/** The rank (batch included) of a layer's output, from its input's: enough to tell which axis is the last. */
export function outputRank(l: KLayer, rank: number): number {
  switch (l.cls) {
    case 'Flatten':
      return 2;
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return opt(l, 'keepdims') === true ? rank : 2;
    case 'Reshape':
      return ints(l, 'target_shape', []).length + 1;
    case 'Embedding':
      return rank + 1;
    case 'LSTM':
    case 'GRU':
      return opt(l, 'return_sequences') === true ? rank : 2;
    default:
      return rank;
  }
}

/** The `input(…)` call of an InputLayer: its batch shape without the batch axis. */
export function inputCall(l: KLayer): string {
  const shape = opt(l, 'batch_input_shape') ?? opt(l, 'batch_shape');
  if (!Array.isArray(shape) || shape.length < 2 || shape.slice(1).some((d) => typeof d !== 'number'))
    refuse(l, `the input shape ${JSON.stringify(shape)} must be fixed (every axis but the batch)`);
  return `input(${shape.slice(1).join(', ')})`;
}
