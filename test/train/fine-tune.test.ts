// Fine-tuning in the training loop on real tfjs: frozen layers (batch-norm statistics included) stay bit-identical,
// `unfreeze:` lets them train from the next epoch, and `lr_mult:` scales a layer's step (exactly with SGD, as PyTorch
// parameter groups with Adam).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import type { TrainingModel } from '../../protocol/training-model';
import { makeShapes } from '../../train/data/shapes';
import { FineTune } from '../../train/fine-tune';
import { buildModel } from '../../train/model-builder';
import { makeOptimizer } from '../../train/optimizers';
import { optimizeBatch } from '../../train/step';
import { trainModel } from '../../train/trainer';
import { lowered } from '../helpers/training';
import { useCpu } from './helpers';
import { hasTorch, PYTHON } from './torch-compare';

const NET = `model F {
  input(16, 16, 1)
  stem = conv2d(4, 3, stride: 2) -> batchnorm() -> relu()
  conv2d(8, 3, activation: relu)
  flatten()
  head = dense(4, activation: softmax)
}
`;

type Snapshot = Record<string, Float32Array>;
const snapshot = (model: tf.LayersModel): Snapshot => Object.fromEntries(model.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync())]));
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

function trainingOf(section: string): TrainingModel {
  const a = analyze(`${NET}train F { ${section} }\n`);
  assert.deepEqual(
    a.diagnostics.map((d) => d.message),
    [],
  );
  return lowered(a.models[0]);
}

/** Trains a fresh seeded model for the section, with the weights before, after each epoch, and at the end. */
async function run(section: string, optimizer = 'adam(lr: 0.02)'): Promise<{ initial: Snapshot; epochs: Snapshot[]; final: Snapshot }> {
  const training = trainingOf(`optimizer: ${optimizer}  batch: 16  validation: 0  seed: 3  ${section}`);
  const model = buildModel(training, { seed: 3 });
  const initial = snapshot(model);
  const epochs: Snapshot[] = [];
  const data = makeShapes({ height: 16, width: 16, count: 64, seed: 5 });
  const result = await trainModel(model, training, { settings: training.settings, data, onEpoch: () => void epochs.push(snapshot(model)) });
  assert.equal(result.status, 'completed', result.reason);
  const final = snapshot(model);
  model.dispose();
  return { initial, epochs, final };
}

const STEM = ['conv2d_1/kernel', 'conv2d_1/bias', 'batchnorm_1/gamma', 'batchnorm_1/beta', 'batchnorm_1/moving_mean', 'batchnorm_1/moving_variance'];
const REST = ['conv2d_2/kernel', 'head/kernel', 'head/bias'];

before(useCpu);

describe('freeze and unfreeze', () => {
  test('the frozen statement (convolution and batch norm with its statistics) is bit-identical after training; the rest moved', async () => {
    const { initial, final } = await run('epochs: 2  freeze: [stem]');
    for (const w of STEM) assert.ok(same(initial[w], final[w]), `${w} changed`);
    for (const w of REST) assert.ok(!same(initial[w], final[w]), `${w} did not change`);
  });

  test('weight decay leaves frozen weights alone too, coupled (sgd) or decoupled (adamw)', async () => {
    for (const optimizer of ['sgd(lr: 0.05, momentum: 0.9, weight_decay: 0.1)', 'adamw(lr: 0.02, weight_decay: 0.1)']) {
      const { initial, final } = await run('epochs: 1  freeze: [stem]', optimizer);
      for (const w of STEM) assert.ok(same(initial[w], final[w]), `${optimizer}: ${w} changed`);
      for (const w of REST) assert.ok(!same(initial[w], final[w]), `${optimizer}: ${w} did not change`);
    }
  });

  test('unfreeze: 1 keeps the layers frozen through epoch 1 and trains them in epoch 2', async () => {
    const { initial, epochs } = await run('epochs: 2  freeze: [stem]  unfreeze: 1');
    for (const w of STEM) assert.ok(same(initial[w], epochs[0][w]), `${w} changed in epoch 1`);
    for (const w of REST) assert.ok(!same(initial[w], epochs[0][w]), `${w} did not change in epoch 1`);
    for (const w of STEM) assert.ok(!same(epochs[0][w], epochs[1][w]), `${w} did not change in epoch 2`);
  });

  test('a run that freezes every weight is refused with a clear error', async () => {
    await assert.rejects(run('epochs: 1  freeze: [stem, conv2d_2, head]'), /Every weight of the model is frozen in epoch 1/);
  });
});

