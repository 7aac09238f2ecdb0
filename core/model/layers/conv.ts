// Convolutions of rank 1–3: plain (with groups), depthwise and separable, with Keras/tfjs shape and parameter rules.

import { formatInt } from '../values';
import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum } from '../shape-math';
import { activationArg, biasArg, causalPaddingArg, channelsOf, dilationArg, kernelArg, paddingArg, regularizerArgs, strideArg } from './common';
import { area, kernelText, prod, rfOf, slide, windowOf } from './window';

type Result = Inferred | { problem: Problem };

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
  const perFilter = cin === null ? 0 : (prod(w.kernel) * cin) / groups;
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
  const kArea = prod(w.kernel);
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
  const kArea = prod(w.kernel);
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

export const filtersArg: ArgSpec = { name: 'filters', type: { type: 'int', min: 1 }, doc: 'Number of output channels.' };
const multiplierArg: ArgSpec = { name: 'depth_multiplier', type: { type: 'int', min: 1 }, default: 1, doc: 'Output channels per input channel.' };
const groupsArg: ArgSpec = { name: 'groups', type: { type: 'int', min: 1 }, default: 1, doc: 'Split channels into this many independent groups.' };

const AXES = ['', 'length', 'height and width', 'depth, height and width'];
const KERNEL = ['', 'k', 'k_h·k_w', 'k_d·k_h·k_w'];

/** Keras allows `causal` padding only for 1-D convolutions (sequences), where it pads on the left. */
const paddingFor = (rank: number) => (rank === 1 ? causalPaddingArg : paddingArg);

function convDef(rank: number): LayerDef {
  return {
    kind: `conv${rank}d`,
    category: 'convolution',
    summary: `${rank}-D convolution over ${AXES[rank]} (channels-last).`,
    paramsDoc: `(${KERNEL[rank]}·C_in/groups + 1)·filters; no \`+ 1\` without bias.`,
    args: [filtersArg, kernelArg, strideArg, paddingFor(rank), dilationArg, groupsArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: rank + 1,
    spatialRank: rank,
    infer: inferConv,
  };
}

function depthwiseDef(rank: number): LayerDef {
  return {
    kind: `depthwise_conv${rank}d`,
    aliases: [`depthwiseconv${rank}d`],
    category: 'convolution',
    summary: `Depthwise ${rank}-D convolution: one filter per input channel (times the depth multiplier).`,
    paramsDoc: `(${KERNEL[rank]} + 1)·C_in·multiplier; no \`+ 1\` without bias.`,
    args: [kernelArg, strideArg, paddingFor(rank), multiplierArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: rank + 1,
    spatialRank: rank,
    infer: inferDepthwise,
  };
}

function separableDef(rank: number): LayerDef {
  return {
    kind: `separable_conv${rank}d`,
    aliases: [`separableconv${rank}d`],
    category: 'convolution',
    summary: `Depthwise ${rank}-D convolution followed by a pointwise (1×1) convolution.`,
    paramsDoc: `${KERNEL[rank]}·C_in·m (depthwise) + C_in·m·filters (pointwise) + filters (bias).`,
    args: [filtersArg, kernelArg, strideArg, paddingFor(rank), multiplierArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: rank + 1,
    spatialRank: rank,
    infer: inferSeparable,
  };
}

export const convLayers: LayerDef[] = [convDef(1), convDef(2), convDef(3), depthwiseDef(1), depthwiseDef(2), separableDef(1), separableDef(2)];
