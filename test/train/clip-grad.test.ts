// ClipByValue's gradient on wasm (Stride's one-kernel replacement, what every ReLU6 layer trains through) against
// its definition and against the cpu backend's stock gradient.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CLIP_GRAD } from '../../train/node/backends/wasm-clip-grad';
import { initBackends } from './kernels-support';

before(initBackends);

/** Values below, on and inside both bounds, NaN, and a length that is not a multiple of 4. */
const X = [-3, -0, 0, 0.5, 5.999, 6, 6.001, 9, NaN, 2, -1e-7, 1e30, 3];
const DY = X.map((_, i) => i + 1.5);

function gradient(backend: string, lo: number, hi: number): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor1d(X);
    const dy = tf.tensor1d(DY);
    return tf
      .grad((v: tf.Tensor) => tf.mul(tf.clipByValue(v, lo, hi), dy))(x)
      .dataSync() as Float32Array;
  });
}

describe('ClipByValue gradient on wasm', () => {
  test('runs as one Stride kernel instead of four stock ones', async () => {
    tf.setBackend('wasm');
    const info = await tf.profile(() => gradient('wasm', 0, 6));
    const names = info.kernels.map((k) => k.name);
    assert.ok(names.includes(CLIP_GRAD), names.join(', '));
    assert.ok(!names.includes('LogicalAnd'), names.join(', '));
  });
  for (const [lo, hi] of [
    [0, 6],
    [-1, 1],
  ]) {
    test(`clip to [${lo}, ${hi}]: dy where lo ≤ x ≤ hi, else 0 (NaN: 0), as the cpu backend`, () => {
      const want = X.map((x, i) => (x >= lo && x <= hi ? DY[i] : 0));
      const wasm = gradient('wasm', lo, hi);
      assert.deepEqual([...wasm], want);
      assert.deepEqual([...wasm], [...gradient('cpu', lo, hi)]);
    });
  }
});
