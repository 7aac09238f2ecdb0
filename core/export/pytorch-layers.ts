// PyTorch emitters for layers that move, pad, crop or resize elements, and for dense layers, activations,
// dropout and merges.

import { ACT, nums, py, registerEmitters, torchDim, withActivation, type Emitter } from './pytorch-emit';

/** `n`, `(h, w)` or `(top, bottom, left, right)` → [top, bottom, left, right]. */
function fourSides(p: number[]): number[] {
  return p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
}

/** Layers that move, pad, crop or resize elements. */
const LAYOUT: Record<string, Emitter> = {
  // Keras flattens channels-last; permuting first keeps the element order (and imported weights) identical.
  flatten: (_, { x, rank }) => ({ expr: rank === 3 ? `${x}.permute(0, 2, 3, 1).flatten(1)` : `${x}.flatten(1)` }),
  reshape: (ctx, { x, rank }) => {
    const out = ctx.info.shape as number[];
    const src = rank === 3 ? `${x}.permute(0, 2, 3, 1)` : x;
    const reshaped = `${src}.reshape(-1, ${out.join(', ')})`;
    return { expr: out.length === 3 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped };
  },
  zeropad2d: ({ args }, { x }) => {
    const [t, b, l, r] = fourSides(nums(args.padding));
    return { expr: `F.pad(${x}, (${l}, ${r}, ${t}, ${b}))` };
  },
  cropping2d: ({ args, inShapes }, { x }) => {
    const [t, b, l, r] = fourSides(nums(args.cropping));
    const [h, w] = [inShapes[0][0] as number, inShapes[0][1] as number];
    return { expr: `${x}[:, :, ${t}:${h - b}, ${l}:${w - r}]` };
  },
  upsample2d: ({ args }, { x }) => {
    const mode = args.interpolation === 'bilinear' ? ', mode="bilinear", align_corners=False' : '';
    return { expr: `F.interpolate(${x}, scale_factor=${py(nums(args.size).map((n) => n * 1.0))}${mode})` };
  },
};

/** Dense layers, activations, dropout and merges. */
const ELEMENTWISE: Record<string, Emitter> = {
  dropout: ({ args, self }, { x }) => ({ init: `${self} = nn.Dropout(${py(args.rate)})`, expr: `${self}(${x})` }),
  dense: (ctx, { x, rank, cin }) => {
    const init = `${ctx.self} = nn.Linear(${cin}, ${ctx.args.units}, bias=${py(ctx.args.bias)})`;
    const applied = rank === 3 ? `${ctx.self}(${x}.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)` : `${ctx.self}(${x})`;
    return { init, expr: withActivation(applied, ctx) };
  },
  activation: ({ args }, { x, rank }) => ({ expr: ACT[args.fn as string](x, args, rank) }),
  add: ({ inputs }) => ({ expr: inputs.join(' + ') }),
  concat: ({ args, inputs }, { rank }) => ({ expr: `torch.cat([${inputs.join(', ')}], dim=${torchDim(args.axis as number, rank)})` }),
};

registerEmitters(LAYOUT);
registerEmitters(ELEMENTWISE);
