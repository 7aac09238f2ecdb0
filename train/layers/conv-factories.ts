// Factories for convolutions of rank 1–3: plain, grouped, depthwise, separable and transposed.

import * as tf from '@tensorflow/tfjs';
import { activationOf, defined, kernelInit, nums, num, regularizerOf, type LayerContext } from './common';
import { deconvLength } from '../../core/model/shape-math';
import { ExplicitPad, sidePairs } from './explicit-pad';
import { GroupedConv } from './grouped-conv';

type Made = tf.layers.Layer | tf.layers.Layer[];
type Padding = 'valid' | 'same' | 'causal';
type Factory = (ctx: LayerContext) => Made;
const list = (m: Made): tf.layers.Layer[] => (Array.isArray(m) ? m : [m]);

/** The context of the same layer with `valid` windows over an input whose spatial axes grew or shrank. */
function validOver(ctx: LayerContext, spatial: readonly (number | null)[], output = ctx.outputShape): LayerContext {
  const input = ctx.inputShapes[0];
  return { ...ctx, args: { ...ctx.args, padding: 'valid' }, inputShapes: [[...spatial, input[input.length - 1]]], outputShape: output };
}

/** PyTorch's numeric padding on a convolution: explicit zeros, then the same convolution with `valid` windows. */
export function padded(make: Factory): Factory {
  return (ctx) => {
    if (!Array.isArray(ctx.args.padding)) return make(ctx);
    const pads = sidePairs(ctx.args.padding as number[]);
    const spatial = ctx.inputShapes[0].slice(0, -1).map((d, i) => (d === null ? null : d + pads[i][0] + pads[i][1]));
    return [new ExplicitPad({ name: `${ctx.name}_pad`, pads, mode: 'pad' }), ...list(make(validOver(ctx, spatial)))];
  };
}

/** PyTorch's numeric padding on a transposed convolution crops its full (`valid`) output on every side. */
export function cropped(make: Factory): Factory {
  return (ctx) => {
    if (!Array.isArray(ctx.args.padding)) return make(ctx);
    const pads = sidePairs(ctx.args.padding as number[]);
    const input = ctx.inputShapes[0];
    const k = nums(ctx.args.kernel);
    const s = nums(ctx.args.stride);
    const full = input.slice(0, -1).map((d, i) => deconvLength(d, k[i], 'valid', s[i]));
    const out = ctx.outputShape;
    const inner = make(validOver(ctx, input.slice(0, -1), [...full, out[out.length - 1]]));
    const sizes = out.slice(0, -1).map((d) => d ?? -1);
    return [...list(inner), new ExplicitPad({ name: `${ctx.name}_crop`, pads, mode: 'crop', sizes })];
  };
}
const padding = (ctx: LayerContext) => ctx.args.padding as Padding;
const bias = (ctx: LayerContext) => ctx.args.bias !== false;
const dilation = (ctx: LayerContext) => (ctx.args.dilation === undefined ? undefined : nums(ctx.args.dilation));

function convArgs(ctx: LayerContext) {
  return {
    name: ctx.name,
    kernelSize: nums(ctx.args.kernel),
    strides: nums(ctx.args.stride),
    padding: padding(ctx),
    dilationRate: dilation(ctx),
    useBias: bias(ctx),
    activation: activationOf(ctx.args.activation),
  };
}

/** Appends a separate activation layer after a layer that does not apply one itself. */
export function withActivation(layer: tf.layers.Layer, ctx: LayerContext): Made {
  const fn = activationOf(ctx.args.activation);
  return fn === 'linear' ? layer : [layer, tf.layers.activation({ name: `${ctx.name}_activation`, activation: fn })];
}

const TF_CONV = { 1: tf.layers.conv1d, 2: tf.layers.conv2d, 3: tf.layers.conv3d } as const;

export function conv(rank: 1 | 2 | 3): Factory {
  return padded((ctx: LayerContext): Made => {
    const groups = num(ctx.args.groups ?? 1);
    const base = convArgs(ctx);
    // tfjs's causal conv1d mis-reports its output length with dilation, and dilated ops have no gradients:
    // both run as Stride's own convolution (explicit left padding, a dilated kernel).
    if (groups === 1 && base.padding !== 'causal' && !dilated(ctx)) {
      // tfjs's conv1d takes plain numbers for its single axis.
      const shaped = rank === 1 ? { ...base, kernelSize: base.kernelSize[0], strides: base.strides[0], dilationRate: base.dilationRate?.[0] } : base;
      return TF_CONV[rank](
        defined({ ...shaped, filters: num(ctx.args.filters), kernelInitializer: kernelInit(ctx), kernelRegularizer: regularizerOf(ctx.args) }) as never,
      );
    }
    const layer = new GroupedConv({
      ...base,
      rank,
      filters: num(ctx.args.filters),
      dilationRate: base.dilationRate ?? base.kernelSize.map(() => 1),
      groups,
      seed: ctx.nextSeed(),
      l1: num(ctx.args.l1 ?? 0),
      l2: num(ctx.args.l2 ?? 0),
    });
    return withActivation(layer, ctx);
  });
}

