// Gaussian noise, Gaussian dropout and alpha dropout with seeded draws: what tfjs-layers' own layers compute (the
// identity at inference, the same noise distributions in training), drawn from the seed and the call count.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { seededLayers } from '../../train/checkpoint';
import { StrideNoise } from '../../train/layers/seeded';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';
import { useCpu } from './helpers';

function build(body: string, input: string): tf.LayersModel {
  const analysis = analyze(`model M {\n  input(${input})\n  ${body}\n}\n`);
  assert.deepEqual(analysis.diagnostics, []);
  return buildModel(lowered(analysis.models[0]), { seed: 11 });
}

/** One training-mode call of the model's only noise layer. */
function trainCall(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  const layer = model.layers.find((l) => l instanceof StrideNoise)!;
  return tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
}

function stats(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

describe('seeded noise layers', () => {
  before(useCpu);
  const N = 200_000;

  test('each is the identity at inference', () => {
    for (const body of ['gaussian_noise(0.5)', 'gaussian_dropout(0.3)', 'alpha_dropout(0.3)']) {
      const model = build(body, '50, 4');
      const x = tf.randomNormal([8, 50, 4], 0, 1, 'float32', 2);
      assert.deepEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()), Array.from(x.dataSync()), body);
    }
  });

  test('gaussian_noise adds N(0, stddev²) noise in training', () => {
    const x = tf.randomUniform([N], -1, 1, 'float32', 3);
    const out = trainCall(build('gaussian_noise(0.1)', `${N}`), x.reshape([1, N]));
    const base = x.dataSync();
    const s = stats(out.map((v, i) => v - base[i]));
    assert.ok(Math.abs(s.mean) < 0.002, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 0.1) < 0.002, `std ${s.std}`);
  });

  test('gaussian_dropout multiplies by N(1, rate / (1 − rate)) noise in training', () => {
    const out = trainCall(build('gaussian_dropout(0.2)', `${N}`), tf.ones([1, N]));
    const s = stats(out);
    assert.ok(Math.abs(s.mean - 1) < 0.005, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 0.5) < 0.005, `std ${s.std}`);
  });

  test('alpha_dropout keeps the mean and variance of standardised inputs, dropping to one saturation value', () => {
    const rate = 0.1;
    const out = trainCall(build(`alpha_dropout(${rate})`, `${N}`), tf.randomNormal([1, N], 0, 1, 'float32', 4));
    const s = stats(out);
    assert.ok(Math.abs(s.mean) < 0.01, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 1) < 0.01, `std ${s.std}`);
    // A dropped unit becomes a·α′ + b, with α′ = −λα of SELU (Klambauer et al.); about `rate` of them are.
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const dropped = Math.fround(a * alphaP + -a * alphaP * rate);
    const share = out.filter((v) => Math.abs(v - dropped) < 1e-6).length / N;
    assert.ok(Math.abs(share - rate) < 0.005, `dropped share ${share}`);
  });

  test('draws follow the seed and the call count: the same count draws the same, the next count anew', () => {
    const model = build('gaussian_noise(1)', '64');
    const [layer] = seededLayers(model);
    assert.ok(layer instanceof StrideNoise);
    const x = tf.zeros([2, 64]);
    const first = trainCall(model, x);
    const second = trainCall(model, x);
    assert.equal(layer.calls, 2);
    assert.notDeepEqual(Array.from(second), Array.from(first));
    layer.calls = 0;
    assert.deepEqual(Array.from(trainCall(model, x)), Array.from(first), 'a checkpoint that restores the count restores the draws');
    const again = build('gaussian_noise(1)', '64');
    assert.deepEqual(Array.from(trainCall(again, x)), Array.from(first), 'the same model seed draws the same noise');
  });
});
