// Regularization layers active only in training (spatial dropout, noise, stochastic depth), and layer scale, the
// learned per-channel multiplier that residual branches of ConvNeXt and CaiT pair with stochastic depth.

import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum } from '../shape-math';
import { formatInt } from '../values';

const same = (ctx: InferContext): Inferred => ({ shape: ctx.inputs[0] });
const rateArg: ArgSpec = { name: 'rate', type: { type: 'float', min: 0, max: 1 }, doc: 'Fraction dropped, in [0, 1).' };

function spatialDropout(rank: number): LayerDef {
  return {
    kind: `spatial_dropout${rank}d`,
    aliases: [`spatialdropout${rank}d`],
    category: 'regularization',
    summary: `Drops whole channels (feature maps) of a ${rank}-D input at once, where neighbouring values are correlated.`,
    args: [rateArg],
    arity: 1,
    inputRank: rank + 1,
    infer: same,
  };
}

function noise(kind: string, summary: string, arg: ArgSpec): LayerDef {
  return { kind, aliases: [kind.replace('_', '')], category: 'regularization', summary, args: [arg], arity: 1, infer: same };
}

/** One learned factor per channel (the last axis); each element costs one multiply. */
function inferScale(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const c = input[input.length - 1];
  const elements = input.reduce<number>((p, d) => p * (d ?? 0), 1);
  return { shape: input, params: { trainable: c ?? 0, nonTrainable: 0, formula: `C = ${formatInt(c ?? 0)}` }, macs: elements };
}

/** A rate of 1 would drop every sample and divide the survivors by zero. */
function inferDropPath(ctx: InferContext): Inferred | { problem: Problem } {
  const rate = asNum(ctx.args.rate);
  if (rate >= 1)
    return { problem: { code: 'out-of-range', arg: 'rate', message: `drop_path rate must be below 1, got ${rate}: every sample would be dropped.` } };
  return { shape: ctx.inputs[0] };
}

export const scaleLayer: LayerDef = {
  kind: 'scale',
  aliases: ['layer_scale'],
  category: 'core',
  summary: 'Multiplies each channel by its own learned factor (layer scale of ConvNeXt and CaiT).',
  paramsDoc: 'One factor per channel: C.',
  args: [{ name: 'init', type: { type: 'float' }, default: 1, doc: 'Starting value of every factor (ConvNeXt uses 1e-6).' }],
  arity: 1,
  inputRank: { min: 1 },
  infer: inferScale,
};

export const dropPathLayer: LayerDef = {
  kind: 'drop_path',
  aliases: ['droppath', 'stochastic_depth'],
  category: 'regularization',
  summary: 'Stochastic depth: in training, zeroes a whole sample with probability rate and scales the rest by 1/(1 − rate); identity at inference.',
  args: [{ name: 'rate', type: { type: 'float', min: 0, max: 1 }, doc: 'Probability of dropping a sample, in [0, 1).' }],
  arity: 1,
  inputRank: { min: 1 },
  infer: inferDropPath,
};

export const regularizationLayers: LayerDef[] = [
  spatialDropout(1),
  spatialDropout(2),
  spatialDropout(3),
  noise('gaussian_noise', 'Adds zero-mean Gaussian noise during training.', {
    name: 'stddev',
    type: { type: 'float', min: 0 },
    doc: 'Standard deviation of the noise.',
  }),
  noise('gaussian_dropout', 'Multiplies by Gaussian noise of mean 1 during training.', rateArg),
  noise('alpha_dropout', 'Dropout that keeps the mean and variance of self-normalizing (SELU) activations.', rateArg),
  dropPathLayer,
  scaleLayer,
];