/**
 * A 1-D layer run as its 2-D counterpart over (length, 1): tfjs has no 1-D depthwise, separable or
 * transposed convolution. Causal padding becomes explicit left zeros and a valid window.
 */
function lifted(ctx: LayerContext, make: (args: ReturnType<typeof convArgs>) => tf.layers.Layer): tf.layers.Layer[] {
  const base = convArgs(ctx);
  const [length, channels] = ctx.inputShapes[0];
  const k = base.kernelSize[0];
  const d = base.dilationRate?.[0] ?? 1;
  const causal = base.padding === 'causal';
  const layers: tf.layers.Layer[] = [tf.layers.reshape({ name: `${ctx.name}_as2d`, targetShape: [length ?? -1, 1, channels as number] })];
  if (causal)
    layers.push(
      tf.layers.zeroPadding2d({
        name: `${ctx.name}_causal`,
        padding: [
          [(k - 1) * d, 0],
          [0, 0],
        ],
      }),
    );
  layers.push(
    make({
      ...base,
      padding: causal ? 'valid' : base.padding,
      kernelSize: [k, 1],
      strides: [base.strides[0], 1],
      dilationRate: base.dilationRate ? [d, 1] : undefined,
    }),
  );
  const [outLength, outChannels] = ctx.outputShape;
  layers.push(tf.layers.reshape({ name: `${ctx.name}_as1d`, targetShape: [outLength ?? -1, outChannels as number] }));
  return layers;
}

function depthwiseArgs(ctx: LayerContext, base: ReturnType<typeof convArgs>) {
  return defined({
    ...base,
    dilationRate: base.dilationRate as [number, number] | undefined,
    kernelSize: base.kernelSize as [number, number],
    padding: base.padding as 'valid' | 'same',
    depthMultiplier: num(ctx.args.depth_multiplier ?? 1),
    depthwiseInitializer: kernelInit(ctx),
    depthwiseRegularizer: regularizerOf(ctx.args),
  });
}

/** True when any dilation exceeds 1: such layers need a dilated kernel to be trainable in tfjs. */
const dilated = (ctx: LayerContext) => (dilation(ctx) ?? []).some((d) => d > 1);

/** A depthwise convolution as a grouped one (one group per channel), for dilated kernels. */
function groupedDepthwise(ctx: LayerContext, rank: 1 | 2, useBias: boolean): GroupedConv {
  const base = convArgs(ctx);
  const cin = ctx.inputShapes[0][rank] as number;
  return new GroupedConv({
    ...base,
    name: useBias ? ctx.name : `${ctx.name}_depthwise`,
    rank,
    padding: base.padding,
    filters: cin * num(ctx.args.depth_multiplier ?? 1),
    dilationRate: base.dilationRate!,
    groups: cin,
    useBias,
    seed: ctx.nextSeed(),
    l1: num(ctx.args.l1 ?? 0),
    l2: num(ctx.args.l2 ?? 0),
  });
}

export function depthwise(rank: 1 | 2): Factory {
  return padded((ctx: LayerContext): Made => {
    if (dilated(ctx)) return withActivation(groupedDepthwise(ctx, rank, bias(ctx)), ctx);
    const make = (base: ReturnType<typeof convArgs>) => tf.layers.depthwiseConv2d(depthwiseArgs(ctx, base));
    return rank === 2 ? make(convArgs(ctx)) : lifted(ctx, make);
  });
}

export function separable(rank: 1 | 2): Factory {
  return padded((ctx: LayerContext): Made => {
    if (dilated(ctx)) {
      const pointwise = TF_CONV[rank](
        defined({
          name: ctx.name,
          filters: num(ctx.args.filters),
          kernelSize: 1,
          useBias: bias(ctx),
          activation: activationOf(ctx.args.activation),
          kernelInitializer: kernelInit(ctx),
          kernelRegularizer: regularizerOf(ctx.args),
        }) as never,
      );
      return [groupedDepthwise(ctx, rank, false), pointwise];
    }
    const reg = regularizerOf(ctx.args);
    const make = (base: ReturnType<typeof convArgs>) =>
      tf.layers.separableConv2d(
        defined({
          ...depthwiseArgs(ctx, base),
          filters: num(ctx.args.filters),
          pointwiseInitializer: kernelInit(ctx),
          depthwiseRegularizer: reg,
          pointwiseRegularizer: reg,
        }),
      );
    return rank === 2 ? make(convArgs(ctx)) : lifted(ctx, make);
  });
}

export function transpose(rank: 1 | 2 | 3): Factory {
  return cropped((ctx: LayerContext): Made => {
    const make = (base: ReturnType<typeof convArgs>) => {
      const args = defined({
        ...base,
        dilationRate: undefined,
        filters: num(ctx.args.filters),
        kernelInitializer: kernelInit(ctx),
        kernelRegularizer: regularizerOf(ctx.args),
      });
      return rank === 3 ? tf.layers.conv3dTranspose(args as never) : tf.layers.conv2dTranspose(args as never);
    };
    return rank === 1 ? lifted(ctx, make) : make(convArgs(ctx));
  });
}
