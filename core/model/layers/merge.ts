// Merge layers: combine two or more tensors (residual additions, concatenations).

import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum } from '../shape-math';
import { formatShape, type Shape } from '../values';

type Result = Inferred | { problem: Problem };

/** Element-wise merges need equal shapes (no broadcasting beyond unknown dims). */
function inferElementwise(ctx: InferContext): Result {
  const [first, ...rest] = ctx.inputs;
  for (let i = 0; i < rest.length; i++) {
    const other = rest[i];
    if (!shapesAgree(first, other)) {
      return { problem: mismatch(first, other, i + 1) };
    }
  }
  return { shape: first.map((d, j) => d ?? ctx.inputs.map((s) => s[j]).find((x) => x !== null) ?? null) };
}

function shapesAgree(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

function mismatch(main: Shape, other: Shape, index: number): Problem {
  const fixes = [];
  // A residual whose shortcut has a different size or channel count is fixed by a 1×1 projection.
  if (main.length === 3 && other.length === 3 && main[0] && other[0] && main[2] !== null) {
    const stride = other[0] / main[0];
    if (Number.isInteger(stride) && stride >= 1 && other[1] !== null && main[1] !== null && other[1] / main[1] === stride) {
      fixes.push({
        kind: 'project-input' as const,
        title: `Add a 1×1 projection (conv2d(${main[2]}, 1, stride: ${stride})) to the shortcut`,
        input: index,
        filters: main[2],
        stride,
      });
    }
  }
  return {
    code: 'shape-mismatch',
    message: `Cannot merge tensors of shapes ${formatShape(main)} and ${formatShape(other)}: element-wise merges need equal shapes.`,
    fixes,
  };
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
  return { kind, aliases, category: 'merge', summary, args: [tensorsArg], arity: 'many', infer: inferElementwise };
}

/** Subtraction is defined for exactly two tensors: the first minus the second. */
function inferSubtract(ctx: InferContext): Result {
  if (ctx.inputs.length !== 2)
    return { problem: { code: 'invalid-argument', arg: 'inputs', message: `subtract() takes exactly 2 tensors, got ${ctx.inputs.length}.` } };
  return inferElementwise(ctx);
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
