"use strict";
// Regularization layers active only in training: spatial dropout and multiplicative/additive noise. No parameters.
Object.defineProperty(exports, "__esModule", { value: true });
exports.regularizationLayers = void 0;
const same = (ctx) => ({ shape: ctx.inputs[0] });
const rateArg = { name: 'rate', type: { type: 'float', min: 0, max: 1 }, doc: 'Fraction dropped, in [0, 1).' };
function spatialDropout(rank) {
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
function noise(kind, summary, arg) {
    return { kind, aliases: [kind.replace('_', '')], category: 'regularization', summary, args: [arg], arity: 1, infer: same };
}
exports.regularizationLayers = [
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
//# sourceMappingURL=regularization.js.map