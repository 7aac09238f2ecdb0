// PyTorch emitters for the layers with NCHW modules: convolutions (TensorFlow `same` padding made explicit),
// transposed convolutions, pooling and batch normalisation.

import { axisPadding, convOutputLength, deconvLength, effectiveKernel, type WindowPadding } from '../model/shape-math';
import type { Shape } from '../model/values';
import { nums, py, registerEmitters, withActivation, type Ctx, type Emitted, type Emitter } from './pytorch-emit';

/** The zeros (before, after) per spatial axis of a window layer: numeric padding as bound, or TensorFlow's `same` split. */
function tfPads(shape: Shape, kernel: number[], stride: number[], dilation: number[], padding: unknown): [number, number][] {
  return kernel.map((k, i) => {
    const input = shape[i] ?? 0;
    if (Array.isArray(padding)) return [padding[2 * i], padding[2 * i + 1]];
    if (padding !== 'same') return [0, 0];
    const out = convOutputLength(input, k, 'same', stride[i], dilation[i]) ?? 0;
    const total = Math.max((out - 1) * stride[i] + effectiveKernel(k, dilation[i]) - input, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** F.pad order is (left, right, top, bottom). */
const padTuple = (p: [number, number][]) => `(${p[1][0]}, ${p[1][1]}, ${p[0][0]}, ${p[0][1]})`;
const symmetric = (p: [number, number][]) => p.every(([a, b]) => a === b);

function conv(ctx: Ctx, cin: number, cout: number, groups: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const pads = tfPads(ctx.inShapes[0], k, s, d, ctx.args.padding);
  const even = symmetric(pads);
  const init = `nn.Conv2d(${cin}, ${cout}, kernel_size=${py(k)}, stride=${py(s)}, padding=${py(even ? pads.map((p) => p[0]) : [0, 0])}, dilation=${py(d)}, groups=${groups}, bias=${py(ctx.args.bias)})`;
  const x = even ? ctx.inputs[0] : `F.pad(${ctx.inputs[0]}, ${padTuple(pads)})`;
  return { init: `${ctx.self} = ${init}`, expr: withActivation(`${ctx.self}(${x})`, ctx) };
}

/**
 * Pooling: PyTorch's own padding where it pads both sides alike (numeric padding), explicit padding otherwise
 * (TensorFlow's `same`, per-side numbers). Padded zeros count in averages as `count_include_pad` says (`auto`:
 * yes for numeric padding, as PyTorch; no for `same`, as TensorFlow).
 */
function pool(ctx: Ctx, kind: 'max' | 'avg'): Emitted {
  const k = nums(ctx.args.pool);
  const s = ctx.args.stride === null ? k : nums(ctx.args.stride);
  const pads = tfPads(ctx.inShapes[0], k, s, [1, 1], ctx.args.padding);
  const x = ctx.inputs[0];
  const numeric = Array.isArray(ctx.args.padding);
  const counted = ctx.args.count_include_pad === null || ctx.args.count_include_pad === undefined ? numeric : ctx.args.count_include_pad === true;
  const ceil = ctx.args.ceil_mode === true ? ', ceil_mode=True' : '';
  const none = pads.every(([a, b]) => a === 0 && b === 0);
  if (none || (numeric && symmetric(pads))) {
    const padding = none ? '' : `, padding=${py(pads.map((p) => p[0]))}`;
    const count = kind === 'avg' && !none && !counted ? ', count_include_pad=False' : '';
    return { expr: `F.${kind}_pool2d(${x}, ${py(k)}, ${py(s)}${padding}${ceil}${count})` };
  }
  if (kind === 'max') return { expr: `F.max_pool2d(F.pad(${x}, ${padTuple(pads)}, value=float("-inf")), ${py(k)}, ${py(s)})` };
  if (counted) return { expr: `F.avg_pool2d(F.pad(${x}, ${padTuple(pads)}), ${py(k)}, ${py(s)})` };
  // Averages over the input's pixels only: divide by the pooled count of ones.
  return { expr: `_avg_pool_same(${x}, ${py(k)}, ${py(s)}, ${padTuple(pads)})` };
}

/** Numeric padding PyTorch's ConvTranspose cannot crop itself (more after than before): a slice of its full output. */
function transposeSlice(ctx: Ctx, k: number[], s: number[]): string | undefined {
  const p = ctx.args.padding;
  if (!Array.isArray(p) || [0, 1].every((i) => p[2 * i] >= p[2 * i + 1] && p[2 * i] - p[2 * i + 1] < s[i])) return undefined;
  const full = [0, 1].map((i) => ((ctx.inShapes[0][i] ?? 0) - 1) * s[i] + k[i]);
  return `[:, :, ${p[0]}:${full[0] - p[1]}, ${p[2]}:${full[1] - p[3]}]`;
}

function transpose(ctx: Ctx, cin: number): Emitted {
  const [k, s, d] = [nums(ctx.args.kernel), nums(ctx.args.stride), nums(ctx.args.dilation)];
  const slice = transposeSlice(ctx, k, s);
  const padding = slice ? 'valid' : ctx.args.padding;
  const want = ctx.inShapes[0].slice(0, 2).map((n, i) => deconvLength(n, k[i], axisPadding(padding as WindowPadding, i), s[i], d[i]) ?? 0);
  // PyTorch: out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1; choose p ≥ 0 and 0 ≤ output_padding < s.
  const pads = k.map((_, i) => {
    const base = ((ctx.inShapes[0][i] ?? 0) - 1) * s[i] + d[i] * (k[i] - 1) + 1;
    const excess = base - want[i];
    const p = Math.max(0, Math.ceil(excess / 2));
    return [p, want[i] - (base - 2 * p)];
  });
  const init = `nn.ConvTranspose2d(${cin}, ${ctx.args.filters}, kernel_size=${py(k)}, stride=${py(s)}, padding=${py(pads.map((p) => p[0]))}, output_padding=${py(pads.map((p) => p[1]))}, dilation=${py(d)}, bias=${py(ctx.args.bias)})`;
  return { init: `${ctx.self} = ${init}`, expr: withActivation(`${ctx.self}(${ctx.inputs[0]})${slice ?? ''}`, ctx) };
}

/** Convolutions, pooling and normalisation: the layers with NCHW modules. */
const SPATIAL: Record<string, Emitter> = {
  conv2d: (ctx, { cin }) => conv(ctx, cin, ctx.args.filters as number, ctx.args.groups as number),
  depthwise_conv2d: (ctx, { cin }) => conv(ctx, cin, cin * (ctx.args.depth_multiplier as number), cin),
  separable_conv2d: (ctx, { cin }) => {
    const { args, self } = ctx;
    const mid = cin * (args.depth_multiplier as number);
    const dw = conv({ ...ctx, self: `${self}_depthwise`, args: { ...args, bias: false, activation: 'linear' } }, cin, mid, cin);
    const pwInit = `${self}_pointwise = nn.Conv2d(${mid}, ${args.filters}, kernel_size=1, bias=${py(args.bias)})`;
    return { init: `${dw.init}\n${pwInit}`, expr: withActivation(`${self}_pointwise(${dw.expr})`, ctx) };
  },
  conv2d_transpose: (ctx, { cin }) => transpose(ctx, cin),
  maxpool2d: (ctx) => pool(ctx, 'max'),
  avgpool2d: (ctx) => pool(ctx, 'avg'),
  globalavgpool2d: ({ args }, { x }) => ({ expr: `${x}.mean(dim=(2, 3)${args.keepdims ? ', keepdim=True' : ''})` }),
  globalmaxpool2d: ({ args }, { x }) => ({ expr: `${x}.amax(dim=(2, 3)${args.keepdims ? ', keepdim=True' : ''})` }),
  batchnorm: ({ args, self }, { x, rank, cin }) => {
    if (args.center !== args.scale) return undefined;
    const cls = rank === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    return {
      init: `${self} = nn.${cls}(${cin}, eps=${py(args.epsilon)}, momentum=${py(Number((1 - (args.momentum as number)).toFixed(6)))}, affine=${py(args.scale)})`,
      expr: `${self}(${x})`,
    };
  },
};

registerEmitters(SPATIAL);
