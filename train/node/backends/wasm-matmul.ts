// BatchMatMul and _FusedMatMul for wasm: transposed operands stay on the fast path, batched fusion is correct.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, runStock, transposeLast2, type Info, type KernelArgs } from './wasm-heap';

/**
 * The stock wasm kernels hand transposed operands to a naive loop that runs 10–25× slower
 * than XNNPACK's non-transposed GEMM, and every dense-layer gradient asks for a transpose.
 * Materialising the transpose (one cache-tiled pass) and calling the fast path wins by far.
 */
function untransposed(backend: BackendWasm, inputs: Record<string, Info>, attrs: Record<string, unknown>) {
  const a = attrs.transposeA ? transposeLast2(backend, inputs.a) : inputs.a;
  const b = attrs.transposeB ? transposeLast2(backend, inputs.b) : inputs.b;
  const temps = [a, b].filter((t, i) => t !== [inputs.a, inputs.b][i]);
  return { a, b, temps, attrs: { ...attrs, transposeA: false, transposeB: false } };
}

function batchMatMul(args: KernelArgs): Info {
  const { backend } = args;
  const { a, b, temps, attrs } = untransposed(backend, args.inputs, args.attrs);
  try {
    return runStock('BatchMatMul', backend, { a, b }, attrs);
  } finally {
    free(backend, ...temps);
  }
}

/** Activation kernels the fused product may end with, by the fused op's activation name. */
const ACTIVATION_KERNEL: Record<string, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};
export const FUSED_MATMUL_DELEGATES = ['BatchMatMul', '_FusedMatMul', 'Add', ...Object.values(ACTIVATION_KERNEL)];

/**
 * The stock fused kernel applies bias and activation wrongly when the batch has more than one
 * matrix (it disagrees with cpu by the size of the bias). Such products run unfused: GEMM, then
 * bias and activation through their own stock kernels.
 */
function unfused(backend: BackendWasm, inputs: Record<string, Info>, attrs: Record<string, unknown>): Info {
  const steps: Info[] = [runStock('BatchMatMul', backend, { a: inputs.a, b: inputs.b }, attrs)];
  if (inputs.bias) steps.push(runStock('Add', backend, { a: steps[steps.length - 1], b: inputs.bias }, {}));
  const activation = String(attrs.activation ?? 'linear');
  const kernel = ACTIVATION_KERNEL[activation];
  if (kernel) {
    const x = steps[steps.length - 1];
    const extra: Record<string, Info> = activation === 'prelu' ? { alpha: inputs.preluActivationWeights } : {};
    steps.push(runStock(kernel, backend, { x, ...extra }, { alpha: attrs.leakyreluAlpha }));
  } else if (activation !== 'linear') {
    throw new Error(`_FusedMatMul on wasm: unsupported activation ${activation}`);
  }
  free(backend, ...steps.slice(0, -1));
  return steps[steps.length - 1];
}

function fusedMatMul(args: KernelArgs): Info {
  const { backend, inputs } = args;
  const { a, b, temps, attrs } = untransposed(backend, inputs, args.attrs);
  const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
  try {
    const operands = { ...inputs, a, b };
    return batch > 1 ? unfused(backend, operands, attrs) : runStock('_FusedMatMul', backend, operands, attrs);
  } finally {
    free(backend, ...temps);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
