// Core layers: input, dense, flatten, reshape, dropout, batch normalization and activation layers.

import { formatInt } from '../values';
import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum, asNums, product } from '../shape-math';
import { ACTIVATIONS, activationArg, biasArg, regularizerArgs } from './common';

type Result = Inferred | { problem: Problem };
const same = (ctx: InferContext): Inferred => ({ shape: ctx.inputs[0] });

function inferInput(ctx: InferContext): Result {
  const dims = asNums(ctx.args.shape);
  if (dims.length === 0) return { problem: { code: 'missing-argument', arg: 'shape', message: 'input needs a shape, e.g. input(28, 28, 1).' } };
  return { shape: dims.map((d) => (d === -1 ? null : d)) };
}

function inferDense(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const units = asNum(ctx.args.units);
  const cin = input[input.length - 1];
  const bias = ctx.args.bias === true;
  const total = ((cin ?? 0) + (bias ? 1 : 0)) * units;
  const formula = bias ? `(${cin} + 1)·${units} = ${formatInt(total)}` : `${cin}·${units} = ${formatInt(total)}`;
  // Dense applies to the last axis; earlier axes (e.g. sequence positions) are kept.
  const positions = product(input.slice(0, -1)) ?? 0;
  return {
    shape: [...input.slice(0, -1), units],
    params: { trainable: total, nonTrainable: 0, formula },
    macs: positions * (cin ?? 0) * units,
    rf: input.length > 1 ? undefined : { kind: 'global' },
  };
}

function inferFlatten(ctx: InferContext): Inferred {
  return { shape: [product(ctx.inputs[0])], rf: { kind: 'global' } };
}

function inferReshape(ctx: InferContext): Result {
  const target = asNums(ctx.args.shape);
  const size = product(ctx.inputs[0]);
  const wild = target.filter((d) => d === -1).length;
  if (wild > 1) return { problem: { code: 'invalid-argument', arg: 'shape', message: 'reshape allows at most one -1 dimension.' } };
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (size === null) return { shape: target.map((d) => (d === -1 ? null : d)) };
  if (wild === 1) {
    if (size % known !== 0)
      return {
        problem: {
          code: 'invalid-reshape',
          arg: 'shape',
          message: `Cannot reshape ${size} values into (${target.join(', ')}): ${size} is not divisible by ${known}.`,
        },
      };
    return { shape: target.map((d) => (d === -1 ? size / known : d)) };
  }
  if (known !== size)
    return { problem: { code: 'invalid-reshape', arg: 'shape', message: `Cannot reshape ${size} values into (${target.join(', ')}), which holds ${known}.` } };
  return { shape: target };
}

function inferBatchNorm(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const axis = asNum(ctx.args.axis);
  const rank = input.length + 1; // batch included, as Keras counts axes
  const a = axis < 0 ? rank + axis : axis;
  if (a < 1 || a >= rank)
    return { problem: { code: 'out-of-range', arg: 'axis', message: `axis ${axis} is out of range for a rank-${rank} tensor (batch included).` } };
  const c = input[a - 1] ?? 0;
  const learned = (ctx.args.center === true ? 1 : 0) + (ctx.args.scale === true ? 1 : 0);
  const trainable = learned * c;
  const names = [ctx.args.scale === true ? 'γ' : '', ctx.args.center === true ? 'β' : ''].filter(Boolean).join(', ');
  const formula = `${learned}·${c} (${names || 'none'}) trainable + 2·${c} (moving mean, variance) non-trainable = ${formatInt(trainable + 2 * c)}`;
  return { shape: input, params: { trainable, nonTrainable: 2 * c, formula } };
}

function inferSoftmax(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const axis = asNum(ctx.args.axis);
  const rank = input.length + 1; // batch included, as Keras counts axes
  const a = axis < 0 ? rank + axis : axis;
  if (a < 1 || a >= rank)
    return { problem: { code: 'out-of-range', arg: 'axis', message: `axis ${axis} is out of range for a rank-${rank} tensor (batch included).` } };
  return { shape: input };
}

function activation(kind: string, fn: string, summary: string, extra: LayerDef['args'] = [], aliases?: string[]): LayerDef {
  return { kind, aliases, category: 'activation', summary, args: extra, arity: 1, infer: same, activationFn: fn };
}

