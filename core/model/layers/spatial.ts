// Spatial layers that change height and width without weights: zero padding, cropping, upsampling and resizing.

import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum, asNums } from '../shape-math';

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

/** (all) | (h, w) | (top, bottom, left, right), as zeropad2d. */
function fourSides(p: readonly number[]): readonly number[] | null {
  return p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p.length === 4 ? p : null;
}

function inferCrop(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const c = fourSides(asNums(ctx.args.cropping));
  if (!c) return { problem: { code: 'invalid-argument', arg: 'cropping', message: 'cropping takes 1, 2 or 4 numbers (all; h, w; top, bottom, left, right).' } };
  const out = [input[0] === null ? null : input[0] - c[0] - c[1], input[1] === null ? null : input[1] - c[2] - c[3], input[2]];
  const bad = out.findIndex((d) => d !== null && d <= 0);
  if (bad >= 0)
    return {
      problem: {
        code: 'non-positive-dimension',
        arg: 'cropping',
        message: `Cropping (${c.join(', ')}) leaves ${out[bad]} of the ${input[bad]} ${bad === 0 ? 'rows' : 'columns'}.`,
      },
    };
  return { shape: out, rf: { kind: 'window', kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padStart: [-c[0], -c[2]] } };
}

function inferResize(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const [h, w] = [asNum(ctx.args.height), asNum(ctx.args.width)];
  const factor = [input[0] ? h / input[0] : 1, input[1] ? w / input[1] : 1];
  return { shape: [h, w, input[2]], rf: { kind: 'upsample', factor } };
}

export const spatialLayers: LayerDef[] = [
  {
    kind: 'cropping2d',
    aliases: ['crop2d'],
    category: 'spatial',
    summary: 'Removes rows and columns at the borders (U-Net skip connections).',
    args: [{ name: 'cropping', type: { type: 'dims' }, default: [0], rest: true, doc: 'n, (h, w) or (top, bottom, left, right).' }],
    arity: 1,
    inputRank: 3,
    infer: inferCrop,
  },
  {
    kind: 'resizing',
    aliases: ['resize'],
    category: 'spatial',
    summary: 'Resizes images to a fixed height and width by interpolation.',
    args: [
      { name: 'height', type: { type: 'int', min: 1 }, doc: 'Output height.' },
      { name: 'width', type: { type: 'int', min: 1 }, doc: 'Output width.' },
      { name: 'interpolation', type: { type: 'enum', values: ['bilinear', 'nearest'] }, default: 'bilinear', doc: 'How new pixels are filled.' },
    ],
    arity: 1,
    inputRank: 3,
    infer: inferResize,
  },
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
