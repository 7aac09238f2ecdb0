// Batch normalization in training mode and its gradient as two SIMD kernels on wasm (train/simd/batchnorm.ts).
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, MOVING_AVERAGES } from '../../layers/fused-batchnorm';
import { alloc, free, heap, type Info, type KernelArgs } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

const channelsOf = (x: Info): number => x.shape[x.shape.length - 1];
const rowsOf = (x: Info): number => tf.util.sizeFromShape(x.shape) / channelsOf(x);

/** x, scale (γ), offset (β) → [y, mean, variance]; mean and variance are [C]. */
function batchNormTrain(args: KernelArgs): Info[] {
  const { backend, inputs, attrs } = args;
  const { x, scale, offset } = inputs;
  const C = channelsOf(x);
  const y = alloc(backend, x.shape);
  const mean = alloc(backend, [C]);
  const variance = alloc(backend, [C]);
  const acc = alloc(backend, [7 * C]);
  const at = (info: Info) => ptr(backend, info);
  simdKernels(backend).batchNormTrain(at(x), at(scale), at(offset), at(y), at(mean), at(variance), at(acc), rowsOf(x), C, attrs.epsilon as number);
  free(backend, acc);
  return [y, mean, variance];
}

/** x, dy, scale, mean, variance, dmean, dvariance → [dx, dscale, doffset]. */
function batchNormTrainGrad(args: KernelArgs): Info[] {
  const { backend, inputs, attrs } = args;
  const { x, dy, scale, mean, variance, dmean, dvariance } = inputs;
  const C = channelsOf(x);
  const dx = alloc(backend, x.shape);
  const dscale = alloc(backend, [C]);
  const doffset = alloc(backend, [C]);
  const acc = alloc(backend, [7 * C]);
  const at = (info: Info) => ptr(backend, info);
  const k = simdKernels(backend);
  k.batchNormTrainGrad(
    at(x),
    at(dy),
    at(scale),
    at(mean),
    at(variance),
    at(dmean),
    at(dvariance),
    at(dx),
    at(dscale),
    at(doffset),
    at(acc),
    rowsOf(x),
    C,
    attrs.epsilon as number,
  );
  free(backend, acc);
  return [dx, dscale, doffset];
}

/**
 * movingMean, mean, movingVariance, variance → [new moving mean, new moving variance]: v − (v − value)·(1 − momentum),
 * each operation rounded to float32 as the element-wise kernels round it (so bit-equal to tfjs-layers' update).
 */
function movingAverages(args: KernelArgs): Info[] {
  const { backend, inputs, attrs } = args;
  const { movingMean, mean, movingVariance, variance } = inputs;
  const k = Math.fround(1 - (attrs.momentum as number));
  const outputs = [alloc(backend, movingMean.shape), alloc(backend, movingVariance.shape)];
  const pairs: Array<[Info, Info]> = [
    [movingMean, mean],
    [movingVariance, variance],
  ];
  pairs.forEach(([moving, value], i) => {
    const [v, x, out] = [heap(backend, moving), heap(backend, value), heap(backend, outputs[i])];
    if (x.length !== v.length) throw new Error(`${MOVING_AVERAGES}: ${x.length} batch values for ${v.length} moving ones`);
    for (let c = 0; c < v.length; c++) out[c] = v[c] - Math.fround(Math.fround(v[c] - x[c]) * k);
  });
  return outputs;
}

export const movingAveragesConfig: KernelConfig = { kernelName: MOVING_AVERAGES, backendName: 'wasm', kernelFunc: movingAverages as unknown as KernelFunc };
export const batchNormTrainConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrain as unknown as KernelFunc };
export const batchNormTrainGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGrad as unknown as KernelFunc,
};

/**
 * The gradient of BATCH_NORM_TRAIN (a kernel only wasm has): one BATCH_NORM_TRAIN_GRAD call, run once for all three
 * inputs. Outputs nothing differentiable reads arrive as null: zeros then.
 */
export const batchNormTrainGradient: GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x, scale, mean, variance] = saved;
    const [dy, dmean, dvariance] = dys as Array<tf.Tensor | null>;
    const inputs = { x, dy: dy ?? tf.zerosLike(x), scale, mean, variance, dmean: dmean ?? tf.zerosLike(mean), dvariance: dvariance ?? tf.zerosLike(variance) };
    const [dx, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, inputs, { epsilon: attrs.epsilon }) as tf.Tensor[];
    return { x: () => dx, scale: () => dscale, offset: () => doffset };
  },
};
