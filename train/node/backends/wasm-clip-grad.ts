// ClipByValue's gradient (every ReLU6 layer in training) as one SIMD kernel on wasm instead of four broadcasting ones.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { alloc, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/** A kernel of Stride's own: dx = dy where clipValueMin ≤ x ≤ clipValueMax, else 0. */
export const CLIP_GRAD = 'StrideClipByValueGrad';

function clipGrad(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const { x, dy } = inputs;
  const out = alloc(backend, dy.shape);
  const n = tf.util.sizeFromShape(dy.shape);
  simdKernels(backend).clipGrad(ptr(backend, x), ptr(backend, dy), ptr(backend, out), n, attrs.clipValueMin as number, attrs.clipValueMax as number);
  return out;
}

export const clipGradConfig: KernelConfig = { kernelName: CLIP_GRAD, backendName: 'wasm', kernelFunc: clipGrad as unknown as KernelFunc };

/**
 * Replaces tfjs-core's ClipByValue gradient (the same formula: where(lo ≤ x ≤ hi, dy, 0)). On wasm with float32
 * values it runs the kernel above; on any other backend, or another dtype, the stock formula.
 */
export const clipByValueGradConfig: GradConfig = {
  kernelName: 'ClipByValue',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    const { clipValueMin, clipValueMax } = attrs as unknown as { clipValueMin: number; clipValueMax: number };
    if (tf.getBackend() === 'wasm' && x.dtype === 'float32' && g.dtype === 'float32' && tf.util.arraysEqual(x.shape, g.shape)) {
      return { x: () => tf.engine().runKernel(CLIP_GRAD, { x, dy: g }, { clipValueMin, clipValueMax }) as tf.Tensor };
    }
    return { x: () => tf.where(tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)), g, tf.zerosLike(g)) };
  },
};
