// Convolution layers: conv2d, depthwise, separable and transposed, with Keras/tfjs shape and parameter rules.

import { formatInt } from '../values';
import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum, asNums, checkPositive, convOutputLength, deconvLength, padStart, type Padding } from '../shape-math';
import { activationArg, biasArg, channelsOf, dilationArg, kernelArg, paddingArg, regularizerArgs, strideArg } from './common';

type Result = Inferred | { problem: Problem };

interface Window {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: Padding;
}

function windowOf(ctx: InferContext): Window {
  return {
    kernel: asNums(ctx.args.kernel),
    stride: asNums(ctx.args.stride),
    dilation: asNums(ctx.args.dilation ?? [1, 1]),
    padding: ctx.args.padding as Padding,
  };
}

/** Output spatial dims of a sliding window, or a problem when one would be ≤ 0. */
function slide(spatial: readonly (number | null)[], w: Window): readonly (number | null)[] | { problem: Problem } {
  const out = spatial.map((d, i) => convOutputLength(d, w.kernel[i], w.padding, w.stride[i], w.dilation[i]));
  const problem = checkPositive(out, spatial, w.kernel, w.padding);
  return problem ? { problem } : out;
}

function rfOf(spatial: readonly (number | null)[], w: Window) {
  return {
    kind: 'window' as const,
    kernel: w.kernel,
    stride: w.stride,
    dilation: w.dilation,
    padStart: spatial.map((d, i) => padStart(d, w.kernel[i], w.padding, w.stride[i], w.dilation[i])),
  };
}

const area = (dims: readonly (number | null)[]) => dims.reduce<number>((p, d) => p * (d ?? 0), 1);
const kernelText = (k: readonly number[]) => k.join('·');

function inferConv(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const w = windowOf(ctx);
  const cin = channelsOf(input);
  const filters = asNum(ctx.args.filters);
  const groups = asNum(ctx.args.groups);
  if (cin !== null && cin % groups !== 0) {
    return { problem: { code: 'invalid-argument', arg: 'groups', message: `groups (${groups}) must divide the input channels (${cin}).` } };
  }
  if (filters % groups !== 0) {
    return { problem: { code: 'invalid-argument', arg: 'groups', message: `groups (${groups}) must divide filters (${filters}).` } };
  }
  const spatial = input.slice(0, -1);
  const out = slide(spatial, w);
  if ('problem' in out) return out;
  const bias = ctx.args.bias === true;
  const kArea = w.kernel.reduce((a, b) => a * b, 1);
  const perFilter = cin === null ? 0 : (kArea * cin) / groups;
  const total = (perFilter + (bias ? 1 : 0)) * filters;
  const cinText = groups === 1 ? `${cin}` : `${cin}/${groups}`;
  const formula = bias
    ? `(${kernelText(w.kernel)}·${cinText} + 1)·${filters} = ${formatInt(total)}`
    : `${kernelText(w.kernel)}·${cinText}·${filters} = ${formatInt(total)}`;
  return {
    shape: [...out, filters],
    params: { trainable: total, nonTrainable: 0, formula },
    macs: area(out) * perFilter * filters,
    rf: rfOf(spatial, w),
  };
}

function inferDepthwise(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const w = windowOf(ctx);
  const cin = channelsOf(input);
  const mult = asNum(ctx.args.depth_multiplier);
  const spatial = input.slice(0, -1);
  const out = slide(spatial, w);
  if ('problem' in out) return out;
  const kArea = w.kernel.reduce((a, b) => a * b, 1);
  const cout = cin === null ? null : cin * mult;
  const bias = ctx.args.bias === true;
  const total = cin === null ? 0 : kArea * cin * mult + (bias ? cin * mult : 0);
  const m = mult === 1 ? '' : `·${mult}`;
  const formula = bias ? `(${kernelText(w.kernel)} + 1)·${cin}${m} = ${formatInt(total)}` : `${kernelText(w.kernel)}·${cin}${m} = ${formatInt(total)}`;
  return {
    shape: [...out, cout],
    params: { trainable: total, nonTrainable: 0, formula },
    macs: area(out) * kArea * (cout ?? 0),
    rf: rfOf(spatial, w),
  };
}

