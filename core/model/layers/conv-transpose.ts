// Transposed convolutions of rank 1–3 (learned upsampling), with Keras/tfjs output-length rules.

import { formatInt } from '../values';
import type { ArgSpec, InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum, axisPadding, checkPositive, deconvLength } from '../shape-math';
import { activationArg, biasArg, channelsOf, dilationArg, kernelArg, paddingArg, regularizerArgs, strideArg } from './common';
import { filtersArg } from './conv';
import { area, kernelText, prod, windowOf } from './window';

function inferTranspose(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const w = windowOf(ctx);
  // tfjs silently ignores dilation in transposed convolutions, so a model using it would not train as written.
  if (w.dilation.some((d) => d !== 1)) {
    return {
      problem: { code: 'invalid-argument', arg: 'dilation', message: `Transposed convolutions support only dilation 1, got (${w.dilation.join(', ')}).` },
    };
  }
  const cin = channelsOf(input);
  const filters = asNum(ctx.args.filters);
  const spatial = input.slice(0, -1);
  const out = spatial.map((d, i) => deconvLength(d, w.kernel[i], axisPadding(w.padding, i), w.stride[i]));
  // Numeric padding crops the output as PyTorch's does; cropping it all away is an error.
  const problem = checkPositive(out, spatial, w.kernel);
  if (problem)
    return {
      problem: {
        ...problem,
        arg: 'padding',
        message: `Output dimension ${out.findIndex((d) => d !== null && d <= 0) + 1} would be ${out.find((d) => d !== null && d <= 0)}: the padding crops away the whole output.`,
      },
    };
  const kArea = prod(w.kernel);
  const bias = ctx.args.bias === true;
  const total = (kArea * (cin ?? 0) + (bias ? 1 : 0)) * filters;
  const formula = bias
    ? `(${kernelText(w.kernel)}·${cin} + 1)·${filters} = ${formatInt(total)}`
    : `${kernelText(w.kernel)}·${cin}·${filters} = ${formatInt(total)}`;
  return {
    shape: [...out, filters],
    params: { trainable: total, nonTrainable: 0, formula },
    // Every input position scatters a kernel-sized patch of `filters` channels.
    macs: area(spatial) * kArea * (cin ?? 0) * filters,
    rf: { kind: 'upsample', factor: w.stride },
  };
}

const KERNEL = ['', 'k', 'k_h·k_w', 'k_d·k_h·k_w'];

/** PyTorch's `padding` on a transposed convolution removes rows and columns from the output instead of adding zeros. */
const transposePaddingArg: ArgSpec = {
  ...paddingArg,
  doc: '`valid` or `same` as Keras; a number `P` crops P from both sides of every output axis (PyTorch `padding=P`); a tuple: one per axis, or one per side.',
};

function transposeDef(rank: number, aliases: string[]): LayerDef {
  return {
    kind: `conv${rank}d_transpose`,
    aliases,
    category: 'convolution',
    summary: `Transposed ${rank}-D convolution (learned upsampling): output = input·stride (same), input·stride + max(k − stride, 0) (valid), or (input − 1)·stride + k − 2·padding (numeric, as PyTorch).`,
    paramsDoc: `(${KERNEL[rank]}·C_in + 1)·filters; no \`+ 1\` without bias.`,
    args: [filtersArg, kernelArg, strideArg, transposePaddingArg, dilationArg, biasArg, activationArg, ...regularizerArgs],
    arity: 1,
    inputRank: rank + 1,
    spatialRank: rank,
    infer: inferTranspose,
  };
}

export const convTransposeLayers: LayerDef[] = [
  transposeDef(1, ['conv1dtranspose', 'deconv1d']),
  transposeDef(2, ['conv2dtranspose', 'deconv2d']),
  transposeDef(3, ['conv3dtranspose', 'deconv3d']),
];
