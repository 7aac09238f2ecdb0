// Element-wise ops with a per-channel operand, and Cast, for wasm: ops the stock kernels made slow (or, casting to bool, wrong).
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, runStock, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/** Whether `bias` broadcasts along the last axis of `x` only: shape [C] or [1, …, 1, C] with C = x's last dimension. */
function isChannelBias(x: Info, bias: Info): boolean {
  const rank = x.shape.length;
  const C = x.shape[rank - 1];
  if (rank < 2 || x.dtype !== 'float32' || bias.dtype !== 'float32' || bias.shape.length > rank) return false;
  if (bias.shape[bias.shape.length - 1] !== C) return false;
  return bias.shape.slice(0, -1).every((d) => d === 1);
}

/** The element-wise kernels with a per-channel fast path, and their operation codes in train/simd/kernels.ts. */
const CHANNEL_OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;
type ChannelOp = keyof typeof CHANNEL_OPS;

/**
 * Bias additions ([N, H, W, C] + [C]) and batch normalisation (x − mean, x · scale, x / std, per channel) broadcast
 * a per-channel operand; the stock kernels' general broadcasting loop took ~2 ns an element, 5× their same-shape
 * speed (a tenth of a ResNet-8 step). Other shapes keep the stock kernels.
 */
function channelBroadcast(kernel: ChannelOp) {
  return (args: KernelArgs): Info => {
    const { backend, inputs } = args;
    const { a, b } = inputs;
    const swap = !isChannelBias(a, b) && isChannelBias(b, a);
    if (!swap && !isChannelBias(a, b)) return runStock(kernel, backend, inputs, {});
    const [x, k] = swap ? [b, a] : [a, b];
    const out = alloc(backend, x.shape);
    const C = x.shape[x.shape.length - 1];
    simdKernels(backend).channelBinary(CHANNEL_OPS[kernel], ptr(backend, x), ptr(backend, k), ptr(backend, out), tf.util.sizeFromShape(x.shape) / C, C, swap);
    return out;
  };
}

/**
 * A cast to bool computes x ≠ 0. A cast to the type a tensor already has shares its buffer (tensors are immutable and buffers reference
 * counted, as in the Identity kernel); the stock kernel copied it element by element, e.g. in every ReLU gradient.
 */
function cast(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const x = inputs.x;
  if (attrs.dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) return toBool(backend, x);
  if (attrs.dtype !== x.dtype || x.dtype === 'string') return runStock('Cast', backend, inputs, attrs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** x ≠ 0 (NaN counts as true, as on the cpu backend). The stock kernel reinterpreted the bytes instead (1.7 → 254). */
function toBool(backend: KernelArgs['backend'], x: Info): Info {
  const out = backend.makeOutput(x.shape, 'bool');
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  for (let i = 0; i < source.length; i++) target[i] = source[i] !== 0 ? 1 : 0;
  return out;
}

export const channelBroadcastConfigs: KernelConfig[] = (Object.keys(CHANNEL_OPS) as ChannelOp[]).map((kernelName) => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: channelBroadcast(kernelName) as unknown as KernelFunc,
}));
export const castConfig: KernelConfig = { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
