// Spatial layers that change height and width without weights: zero padding and upsampling.

import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNums } from '../shape-math';

function inferZeroPad(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const p = asNums(ctx.args.padding);
  // (all) | (h, w) | (top, bottom, left, right)
  const pads = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p.length === 4 ? p : null;
  if (!pads)
    return {
      problem: { code: 'invalid-argument', arg: 'padding', message: `padding takes 1, 2 or 4 numbers (all; h, w; top, bottom, left, right), got ${p.length}.` },
    };
  const [h, w, c] = input;
  return {
    shape: [h === null ? null : h + pads[0] + pads[1], w === null ? null : w + pads[2] + pads[3], c],
    rf: { kind: 'window', kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padStart: [pads[0], pads[2]] },
  };
}

function inferUpsample(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const size = asNums(ctx.args.size);
  return {
    shape: [input[0] === null ? null : input[0] * size[0], input[1] === null ? null : input[1] * size[1], input[2]],
    rf: { kind: 'upsample', factor: size },
  };
}

export const spatialLayers: LayerDef[] = [
  {
    kind: 'zeropad2d',
    aliases: ['zero_padding2d', 'zeropadding2d'],
    category: 'spatial',
    summary: 'Adds rows and columns of zeros around the image.',
    args: [{ name: 'padding', type: { type: 'dims' }, default: [1], doc: 'n, (h, w) or (top, bottom, left, right).', rest: true }],
    arity: 1,
    inputRank: 3,
    infer: inferZeroPad,
  },
  {
    kind: 'upsample2d',
    aliases: ['upsampling2d'],
    category: 'spatial',
    summary: 'Repeats rows and columns by an integer factor.',
    args: [
      { name: 'size', type: { type: 'ints', min: 1 }, default: 2, doc: 'Factor per axis.' },
      { name: 'interpolation', type: { type: 'enum', values: ['nearest', 'bilinear'] }, default: 'nearest', doc: 'How new pixels are filled.' },
    ],
    arity: 1,
    inputRank: 3,
    spatialRank: 2,
    infer: inferUpsample,
  },
];
