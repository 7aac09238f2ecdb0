// PyTorch forward expressions for slices (each part of a split) and channel shuffle, on the exporter's NCHW layout.

import { sliceRange } from '../model/layers/split';
import type { ResolvedArgs } from '../model/registry';
import type { Shape } from '../model/values';
import { registerEmitters } from './pytorch-emit';

/** What these emitters read of a layer: its arguments and input shapes (channels-last, batch excluded). */
interface SplitCtx {
  readonly args: ResolvedArgs;
  readonly inShapes: readonly Shape[];
}

/** The first input's Python name and rank (batch excluded). */
interface SplitIn {
  readonly x: string;
  readonly rank: number;
}

type SplitEmitter = (ctx: SplitCtx, input: SplitIn) => { readonly expr: string } | undefined;

/** A non-batch axis of a channels-last shape as a PyTorch dim: images are NCHW, other ranks keep their order. */
function torchDimOf(axis: number, rank: number): number {
  if (rank !== 3) return axis + 1;
  return axis === 2 ? 1 : axis + 2;
}

/** `x[:, :, a:b]`: the range on the PyTorch dim the axis became. */
function slice(ctx: SplitCtx, { x, rank }: SplitIn): { expr: string } | undefined {
  const range = sliceRange(ctx.args, ctx.inShapes[0]);
  if ('code' in range || Number.isNaN(range.start)) return undefined;
  const dim = torchDimOf(range.axis, rank);
  return { expr: `${x}[${[...Array(dim).fill(':'), `${range.start}:${range.stop}`].join(', ')}]` };
}

/** ShuffleNet's shuffle written out: channels as (groups, C / groups), swapped, read back as C. */
function channelShuffle(ctx: SplitCtx, { x, rank }: SplitIn): { expr: string } | undefined {
  const shape = ctx.inShapes[0] as number[];
  const groups = ctx.args.groups as number;
  const channels = shape[rank - 1];
  if (rank === 3) {
    const [h, w] = shape;
    return { expr: `${x}.reshape(-1, ${groups}, ${channels / groups}, ${h}, ${w}).transpose(1, 2).reshape(-1, ${channels}, ${h}, ${w})` };
  }
  const lead = shape.slice(0, -1);
  const dims = (tail: number[]) => [-1, ...lead, ...tail].join(', ');
  return { expr: `${x}.reshape(${dims([groups, channels / groups])}).transpose(-1, -2).reshape(${dims([channels])})` };
}

export const SPLIT_EMITTERS: Readonly<Record<string, SplitEmitter>> = { slice, channel_shuffle: channelShuffle };

registerEmitters(SPLIT_EMITTERS);