const DENSE = `model D {
  input(4, 4, 1)
  flatten()
  a = dense(6, activation: tanh)
  b = dense(3)
}
`;

/** One optimizer's steps on a fixed batch with per-layer factors; the weights before and after, in tfjs order. */
async function steps(optimizer: string, lrMult: Record<string, number>, count: number) {
  const a = analyze(DENSE);
  const training = lowered(a.models[0]);
  const model = buildModel(training, { seed: 2 });
  const x = tf.randomUniform([8, 4, 4, 1], -1, 1, 'float32', 4);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1], 'int32');
  const plan = makeOptimizer({ name: optimizer, args: { lr: 0.05, epsilon: 1e-7 } });
  const tune = new FineTune(model, { freeze: [], lrMult });
  tune.atEpoch(1);
  const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
  for (let i = 0; i < count; i++) (await optimizeBatch(model, plan, x, y, { loss: 'crossentropy', forms: ['raw'], classes: 3 }, tune)).pred.dispose();
  const final = model.getWeights().map((w) => Array.from(w.dataSync()));
  const record = { x: Array.from(x.dataSync()), y: Array.from(y.dataSync()), initial, final };
  tf.dispose([x, y]);
  plan.optimizer.dispose();
  model.dispose();
  return record;
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('per-layer learning rates', () => {
  test('SGD: factor 0 leaves the layer exactly as it was, factor 2 moves it twice as far, other layers as with factor 1', async () => {
    const one = await steps('sgd', {}, 1);
    const zero = await steps('sgd', { a: 0 }, 1);
    const two = await steps('sgd', { a: 2 }, 1);
    // tfjs order: a/kernel, a/bias, b/kernel, b/bias.
    for (const i of [0, 1]) assert.deepEqual(zero.final[i], zero.initial[i]);
    for (const i of [0, 1]) {
      const step1 = one.final[i].map((v, k) => v - one.initial[i][k]);
      const step2 = two.final[i].map((v, k) => v - two.initial[i][k]);
      assert.ok(step1.some((s) => s !== 0));
      assert.ok(
        maxDiff(
          step2,
          step1.map((s) => 2 * s),
        ) < 1e-7,
        `a's step with factor 2 is not twice the step with 1`,
      );
    }
    for (const i of [2, 3]) assert.deepEqual(two.final[i], one.final[i]);
  });

  test('Adam: per-layer factors match PyTorch parameter groups', { skip: !hasTorch && 'PyTorch (Debian python3-torch) is not installed' }, async () => {
    const record = await steps('adam', { a: 0.1, b: 10 }, 3);
    const script = path.join(__dirname, '..', '..', '..', 'test', 'train', 'torch_param_groups.py');
    const r = spawnSync(PYTHON, [script], { input: JSON.stringify({ ...record, lr: 0.05, mult: [0.1, 0.1, 10, 10], steps: 3 }), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const torch: number[][] = JSON.parse(r.stdout);
    torch.forEach((w, i) => assert.ok(maxDiff(w, record.final[i]) < 5e-5, `weight ${i} differs from PyTorch by ${maxDiff(w, record.final[i])}`));
    // The factors matter: the PyTorch weights are far from one shared learning rate's.
    assert.ok(maxDiff(torch[2], record.initial[2]) > 0.5);
  });
});
