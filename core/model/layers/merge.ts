// Merge layers: combine two or more tensors (residual additions, gates that broadcast, concatenations).

import type { InferContext, Inferred, LayerDef, Problem, SymbolicFix } from '../registry';
import { asNum } from '../shape-math';
import { formatShape, type Shape } from '../values';

type Result = Inferred | { problem: Problem };

/**
 * Element-wise merges broadcast as NumPy and Keras do over the non-batch axes: shapes are aligned from the right,
 * and an axis of 1 (or a missing leading axis) stretches to the other's length.
 */
function inferElementwise(ctx: InferContext, kind: string): Result {
  let shape: Shape = ctx.inputs[0];
  for (let i = 1; i < ctx.inputs.length; i++) {
    const next = broadcastShapes(shape, ctx.inputs[i]);
    if (!next) return { problem: mismatch(kind, ctx.inputs[0], ctx.inputs[i], i) };
    shape = next;
  }
  const stretched = ctx.inputs.filter((s) => !sameShape(s, shape));
  const note = stretched.length > 0 ? stretched.map((s) => `${formatShape(s)} broadcast to ${formatShape(shape)}`).join('; ') : undefined;
  return note ? { shape, broadcast: `${note}.` } : { shape };
}

/** The broadcast of two shapes (batch excluded), or undefined when an axis differs and neither side is 1. */
export function broadcastShapes(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)];
    const y = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    // An unknown length is 1 or the other side's, so the other side's it is.
    else if (x === null) out.push(y);
    else if (y === null) out.push(x);
    else return undefined;
  }
  return out;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Fixes that fit the operands: a 1×1 projection of a residual shortcut whose size is an integer multiple of the
 * main path's; a 1×1 convolution where only the channel counts differ; and global pooling (a gate of one value
 * per channel) where the spatial sizes differ but the channels agree. `other` is operand `index`, written by name.
 */
function mismatch(kind: string, main: Shape, other: Shape, index: number): Problem {
  return {
    code: 'shape-mismatch',
    message: `Cannot merge tensors of shapes ${formatShape(main)} and ${formatShape(other)}: element-wise merges need equal shapes, or axes of 1 that broadcast.`,
    fixes: main.length === 3 && other.length === 3 ? imageFixes(kind, main, other, index) : [],
  };
}

function imageFixes(kind: string, main: Shape, other: Shape, index: number): SymbolicFix[] {
  const [cMain, cOther] = [main[2], other[2]];
  const ratio = main[0] && other[0] ? other[0] / main[0] : NaN;
  const spatialRatio = Number.isInteger(ratio) && ratio >= 1 && main[1] !== null && other[1] !== null && other[1] / main[1] === ratio;
  if (kind === 'add' && cMain !== null && main[0] !== 1 && spatialRatio && (ratio > 1 || cMain !== cOther)) {
    const title = `Add a 1×1 projection (conv2d(${cMain}, 1${ratio > 1 ? `, stride: ${ratio}` : ''})) to the shortcut`;
    return [{ kind: 'project-input', title, input: index, filters: cMain, stride: ratio }];
  }
  const spatialOk = broadcastShapes(main.slice(0, 2), other.slice(0, 2)) !== undefined;
  if (spatialOk && cMain !== null && cOther !== null && cMain !== cOther) {
    return [
      {
        kind: 'project-input',
        title: `Map the named tensor to ${cMain} channels with a 1×1 convolution (conv2d(${cMain}, 1))`,
        input: index,
        filters: cMain,
        stride: 1,
      },
      {
        kind: 'insert-before',
        title: `Map the current tensor to ${cOther} channels with a 1×1 convolution (conv2d(${cOther}, 1))`,
        text: `conv2d(${cOther}, 1)`,
      },
    ];
  }
  if (!spatialOk && (cMain === cOther || cMain === 1 || cOther === 1) && kind !== 'add') {
    return [
      {
        kind: 'insert-before',
        title: 'Pool the current tensor to one value per channel (globalavgpool2d(keepdims: true))',
        text: 'globalavgpool2d(keepdims: true)',
      },
    ];
  }
  return [];
}

function inferConcat(ctx: InferContext): Result {
  const rank = ctx.inputs[0].length;
  const axisArg = asNum(ctx.args.axis);
  const axis = axisArg < 0 ? rank + 1 + axisArg : axisArg; // batch counted as axis 0
  if (axis < 1 || axis > rank)
    return { problem: { code: 'out-of-range', arg: 'axis', message: `axis ${axisArg} is out of range for rank-${rank + 1} tensors (batch included).` } };
  const a = axis - 1;
  let sum: number | null = 0;
  for (let i = 0; i < ctx.inputs.length; i++) {
    const s = ctx.inputs[i];
    const bad = s.length !== rank || s.some((d, j) => j !== a && d !== null && ctx.inputs[0][j] !== null && d !== ctx.inputs[0][j]);
    if (bad) {
      return {
        problem: {
          code: 'shape-mismatch',
          message: `Cannot concatenate ${formatShape(ctx.inputs[0])} and ${formatShape(s)} on axis ${axisArg}: all other axes must agree.`,
        },
      };
    }
    sum = sum === null || s[a] === null ? null : sum + (s[a] as number);
  }
  const shape = [...ctx.inputs[0]];
  shape[a] = sum;
  return { shape };
}

const tensorsArg = {
  name: 'inputs',
  type: { type: 'tensors' },
  rest: true,
  doc: 'Tensors to merge. With one name, the current tensor is merged with it.',
} as const;

function elementwise(kind: string, summary: string, aliases?: string[]): LayerDef {
  return { kind, aliases, category: 'merge', summary, args: [tensorsArg], arity: 'many', infer: (ctx) => inferElementwise(ctx, kind) };
}

/** Subtraction is defined for exactly two tensors: the first minus the second. */
function inferSubtract(ctx: InferContext): Result {
  if (ctx.inputs.length !== 2)
    return { problem: { code: 'invalid-argument', arg: 'inputs', message: `subtract() takes exactly 2 tensors, got ${ctx.inputs.length}.` } };
  return inferElementwise(ctx, 'subtract');
}

export const mergeLayers: LayerDef[] = [
  elementwise('add', 'Element-wise sum (residual connections).'),
  { ...elementwise('subtract', 'Element-wise difference of exactly two tensors: first − second.'), infer: inferSubtract },
  elementwise('multiply', 'Element-wise product (gating, attention masks).'),
  elementwise('average', 'Element-wise mean.'),
  elementwise('maximum', 'Element-wise maximum.'),
  elementwise('minimum', 'Element-wise minimum.'),
  {
    kind: 'concat',
    aliases: ['concatenate'],
    category: 'merge',
    summary: 'Concatenates along an axis (channels by default).',
    args: [tensorsArg, { name: 'axis', type: { type: 'int' }, default: -1, doc: 'Axis to join along; batch counts as 0.', namedOnly: true }],
    arity: 'many',
    infer: inferConcat,
  },
];
