// ONNX emitters for pooling (TensorFlow `same`, numeric padding, ceil mode, counted padding, Lp), global pooling and
// the normalisations that work on channels: batch, group and local response normalisation.

import type { Ctx, Refusal } from './emit';
import { nums, registerEmitters } from './emit';
import type { GraphBuilder, Val } from './graph';

type Pair = [number, number];

/** TensorFlow's `same` split for a pooling window: the odd zero after. */
function samePads(input: number, k: number, s: number): Pair {
  const out = Math.ceil(input / s);
  const total = Math.max((out - 1) * s + k - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Window {
  readonly k: number[];
  readonly s: number[];
  /** Padding that holds values: zeros, or −∞ for max (numeric and `same` padding). */
  readonly sides: Pair[];
  /** Padding past the end that only lets a ceil-mode partial window fit: never counted in averages. */
  readonly extra: number[];
}

function windowOf(ctx: Ctx): Window {
  const k = nums(ctx.args.pool);
  const s = ctx.args.stride === null || ctx.args.stride === undefined ? k : nums(ctx.args.stride);
  const p = ctx.args.padding;
  const input = ctx.inputs[0].shape.slice(0, -1);
  const sides = k.map(
    (ki, i): Pair => (Array.isArray(p) ? [p[2 * i] as number, p[2 * i + 1] as number] : p === 'same' ? samePads(input[i], ki, s[i]) : [0, 0]),
  );
  // The core's output length already says whether a ceil-mode window fits; pad the end so ONNX sees it without ceil_mode.
  const extra = k.map((ki, i) => Math.max(0, (ctx.out[i] - 1) * s[i] + ki - (input[i] + sides[i][0] + sides[i][1])));
  return { k, s, sides, extra };
}

const pads = (before: number[], after: number[]) => [...before, ...after];

function maxPool(ctx: Ctx): Val {
  const w = windowOf(ctx);
  const x = ctx.g.cf(ctx.inputs[0]);
  const attrs = {
    kernel_shape: { ints: w.k },
    strides: { ints: w.s },
    pads: {
      ints: pads(
        w.sides.map((p) => p[0]),
        w.sides.map((p, i) => p[1] + w.extra[i]),
      ),
    },
  };
  return { name: ctx.g.op('MaxPool', [x.name], attrs), shape: ctx.out, cf: true };
}

/** Zeros as values on each side (they count in the average), then a pool that ignores its own end padding. */
function countedAverage(g: GraphBuilder, x: string, w: Window): string {
  const n = w.k.length;
  const padded = w.sides.some(([b, a]) => b + a > 0) ? g.op('Pad', [x, g.ints([0, 0, ...w.sides.map((p) => p[0]), 0, 0, ...w.sides.map((p) => p[1])])]) : x;
  const attrs = { kernel_shape: { ints: w.k }, strides: { ints: w.s }, pads: { ints: pads(Array(n).fill(0), w.extra) }, count_include_pad: { i: 0 } };
  return g.op('AveragePool', [padded], attrs);
}

/** `count_include_pad: auto` counts numeric padding (PyTorch) and never TensorFlow's `same`. */
function counts(ctx: Ctx): boolean {
  const c = ctx.args.count_include_pad;
  return c === null || c === undefined ? Array.isArray(ctx.args.padding) : c === true;
}

function avgPool(ctx: Ctx): Val {
  const w = windowOf(ctx);
  const x = ctx.g.cf(ctx.inputs[0]);
  if (counts(ctx)) return { name: countedAverage(ctx.g, x.name, w), shape: ctx.out, cf: true };
  const attrs = {
    kernel_shape: { ints: w.k },
    strides: { ints: w.s },
    pads: {
      ints: pads(
        w.sides.map((p) => p[0]),
        w.sides.map((p, i) => p[1] + w.extra[i]),
      ),
    },
    count_include_pad: { i: 0 },
  };
  return { name: ctx.g.op('AveragePool', [x.name], attrs), shape: ctx.out, cf: true };
}

/** (k · mean of xᵖ)^(1/p) as training computes it (xᵖ, not |x|ᵖ as ONNX LpPool), with padding counted as zeros. */
function lpPool(ctx: Ctx): Val {
  const g = ctx.g;
  const w = windowOf(ctx);
  const p = Number(ctx.args.p ?? 2);
  const x = g.cf(ctx.inputs[0]);
  const avg = countedAverage(g, g.op('Pow', [x.name, g.scalar(p)]), w);
  const size = w.k.reduce((a, b) => a * b, 1);
  return { name: g.op('Pow', [g.op('Mul', [avg, g.scalar(size)]), g.scalar(1 / p)]), shape: ctx.out, cf: true };
}

function globalPool(op: 'ReduceMean' | 'ReduceMax') {
  return (ctx: Ctx): Val => {
    const x = ctx.g.cf(ctx.inputs[0]);
    const keep = ctx.args.keepdims === true;
    const axes = x.shape.slice(0, -1).map((_, i) => i + 2);
    const name = ctx.g.op(op, [x.name], { axes: { ints: axes }, keepdims: { i: keep ? 1 : 0 } });
    return { name, shape: ctx.out, cf: keep };
  };
}

/** The gamma/beta pair of a normalisation, ones and zeros (constants, not parameters) where it learns none. */
function affine(ctx: Ctx, channels: number): [string, string] {
  const gamma = ctx.has('gamma') ? ctx.g.weight('scale', [channels], ctx.weight('gamma').data) : ctx.g.floats([channels], new Float32Array(channels).fill(1));
  const beta = ctx.has('beta') ? ctx.g.weight('B', [channels], ctx.weight('beta').data) : ctx.g.floats([channels], new Float32Array(channels));
  return [gamma, beta];
}

const lastAxis = (ctx: Ctx) => {
  const axis = Number(ctx.args.axis ?? -1);
  return axis === -1 || axis === ctx.inputs[0].shape.length;
};

/** Inference batch normalisation with the moving statistics, kept as one operator (never folded into a convolution). */
function batchnorm(ctx: Ctx): Val | Refusal {
  if (!lastAxis(ctx)) return { refused: 'batch normalisation over an axis other than the channels' };
  const x = ctx.g.cf(ctx.inputs[0]);
  const c = x.shape.at(-1) as number;
  const [scale, bias] = affine(ctx, c);
  const mean = ctx.g.weight('mean', [c], ctx.weight('moving_mean').data);
  const variance = ctx.g.weight('var', [c], ctx.weight('moving_variance').data);
  const epsilon = Number(ctx.args.epsilon ?? 0.001);
  return { name: ctx.g.op('BatchNormalization', [x.name, scale, bias, mean, variance], { epsilon: { f: epsilon } }), shape: ctx.out, cf: x.cf };
}

/**
 * GroupNormalization is an operator only from opset 18: written out channels-last as training computes it, mean and
 * (population) variance over every position and the channels of each group.
 */
function groupnorm(ctx: Ctx): Val {
  const g = ctx.g;
  const x = g.cl(ctx.inputs[0]);
  const c = x.shape.at(-1) as number;
  const groups = Number(ctx.args.groups);
  const grouped = g.op('Reshape', [x.name, g.ints([0, -1, groups, c / groups])]);
  const mean = g.op('ReduceMean', [grouped], { axes: { ints: [1, 3] }, keepdims: { i: 1 } });
  const centred = g.op('Sub', [grouped, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: { ints: [1, 3] }, keepdims: { i: 1 } });
  const normed = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, g.scalar(Number(ctx.args.epsilon))])])]);
  let y = g.op('Reshape', [normed, g.ints([0, ...x.shape])]);
  if (ctx.has('gamma')) y = g.op('Mul', [y, g.weight('gamma', [c], ctx.weight('gamma').data)]);
  if (ctx.has('beta')) y = g.op('Add', [y, g.weight('beta', [c], ctx.weight('beta').data)]);
  return { name: y, shape: ctx.out, cf: false };
}

