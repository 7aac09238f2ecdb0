// ONNX emitters for the channels-first layers: convolutions of every form (TensorFlow `same` padding made explicit),
// pooling (ceil mode and counted padding written out), global pooling and batch normalisation.

import type { WeightArray } from '../../core/export/weights';
import type { AttrValue } from './proto';
import { activate, nums, registerEmitters, type Ctx, type Refusal } from './emit';
import { permuted, type GraphBuilder, type Val } from './graph';

type Pair = [number, number];

/** The spatial axes of a window layer's input (its shape without channels). */
const spatialOf = (x: Val) => x.shape.slice(0, -1);

/**
 * Zeros (before, after) per spatial axis: numeric padding as bound, causal (all before), or TensorFlow's `same`
 * (the odd zero after), computed from the output length the core inferred.
 */
function windowPads(ctx: Ctx, k: number[], s: number[], d: number[]): Pair[] {
  const p = ctx.args.padding;
  const input = spatialOf(ctx.inputs[0]);
  return k.map((ki, i): Pair => {
    if (Array.isArray(p)) return [p[2 * i] as number, p[2 * i + 1] as number];
    if (p === 'causal') return [(ki - 1) * d[i], 0];
    if (p !== 'same') return [0, 0];
    const total = Math.max((ctx.out[i] - 1) * s[i] + (ki - 1) * d[i] + 1 - input[i], 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** ONNX `pads`: all befores, then all afters. */
const onnxPads = (pads: readonly Pair[]) => [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];

/** A kernel as Keras shapes it, (k…, a, b), with the size-1 axis of tfjs's 2-D stand-in for 1-D layers dropped. */
function kernelOf(w: WeightArray, rank: number): { shape: number[]; data: Float32Array } {
  const shape = w.shape.length === rank + 3 ? [w.shape[0], ...w.shape.slice(2)] : [...w.shape];
  return { shape, data: w.data };
}

/** (k…, a, b) → (b, a, k…): Conv's (out, in/groups, k…) from Keras's (k…, in/groups, out), and ConvTranspose's too. */
function onnxKernel(g: GraphBuilder, kernel: { shape: number[]; data: Float32Array }): string {
  const r = kernel.shape.length - 2;
  const perm = [r + 1, r, ...Array.from({ length: r }, (_, i) => i)];
  return g.weight(
    'W',
    perm.map((p) => kernel.shape[p]),
    permuted(kernel.data, kernel.shape, perm),
  );
}

interface ConvSpec {
  readonly kernel: { shape: number[]; data: Float32Array };
  readonly bias?: WeightArray;
  readonly groups: number;
  readonly pads: Pair[];
  readonly stride: number[];
  readonly dilation: number[];
}

function convNode(g: GraphBuilder, x: Val, spec: ConvSpec, out: readonly number[]): Val {
  const inputs = [x.name, onnxKernel(g, spec.kernel)];
  if (spec.bias) inputs.push(g.weight('B', spec.bias.shape, spec.bias.data));
  const attrs: Record<string, AttrValue> = {
    kernel_shape: { ints: spec.kernel.shape.slice(0, -2) },
    strides: { ints: spec.stride },
    dilations: { ints: spec.dilation },
    pads: { ints: onnxPads(spec.pads) },
    group: { i: spec.groups },
  };
  return { name: g.op('Conv', inputs, attrs), shape: out, cf: true };
}

function windowArgs(ctx: Ctx) {
  const k = nums(ctx.args.kernel);
  const d = ctx.args.dilation === undefined ? k.map(() => 1) : nums(ctx.args.dilation);
  const s = nums(ctx.args.stride);
  return { k, s, d, pads: windowPads(ctx, k, s, d) };
}

const optional = (ctx: Ctx, key: string, suffix?: string) => (ctx.has(key, suffix) ? ctx.weight(key, suffix) : undefined);

function conv(ctx: Ctx): Val {
  const { s, d, pads } = windowArgs(ctx);
  const kernel = kernelOf(ctx.weight('kernel'), s.length);
  const spec = { kernel, bias: optional(ctx, 'bias'), groups: Number(ctx.args.groups ?? 1), pads, stride: s, dilation: d };
  return activate(ctx.g, convNode(ctx.g, ctx.g.cf(ctx.inputs[0]), spec, ctx.out), ctx.args.activation);
}

/**
 * A depthwise kernel (k…, C, m) or its grouped form (k…, 1, C·m) holds the same numbers in the same order: read as
 * (k…, 1, C·m), it is a grouped convolution's kernel with one group per channel.
 */
function depthwiseKernel(ctx: Ctx, rank: number): { shape: number[]; data: Float32Array } {
  const w = ctx.has('depthwise_kernel')
    ? ctx.weight('depthwise_kernel')
    : ctx.has('kernel', '_depthwise')
      ? ctx.weight('kernel', '_depthwise')
      : ctx.weight('kernel');
  const k = kernelOf(w, rank);
  const taps = k.shape.slice(0, rank);
  return { shape: [...taps, 1, k.data.length / taps.reduce((a, b) => a * b, 1)], data: k.data };
}

function depthwise(ctx: Ctx): Val {
  const { s, d, pads } = windowArgs(ctx);
  const cin = ctx.inputs[0].shape.at(-1) as number;
  const spec = { kernel: depthwiseKernel(ctx, s.length), bias: optional(ctx, 'bias'), groups: cin, pads, stride: s, dilation: d };
  return activate(ctx.g, convNode(ctx.g, ctx.g.cf(ctx.inputs[0]), spec, ctx.out), ctx.args.activation);
}

/** Depthwise then pointwise; tfjs names the pointwise kernel `pointwise_kernel`, or `kernel` in the dilated form. */
function separable(ctx: Ctx): Val {
  const { s, d, pads } = windowArgs(ctx);
  const cin = ctx.inputs[0].shape.at(-1) as number;
  const dw = depthwiseKernel(ctx, s.length);
  const mid = dw.shape.at(-1) as number;
  const midShape = [...ctx.out.slice(0, -1), mid];
  const x = convNode(ctx.g, ctx.g.cf(ctx.inputs[0]), { kernel: dw, groups: cin, pads, stride: s, dilation: d }, midShape);
  const pw = kernelOf(ctx.has('pointwise_kernel') ? ctx.weight('pointwise_kernel') : ctx.weight('kernel'), s.length);
  const ones = s.map(() => 1);
  const spec = { kernel: pw, bias: optional(ctx, 'bias'), groups: 1, pads: s.map((): Pair => [0, 0]), stride: ones, dilation: ones };
  return activate(ctx.g, convNode(ctx.g, x, spec, ctx.out), ctx.args.activation);
}

/**
 * The full transposed output is (in − 1)·s + k long; tfjs keeps `out` elements of it from `before` on (TensorFlow's
 * `same` split, or numeric padding cropped). ONNX crops with pads, and extends with output_padding past the end.
 */
function transpose(ctx: Ctx): Val | Refusal {
  const k = nums(ctx.args.kernel);
  const s = nums(ctx.args.stride);
  if (ctx.args.dilation !== undefined && nums(ctx.args.dilation).some((d) => d !== 1))
    return { refused: 'dilated transposed convolutions do not train in Stride' };
  const input = spatialOf(ctx.inputs[0]);
  const p = ctx.args.padding;
  const pads: Pair[] = [];
  const extra: number[] = [];
  k.forEach((ki, i) => {
    const full = (input[i] - 1) * s[i] + ki;
    const before = Array.isArray(p) ? (p[2 * i] as number) : p === 'same' ? Math.floor(Math.max(full - ctx.out[i], 0) / 2) : 0;
    const after = full - ctx.out[i] - before;
    pads.push([before, Math.max(after, 0)]);
    extra.push(Math.max(-after, 0));
  });
  const g = ctx.g;
  const inputs = [g.cf(ctx.inputs[0]).name, onnxKernel(g, kernelOf(ctx.weight('kernel'), k.length))];
  if (ctx.has('bias')) inputs.push(g.weight('B', ctx.weight('bias').shape, ctx.weight('bias').data));
  const attrs = { kernel_shape: { ints: k }, strides: { ints: s }, pads: { ints: onnxPads(pads) }, output_padding: { ints: extra } };
  return activate(g, { name: g.op('ConvTranspose', inputs, attrs), shape: ctx.out, cf: true }, ctx.args.activation);
}

registerEmitters({
  conv1d: conv,
  conv2d: conv,
  conv3d: conv,
  depthwise_conv1d: depthwise,
  depthwise_conv2d: depthwise,
  separable_conv1d: separable,
  separable_conv2d: separable,
  conv1d_transpose: transpose,
  conv2d_transpose: transpose,
  conv3d_transpose: transpose,
});
