// One Keras 3 emitter per Stride layer kind: resolved arguments in, the Keras layer constructor(s) that compute it out.

import { sliceRange } from '../core/model/layers/split';
import type { ResolvedArgs } from '../core/model/registry';
import type { KindSupport } from './refusal';

type Args = Readonly<Record<string, unknown>>;
type Shape = readonly (number | null)[];

/** What an emitter knows: the node's arguments, its Keras layer name, input shapes and output shape (batch excluded). */
export interface KerasCtx {
  readonly args: Args;
  readonly name: string;
  readonly inShapes: readonly Shape[];
  readonly outShape: Shape;
}

/** A chain of layer constructors applied in order (the last one carries the node's name); `custom` names the file's own classes. */
export interface KerasEmitted {
  readonly layers: readonly string[];
  readonly custom?: readonly string[];
  /** The last layer is called on (x, x): self-attention. */
  readonly selfAttention?: true;
}

export type KerasEmitter = (ctx: KerasCtx) => KerasEmitted | { readonly refused: string };

/** A Python literal: tuples for lists, True/False/None. */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'object' && 'raw' in v) return String((v as { raw: unknown }).raw);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** `Class(a, b, k=v, name="n")` with keyword arguments in order, undefined ones left out. */
export function call(cls: string, positional: readonly unknown[], kw: Readonly<Record<string, unknown>>): string {
  const parts = [...positional.map(py), ...Object.entries(kw).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${py(v)}`]))];
  return `${cls}(${parts.join(', ')})`;
}

/** Keras 3 activation names for Stride's; hard sigmoid is Keras 3's relu6(x + 3)/6, as Stride's. */
export const KERAS_ACT: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  hard_swish: 'hard_swish',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  swish: 'silu',
  silu: 'silu',
  mish: 'mish',
};

const act = (a: Args) => (a.activation === undefined || a.activation === 'linear' ? undefined : KERAS_ACT[a.activation as string]);
const list = (v: unknown) => v as number[];
const bias = (a: Args) => (a.bias === false ? false : undefined);
const one = (rank: number, v: number[]) => (rank === 1 ? v[0] : v);
const dilation = (a: Args, rank: number) => (a.dilation === undefined || list(a.dilation).every((d) => d === 1) ? undefined : one(rank, list(a.dilation)));
const regularizer = (a: Args) => ((a.l1 ?? 0) === 0 && (a.l2 ?? 0) === 0 ? undefined : { raw: `regularizers.L1L2(l1=${py(a.l1 ?? 0)}, l2=${py(a.l2 ?? 0)})` });

/** Numeric padding: ZeroPaddingND before the same layer with `valid` windows; Keras's ZeroPadding takes (before, after) per axis. */
function zeroPad(ctx: KerasCtx, rank: number): string | undefined {
  const p = ctx.args.padding;
  if (!Array.isArray(p)) return undefined;
  const pairs = Array.from({ length: rank }, (_, i) => [p[2 * i], p[2 * i + 1]]);
  return call(`layers.ZeroPadding${rank}D`, [rank === 1 ? pairs[0] : pairs], { name: `${ctx.name}_pad` });
}
const padMode = (a: Args) => (Array.isArray(a.padding) ? 'valid' : (a.padding as string));

function conv(rank: number, kind: 'conv' | 'depthwise' | 'separable' | 'transpose'): KerasEmitter {
  const cls = { conv: `Conv${rank}D`, depthwise: `DepthwiseConv${rank}D`, separable: `SeparableConv${rank}D`, transpose: `Conv${rank}DTranspose` }[kind];
  return (ctx) => {
    const a = ctx.args;
    if (kind === 'transpose' && Array.isArray(a.padding))
      return { refused: 'numeric padding of a transposed convolution (a crop of its output) is not written yet' };
    const positional = kind === 'depthwise' ? [one(rank, list(a.kernel))] : [a.filters, one(rank, list(a.kernel))];
    const kw = {
      strides: one(rank, list(a.stride)),
      padding: padMode(a),
      depth_multiplier: kind === 'depthwise' || kind === 'separable' ? a.depth_multiplier : undefined,
      dilation_rate: dilation(a, rank),
      groups: kind === 'conv' && a.groups !== 1 ? a.groups : undefined,
      use_bias: bias(a),
      activation: act(a),
      kernel_regularizer: kind === 'conv' || kind === 'transpose' ? regularizer(a) : undefined,
      name: ctx.name,
    };
    const pad = zeroPad(ctx, rank);
    return { layers: [...(pad ? [pad] : []), call(`layers.${cls}`, positional, kw)] };
  };
}

/**
 * Pooling with PyTorch's windows. `same`/`valid` without ceil mode is Keras's own pool. Numeric padding and ceil mode
 * become a padding layer then a `valid` pool: a max pool pads with −∞ (a padded or overhanging value never wins,
 * which is what PyTorch's windows mean); an average pool pads with zeros only where PyTorch counts them
 * (numeric padding with count_include_pad, no ceil overhang), anything else is refused.
 */
function pool(op: 'max' | 'avg', rank: number): KerasEmitter {
  return (ctx) => {
    const a = ctx.args;
    const size = list(a.pool);
    const strides = a.stride === null || a.stride === undefined ? size : list(a.stride);
    const cls = `layers.${op === 'max' ? 'Max' : 'Average'}Pooling${rank}D`;
    const numeric = Array.isArray(a.padding);
    const ceil = a.ceil_mode === true;
    const counted = a.count_include_pad === null || a.count_include_pad === undefined ? numeric : a.count_include_pad === true;
    if (!numeric && !ceil) {
      if (op === 'avg' && a.padding === 'same' && counted) return { refused: '`same` padding with counted zeros has no Keras pool' };
      return { layers: [call(cls, [one(rank, size)], { strides: one(rank, strides), padding: a.padding, name: ctx.name })] };
    }
    const pads = windowPads(ctx, size, strides, rank);
    if (op === 'avg' && (!counted || overhangs(ctx, pads)))
      return { refused: 'uncounted padding or a ceil-mode overhang in an average pool has no Keras equivalent' };
    const pool = call(cls, [one(rank, size)], { strides: one(rank, strides), padding: 'valid', name: ctx.name });
    const value = op === 'max' ? 'float("-inf")' : '0.0';
    return { layers: [`PadSpatial(${py(pads)}, value=${value}, name=${py(`${ctx.name}_pad`)})`, pool], custom: ['PadSpatial'] };
  };
}

/** (before, after) per spatial axis: the numeric padding, plus what ceil mode's last window needs past the end. */
function windowPads(ctx: KerasCtx, size: number[], strides: number[], rank: number): [number, number][] {
  const p = ctx.args.padding;
  return Array.from({ length: rank }, (_, i) => {
    const before = Array.isArray(p) ? p[2 * i] : 0;
    const after = Array.isArray(p) ? p[2 * i + 1] : 0;
    const input = (ctx.inShapes[0][i] ?? 0) + before + after;
    const out = ctx.outShape[i] ?? 0;
    return [before, after + Math.max(0, (out - 1) * strides[i] + size[i] - input)];
  });
}

/** Whether ceil mode's last window reaches past the (numerically padded) input. */
function overhangs(ctx: KerasCtx, pads: [number, number][]): boolean {
  const p = ctx.args.padding;
  return pads.some(([, after], i) => after !== (Array.isArray(p) ? p[2 * i + 1] : 0));
}

const simple =
  (cls: string, kw: (a: Args) => Record<string, unknown> = () => ({})): KerasEmitter =>
  (ctx) => ({ layers: [call(`layers.${cls}`, [], { ...kw(ctx.args), name: ctx.name })] });
const activation = (fn: string): KerasEmitter => simple('Activation', () => ({ activation: KERAS_ACT[fn] }));
const custom =
  (cls: string, kw: (a: Args) => Record<string, unknown> = () => ({})): KerasEmitter =>
  (ctx) => ({ layers: [call(cls, [], { ...kw(ctx.args), name: ctx.name })], custom: [cls] });
const inference = (cls: string): KerasEmitter => simple(cls, (a) => ({ rate: a.rate }));

function recurrent(cls: string): KerasEmitter {
  return (ctx) => {
    const a = ctx.args;
    const kw = {
      return_sequences: a.return_sequences === true ? true : undefined,
      activation: a.activation === 'tanh' ? undefined : KERAS_ACT[a.activation as string],
      use_bias: bias(a),
      reset_after: cls === 'GRU' ? a.reset_after !== false : undefined,
    };
    if (a.bidirectional !== true) return { layers: [call(`layers.${cls}`, [a.units], { ...kw, name: ctx.name })] };
    const inner = call(`layers.${cls}`, [a.units], kw);
    return { layers: [`layers.Bidirectional(${inner}, merge_mode=${py(a.merge_mode)}, name=${py(ctx.name)})`] };
  };
}

const EMITTERS: Record<string, KerasEmitter> = {
  dense: simple('Dense', (a) => ({ units: a.units, activation: act(a), use_bias: bias(a), kernel_regularizer: regularizer(a) })),
  flatten: simple('Flatten'),
  reshape: (ctx) => ({ layers: [call('layers.Reshape', [ctx.outShape], { name: ctx.name })] }),
  dropout: inference('Dropout'),
  spatial_dropout1d: inference('SpatialDropout1D'),
  spatial_dropout2d: inference('SpatialDropout2D'),
  spatial_dropout3d: inference('SpatialDropout3D'),
  gaussian_dropout: inference('GaussianDropout'),
  alpha_dropout: inference('AlphaDropout'),
  gaussian_noise: simple('GaussianNoise', (a) => ({ stddev: a.stddev })),
  drop_path: custom('DropPath', (a) => ({ rate: a.rate })),
  scale: custom('LayerScale', (a) => ({ init: a.init })),
  positional_embedding: custom('PositionalEmbedding', (a) => ({ length: a.length })),
  resizing: simple('Resizing', (a) => ({ height: a.height, width: a.width, interpolation: a.interpolation })),
  batchnorm: simple('BatchNormalization', (a) => ({ axis: a.axis, momentum: a.momentum, epsilon: a.epsilon, center: a.center, scale: a.scale })),
  layernorm: simple('LayerNormalization', (a) => ({ axis: a.axis, epsilon: a.epsilon, center: a.center, scale: a.scale })),
  groupnorm: simple('GroupNormalization', (a) => ({ groups: a.groups, epsilon: a.epsilon, center: a.center, scale: a.scale })),
  activation: (ctx) => activation(ctx.args.fn as string)(ctx),
  relu: simple('ReLU'),
  relu6: simple('ReLU', () => ({ max_value: 6.0 })),
  leaky_relu: simple('LeakyReLU', (a) => ({ negative_slope: a.alpha })),
  elu: simple('ELU', (a) => ({ alpha: a.alpha })),
  softmax: simple('Softmax', (a) => ({ axis: a.axis })),
  prelu: simple('PReLU', (a) => ({ shared_axes: list(a.shared_axes ?? []).length > 0 ? a.shared_axes : undefined })),
  thresholded_relu: custom('ThresholdedReLU', (a) => ({ theta: a.theta })),
  hard_tanh: activation('hard_tanh'),
  add: simple('Add'),
  subtract: simple('Subtract'),
  multiply: simple('Multiply'),
  average: simple('Average'),
  maximum: simple('Maximum'),
  minimum: simple('Minimum'),
  concat: simple('Concatenate', (a) => ({ axis: a.axis })),
  zeropad2d: (ctx) => ({ layers: [call('layers.ZeroPadding2D', [fourSides(ctx.args.padding)], { name: ctx.name })] }),
  cropping2d: (ctx) => ({ layers: [call('layers.Cropping2D', [fourSides(ctx.args.cropping)], { name: ctx.name })] }),
  upsample2d: simple('UpSampling2D', (a) => ({ size: a.size, interpolation: a.interpolation })),
  permute: simple('Permute', (a) => ({ dims: a.dims })),
  repeat_vector: simple('RepeatVector', (a) => ({ n: a.n })),
  embedding: simple('Embedding', (a) => ({ input_dim: a.vocab, output_dim: a.dim })),
  simple_rnn: recurrent('SimpleRNN'),
  lstm: recurrent('LSTM'),
  gru: recurrent('GRU'),
  slice: (ctx) => {
    const range = sliceRange(ctx.args as ResolvedArgs, ctx.inShapes[0]);
    if ('code' in range || Number.isNaN(range.start)) return { refused: 'its range is not known' };
    return { layers: [call('Slice', [], { axis: range.axis + 1, start: range.start, stop: range.stop, name: ctx.name })], custom: ['Slice'] };
  },
  channel_shuffle: custom('ChannelShuffle', (a) => ({ groups: a.groups })),
  multihead_attention: (ctx) => {
    const a = ctx.args;
    const kw = { num_heads: a.heads, key_dim: a.key_dim, value_dim: a.value_dim ?? undefined, dropout: a.dropout, use_bias: bias(a), name: ctx.name };
    return { layers: [call('layers.MultiHeadAttention', [], kw)], selfAttention: true };
  },
};
for (const fn of ['sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'selu', 'gelu', 'swish', 'hard_swish', 'softsign', 'mish']) EMITTERS[fn] = activation(fn);
for (const r of [1, 2, 3]) {
  EMITTERS[`conv${r}d`] = conv(r, 'conv');
  EMITTERS[`conv${r}d_transpose`] = conv(r, 'transpose');
  EMITTERS[`maxpool${r}d`] = pool('max', r);
  EMITTERS[`avgpool${r}d`] = pool('avg', r);
  EMITTERS[`globalavgpool${r}d`] = simple(`GlobalAveragePooling${r}D`, (a) => ({ keepdims: a.keepdims === true ? true : undefined }));
  EMITTERS[`globalmaxpool${r}d`] = simple(`GlobalMaxPooling${r}D`, (a) => ({ keepdims: a.keepdims === true ? true : undefined }));
}
for (const r of [1, 2]) {
  EMITTERS[`depthwise_conv${r}d`] = conv(r, 'depthwise');
  EMITTERS[`separable_conv${r}d`] = conv(r, 'separable');
}

/** (all) | (h, w) | (top, bottom, left, right) → Keras's ((top, bottom), (left, right)). */
function fourSides(v: unknown): number[][] {
  const p = list(v);
  const s = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
  return [
    [s[0], s[1]],
    [s[2], s[3]],
  ];
}

export const kerasEmitterOf = (kind: string): KerasEmitter | undefined => (Object.hasOwn(EMITTERS, kind) ? EMITTERS[kind] : undefined);

const NOTES: Record<string, string> = {
  drop_path: 'a DropPath layer defined in the file (Keras has none)',
  scale: 'a LayerScale layer defined in the file (Keras has none)',
  thresholded_relu: 'a ThresholdedReLU layer defined in the file (Keras 3 dropped it)',
  multihead_attention: 'Keras MultiHeadAttention called on (x, x); its weights are reshaped to (d, heads, key_dim)',
  maxpool1d: 'numeric padding and ceil mode: a PadSpatial layer (−∞) before a `valid` pool',
  maxpool2d: 'numeric padding and ceil mode: a PadSpatial layer (−∞) before a `valid` pool',
  maxpool3d: 'numeric padding and ceil mode: a PadSpatial layer (−∞) before a `valid` pool',
  avgpool1d: 'numeric padding: zeros before a `valid` pool; uncounted padding, ceil overhang and counted `same` are refused',
  avgpool2d: 'numeric padding: zeros before a `valid` pool; uncounted padding, ceil overhang and counted `same` are refused',
  avgpool3d: 'numeric padding: zeros before a `valid` pool; uncounted padding, ceil overhang and counted `same` are refused',
  slice: 'a Slice layer defined in the file (Keras has none)',
  channel_shuffle: 'a ChannelShuffle layer defined in the file (Keras has none)',
  positional_embedding: 'a PositionalEmbedding layer defined in the file (Keras has none)',
  resizing: 'Keras Resizing: half-pixel centres without antialiasing, as Stride resizes',
  conv1d_transpose: 'numeric padding is refused',
  conv2d_transpose: 'numeric padding is refused',
  conv3d_transpose: 'numeric padding is refused',
};

const REFUSED: Record<string, string> = {
  lppool1d: 'Keras has no Lp pooling',
  lppool2d: 'Keras has no Lp pooling',
  lppool3d: 'Keras has no Lp pooling',
  lrn: 'Keras has no local response normalization',
  split: 'never reaches an export: `a, b = … -> split(…)` lowers to one slice per name',
};

export function kerasSupport(kind: string): KindSupport {
  if (kind === 'input') return { status: 'exact' };
  if (Object.hasOwn(REFUSED, kind) || !kerasEmitterOf(kind)) return { status: 'refused', note: REFUSED[kind] ?? 'not written yet' };
  if (Object.hasOwn(NOTES, kind)) return { status: 'note', note: NOTES[kind] };
  return { status: 'exact' };
}
