// Layers that select or reorder parts of a tensor without weights: split (several outputs), slice and channel shuffle.

import type { ArgValue, InferContext, Inferred, LayerDef, Problem, ResolvedArgs } from '../registry';
import { asNum } from '../shape-math';
import type { Shape } from '../values';

type Result = Inferred | { problem: Problem };

/** A slice along one axis: `axis` indexes the non-batch shape; `stop` is exclusive. */
export interface SliceRange {
  readonly axis: number;
  readonly start: number;
  readonly stop: number;
}

/**
 * The parts a `split` argument asks for: `[n]` is n equal parts, a longer list gives each part's size.
 * Lowering needs only the count; the sizes of equal parts wait for the input shape.
 */
export function splitPartCount(parts: ArgValue): number {
  const list = Array.isArray(parts) ? (parts as readonly number[]) : [];
  return list.length === 1 ? list[0] : list.length;
}

/** Resolves a (possibly negative, batch-counted) axis against a non-batch shape of `rank` axes; null when out of range. */
export function resolveAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? rank + 1 + axis : axis;
  return a >= 1 && a <= rank ? a - 1 : null;
}

/**
 * The range a slice node takes from its input. A node lowered from `split` carries `parts` and `part`
 * (its index) instead of `start`/`stop`: equal parts are only known once the axis length is.
 */
export function sliceRange(args: ResolvedArgs, input: Shape): SliceRange | Problem {
  const axisArg = asNum(args.axis);
  const axis = resolveAxis(axisArg, input.length);
  if (axis === null)
    return { code: 'out-of-range', arg: 'axis', message: `axis ${axisArg} is out of range for a rank-${input.length + 1} tensor (batch included).` };
  const length = input[axis];
  if (args.part !== undefined && args.part !== null) return splitRange(args, axis, length);
  return explicitRange(args, axis, length);
}

function splitRange(args: ResolvedArgs, axis: number, length: number | null): SliceRange | Problem {
  const parts = args.parts as readonly number[];
  const part = asNum(args.part);
  if (parts.length === 1) {
    const n = parts[0];
    if (length === null) return { axis, start: NaN, stop: NaN };
    if (length % n !== 0)
      return { code: 'invalid-argument', arg: 'parts', message: `split(${n}) needs an axis length divisible by ${n}, but the axis has ${length}.` };
    const size = length / n;
    return { axis, start: part * size, stop: (part + 1) * size };
  }
  const total = parts.reduce((a, b) => a + b, 0);
  if (length !== null && total !== length)
    return {
      code: 'invalid-argument',
      arg: 'parts',
      message: `split((${parts.join(', ')})) needs sizes that sum to the axis length ${length}, but they sum to ${total}.`,
    };
  const start = parts.slice(0, part).reduce((a, b) => a + b, 0);
  return { axis, start, stop: start + parts[part] };
}

function explicitRange(args: ResolvedArgs, axis: number, length: number | null): SliceRange | Problem {
  const rawStart = asNum(args.start);
  const rawStop = args.stop === null || args.stop === undefined ? null : asNum(args.stop);
  if (length === null) {
    // Without the axis length only non-negative bounds are known.
    const known = rawStart >= 0 && rawStop !== null && rawStop >= 0;
    return known ? { axis, start: rawStart, stop: rawStop } : { axis, start: NaN, stop: NaN };
  }
  const start = rawStart < 0 ? length + rawStart : rawStart;
  const stop = rawStop === null ? length : rawStop < 0 ? length + rawStop : rawStop;
  if (start < 0 || start >= length)
    return { code: 'out-of-range', arg: 'start', message: `slice() start ${rawStart} is outside the axis of length ${length}.` };
  if (stop <= start || stop > length)
    return {
      code: 'out-of-range',
      arg: 'stop',
      message: `slice() stop ${rawStop} must lie after start ${rawStart} and at most at the axis length ${length}.`,
    };
  return { axis, start, stop };
}

function inferSlice(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const range = sliceRange(ctx.args, input);
  if ('code' in range) return { problem: range };
  const size = Number.isNaN(range.start) ? null : range.stop - range.start;
  return { shape: input.map((d, i) => (i === range.axis ? size : d)), macs: 0 };
}

/** A `split` still in the graph was not destructured: its outputs have no names to go to. */
function inferSplit(ctx: InferContext): Result {
  const n = splitPartCount(ctx.args.parts);
  const names = Array.from({ length: Math.max(n, 2) }, (_, i) => String.fromCharCode(97 + (i % 26))).join(', ');
  return {
    problem: {
      code: 'invalid-argument',
      message: `split() produces ${n} tensors; name each of them, e.g. \`${names} = split(…)\`.`,
    },
  };
}

function inferShuffle(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const groups = asNum(ctx.args.groups);
  const channels = input[input.length - 1];
  if (channels !== null && channels % groups !== 0)
    return {
      problem: {
        code: 'invalid-argument',
        arg: 'groups',
        message: `channel_shuffle(${groups}) needs a channel count divisible by ${groups}, but the input has ${channels} channels.`,
      },
    };
  return { shape: input, macs: 0 };
}

const axisArg = {
  name: 'axis',
  type: { type: 'int' as const },
  default: -1,
  doc: 'Axis to cut along, counting the batch as 0; -1 (the channels) by default.',
};

export const splitLayers: LayerDef[] = [
  {
    kind: 'split',
    category: 'core',
    summary: 'Cuts a tensor into parts along an axis (the channels by default); name the parts: `a, b = split(2)`.',
    args: [
      { name: 'parts', type: { type: 'dims' }, doc: 'Number of equal parts, or a tuple with the size of each part (they must sum to the axis length).' },
      axisArg,
    ],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferSplit,
  },
  {
    kind: 'slice',
    category: 'core',
    summary: 'Takes the positions start … stop − 1 along an axis (the channels by default), e.g. slice(0, 58).',
    args: [
      { name: 'start', type: { type: 'int' }, doc: 'First position taken; negative counts from the end.' },
      { name: 'stop', type: { type: 'int' }, default: null, doc: 'Position after the last one taken (exclusive); the end of the axis when omitted.' },
      axisArg,
    ],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferSlice,
  },
  {
    kind: 'channel_shuffle',
    aliases: ['channelshuffle'],
    category: 'core',
    summary: 'Interleaves the channels of `groups` groups (ShuffleNet): reshape to (groups, C / groups), transpose, reshape back.',
    args: [{ name: 'groups', type: { type: 'int', min: 1 }, doc: 'Number of channel groups; the channels must divide by it.' }],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferShuffle,
  },
];
