// Mean's gradient as Stride registers it (dy / n broadcast, no tensor of ones) against tfjs-core's formula
// dy · ones(x.shape) / n, bit for bit, on wasm and on cpu, over axes, ranks and keepDims.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackends, values } from './kernels-support';

before(initBackends);

const CASES: Array<{ shape: number[]; axis: number | number[] | null; keepDims: boolean }> = [
  { shape: [4, 5, 5, 8], axis: [1, 2], keepDims: false },
  { shape: [4, 5, 5, 8], axis: [1, 2], keepDims: true },
  { shape: [3, 7], axis: -1, keepDims: false },
  { shape: [3, 7], axis: 0, keepDims: true },
  { shape: [2, 3, 4], axis: null, keepDims: false },
  { shape: [2, 3, 4, 5], axis: [0, -1], keepDims: false },
  { shape: [6], axis: 0, keepDims: false },
];

/** The gradient of Σ mean(x)·w, and tfjs-core's own formula for it. */
function both(shape: number[], axis: number | number[] | null, keepDims: boolean): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const x = tf.tensor(values(1, tf.util.sizeFromShape(shape), -3, 3), shape);
    const outShape = tf.mean(x, axis ?? undefined, keepDims).shape;
    const w = tf.tensor(values(2, tf.util.sizeFromShape(outShape), -2, 2), outShape);
    const got = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, axis ?? undefined, keepDims), w)))(x);
    const axes = tf.util.parseAxisParam(axis ?? shape.map((_, i) => i), shape);
    const expanded = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const n = axes.reduce((p, a) => p * shape[a], 1);
    const want = tf.div(tf.mul(tf.reshape(w, expanded), tf.ones(shape)), n);
    return [got.dataSync() as Float32Array, want.dataSync() as Float32Array].map((a) => Float32Array.from(a)) as [Float32Array, Float32Array];
  });
}

describe("Mean's gradient", () => {
  for (const backend of ['wasm', 'cpu']) {
    for (const c of CASES) {
      test(`${backend}: shape [${c.shape}], axis ${JSON.stringify(c.axis)}, keepDims ${c.keepDims}: tfjs-core's values exactly`, async () => {
        await tf.setBackend(backend);
        const [got, want] = both(c.shape, c.axis, c.keepDims);
        assert.deepEqual(got, want);
      });
    }
  }
});
