// ReLU's gradient (separate ReLU layers, e.g. after batch norm) as one SIMD kernel on wasm instead of Step and Multiply.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { alloc, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/** A kernel of Stride's own: dx = dy · step(x), with step's NaN (train/simd/elementwise.ts). */
export const RELU_GRAD = 'StrideReluGrad';

function reluGrad(args: KernelArgs): Info {
  const { backend, inputs } = args;
  const { x, dy } = inputs;
  const out = alloc(backend, dy.shape);
  simdKernels(backend).reluGrad(ptr(backend, x), ptr(backend, dy), ptr(backend, out), tf.util.sizeFromShape(dy.shape));
  return out;
}

export const reluGradKernelConfig: KernelConfig = { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as unknown as KernelFunc };

/**
 * Replaces tfjs-core's Relu gradient (the same formula: dy · step(x)). On wasm with float32 values it runs the
 * kernel above; on any other backend, or another dtype, the stock formula.
 */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    if (tf.getBackend() === 'wasm' && x.dtype === 'float32' && g.dtype === 'float32' && tf.util.arraysEqual(x.shape, g.shape)) {
      return { x: () => tf.engine().runKernel(RELU_GRAD, { x, dy: g }) as tf.Tensor };
    }
    return { x: () => tf.mul(g, tf.cast(tf.step(x), 'float32')) };
  },
};
