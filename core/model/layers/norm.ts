// Normalization layers beyond batch norm: layer norm, group norm and local response normalization.

import { formatInt } from '../values';
import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum } from '../shape-math';
import { channelsOf } from './common';

type Result = Inferred | { problem: Problem };

/** γ and β, one per channel each, as Keras and PyTorch (`affine`/`elementwise_affine`) both count them. */
function affine(ctx: InferContext, c: number | null): Inferred['params'] {
  const learned = (ctx.args.center === true ? 1 : 0) + (ctx.args.scale === true ? 1 : 0);
  const total = learned * (c ?? 0);
  const names = [ctx.args.scale === true ? 'γ' : '', ctx.args.center === true ? 'β' : ''].filter(Boolean).join(', ');
  return { trainable: total, nonTrainable: 0, formula: `${learned}·${c} (${names || 'none'}) = ${formatInt(total)}` };
}

function inferLayerNorm(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const axis = asNum(ctx.args.axis);
  const a = axis < 0 ? input.length + 1 + axis : axis;
  if (a < 1 || a > input.length)
    return { problem: { code: 'out-of-range', arg: 'axis', message: `axis ${axis} is out of range for a rank-${input.length + 1} tensor (batch included).` } };
  return { shape: input, params: affine(ctx, input[a - 1]) };
}

function inferGroupNorm(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const c = channelsOf(input);
  const groups = asNum(ctx.args.groups);
  if (c !== null && c % groups !== 0)
    return { problem: { code: 'invalid-argument', arg: 'groups', message: `groups (${groups}) must divide the channels (${c}).` } };
  return { shape: input, params: affine(ctx, c) };
}

const epsilonArg: ArgSpec = { name: 'epsilon', type: { type: 'float', min: 0, exclusiveMin: true }, default: 0.001, doc: 'Added to the variance.' };
const centerArg: ArgSpec = { name: 'center', type: { type: 'bool' }, default: true, doc: 'Learn β (an offset per channel).' };
const scaleArg: ArgSpec = { name: 'scale', type: { type: 'bool' }, default: true, doc: 'Learn γ (a scale per channel).' };

export const normLayers: LayerDef[] = [
  {
    kind: 'layernorm',
    aliases: ['layer_norm', 'layernormalization'],
    category: 'normalization',
    summary: 'Layer normalization: normalizes each sample over the given axis (transformers, RNNs).',
    paramsDoc: 'γ and β over the normalized axis: 2·C (no moving statistics).',
    args: [
      { name: 'axis', type: { type: 'int' }, default: -1, doc: 'Normalized axis (batch counted as 0).', namedOnly: true },
      epsilonArg,
      centerArg,
      scaleArg,
    ],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferLayerNorm,
  },
  {
    kind: 'groupnorm',
    aliases: ['group_norm', 'groupnormalization'],
    category: 'normalization',
    summary: 'Group normalization: normalizes each sample over groups of channels; independent of batch size.',
    paramsDoc: 'γ and β per channel: 2·C; groups must divide C.',
    args: [{ name: 'groups', type: { type: 'int', min: 1 }, default: 32, doc: 'Number of channel groups (32 in the paper).' }, epsilonArg, centerArg, scaleArg],
    arity: 1,
    inputRank: { min: 2 },
    infer: inferGroupNorm,
  },
  {
    kind: 'lrn',
    aliases: ['local_response_norm'],
    category: 'normalization',
    summary: 'Local response normalization across neighbouring channels (AlexNet, GoogLeNet), as PyTorch LocalResponseNorm.',
    paramsDoc: 'No parameters.',
    args: [
      { name: 'size', type: { type: 'int', min: 1 }, default: 5, doc: 'Neighbouring channels summed over.' },
      { name: 'alpha', type: { type: 'float', min: 0 }, default: 0.0001, doc: 'Scale of the sum of squares.' },
      { name: 'beta', type: { type: 'float', min: 0 }, default: 0.75, doc: 'Exponent.' },
      { name: 'k', type: { type: 'float', min: 0 }, default: 1, doc: 'Additive constant.' },
    ],
    arity: 1,
    inputRank: { min: 2 },
    infer: (ctx) => ({ shape: ctx.inputs[0] }),
  },
];
