// Batch norm in training mode on wasm (Stride's two fused kernels: forward with batch statistics, and its gradient)
// against tfjs-layers' own BatchNormalization on the cpu backend: outputs, moving statistics and gradients.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, MOVING_AVERAGES, batchNormalization } from '../../train/layers/fused-batchnorm';
import { initBackends, maxRelativeError, TOLERANCE, values, wasmAllocations } from './kernels-support';

before(initBackends);

interface Case {
  readonly shape: number[];
  /** Input values lie in [lo, lo + 2): an offset far from 0 tests the variance against cancellation. */
  readonly lo: number;
  readonly momentum: number;
  readonly epsilon: number;
}

/** Channel counts that fill SIMD lanes (4, 8, 16, 64) and that leave a tail (1, 3, 5, 17); ranks 2 and 4. */
const CASES: Case[] = [
  { shape: [2, 5, 5, 16], lo: -1, momentum: 0.99, epsilon: 1e-3 },
  { shape: [3, 4, 4, 5], lo: -1, momentum: 0.9, epsilon: 1e-3 },
  { shape: [1, 7, 3, 3], lo: 3, momentum: 0.5, epsilon: 1e-5 },
  { shape: [7, 2, 2, 8], lo: -1, momentum: 0.99, epsilon: 0.1 },
  { shape: [32, 4, 4, 17], lo: -1, momentum: 0.99, epsilon: 1e-3 },
  { shape: [4, 3, 3, 1], lo: 10, momentum: 0.9, epsilon: 1e-3 },
  { shape: [2, 8, 8, 64], lo: -1, momentum: 0.99, epsilon: 1e-3 },
  { shape: [10, 6], lo: -1, momentum: 0.99, epsilon: 1e-3 },
  { shape: [3, 4], lo: 0, momentum: 0.99, epsilon: 1e-3 },
  { shape: [8, 4, 4, 8], lo: 1000, momentum: 0.9, epsilon: 1e-3 },
];

interface Result {
  readonly y: Float32Array;
  readonly moving: Float32Array[];
  readonly grads: Float32Array[];
}

/** Two training calls of a fresh layer: the first's output, then the gradients of Σ y·w; the moving statistics after both. */
function train(backend: string, c: Case): Result {
  tf.setBackend(backend);
  let result: Result | undefined;
  tf.tidy(() => {
    const C = c.shape[c.shape.length - 1];
    const layer = batchNormalization({ momentum: c.momentum, epsilon: c.epsilon });
    const x = tf.variable(tf.tensor(values(1, tf.util.sizeFromShape(c.shape), c.lo, c.lo + 2), c.shape));
    const w = tf.tensor(values(2, tf.util.sizeFromShape(c.shape)), c.shape);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const init = [values(3, C, 0.5, 1.5), values(4, C), values(5, C), values(6, C, 0.5, 2)];
    layer.setWeights(init.map((v) => tf.tensor1d(v)));
    const first = (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
    const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)), [x, gamma, beta]);
    const moving = layer.getWeights().slice(2);
    result = {
      y: Float32Array.from(first),
      moving: moving.map((m) => Float32Array.from(m.dataSync() as Float32Array)),
      grads: [x, gamma, beta].map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array)),
    };
    y.dispose();
    layer.dispose();
    x.dispose();
  });
  return result as Result;
}

