// Relu's gradient on wasm (Stride's one-kernel replacement, what separate ReLU layers train through) against its
// definition dy · step(x) and against the cpu backend's stock gradient, bit for bit.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { RELU_GRAD } from '../../train/node/backends/wasm-relu-grad';
import { initBackends, values } from './kernels-support';

before(initBackends);

/** Negative, zero (both signs), positive, NaN and huge values, with dy of both signs, Infinity and NaN. */
const X = [-3, -0, 0, 0.5, 1e-45, -1e-45, NaN, 2, 1e30, -7, 3, 4, 5];
const DY = [1.5, -2, 3, -4, 5, -6, 7, Infinity, NaN, -Infinity, -0.25, 0, 8];

function gradient(backend: string, x: number[], dy: number[], shape: number[]): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const w = tf.tensor(dy, shape);
    return Float32Array.from(
      tf
        .grad((v: tf.Tensor) => tf.mul(tf.relu(v), w))(tf.tensor(x, shape))
        .dataSync() as Float32Array,
    );
  });
}

const same = (a: Float32Array, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, Math.fround(b[i])));

describe('Relu gradient on wasm', () => {
  test('runs as one Stride kernel instead of Step and Multiply', async () => {
    tf.setBackend('wasm');
    const info = await tf.profile(() => {
      gradient('wasm', X, DY, [X.length]);
    });
    const names = info.kernels.map((k) => k.name);
    assert.ok(names.includes(RELU_GRAD), names.join(', '));
    assert.ok(!names.includes('Step'), names.join(', '));
  });

  test('dy · step(x): NaN where x is NaN, dy · 0 elsewhere off the positives (signs and NaN of dy kept), as cpu', () => {
    const want = X.map((x, i) => DY[i] * (Number.isNaN(x) ? NaN : x > 0 ? 1 : 0));
    const wasm = gradient('wasm', X, DY, [X.length]);
    assert.ok(same(wasm, want), `${[...wasm]} vs ${want}`);
    assert.ok(same(wasm, gradient('cpu', X, DY, [X.length])));
  });

  for (const shape of [
    [4, 5, 5, 8],
    [3, 7],
    [1, 3, 3, 1],
  ]) {
    test(`shape [${shape}]: as the cpu backend`, () => {
      const n = tf.util.sizeFromShape(shape);
      const [x, dy] = [Array.from(values(1, n)), Array.from(values(2, n))];
      assert.ok(same(gradient('wasm', x, dy, shape), gradient('cpu', x, dy, shape)));
    });
  }
});
