// Regularization layers active only in training: spatial dropout and multiplicative/additive noise. No parameters.

import type { ArgSpec, InferContext, Inferred, LayerDef } from '../registry';

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
];
