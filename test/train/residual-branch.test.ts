// Layer scale and stochastic depth in training, and the hard activations, through the tfjs model builder.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { DropPath } from '../../train/layers/residual-branch';
import { lowered } from '../helpers/training';
import { useCpu } from './helpers';
import { hasTorch, mismatches } from './torch-compare';

function build(body: string, input: string): tf.LayersModel {
  const analysis = analyze(`model M {\n  input(${input})\n  ${body}\n}\n`);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return buildModel(lowered(analysis.models[0]), { seed: 7 });
}

describe('layer scale', () => {
  before(useCpu);
  test('learns one factor per channel, counted as Stride counts it, starting at init', () => {
    const model = build('scale(init: 0.25)', '3, 4, 6');
    assert.equal(model.countParams(), analyze('model M {\n  input(3, 4, 6)\n  scale(init: 0.25)\n}\n').models[0].totals.trainable);
    assert.equal(model.countParams(), 6);
    assert.equal(model.trainableWeights.length, 1);
    const y = model.predict(tf.ones([1, 3, 4, 6])) as tf.Tensor;
    assert.deepEqual([...new Set(y.dataSync())], [0.25]);
  });
});

describe('stochastic depth', () => {
  before(useCpu);
  test('is the identity at inference', () => {
    const model = build('drop_path(0.5)', '4, 3');
    const x = tf.randomUniform([8, 4, 3], -1, 1, 'float32', 1);
    const y = model.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  });

  test('in training zeroes whole samples at the rate and keeps the mean (seeded)', () => {
    const rate = 0.3;
    const n = 4000;
    const layer = new DropPath({ rate, seed: 42 });
    const y = layer.apply(tf.ones([n, 3, 2, 2]), { training: true }) as tf.Tensor;
    const rows = tf.reshape(y, [n, 12]).arraySync() as number[][];
    // Every sample is either wholly dropped or wholly kept and scaled by 1/(1 − rate).
    for (const row of rows) assert.ok(row.every((v) => v === 0) || row.every((v) => Math.abs(v - 1 / (1 - rate)) < 1e-6), String(row));
    const dropped = rows.filter((r) => r[0] === 0).length / n;
    const sigma = Math.sqrt((rate * (1 - rate)) / n);
    assert.ok(Math.abs(dropped - rate) < 4 * sigma, `dropped fraction ${dropped}`);
    const mean = tf.mean(y).dataSync()[0];
    assert.ok(Math.abs(mean - 1) < (4 * sigma) / (1 - rate), `mean ${mean}`);
    // A second training call draws a fresh mask.
    const again = layer.apply(tf.ones([n, 3, 2, 2]), { training: true }) as tf.Tensor;
    assert.notDeepEqual(Array.from(again.dataSync()), Array.from(y.dataSync()));
  });
});

describe('hard activations against PyTorch', () => {
  before(useCpu);
  test('hard_sigmoid and hard_swish, as layers and as activation arguments', { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, () => {
    const cases = [
      { name: 'hard_sigmoid()', input: [40], stmt: 'hard_sigmoid()', torch: 'F.hardsigmoid(x)', range: 5 },
      { name: 'hardsigmoid alias', input: [40], stmt: 'hardsigmoid()', torch: 'F.hardsigmoid(x)', range: 5 },
      { name: 'hard_swish()', input: [40], stmt: 'hard_swish()', torch: 'F.hardswish(x)', range: 5 },
      { name: 'activation: hard_sigmoid', input: [3], stmt: 'dense(5, activation: hard_sigmoid)', torch: 'F.hardsigmoid(x @ w[0] + w[1])', range: 8 },
      { name: 'activation: hard_swish', input: [3], stmt: 'dense(5, activation: hard_swish)', torch: 'F.hardswish(x @ w[0] + w[1])', range: 8 },
    ];
    assert.deepEqual(mismatches(cases), []);
  });
});
