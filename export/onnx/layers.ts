// ONNX emitters for layers that move, pad, crop or resize elements, dense layers, activations, merges with
// broadcasting, layer normalisation and the layers that are the identity at inference.

import { sliceRange } from '../../core/model/layers/split';
import { ACT, activate, nums, registerEmitters, type Ctx, type Emitter, type Refusal } from './emit';
import { onnxAxis, type GraphBuilder, type Val } from './graph';

const same = (ctx: Ctx, x: Val, name: string): Val => ({ name, shape: ctx.out, cf: x.cf });

/** Dense on the last axis: Gemm for vectors, MatMul + Add for sequences and images (channels last). */
function dense(ctx: Ctx): Val {
  const g = ctx.g;
  const x = g.cl(ctx.inputs[0]);
  const k = ctx.weight('kernel');
  const w = g.weight('W', k.shape, k.data);
  const b = ctx.has('bias') ? g.weight('B', ctx.weight('bias').shape, ctx.weight('bias').data) : undefined;
  let y: string;
  if (x.shape.length === 1) y = g.op('Gemm', b ? [x.name, w, b] : [x.name, w]);
  else {
    y = g.op('MatMul', [x.name, w]);
    if (b) y = g.op('Add', [y, b]);
  }
  return activate(g, { name: y, shape: ctx.out, cf: false }, ctx.args.activation);
}

/** (all) | (h, w) | (top, bottom, left, right) → [top, bottom, left, right]. */
function fourSides(v: unknown): number[] {
  const p = nums(v);
  return p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[0], p[1], p[1]] : p;
}

/** An image resized to fixed sizes, the batch and channels kept (Shape's start/end, opset 15). */
function resize(g: GraphBuilder, x: Val, hw: number[], attrs: Readonly<Record<string, { s: string }>>): string {
  const sizes = g.op('Concat', [g.op('Shape', [x.name], { start: { i: 0 }, end: { i: 2 } }), g.ints(hw)], { axis: { i: 0 } });
  return g.op('Resize', [x.name, '', '', sizes], attrs);
}

function shuffle(ctx: Ctx): Val {
  const g = ctx.g;
  const x = ctx.inputs[0];
  const groups = Number(ctx.args.groups);
  const c = x.shape.at(-1) as number;
  const rest = x.shape.slice(0, -1);
  if (x.cf) {
    const grouped = g.op('Reshape', [x.name, g.ints([0, groups, c / groups, ...rest])]);
    const swapped = g.op('Transpose', [grouped], { perm: { ints: [0, 2, 1, ...rest.map((_, i) => i + 3)] } });
    return same(ctx, x, g.op('Reshape', [swapped, g.ints([0, c, ...rest])]));
  }
  const grouped = g.op('Reshape', [x.name, g.ints([0, ...rest, groups, c / groups])]);
  const n = rest.length + 1;
  const swapped = g.op('Transpose', [grouped], { perm: { ints: [...Array.from({ length: n }, (_, i) => i), n + 1, n] } });
  return same(ctx, x, g.op('Reshape', [swapped, g.ints([0, ...x.shape])]));
}

function slice(ctx: Ctx): Val | Refusal {
  const x = ctx.inputs[0];
  const range = sliceRange(ctx.args, x.shape);
  if ('code' in range || Number.isNaN(range.start)) return { refused: 'a range that is not known' };
  const axis = onnxAxis(x, range.axis + 1);
  return same(ctx, x, ctx.g.op('Slice', [x.name, ctx.g.ints([range.start]), ctx.g.ints([range.stop]), ctx.g.ints([axis])]));
}

const LAYOUT: Record<string, Emitter> = {
  // Keras flattens channels-last: the element order (and the next dense layer's weights) needs NHWC first.
  flatten: ({ g, inputs, out }) => ({ name: g.op('Flatten', [g.cl(inputs[0]).name], { axis: { i: 1 } }), shape: out, cf: false }),
  reshape: ({ g, inputs, out }) => ({ name: g.op('Reshape', [g.cl(inputs[0]).name, g.ints([0, ...out])]), shape: out, cf: false }),
  permute: ({ g, inputs, out, args }) => ({
    name: g.op('Transpose', [g.cl(inputs[0]).name], { perm: { ints: [0, ...nums(args.dims)] } }),
    shape: out,
    cf: false,
  }),
  repeat_vector: ({ g, inputs, out, args }) => {
    const lifted = g.op('Unsqueeze', [inputs[0].name, g.ints([1])]);
    return { name: g.op('Tile', [lifted, g.ints([1, Number(args.n), 1])]), shape: out, cf: false };
  },
  zeropad2d: ({ g, inputs, out, args }) => {
    const [t, b, l, r] = fourSides(args.padding);
    return { name: g.op('Pad', [g.cf(inputs[0]).name, g.ints([0, 0, t, l, 0, 0, b, r])]), shape: out, cf: true };
  },
  cropping2d: ({ g, inputs, out, args }) => {
    const [t, b, l, r] = fourSides(args.cropping);
    const [h, w] = inputs[0].shape;
    const name = g.op('Slice', [g.cf(inputs[0]).name, g.ints([t, l]), g.ints([h - b, w - r]), g.ints([2, 3])]);
    return { name, shape: out, cf: true };
  },
  // tfjs's UpSampling2D resizes without half-pixel centres: source = destination / factor.
  upsample2d: ({ g, inputs, out, args }) => {
    const x = g.cf(inputs[0]);
    const nearest = args.interpolation !== 'bilinear';
    const attrs = { mode: { s: nearest ? 'nearest' : 'linear' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } };
    return { name: resize(g, x, out.slice(0, 2), attrs), shape: out, cf: true };
  },
  // Resizing uses half-pixel centres (Keras Resizing), and nearest takes the floor of the centred source.
  resizing: ({ g, inputs, out, args }) => {
    const x = g.cf(inputs[0]);
    const nearest = args.interpolation === 'nearest';
    const attrs: Record<string, { s: string }> = nearest
      ? { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'tf_half_pixel_for_nn' }, nearest_mode: { s: 'floor' } }
      : { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'half_pixel' } };
    return { name: resize(g, x, out.slice(0, 2), attrs), shape: out, cf: true };
  },
  slice,
  channel_shuffle: shuffle,
};

