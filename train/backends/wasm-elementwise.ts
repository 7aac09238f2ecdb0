// Add with a per-channel bias and Cast for wasm: elementwise ops the stock kernels made slow (or, casting to bool, wrong).
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

/**
 * A conv or dense layer adds its bias [C] to [N, H, W, C]; the stock kernel's general broadcasting loop took
 * ~1.9 ns an element (a third of a small net's forward pass). Other shapes keep the stock kernel.
 */
function add(args: KernelArgs): Info {
  const { backend, inputs } = args;
  const { a, b } = inputs;
  const [x, bias] = isChannelBias(a, b) ? [a, b] : isChannelBias(b, a) ? [b, a] : [undefined, undefined];
  if (!x || !bias) return runStock('Add', backend, inputs, {});
  const out = alloc(backend, x.shape);
  const C = x.shape[x.shape.length - 1];
  simdKernels(backend).biasAdd(ptr(backend, x), ptr(backend, bias), ptr(backend, out), tf.util.sizeFromShape(x.shape) / C, C);
  return out;
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

export const addConfig: KernelConfig = { kernelName: 'Add', backendName: 'wasm', kernelFunc: add as unknown as KernelFunc };
export const castConfig: KernelConfig = { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
