// PyTorch emitters for the layers with channels-first modules, in 1, 2 and 3 dimensions: convolutions (TensorFlow
// `same` and `causal` padding made explicit), transposed convolutions, pooling (max, average, Lp) and batch normalisation.

import { axisPadding, convOutputLength, deconvLength, effectiveKernel, type WindowPadding } from '../model/shape-math';
import type { Shape } from '../model/values';
import { affine, nums, py, registerEmitters, registerHelper, swapLC, withActivation, type Ctx, type Emitted, type Emitter } from './pytorch-emit';

type Pads = [number, number][];

/** The zeros (before, after) per spatial axis of a window layer: numeric padding as bound, TensorFlow's `same` split, or causal. */
function tfPads(shape: Shape, kernel: number[], stride: number[], dilation: number[], padding: unknown): Pads {
  return kernel.map((k, i) => {
    const input = shape[i] ?? 0;
    if (Array.isArray(padding)) return [padding[2 * i], padding[2 * i + 1]];
    if (padding === 'causal') return [effectiveKernel(k, dilation[i]) - 1, 0];
    if (padding !== 'same') return [0, 0];
    const out = convOutputLength(input, k, 'same', stride[i], dilation[i]) ?? 0;
    const total = Math.max((out - 1) * stride[i] + effectiveKernel(k, dilation[i]) - input, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** F.pad takes the last axis first: (left, right, top, bottom, front, back). */
const padTuple = (p: Pads) => `(${[...p].reverse().flat().join(', ')})`;
const symmetric = (p: Pads) => p.every(([a, b]) => a === b);
const none = (p: Pads) => p.every(([a, b]) => a === 0 && b === 0);

/** Runs a channels-first expression on a layer's input: 1-D layers see sequences (N, L, C) as (N, C, L) and back. */
function channelsFirstIn(ctx: Ctx, n: number, body: (x: string) => string): string {
  return n === 1 ? swapLC(body(swapLC(ctx.inputs[0]))) : body(ctx.inputs[0]);
}

function conv(ctx: Ctx, cin: number, cout: number, groups: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const n = k.length;
  const pads = tfPads(ctx.inShapes[0], k, s, d, ctx.args.padding);
  const even = symmetric(pads);
  const padding = py(even ? pads.map((p) => p[0]) : k.map(() => 0));
  const init = `nn.Conv${n}d(${cin}, ${cout}, kernel_size=${py(k)}, stride=${py(s)}, padding=${padding}, dilation=${py(d)}, groups=${groups}, bias=${py(ctx.args.bias)})`;
  const expr = channelsFirstIn(ctx, n, (x) => `${ctx.self}(${even ? x : `F.pad(${x}, ${padTuple(pads)})`})`);
  return { init: `${ctx.self} = ${init}`, expr: withActivation(expr, ctx) };
}

/** Keras's separable convolution: a depthwise convolution without bias, then a 1×1 pointwise one (`.0` and `.1`). */
function separable(ctx: Ctx, cin: number): Emitted {
  const { args, self } = ctx;
  const n = nums(args.kernel).length;
  const mid = cin * (args.depth_multiplier as number);
  // The depthwise half's expression already calls `self.<name>`, which becomes the whole sequence.
  const dw = conv({ ...ctx, args: { ...args, bias: false, activation: 'linear' } }, cin, mid, cin);
  const dwModule = (dw.init ?? '').slice(`${self} = `.length);
  const pw = `nn.Conv${n}d(${mid}, ${args.filters}, kernel_size=1, bias=${py(args.bias)})`;
  return { init: `${self} = nn.Sequential(${dwModule}, ${pw})`, expr: withActivation(dw.expr, ctx) };
}

/** Whether averages count padded zeros: `auto` does for numeric padding (PyTorch), not for `same` (TensorFlow). */
function countsPad(ctx: Ctx): boolean {
  const c = ctx.args.count_include_pad;
  return c === null || c === undefined ? Array.isArray(ctx.args.padding) : c === true;
}

/** A pooling's window, stride (the window when unset) and per-side padding, as every pooling emitter reads them. */
function poolWindow(ctx: Ctx): { k: number[]; n: number; s: number[]; pads: ReturnType<typeof tfPads> } {
  const k = nums(ctx.args.pool);
  const s = ctx.args.stride === null ? k : nums(ctx.args.stride);
  const pads = tfPads(
    ctx.inShapes[0],
    k,
    s,
    k.map(() => 1),
    ctx.args.padding,
  );
  return { k, n: k.length, s, pads };
}

/**
 * Pooling: PyTorch's own padding where it pads both sides alike (numeric padding), explicit padding otherwise
 * (TensorFlow's `same`, per-side numbers). Padded zeros count in averages as `count_include_pad` says.
 */
function pool(ctx: Ctx, kind: 'max' | 'avg'): Emitted {
  const { k, n, s, pads } = poolWindow(ctx);
  const numeric = Array.isArray(ctx.args.padding);
  const counted = countsPad(ctx);
  const ceil = ctx.args.ceil_mode === true ? ', ceil_mode=True' : '';
  const op = `F.${kind}_pool${n}d`;
  const body = (x: string): string => {
    if (none(pads) || (numeric && symmetric(pads))) {
      const padding = none(pads) ? '' : `, padding=${py(pads.map((p) => p[0]))}`;
      const count = kind === 'avg' && !none(pads) && !counted ? ', count_include_pad=False' : '';
      return `${op}(${x}, ${py(k)}, ${py(s)}${padding}${ceil}${count})`;
    }
    if (kind === 'max') return `${op}(F.pad(${x}, ${padTuple(pads)}, value=float("-inf")), ${py(k)}, ${py(s)}${ceil})`;
    if (counted) return `${op}(F.pad(${x}, ${padTuple(pads)}), ${py(k)}, ${py(s)}${ceil})`;
    // Averages over the input's elements only: divide by the pooled count of ones.
    return `_avg_pool_same(${x}, ${py(k)}, ${py(s)}, ${padTuple(pads)}${ceil ? ', True' : ''})`;
  };
  return { expr: channelsFirstIn(ctx, n, body) };
}

/** Lp pooling, (Σ xᵖ)^(1/p) per window, as PyTorch's LPPool: k·avg(xᵖ) so ceil mode's partial windows agree. */
function lpPool(ctx: Ctx): Emitted {
  const { k, n, s, pads } = poolWindow(ctx);
  const p = py(ctx.args.p ?? 2);
  const ceil = ctx.args.ceil_mode === true ? ', ceil_mode=True' : '';
  const size = k.reduce((a, b) => a * b, 1);
  const body = (x: string): string => {
    const padded = none(pads) ? x : `F.pad(${x}, ${padTuple(pads)})`;
    return `(F.avg_pool${n}d(${padded}.pow(${p}), ${py(k)}, ${py(s)}${ceil}) * ${size}).pow(1.0 / ${p})`;
  };
  return { expr: channelsFirstIn(ctx, n, body) };
}

/**
 * Transposed convolutions: TensorFlow keeps the window [before, before + out) of the full output
 * (in − 1)·s + d(k − 1) + 1, where `before` is the numeric padding or `same`'s smaller half. PyTorch crops `padding`
 * from both ends and adds `output_padding` (< stride) at the end; where that cannot reach TensorFlow's window (it
 * crops more at the end than at the start), a slice of PyTorch's output finishes the job.
 */
function transpose(ctx: Ctx, cin: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const n = k.length;
  const padding = ctx.args.padding as WindowPadding;
  const axes = k.map((_, i) => {
    const input = ctx.inShapes[0][i] ?? 0;
    const full = (input - 1) * s[i] + d[i] * (k[i] - 1) + 1;
    const want = deconvLength(input, k[i], axisPadding(padding, i), s[i], d[i]) ?? 0;
    const before = Array.isArray(padding) ? padding[2 * i] : padding === 'same' ? Math.floor(Math.max(full - want, 0) / 2) : 0;
    const extra = want - (full - 2 * before);
    return { before, want, extra: extra >= 0 && extra < s[i] ? extra : 0, cut: extra < 0 };
  });
  const slice = axes.some((a) => a.cut) ? `[:, :, ${axes.map((a) => (a.cut ? `:${a.want}` : ':')).join(', ')}]` : '';
  const pads = py(axes.map((a) => a.before));
  const init = `nn.ConvTranspose${n}d(${cin}, ${ctx.args.filters}, kernel_size=${py(k)}, stride=${py(s)}, padding=${pads}, output_padding=${py(axes.map((a) => a.extra))}, dilation=${py(d)}, bias=${py(ctx.args.bias)})`;
  return {
    init: `${ctx.self} = ${init}`,
    expr: withActivation(
      channelsFirstIn(ctx, n, (x) => `${ctx.self}(${x})${slice}`),
      ctx,
    ),
  };
}

/** Global pooling over every axis between batch and channels, in the exporter's layout. */
function globalPool(op: 'mean' | 'amax'): Emitter {
  return ({ args }, { x, rank }) => {
    const dims = rank === 2 ? [1] : Array.from({ length: rank - 1 }, (_, i) => i + 2);
    return { expr: `${x}.${op}(dim=${py(dims)}${args.keepdims ? ', keepdim=True' : ''})` };
  };
}

/** Batch normalisation on the channel axis: BatchNorm1d on (N, C) and on sequences turned (N, C, L), 2d and 3d on images and volumes. */
const batchnorm: Emitter = ({ args, self }, { x, rank, cin }) => {
  const axis = (args.axis as number | undefined) ?? -1;
  if (axis !== -1 && axis !== rank) return { refused: `normalises axis ${axis}; PyTorch's BatchNorm normalises the channel axis` };
  const dims = rank <= 2 ? 1 : rank - 1;
  const momentum = py(Number((1 - (args.momentum as number)).toFixed(6)));
  const { flag, freeze } = affine(self, args);
  const init = `${self} = nn.BatchNorm${dims}d(${cin}, eps=${py(args.epsilon)}, momentum=${momentum}, affine=${flag})${freeze}`;
  return { init, expr: rank === 2 ? swapLC(`${self}(${swapLC(x)})`) : `${self}(${x})` };
};

registerHelper(
  '_avg_pool_same',
  `def _avg_pool_same(x, kernel, stride, pad, ceil_mode=False):
    """Average pooling over explicit padding that leaves the padded zeros out of each mean (TensorFlow's 'same')."""
    pool = getattr(F, "avg_pool%dd" % len(kernel))
    ones = torch.ones_like(x[:, :1])
    return pool(F.pad(x, pad), kernel, stride, ceil_mode=ceil_mode) / pool(F.pad(ones, pad), kernel, stride, ceil_mode=ceil_mode)`,
);

/** Convolutions, pooling and normalisation: the layers with channels-first modules. */
const SPATIAL: Record<string, Emitter> = { batchnorm };
for (const r of [1, 2, 3]) {
  SPATIAL[`conv${r}d`] = (ctx, { cin }) => conv(ctx, cin, ctx.args.filters as number, ctx.args.groups as number);
  SPATIAL[`conv${r}d_transpose`] = (ctx, { cin }) => transpose(ctx, cin);
  SPATIAL[`maxpool${r}d`] = (ctx) => pool(ctx, 'max');
  SPATIAL[`avgpool${r}d`] = (ctx) => pool(ctx, 'avg');
  SPATIAL[`lppool${r}d`] = lpPool;
  SPATIAL[`globalavgpool${r}d`] = globalPool('mean');
  SPATIAL[`globalmaxpool${r}d`] = globalPool('amax');
}
for (const r of [1, 2]) {
  SPATIAL[`depthwise_conv${r}d`] = (ctx, { cin }) => conv(ctx, cin, cin * (ctx.args.depth_multiplier as number), cin);
  SPATIAL[`separable_conv${r}d`] = (ctx, { cin }) => separable(ctx, cin);
}

registerEmitters(SPATIAL);