export const basicLayers: LayerDef[] = [
  {
    kind: 'input',
    category: 'input',
    summary: 'A model input: its shape without the batch dimension (channels last); -1 for an unknown length.',
    args: [{ name: 'shape', type: { type: 'dims', wildcard: true }, rest: true, doc: 'Dimensions, e.g. input(32, 32, 3).' }],
    arity: 0,
    infer: inferInput,
  },
  {
    kind: 'dense',
    aliases: ['linear'],
    category: 'core',
    summary: 'Fully connected layer on the last axis.',
    paramsDoc: '(in + 1)·units; no `+ 1` without bias.',
    args: [{ name: 'units', type: { type: 'int', min: 1 }, doc: 'Output size.' }, activationArg, biasArg, ...regularizerArgs],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferDense,
  },
  { kind: 'flatten', category: 'core', summary: 'Flattens everything but the batch axis.', args: [], arity: 1, inputRank: { min: 2 }, infer: inferFlatten },
  {
    kind: 'reshape',
    category: 'core',
    summary: 'Reshapes to the given dimensions (batch excluded); one may be -1.',
    args: [{ name: 'shape', type: { type: 'dims', wildcard: true }, rest: true, doc: 'Target dimensions.' }],
    arity: 1,
    infer: inferReshape,
  },
  {
    kind: 'dropout',
    category: 'regularization',
    summary: 'Randomly zeroes a fraction of activations during training.',
    args: [{ name: 'rate', type: { type: 'float', min: 0, max: 1 }, doc: 'Fraction dropped, in [0, 1).' }],
    arity: 1,
    infer: same,
  },
  {
    kind: 'batchnorm',
    aliases: ['batch_norm', 'batchnormalization'],
    category: 'normalization',
    summary: 'Batch normalization over the last axis.',
    paramsDoc: 'Keras convention: γ and β trainable (2·C); moving mean and variance non-trainable (2·C).',
    args: [
      { name: 'momentum', type: { type: 'float', min: 0, max: 1 }, default: 0.99, doc: 'Moving-average momentum (Keras convention; PyTorch uses 1 − this).' },
      { name: 'epsilon', type: { type: 'float', min: 0, exclusiveMin: true }, default: 0.001, doc: 'Added to the variance.' },
      { name: 'center', type: { type: 'bool' }, default: true, doc: 'Learn β.' },
      { name: 'scale', type: { type: 'bool' }, default: true, doc: 'Learn γ.' },
      { name: 'axis', type: { type: 'int' }, default: -1, doc: 'Normalized axis (batch counted as 0).', namedOnly: true },
    ],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferBatchNorm,
  },
  {
    kind: 'activation',
    category: 'activation',
    summary: 'Applies the named activation function.',
    args: [{ name: 'fn', type: { type: 'enum', values: ACTIVATIONS }, doc: 'Activation name.' }],
    arity: 1,
    infer: same,
  },
  activation('relu', 'relu', 'Rectified linear unit: max(x, 0).'),
  activation('relu6', 'relu6', 'min(max(x, 0), 6).'),
  activation('sigmoid', 'sigmoid', '1 / (1 + e^−x): independent probabilities.'),
  activation('hard_sigmoid', 'hard_sigmoid', 'Piecewise-linear sigmoid relu6(x + 3)/6, as PyTorch Hardsigmoid and Keras 3.', [], ['hardsigmoid']),
  activation('tanh', 'tanh', 'Hyperbolic tangent.'),
  {
    ...activation('softmax', 'softmax', 'Normalizes the last axis into probabilities that sum to 1.', [
      { name: 'axis', type: { type: 'int' }, default: -1, doc: 'Axis to normalize (batch counted as 0).' },
    ]),
    infer: inferSoftmax,
  },
  activation('softplus', 'softplus', 'log(1 + e^x).'),
  activation('elu', 'elu', 'x if x > 0 else α(e^x − 1).', [{ name: 'alpha', type: { type: 'float', min: 0 }, default: 1, doc: 'Slope for negatives.' }]),
  activation('selu', 'selu', 'Scaled ELU (self-normalizing).'),
  activation('gelu', 'gelu', 'x·Φ(x), as in BERT and ViT.'),
  activation('swish', 'swish', 'x·sigmoid(x).', [], ['silu']),
  activation(
    'leaky_relu',
    'leaky_relu',
    'x if x > 0 else α·x.',
    [{ name: 'alpha', type: { type: 'float', min: 0 }, default: 0.3, doc: 'Slope for negatives (Keras default 0.3).' }],
    ['leakyrelu'],
  ),
];
