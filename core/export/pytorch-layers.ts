// PyTorch emitters for layers that move, pad, crop or resize elements, and for dense layers, activations,
// dropout and merges.

import { ACT, affine, channelsFirst, nums, py, registerEmitters, toFirst, toLast, torchDim, withActivation, type Ctx, type Emitter } from './pytorch-emit';

/** `n`, `(h, w)` or `(top, bottom, left, right)` → [top, bottom, left, right]. */
function fourSides(p: number[]): number[] {
  return p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
}

/** Layers that move, pad, crop or resize elements. */
const LAYOUT: Record<string, Emitter> = {
  // Keras flattens channels-last; permuting first keeps the element order (and imported weights) identical.
  flatten: (_, { x, rank }) => ({ expr: `${toLast(x, rank)}.flatten(1)` }),
  reshape: (ctx, { x, rank }) => {
    const out = ctx.info.shape as number[];
    return { expr: toFirst(`${toLast(x, rank)}.reshape(-1, ${out.join(', ')})`, out.length) };
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

/**
 * Merge operands ready for PyTorch's broadcasting. Same-rank operands broadcast in NCHW as they do channels-last;
 * an operand of lower rank than an image result is lifted to a channels-last image (leading 1s) and permuted.
 */
function broadcastOperands(ctx: Ctx): string[] {
  const rank = ctx.info.shape?.length ?? 0;
  return ctx.inputs.map((x, i) => {
    const shape = ctx.inShapes[i];
    if (!channelsFirst(rank) || shape.length === rank) return x;
    const lifted = [...Array(rank - shape.length).fill(1), ...shape];
    return toFirst(`${toLast(x, shape.length)}.reshape(-1, ${lifted.join(', ')})`, rank);
  });
}

/** Dense layers, activations, dropout and merges. */
const ELEMENTWISE: Record<string, Emitter> = {
  dropout: ({ args, self }, { x }) => ({ init: `${self} = nn.Dropout(${py(args.rate)})`, expr: `${self}(${x})` }),
  drop_path: ({ args, self }, { x }) => ({ init: `${self} = _DropPath(${py(args.rate)})`, expr: `${self}(${x})` }),
  // Factors of shape (C, 1, 1) on NCHW images, as ConvNeXt's layer_scale; (C,) where channels are last.
  scale: ({ args, self }, { x, rank, cin }) => ({
    init: `${self} = _Scale(${cin}, ${py(args.init)}, ${channelsFirst(rank) ? rank : 1})`,
    expr: `${self}(${x})`,
  }),
  dense: (ctx, { x, rank, cin }) => {
    const init = `${ctx.self} = nn.Linear(${cin}, ${ctx.args.units}, bias=${py(ctx.args.bias)})`;
    const applied = toFirst(`${ctx.self}(${toLast(x, rank)})`, rank);
    return { init, expr: withActivation(applied, ctx) };
  },
  activation: ({ args }, { x, rank }) => ({ expr: ACT[args.fn as string](x, args, rank) }),
  layernorm: ({ args, self }, { x, rank, cin }) => {
    const axis = args.axis as number;
    if (axis !== -1 && axis !== rank) return { refused: `normalises axis ${axis}; PyTorch's LayerNorm normalises the last (channel) axis` };
    const { flag, freeze } = affine(self, args);
    const init = `${self} = nn.LayerNorm(${cin}, eps=${py(args.epsilon)}, elementwise_affine=${flag})${freeze}`;
    // On NCHW images the channels are dim 1: normalise them channels-last, as torchvision's LayerNorm2d does.
    const expr = toFirst(`${self}(${toLast(x, rank)})`, rank);
    return { init, expr };
  },
  add: (ctx) => ({ expr: broadcastOperands(ctx).join(' + ') }),
  subtract: (ctx) => ({ expr: broadcastOperands(ctx).join(' - ') }),
  multiply: (ctx) => ({ expr: broadcastOperands(ctx).join(' * ') }),
  average: (ctx) => ({ expr: `(${broadcastOperands(ctx).join(' + ')}) / ${ctx.inputs.length}` }),
  maximum: (ctx) => ({ expr: broadcastOperands(ctx).reduce((a, b) => `torch.maximum(${a}, ${b})`) }),
  minimum: (ctx) => ({ expr: broadcastOperands(ctx).reduce((a, b) => `torch.minimum(${a}, ${b})`) }),
  concat: ({ args, inputs }, { rank }) => ({ expr: `torch.cat([${inputs.join(', ')}], dim=${torchDim(args.axis as number, rank)})` }),
};

registerEmitters(LAYOUT);
registerEmitters(ELEMENTWISE);