/** ONNX LRN sums channels c − ⌊(n−1)/2⌋ … c + ⌈(n−1)/2⌉; Stride (PyTorch) c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋: equal for odd n. */
function lrn(ctx: Ctx): Val | Refusal {
  const size = Number(ctx.args.size);
  if (size % 2 === 0) return { refused: `an even window (size ${size}): ONNX LRN centres even windows one channel later than Stride` };
  const x = ctx.g.cf(ctx.inputs[0]);
  const attrs = { size: { i: size }, alpha: { f: Number(ctx.args.alpha) }, beta: { f: Number(ctx.args.beta) }, bias: { f: Number(ctx.args.k) } };
  return { name: ctx.g.op('LRN', [x.name], attrs), shape: ctx.out, cf: true };
}

const POOLS: Record<string, (ctx: Ctx) => Val | Refusal> = { batchnorm, groupnorm, lrn };
for (const r of [1, 2, 3]) {
  POOLS[`maxpool${r}d`] = maxPool;
  POOLS[`avgpool${r}d`] = avgPool;
  POOLS[`lppool${r}d`] = lpPool;
  POOLS[`globalavgpool${r}d`] = globalPool('ReduceMean');
  POOLS[`globalmaxpool${r}d`] = globalPool('ReduceMax');
}
registerEmitters(POOLS);