/**
 * Merge operands in one layout: a lower-rank operand gains axes of 1 after the batch (as tfjs lines merges up),
 * then each takes the layout of the first operand of the result's rank, so ONNX broadcasting sees aligned axes.
 */
function operands(ctx: Ctx): Val[] {
  const g = ctx.g;
  const rank = ctx.out.length;
  const lead = ctx.inputs.find((v) => v.shape.length === rank) ?? ctx.inputs[0];
  return ctx.inputs.map((v) => {
    if (v.shape.length === rank) return g.as(v, lead.cf);
    const k = rank - v.shape.length;
    const lifted = g.op('Unsqueeze', [g.cl(v).name, g.ints(Array.from({ length: k }, (_, i) => i + 1))]);
    return g.as({ name: lifted, shape: [...Array(k).fill(1), ...v.shape], cf: false }, lead.cf);
  });
}

const merge =
  (op: string) =>
  (ctx: Ctx): Val => {
    const xs = operands(ctx);
    const name = xs.slice(1).reduce((acc, x) => ctx.g.op(op, [acc, x.name]), xs[0].name);
    return { name, shape: ctx.out, cf: xs[0].cf };
  };

const ELEMENTWISE: Record<string, Emitter> = {
  dense,
  add: merge('Add'),
  subtract: merge('Sub'),
  multiply: merge('Mul'),
  maximum: merge('Max'),
  minimum: merge('Min'),
  average: (ctx) => {
    const sum = merge('Add')(ctx);
    return { ...sum, name: ctx.g.op('Mul', [sum.name, ctx.g.scalar(1 / ctx.inputs.length)]) };
  },
  concat: (ctx) => {
    const lead = ctx.inputs[0];
    const xs = ctx.inputs.map((v) => ctx.g.as(v, lead.cf));
    const axis = onnxAxis(xs[0], Number(ctx.args.axis ?? -1));
    return {
      name: ctx.g.op(
        'Concat',
        xs.map((x) => x.name),
        { axis: { i: axis } },
      ),
      shape: ctx.out,
      cf: xs[0].cf,
    };
  },
  layernorm: (ctx) => {
    const axis = Number(ctx.args.axis ?? -1);
    if (axis !== -1 && axis !== ctx.inputs[0].shape.length) return { refused: 'layer normalisation over an axis other than the last' };
    const g = ctx.g;
    const x = g.cl(ctx.inputs[0]);
    const c = x.shape.at(-1) as number;
    const scale = ctx.has('gamma') ? g.weight('scale', [c], ctx.weight('gamma').data) : g.floats([c], new Float32Array(c).fill(1));
    const inputs = ctx.has('beta') ? [x.name, scale, g.weight('B', [c], ctx.weight('beta').data)] : [x.name, scale];
    return { name: g.op('LayerNormalization', inputs, { axis: { i: -1 }, epsilon: { f: Number(ctx.args.epsilon) } }), shape: ctx.out, cf: false };
  },
  // One factor per channel: shaped (C, 1, …) to broadcast over a channels-first tensor.
  scale: (ctx) => {
    const x = ctx.inputs[0];
    const gamma = ctx.weight('gamma');
    let factor = ctx.g.weight('gamma', gamma.shape, gamma.data);
    if (x.cf && x.shape.length > 1) factor = ctx.g.op('Reshape', [factor, ctx.g.ints([gamma.data.length, ...x.shape.slice(1).map(() => 1)])]);
    return same(ctx, x, ctx.g.op('Mul', [x.name, factor]));
  },
  // Keras's alpha has the input's shape (shared axes 1): it broadcasts over the batch, channels last.
  prelu: (ctx) => {
    const x = ctx.g.cl(ctx.inputs[0]);
    const alpha = ctx.weight('alpha');
    return { name: ctx.g.op('PRelu', [x.name, ctx.g.weight('slope', alpha.shape, alpha.data)]), shape: ctx.out, cf: false };
  },
  activation: (ctx) => same(ctx, ctx.inputs[0], ACT[String(ctx.args.fn)](ctx.g, ctx.inputs[0], {})),
};
for (const fn of Object.keys(ACT)) ELEMENTWISE[fn] = (ctx) => same(ctx, ctx.inputs[0], ACT[fn](ctx.g, ctx.inputs[0], ctx.args));

/** Random only in training: the identity at inference, so no operator at all. */
const IDENTITY = ['dropout', 'drop_path', 'spatial_dropout1d', 'spatial_dropout2d', 'spatial_dropout3d', 'gaussian_noise', 'gaussian_dropout', 'alpha_dropout'];
for (const kind of IDENTITY) ELEMENTWISE[kind] = (ctx) => ctx.inputs[0];

registerEmitters(LAYOUT);
registerEmitters(ELEMENTWISE);
