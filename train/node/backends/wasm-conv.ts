// Conv2D for wasm by Stride's direct SIMD kernel (train/simd/kernels.ts), also used by Conv2DBackpropInput.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { alloc, free, runStock, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels, type ConvEpilogue, type ConvGeometry } from './wasm-simd';
import { winogradConv2d, winogradPays } from './wasm-winograd';

type ConvInfo = tf.backend_util.Conv2DInfo;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/**
 * The zero-padded grid a direct kernel reads: every tap of every output position must fall inside it.
 * Without padding it is the input itself.
 */
export function paddedGrid(c: ConvInfo): { Hp: number; Wp: number; padded: boolean } {
  const Hp = Math.max(c.inHeight + c.padInfo.top, (c.outHeight - 1) * c.strideHeight + c.effectiveFilterHeight);
  const Wp = Math.max(c.inWidth + c.padInfo.left, (c.outWidth - 1) * c.strideWidth + c.effectiveFilterWidth);
  return { Hp, Wp, padded: Hp !== c.inHeight || Wp !== c.inWidth };
}

/** Whether the direct kernels apply: channels last, output channels in whole SIMD vectors. */
export function directApplies(c: ConvInfo): boolean {
  return c.dataFormat === 'channelsLast' && c.outChannels % 4 === 0;
}

/**
 * The direct kernels come in two loop orders. `conv2d` (positions outer) streams the whole filter once per tile of 4
 * output positions of a row: fastest while the filter stays in cache and rows split into whole tiles (the training
 * benchmark's layers, 1.0–1.15× the other order there). Past about 1 MB of filter (256K weights, e.g. ResNet-18's
 * 3×3 layers of 256 and 512 channels at batch 1) it falls out of cache and ran 2–6× slower than XNNPACK;
 * `conv2dPacked` (weight-stationary) reads the filter once per image and tiles positions across rows, so it also
 * leaves no single-position tails in rows of 7, 13 or 14 (1.1–2× the other order there).
 * Measured per layer at batch 1 and 32: `npm run bench:kernels`.
 */
export const STREAMED_MAX_FILTER = 256 * 1024;

/** Which direct kernel a convolution takes: see STREAMED_MAX_FILTER. */
export function convLoopOrder(c: ConvInfo): 'streamed' | 'weight-stationary' {
  const weights = c.filterHeight * c.filterWidth * c.inChannels * c.outChannels;
  return weights > STREAMED_MAX_FILTER || c.outWidth % 4 !== 0 ? 'weight-stationary' : 'streamed';
}

type LoopOrder = ReturnType<typeof convLoopOrder>;

/**
 * y = act(conv(x, filter) + bias) per `c` (which must satisfy `directApplies`) by the SIMD kernel of `order` (by
 * default the one `convLoopOrder` picks), on a one-image padded scratch grid; the weight-stationary kernel also takes
 * a K×8 slice of the filter as scratch. The bias and the activation (`code`, as `biasActivation`'s: 0 none, 1 ReLU,
 * 2 ReLU6) are applied to each register tile as it is stored, not in a pass of their own over y.
 */
export function directConv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvInfo, order: LoopOrder = convLoopOrder(c), bias?: Info, code = 0): Info {
  const { Hp, Wp, padded } = paddedGrid(c);
  const scratch = alloc(backend, [padded ? Hp * Wp * c.inChannels : 1]);
  const out = alloc(backend, c.outShape);
  const [xp, wp, yp, sp] = [ptr(backend, x), ptr(backend, filter), ptr(backend, out), ptr(backend, scratch)];
  const geometry: ConvGeometry = [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels, c.filterHeight, c.filterWidth,
    c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top, c.padInfo.left, Hp, Wp,
  ]; // prettier-ignore
  const kernels = simdKernels(backend);
  const finish: ConvEpilogue = [bias ? ptr(backend, bias) : 0, !!bias, code];
  if (order === 'streamed') kernels.conv2d(xp, wp, yp, sp, ...geometry, ...finish);
  else {
    const pack = alloc(backend, [c.filterHeight * c.filterWidth * c.inChannels * 8]);
    kernels.conv2dPacked(xp, wp, yp, sp, ptr(backend, pack), ...geometry, ...finish);
    free(backend, pack);
  }
  free(backend, scratch);
  return out;
}