function inferSeparable(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const w = windowOf(ctx);
  const cin = channelsOf(input) ?? 0;
  const mult = asNum(ctx.args.depth_multiplier);
  const filters = asNum(ctx.args.filters);
  const spatial = input.slice(0, -1);
  const out = slide(spatial, w);
  if ('problem' in out) return out;
  const kArea = w.kernel.reduce((a, b) => a * b, 1);
  const bias = ctx.args.bias === true;
  const depthwise = kArea * cin * mult;
  const pointwise = cin * mult * filters;
  const total = depthwise + pointwise + (bias ? filters : 0);
  const m = mult === 1 ? '' : `·${mult}`;
  const formula = `${kernelText(w.kernel)}·${cin}${m} + ${cin}${m}·${filters}${bias ? ` + ${filters}` : ''} = ${formatInt(total)}`;
  return {
    shape: [...out, filters],
    params: { trainable: total, nonTrainable: 0, formula },
    macs: area(out) * (kArea * cin * mult + cin * mult * filters),
    rf: rfOf(spatial, w),
  };
}

function inferTranspose(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const w = windowOf(ctx);
  const cin = channelsOf(input);
  const filters = asNum(ctx.args.filters);
  const spatial = input.slice(0, -1);
  const out = spatial.map((d, i) => deconvLength(d, w.kernel[i], w.padding, w.stride[i], w.dilation[i]));
  const kArea = w.kernel.reduce((a, b) => a * b, 1);
  const bias = ctx.args.bias === true;
  const total = (kArea * (cin ?? 0) + (bias ? 1 : 0)) * filters;
  const formula = bias
    ? `(${kernelText(w.kernel)}·${cin} + 1)·${filters} = ${formatInt(total)}`
    : `${kernelText(w.kernel)}·${cin}·${filters} = ${formatInt(total)}`;
  return {
    shape: [...out, filters],
    params: { trainable: total, nonTrainable: 0, formula },
    // Every input position scatters a k·k·filters patch.
    macs: area(spatial) * kArea * (cin ?? 0) * filters,
    rf: { kind: 'upsample', factor: w.stride },
  };
}

const filtersArg = { name: 'filters', type: { type: 'int', min: 1 }, doc: 'Number of output channels.' } as const;
const multiplierArg = { name: 'depth_multiplier', type: { type: 'int', min: 1 }, default: 1, doc: 'Output channels per input channel.' } as const;

export const convLayers: LayerDef[] = [
  {
    kind: 'conv2d',
    category: 'convolution',
    summary: '2-D convolution over height and width (channels-last).',
    paramsDoc: '(k_h·k_w·C_in/groups + 1)·filters; no `+ 1` without bias.',
    args: [
      filtersArg,
      kernelArg,
      strideArg,
      paddingArg,
      dilationArg,
      { name: 'groups', type: { type: 'int', min: 1 }, default: 1, doc: 'Split channels into this many independent groups.' },
      biasArg,
      activationArg,
      ...regularizerArgs,
    ],
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferConv,
  },
  {
    kind: 'depthwise_conv2d',
    aliases: ['depthwiseconv2d'],
    category: 'convolution',
    summary: 'Depthwise 2-D convolution: one filter per input channel (times the depth multiplier).',
    paramsDoc: '(k_h·k_w + 1)·C_in·multiplier; no `+ 1` without bias.',
    args: [kernelArg, strideArg, paddingArg, multiplierArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferDepthwise,
  },
  {
    kind: 'separable_conv2d',
    aliases: ['separableconv2d'],
    category: 'convolution',
    summary: 'Depthwise convolution followed by a 1×1 pointwise convolution.',
    paramsDoc: 'k_h·k_w·C_in·m + C_in·m·filters + filters (bias).',
    args: [filtersArg, kernelArg, strideArg, paddingArg, multiplierArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferSeparable,
  },
  {
    kind: 'conv2d_transpose',
    aliases: ['conv2dtranspose', 'deconv2d'],
    category: 'convolution',
    summary: 'Transposed 2-D convolution (learned upsampling).',
    paramsDoc: '(k_h·k_w·C_in + 1)·filters; no `+ 1` without bias.',
    args: [filtersArg, kernelArg, strideArg, paddingArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferTranspose,
  },
];
