"use strict";
// Argument specs shared by several layer kinds, so each kind's definition stays a short table.
Object.defineProperty(exports, "__esModule", { value: true });
exports.regularizerArgs = exports.activationArg = exports.biasArg = exports.dilationArg = exports.causalPaddingArg = exports.paddingArg = exports.strideArg = exports.kernelArg = exports.ACTIVATIONS = void 0;
exports.channelsOf = channelsOf;
exports.ACTIVATIONS = [
    'linear',
    'relu',
    'relu6',
    'sigmoid',
    'hard_sigmoid',
    'tanh',
    'softmax',
    'softplus',
    'softsign',
    'elu',
    'selu',
    'gelu',
    'swish',
    'silu',
    'mish',
];
exports.kernelArg = { name: 'kernel', type: { type: 'ints', min: 1 }, doc: 'Window size: one int for every axis, or a tuple.' };
exports.strideArg = { name: 'stride', type: { type: 'ints', min: 1 }, default: 1, doc: 'Step between windows.' };
exports.paddingArg = {
    name: 'padding',
    type: { type: 'enum', values: ['valid', 'same'] },
    default: 'valid',
    doc: '`valid`: no padding; `same`: pad so that output = ceil(input / stride) (TensorFlow puts the odd extra zero after).',
};
exports.causalPaddingArg = {
    ...exports.paddingArg,
    type: { type: 'enum', values: ['valid', 'same', 'causal'] },
    doc: `${exports.paddingArg.doc} \`causal\`: pad (k − 1)·dilation zeros on the left only, so no output sees the future.`,
};
exports.dilationArg = { name: 'dilation', type: { type: 'ints', min: 1 }, default: 1, doc: 'Spacing between kernel taps.' };
exports.biasArg = { name: 'bias', type: { type: 'bool' }, default: true, doc: 'Add a learned bias per output channel.' };
exports.activationArg = {
    name: 'activation',
    type: { type: 'enum', values: exports.ACTIVATIONS },
    default: 'linear',
    doc: 'Activation applied to the output.',
};
exports.regularizerArgs = [
    { name: 'l1', type: { type: 'float', min: 0 }, default: 0, doc: 'L1 penalty on the kernel weights.', namedOnly: true },
    { name: 'l2', type: { type: 'float', min: 0 }, default: 0, doc: 'L2 penalty on the kernel weights.', namedOnly: true },
];
/** Spatial shape check shared by conv and pooling: rank is verified centrally, here only channels. */
function channelsOf(shape) {
    return shape[shape.length - 1];
}
//# sourceMappingURL=common.js.map