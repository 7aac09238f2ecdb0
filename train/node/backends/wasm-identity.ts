// Identity for wasm that shares the buffer (as the cpu backend does) instead of copying it.
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { runStock, type Info, type KernelArgs } from './wasm-heap';

/**
 * tfjs tensors are immutable and the backend reference-counts buffers (its Reshape relies on
 * that too), so a clone can point at the same bytes. Training calls Identity hundreds of times
 * a step (tape bookkeeping, optimiser clones); the stock kernel copied the data each time.
 */
function identity(args: KernelArgs): Info {
  const { backend, inputs } = args;
  const x = inputs.x;
  if (x.dtype === 'string') return runStock('Identity', backend, inputs, {});
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