describe('batch norm in training on wasm', () => {
  test('runs as Stride kernels, with no FusedBatchNorm or per-element arithmetic kernels', async () => {
    tf.setBackend('wasm');
    const info = await tf.profile(() => {
      train('wasm', CASES[0]);
    });
    const names = info.kernels.map((k) => k.name);
    assert.ok(
      [BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, MOVING_AVERAGES].every((k) => names.includes(k)),
      names.join(', '),
    );
    assert.ok(!['FusedBatchNorm', 'Tile', 'Sub'].some((k) => names.includes(k)), names.join(', '));
  });

  for (const c of CASES) {
    test(`shape [${c.shape}], inputs from ${c.lo}, momentum ${c.momentum}, ε ${c.epsilon}: as tfjs-layers on cpu`, () => {
      const cpu = train('cpu', c);
      const before = wasmAllocations();
      const wasm = train('wasm', c);
      assert.deepEqual(wasmAllocations(), before, 'no tensors or buffers left behind');
      const errors = {
        y: maxRelativeError(wasm.y, cpu.y),
        movingMean: maxRelativeError(wasm.moving[0], cpu.moving[0]),
        movingVariance: maxRelativeError(wasm.moving[1], cpu.moving[1]),
        dx: maxRelativeError(wasm.grads[0], cpu.grads[0]),
        dgamma: maxRelativeError(wasm.grads[1], cpu.grads[1]),
        dbeta: maxRelativeError(wasm.grads[2], cpu.grads[2]),
      };
      for (const [name, e] of Object.entries(errors)) assert.ok(e <= TOLERANCE, `${name}: max relative error ${e}`);
    });
  }

  test('gradients through the mean and variance outputs as tf.moments and tf.batchNorm give them on cpu', async () => {
    const shape = [3, 4, 4, 6];
    const C = 6;
    const size = tf.util.sizeFromShape(shape);
    const grads = (fused: boolean) =>
      tf.tidy(() => {
        const [x, scale, offset] = [tf.tensor(values(7, size, 1, 3), shape), tf.tensor1d(values(8, C)), tf.tensor1d(values(9, C))];
        const [w, a, b] = [tf.tensor(values(10, size), shape), tf.tensor1d(values(11, C)), tf.tensor1d(values(12, C))];
        const f = (xv: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
          const [y, mean, variance] = fused
            ? (tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xv, scale: s, offset: o }, { epsilon: 1e-3 }) as tf.Tensor[])
            : stockTraining(xv, s, o);
          return tf.addN([tf.sum(tf.mul(y, w)), tf.sum(tf.mul(mean, a)), tf.sum(tf.mul(variance, b))]);
        };
        return tf
          .grads(f)([x, scale, offset])
          .map((g) => Float32Array.from(g.dataSync() as Float32Array));
      });
    const { cpu, wasm } = await both(
      () => grads(false),
      () => grads(true),
    );
    cpu.forEach((g, i) => assert.ok(maxRelativeError(wasm[i], g) <= TOLERANCE, `input ${i}: ${maxRelativeError(wasm[i], g)}`));
  });
});

/** Both moving statistics after one update of seeded values: by MOVING_AVERAGES, or by tfjs-layers' operations. */
function movingAverages(C: number, momentum: number, kernel: boolean): Float32Array[] {
  return tf.tidy(() => {
    const [movingMean, mean] = [tf.tensor1d(values(13, C, -2, 2)), tf.tensor1d(values(14, C, -2, 2))];
    const [movingVariance, variance] = [tf.tensor1d(values(15, C, 0, 3)), tf.tensor1d(values(16, C, 0, 3))];
    const stock = (v: tf.Tensor, x: tf.Tensor) => tf.sub(v, tf.mul(tf.sub(v, x), 1 - momentum));
    const out = kernel
      ? (tf.engine().runKernel(MOVING_AVERAGES, { movingMean, mean, movingVariance, variance }, { momentum }) as tf.Tensor[])
      : [stock(movingMean, mean), stock(movingVariance, variance)];
    return out.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  });
}

describe('batch norm moving averages on wasm', () => {
  for (const [C, momentum] of [
    [1, 0.99],
    [5, 0.9],
    [64, 0.5],
    [512, 0.1],
  ]) {
    test(`${C} channels, momentum ${momentum}: bit-equal to tfjs-layers' element-wise update`, async () => {
      const { cpu, wasm } = await both(
        () => movingAverages(C, momentum, false),
        () => movingAverages(C, momentum, false),
      );
      const before = wasmAllocations();
      const fused = movingAverages(C, momentum, true);
      assert.deepEqual(wasmAllocations(), before, 'no tensors or buffers left behind');
      assert.deepEqual(wasm, cpu, 'the element-wise update agrees across backends');
      assert.deepEqual(fused, wasm);
    });
  }
});

/** tfjs-layers' training composition: batch moments, then FusedBatchNorm. */
function stockTraining(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return [tf.batchNorm(x, mean, variance, offset, scale, 1e-3), mean, variance];
}

async function both<T>(onCpu: () => T, onWasm: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = onCpu();
  await tf.setBackend('wasm');
  return { cpu, wasm: onWasm() };
}
