// Registers Stride's training kernels on the tfjs wasm backend, replacing missing, slow or wrong ones.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { fusedAdamConfig } from './wasm-adam';
import { batchNormTrainConfig, batchNormTrainGradConfig, batchNormTrainGradient, movingAveragesConfig } from './wasm-batchnorm';
import { clipByValueGradConfig, clipGradConfig } from './wasm-clip-grad';
import { conv2dConfig, fusedConv2dConfig } from './wasm-conv';
import { conv2dBackpropFilterConfig } from './wasm-conv-filter-grad';
import { conv2dBackpropInputConfig } from './wasm-conv-grad';
import { depthwiseConv2dConfig, fusedDepthwiseConv2dConfig } from './wasm-depthwise';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './wasm-depthwise-grad';
import { batchMatMulConfig, FUSED_MATMUL_DELEGATES, fusedMatMulConfig } from './wasm-matmul';
import { captureStock } from './wasm-heap';
import { castConfig, channelBroadcastConfigs } from './wasm-elementwise';
import { identityConfig } from './wasm-identity';
import { maxPoolGradConfig } from './wasm-pool-grad';
import { reluGradConfig, reluGradKernelConfig } from './wasm-relu-grad';
import { meanGradConfig } from './wasm-mean-grad';
import { meanConfig, sumConfig } from './wasm-reduce';
import { tileConfig } from './wasm-tile';

/** Why each kernel is replaced; the CLI and docs list these. */
export const WASM_TRAINING_KERNELS: ReadonlyArray<{ config: KernelConfig; reason: string }> = [
  { config: conv2dConfig, reason: 'a direct SIMD kernel beat the stock (XNNPACK) convolution on training-size layers' },
  { config: fusedConv2dConfig, reason: 'the same direct kernel for conv + bias (+ ReLU/ReLU6), what conv layers run in inference and before batch norm' },
  { config: conv2dBackpropFilterConfig, reason: 'missing in tfjs-backend-wasm 4.22' },
  { config: conv2dBackpropInputConfig, reason: 'stock kernel is a naive loop' },
  { config: depthwiseConv2dConfig, reason: 'stride 1: the stock (XNNPACK) depthwise convolution was 1.1–1.8× slower' },
  { config: fusedDepthwiseConv2dConfig, reason: 'the same kernel with bias and ReLU/ReLU6, what folded depthwise layers run for prediction' },
  { config: depthwiseBackpropFilterConfig, reason: 'missing' },
  { config: depthwiseBackpropInputConfig, reason: 'missing' },
  { config: maxPoolGradConfig, reason: 'stock kernel drops gradients of windows whose values are all ≤ 0' },
  { config: tileConfig, reason: 'stock kernel was the slowest op of batch-norm gradients (~50 ms a call in ResNet-8)' },
  { config: sumConfig, reason: 'per-channel sums (bias, batch-norm gradients) transposed the whole input first' },
  { config: meanConfig, reason: 'per-channel means transposed the whole input first' },
  { config: identityConfig, reason: 'stock kernel copied the buffer on every clone' },
  { config: batchMatMulConfig, reason: 'transposed operands left the fast GEMM path' },
  { config: fusedMatMulConfig, reason: 'transposed operands left the fast path; batched bias/activation were wrong' },
  ...channelBroadcastConfigs.map((config) => ({ config, reason: 'a per-channel operand (bias, batch norm) took the slow general broadcasting loop' })),
  { config: castConfig, reason: 'a cast to the same type copied the buffer element by element (every ReLU gradient)' },
  {
    config: clipGradConfig,
    reason: 'new: the ReLU6 gradient in one kernel instead of GreaterEqual, LessEqual, LogicalAnd and Select (a third of a MobileNet step)',
  },
  { config: reluGradKernelConfig, reason: 'new: the ReLU gradient in one kernel instead of Step and Multiply' },
  {
    config: batchNormTrainConfig,
    reason: 'new: batch norm in training (batch mean and variance, normalize, scale, shift) in one kernel instead of ~12',
  },
  { config: batchNormTrainGradConfig, reason: 'new: its gradient (dx, dγ, dβ) in one kernel instead of ~30 element-wise ones' },
  { config: movingAveragesConfig, reason: 'new: both moving statistics of a batch norm in one kernel instead of six and two scalar uploads' },
  { config: fusedAdamConfig, reason: 'new: one Adam update per weight instead of ~13 elementwise kernels (train/optimizers.ts)' },
];

/** Stock kernels the replacements delegate to; captured before anything is unregistered. */
const DELEGATES = [
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
  'Tile',
  'Sum',
  'Mean',
  'Identity',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Cast',
  ...FUSED_MATMUL_DELEGATES,
];

let registered = false;

/**
 * Installs the kernels. The wasm backend must already be initialised (`await tf.setBackend('wasm')`):
 * stock kernels receive their native bindings in their setup step at initialisation, and the
 * replacements call some of them. Idempotent.
 */
export function registerWasmTrainingKernels(): string[] {
  if (registered) return WASM_TRAINING_KERNELS.map((k) => k.config.kernelName);
  if (!tf.engine().registry.wasm) {
    throw new Error('registerWasmTrainingKernels: initialise the wasm backend first (await tf.setBackend("wasm"))');
  }
  DELEGATES.forEach(captureStock);
  for (const { config } of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  // Gradients that call the new kernels (ClipByValue's and Relu's fall back to tfjs's own formula off wasm) or skip needless
  // work (Mean's).
  tf.registerGradient(clipByValueGradConfig);
  tf.registerGradient(batchNormTrainGradient);
  tf.registerGradient(meanGradConfig);
  tf.registerGradient(reluGradConfig);
  registered = true;
  return WASM_TRAINING_KERNELS.map((k) => k.config.kernelName);
}
