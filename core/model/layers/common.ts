// Argument specs shared by several layer kinds, so each kind's definition stays a short table.

import type { ArgSpec } from '../registry';

export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'hard_sigmoid',
  'hard_swish',
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
] as const;

export const kernelArg: ArgSpec = { name: 'kernel', type: { type: 'ints', min: 1 }, doc: 'Window size: one int for every axis, or a tuple.' };
export const strideArg: ArgSpec = { name: 'stride', type: { type: 'ints', min: 1 }, default: 1, doc: 'Step between windows.' };
export const paddingArg: ArgSpec = {
  name: 'padding',
  type: { type: 'padding', values: ['valid', 'same'] },
  default: 'valid',
  doc:
    '`valid`: no padding; `same`: pad so that output = ceil(input / stride) (TensorFlow puts the odd extra zero after); ' +
    'a number `P`: P zeros on both sides of every axis (PyTorch `padding=P`); a tuple: one per axis, or one per side.',
};
export const causalPaddingArg: ArgSpec = {
  ...paddingArg,
  type: { type: 'padding', values: ['valid', 'same', 'causal'] },
  doc: `${paddingArg.doc} \`causal\`: pad (k − 1)·dilation zeros on the left only, so no output sees the future.`,
};
export const dilationArg: ArgSpec = { name: 'dilation', type: { type: 'ints', min: 1 }, default: 1, doc: 'Spacing between kernel taps.' };
export const biasArg: ArgSpec = { name: 'bias', type: { type: 'bool' }, default: true, doc: 'Add a learned bias per output channel.' };
export const activationArg: ArgSpec = {
  name: 'activation',
  type: { type: 'enum', values: ACTIVATIONS },
  default: 'linear',
  doc: 'Activation applied to the output.',
};
export const regularizerArgs: ArgSpec[] = [
  { name: 'l1', type: { type: 'float', min: 0 }, default: 0, doc: 'L1 penalty on the kernel weights.', namedOnly: true },
  { name: 'l2', type: { type: 'float', min: 0 }, default: 0, doc: 'L2 penalty on the kernel weights.', namedOnly: true },
];

/** Spatial shape check shared by conv and pooling: rank is verified centrally, here only channels. */
export function channelsOf(shape: readonly (number | null)[]): number | null {
  return shape[shape.length - 1];
}
