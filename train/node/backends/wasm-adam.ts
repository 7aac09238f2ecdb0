// A fused Adam update for wasm: one kernel per variable instead of ~13 elementwise ones.
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { FUSED_ADAM, type FusedAdamAttrs } from '../../optimizers';
import { alloc, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

/** Inputs value, m, v, gradient (same shape, float32) → [value', m', v'], as the SIMD kernel computes them. */
function fusedAdam(args: KernelArgs): Info[] {
  const { backend, inputs } = args;
  const attrs = args.attrs as unknown as FusedAdamAttrs;
  const { value, m, v, gradient } = inputs;
  const size = value.shape.reduce((a, b) => a * b, 1);
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32' || t.shape.reduce((a, b) => a * b, 1) !== size) {
      throw new Error(`${FUSED_ADAM}: ${name} must be float32 with ${size} values (got ${t.dtype} ${JSON.stringify(t.shape)})`);
    }
  }
  const out = [alloc(backend, value.shape), alloc(backend, value.shape), alloc(backend, value.shape)];
  simdKernels(backend).adam(
    ptr(backend, value),
    ptr(backend, m),
    ptr(backend, v),
    ptr(backend, gradient),
    ptr(backend, out[0]),
    ptr(backend, out[1]),
    ptr(backend, out[2]),
    size,
    // tfjs multiplies by float32 scalars made from these doubles: 1 − β is computed in double first.
    attrs.beta1,
    1 - attrs.beta1,
    attrs.beta2,
    1 - attrs.beta2,
    attrs.oneMinusAccBeta1,
    attrs.oneMinusAccBeta2,
    attrs.epsilon,
    -attrs.learningRate,
  );
  return out;
}

export const fusedAdamConfig: KernelConfig = {
  kernelName: FUSED_ADAM,
  backendName: 'wasm',
  kernelFunc: fusedAdam as unknown as KernelFunc,
};
