// Folding batch norms into the convolutions before them for inference: the same outputs, fewer layers, and only
// the chains that may be folded.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { foldForInference } from '../../train/inference-fold';
import { buildModel } from '../../train/model-builder';
import { useTrainingBackend } from './helpers';

const SOURCE = `block res() {
  skip = in
  conv2d(8, 1)
  batchnorm()
  add(skip)
}

block tee() {
  t = in
  conv2d(4, 1, activation: relu)
  batchnorm()
  add(t)
}

model Foldable {
  input(12, 12, 3)
  conv2d(8, 3, padding: same, bias: false)
  batchnorm()
  relu()
  depthwise_conv2d(3, stride: 2, padding: same, bias: false)
  batchnorm()
  relu6()
  res()
  depthwise_conv2d(3, padding: same, depth_multiplier: 2)
  batchnorm(epsilon: 0.01)
  activation(relu)
  conv2d(4, 3, padding: (1, 2, 0, 1))
  batchnorm()
  tee()
  conv2d(8, 1, bias: false)
  batchnorm()
  relu6()
  depthwise_conv2d(3, padding: same)
  batchnorm()
  activation(relu6)
  globalavgpool2d()
  dense(6)
  batchnorm()
}
`;

function lowered(text: string): TrainingModel {
  const r = trainingModelFor(analyze(text), {}, 'fold.stride');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Every weight moved off its initial value, variances and scales kept positive, so each part of a fold matters. */
function perturb(model: tf.LayersModel): void {
  model.weights.forEach((w, i) => {
    const positive = /moving_variance|gamma/.test(w.originalName);
    const value = tf.randomUniform(w.shape as number[], positive ? 0.5 : -0.5, positive ? 1.5 : 0.5, 'float32', 40 + i);
    w.write(value);
    value.dispose();
  });
}

before(useTrainingBackend);

describe('folding batch norm into convolutions for inference', () => {
  test('folds conv/depthwise → batchnorm (→ relu or relu6) chains and gives the same outputs', () => {
    const training = lowered(SOURCE);
    const model = buildModel(training, { seed: 3 });
    perturb(model);
    const { model: folded, folded: count } = foldForInference(training, model);
    // Folded: the first five chains (explicit padding stays a pad layer before the folded conv) and the last two.
    // Kept: a conv with its own activation (relu before the batch norm) and the batch norm after dense.
    assert.equal(count, 7);
    const layers = (m: tf.LayersModel, className: string) => m.layers.filter((l) => l.getClassName() === className).length;
    assert.equal(layers(model, 'BatchNormalization') - layers(folded, 'BatchNormalization'), 7);
    // relu(), relu6() (twice) and activation(relu), activation(relu6) join their convs.
    assert.equal(layers(model, 'ReLU') - layers(folded, 'ReLU'), 3);
    assert.equal(layers(model, 'Activation') - layers(folded, 'Activation'), 2);
    const x = tf.randomUniform([3, 12, 12, 3], -2, 2, 'float32', 7);
    const [want, got] = [model.predict(x) as tf.Tensor, folded.predict(x) as tf.Tensor];
    const diff = tf.max(tf.abs(tf.sub(want, got))).dataSync()[0];
    const scale = tf.max(tf.abs(want)).dataSync()[0];
    assert.ok(scale > 0.1, `outputs too small to tell anything (${scale})`);
    assert.ok(diff <= 1e-4 * Math.max(1, scale), `max abs diff ${diff} (largest output ${scale})`);
    tf.dispose([x, want, got]);
    folded.dispose();
    model.dispose();
  });

  test('a folded conv runs as one fused kernel: no separate bias, ReLU or ReLU6 passes', async () => {
    const training = lowered(
      'model M {\n  input(10, 10, 4)\n  conv2d(8, 1, bias: false)\n  batchnorm()\n  relu6()\n  depthwise_conv2d(3, padding: same)\n  batchnorm()\n  relu6()\n  depthwise_conv2d(3, padding: same)\n  batchnorm()\n  relu()\n}\n',
    );
    const model = buildModel(training, { seed: 2 });
    const { model: folded, folded: count } = foldForInference(training, model);
    assert.equal(count, 3);
    const x = tf.randomUniform([1, 10, 10, 4], -1, 1, 'float32', 5);
    const profile = await tf.profile(() => tf.tidy(() => (folded.predict(x) as tf.Tensor).dataSync()));
    const kernels = profile.kernels.map((k) => k.name).filter((name) => !name.endsWith('__op'));
    assert.deepEqual(
      kernels.filter((name) => /Conv/.test(name)),
      ['FusedConv2D', 'FusedDepthwiseConv2D', 'FusedDepthwiseConv2D'],
    );
    assert.deepEqual(
      kernels.filter((name) => /Relu|Clip|Minimum|Add|BiasAdd/.test(name)),
      [],
    );
    x.dispose();
    folded.dispose();
    model.dispose();
  });

  test('a model with nothing to fold comes back unchanged', () => {
    const training = lowered('model Plain {\n  input(8, 8, 1)\n  conv2d(4, 3, activation: relu)\n  flatten()\n  dense(2)\n}\n');
    const model = buildModel(training, { seed: 1 });
    const result = foldForInference(training, model);
    assert.equal(result.folded, 0);
    assert.equal(result.model, model);
    model.dispose();
  });
});