/** Activation codes of the SIMD module's `biasActivation`, by the fused ops' activation names. */
const EPILOGUE_ACTIVATIONS: Readonly<Record<string, number | undefined>> = { linear: 0, relu: 1, relu6: 2 };

/**
 * The `biasActivation` code for a fused op (FusedConv2D, FusedDepthwiseConv2D) whose bias and activation the SIMD
 * epilogue applies — no bias or a float32 one per output channel, linear, ReLU or ReLU6 — else undefined.
 */
export function epilogueCode(inputs: Record<string, Info | undefined>, attrs: Record<string, unknown>, channels: number): number | undefined {
  const { bias, preluActivationWeights } = inputs;
  const plainBias = !bias || (bias.shape.length === 1 && bias.shape[0] === channels && bias.dtype === 'float32');
  return plainBias && !preluActivationWeights ? EPILOGUE_ACTIVATIONS[(attrs.activation as string | undefined) ?? 'linear'] : undefined;
}

/** Adds `bias` (optional) and applies the activation of `code` to y (channels last) in place, in one pass; returns y. */
export function epilogue(backend: BackendWasm, y: Info, bias: Info | undefined, code: number, channels: number): Info {
  if (!bias && code === 0) return y;
  const rows = tf.util.sizeFromShape(y.shape) / channels;
  simdKernels(backend).biasActivation(ptr(backend, y), bias ? ptr(backend, bias) : 0, rows, channels, !!bias, code);
  return y;
}

/**
 * act(conv(x, filter) + bias) for a convolution `directApplies` accepts, by the fastest of Stride's kernels for it:
 * Winograd (F(4×4, 3×3) or F(2×2, 3×3), as `winogradTile` picks) where `winogradPays`, else the direct kernel, both
 * with the bias and activation applied as outputs are stored.
 */
export function fastConv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvInfo, bias?: Info, code = 0): Info {
  if (winogradPays(backend, filter, c)) return winogradConv2d(backend, x, filter, c, bias, code);
  return directConv2d(backend, x, filter, c, convLoopOrder(c), bias, code);
}

function convInfoOf(x: Info, filter: Info, attrs: Record<string, unknown>): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides as [number, number],
    attrs.dilations as [number, number],
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

/**
 * Measured on the benchmark nets' layers, the direct kernel beat the backend's XNNPACK convolution (e.g. a
 * 32-image 26×26×8 layer). Other layouts and output channel counts keep the stock kernel.
 */
function conv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { x, filter } = inputs;
  const c = convInfoOf(x, filter, attrs);
  if (!directApplies(c) || x.dtype !== 'float32') return runStock('Conv2D', backend, inputs, attrs);
  return fastConv2d(backend, x, filter, c);
}

/**
 * FusedConv2D (a convolution, an optional per-channel bias and an activation) is what tfjs-layers runs for a conv
 * layer without activation even while training (ResNet's conv → batch norm), and for every conv layer in inference.
 * `fastConv2d` with the bias and ReLU or ReLU6 (inference folds batch norm and the activation after it into the
 * conv); other activations keep the stock kernel.
 */
function fusedConv2d(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { x, filter, bias } = inputs;
  const c = convInfoOf(x, filter, attrs);
  const code = epilogueCode(inputs, attrs, c.outChannels);
  if (code === undefined || !directApplies(c) || x.dtype !== 'float32') return runStock('FusedConv2D', backend, inputs, attrs);
  return fastConv2d(backend, x, filter, c, bias, code);
}

export const conv2dConfig: KernelConfig = { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: conv2d as unknown as KernelFunc };
export const fusedConv2dConfig: KernelConfig = { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc: fusedConv2d as unknown as KernelFunc };
