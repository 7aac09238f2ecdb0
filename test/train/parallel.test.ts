// Data-parallel training over threads (train/node/parallel, train/step.ts): real partner threads, on the wasm and cpu
// backends, against the same step computed on one thread.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { startPartners, type ThreadPartner } from '../../train/node/parallel/partner';
import { weightsInOrder } from '../../train/node/parallel/shared-step';
import { makeOptimizer, type OptimizerPlan } from '../../train/optimizers';
import { gradientsOf, optimizeBatch, shares, type StepObjective } from '../../train/step';
import { applyUpdate } from '../../train/update';
import { initBackends, values } from './kernels-support';
import { bnNet, plainNet } from './parallel-models';

const MODELS = require.resolve('./parallel-models');
const OBJECTIVE: StepObjective = { loss: 'crossentropy', forms: ['softmax'], classes: 3 };

/** Batches of 8×8×2 inputs and labels 0..2; `rows` per batch (an odd one shares out unevenly). */
function batches(rows: readonly number[]): Array<[tf.Tensor4D, tf.Tensor1D]> {
  return rows.map((n, i) => [
    tf.tensor4d(values(50 + i, n * 128), [n, 8, 8, 2]),
    tf.tensor1d(
      Array.from({ length: n }, (_, r) => (r * 7 + i) % 3),
      'int32',
    ),
  ]);
}

function start(name: string, model: tf.LayersModel, count = 1): Promise<ThreadPartner[]> {
  return startPartners(count, { recipe: { kind: 'module', module: MODELS, name, arg: null }, model, maxRows: 16, backend: tf.getBackend() });
}

/** Largest difference relative to the values' scale. */
function close(a: tf.Tensor | Float32Array, b: tf.Tensor | Float32Array, tol: number, what: string): void {
  const [x, y] = [a, b].map((t) => (t instanceof tf.Tensor ? (t.dataSync() as Float32Array) : t));
  assert.equal(x.length, y.length, what);
  const scale = Math.max(1e-3, ...Array.from(y, Math.abs));
  const worst = Math.max(...Array.from(x, (v, i) => Math.abs(v - y[i])));
  assert.ok(worst <= tol * scale, `${what}: differs by ${worst} (scale ${scale})`);
}

/** Trains `model` on the batches with `partners` (none: one thread); returns the losses. */
async function run(model: tf.LayersModel, plan: OptimizerPlan, data: Array<[tf.Tensor4D, tf.Tensor1D]>, partners: ThreadPartner[]): Promise<number[]> {
  const losses: number[] = [];
  for (const [x, y] of data) {
    const { loss, pred } = await optimizeBatch(model, plan, x, y, OBJECTIVE, undefined, partners);
    assert.deepEqual(pred.shape, [x.shape[0], 3]);
    losses.push(loss);
    pred.dispose();
  }
  return losses;
}

/**
 * The documented meaning of a data-parallel step, computed on one thread: each share's gradients on its own copy
 * of the model (batch norm with that share's statistics), averaged by rows; the moving statistics are the first
 * share's, since the main thread keeps the model.
 */
async function byShares(model: tf.LayersModel, helper: tf.LayersModel, plan: OptimizerPlan, x: tf.Tensor, y: tf.Tensor1D, k: number): Promise<number> {
  helper.setWeights(model.getWeights());
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const parts = shares(x.shape[0], k).map(([from, to], i) => {
    const m = i === 0 ? model : helper;
    const mv = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const g = gradientsOf(m, x.slice(from, to - from), y.slice(from, to - from), OBJECTIVE, mv);
    return { rows: to - from, loss: g.value.dataSync()[0], grads: mv.map((v) => g.grads[v.name]) };
  });
  const n = x.shape[0];
  const grads: tf.NamedTensorMap = {};
  vars.forEach((v, j) => (grads[v.name] = parts.map((p) => tf.mul(p.grads[j], p.rows / n)).reduce((a, b) => tf.add(a, b))));
  applyUpdate(plan, vars, grads);
  return parts.reduce((s, p) => s + p.loss * p.rows, 0) / n;
}

describe('shares of a batch', () => {
  test('are as even as they go, in order, never empty', () => {
    assert.deepEqual(shares(8, 2), [
      [0, 4],
      [4, 8],
    ]);
    assert.deepEqual(shares(7, 3), [
      [0, 3],
      [3, 5],
      [5, 7],
    ]);
    assert.deepEqual(shares(1, 3), [[0, 1]]);
    assert.deepEqual(shares(5, 1), [[0, 5]]);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`data-parallel steps on ${backend}`, () => {
    before(async () => {
      await initBackends();
      if (backend === 'cpu') await tf.setBackend('cpu');
    });

    test('equal one thread on the whole batch (frozen layer, regulariser, uneven last batch)', async () => {
      const [one, two] = [plainNet(), plainNet()];
      const partners = await start('plainNet', two);
      try {
        const data = batches([8, 8, 7, 8]);
        const single = await run(one, makeOptimizer({ name: 'adam', args: { lr: 0.01 } }), data, []);
        const shared = await run(two, makeOptimizer({ name: 'adam', args: { lr: 0.01 } }), data, partners);
        close(Float32Array.from(shared), Float32Array.from(single), 1e-5, 'losses');
        one.getWeights().forEach((w, i) => close(two.getWeights()[i], w, 1e-4, `weight ${i}`));
        // The steps did update the trainable weights (and left the frozen layer's alone).
        const fresh = plainNet().getWeights();
        const moved = one.getWeights().map((w, i) => tf.max(tf.abs(tf.sub(w, fresh[i]))).dataSync()[0] > 1e-3);
        assert.deepEqual(moved, [true, true, true, true, false, false]); // getWeights lists the frozen layer last
        tf.dispose(data.flat());
      } finally {
        await Promise.all(partners.map((p) => p.close()));
      }
    });
  });
}

describe('data-parallel steps with batch norm (wasm)', () => {
  let partners: ThreadPartner[] = [];
  before(initBackends);
  after(() => Promise.all(partners.map((p) => p.close())));

  test('each share normalises with its own statistics; two partners equal the same steps computed share by share', async () => {
    const [threaded, oracle, helper] = [bnNet(), bnNet(), bnNet()];
    oracle.setWeights(threaded.getWeights());
    partners = await start('bnNet', threaded, 2);
    const data = batches([12, 12, 7]);
    const [p1, p2] = [makeOptimizer({ name: 'sgd', args: { lr: 0.1, momentum: 0.9 } }), makeOptimizer({ name: 'sgd', args: { lr: 0.1, momentum: 0.9 } })];
    const losses = await run(threaded, p1, data, partners);
    const expected: number[] = [];
    for (const [x, y] of data) expected.push(await byShares(oracle, helper, p2, x, y, 3));
    close(Float32Array.from(losses), Float32Array.from(expected), 1e-5, 'losses');
    // Every weight, the moving statistics included (the first share's).
    const mine = weightsInOrder(threaded);
    weightsInOrder(oracle).forEach((w, i) => close(mine[i], w, 1e-4, `weight ${w.name}`));
    // Not what one thread on the whole batch gives: batch norm over 12 rows is not batch norm over three shares of 4.
    const whole = bnNet(); // the same seeded initial weights
    const [x, y] = data[0];
    const full = gradientsOf(
      whole,
      x,
      y,
      OBJECTIVE,
      whole.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    assert.ok(Math.abs(full.value.dataSync()[0] - losses[0]) > 1e-4, 'shares of a batch-norm net differ from the whole batch');
    tf.dispose(data.flat());
  });
});

describe('data-parallel memory', () => {
  before(initBackends);

  test('neither thread holds more tensors after 60 steps than after 10', async () => {
    const model = bnNet();
    const partners = await start('bnNet', model);
    try {
      const data = batches([8, 7]);
      const plan = makeOptimizer({ name: 'adam', args: { lr: 0.01 } });
      const counts: Array<[number, number]> = [];
      for (let i = 1; i <= 60; i++) {
        const [x, y] = data[i % 2];
        (await optimizeBatch(model, plan, x, y, OBJECTIVE, undefined, partners)).pred.dispose();
        if (i === 10 || i === 60) counts.push([tf.memory().numTensors, partners[0].tensorsInThread]);
      }
      assert.ok(counts[0][1] > 0, 'the partner reports its tensors');
      assert.deepEqual(counts[1], counts[0]);
      tf.dispose(data.flat());
    } finally {
      await Promise.all(partners.map((p) => p.close()));
    }
  });
});

describe('data-parallel failures', () => {
  before(initBackends);

  test('a partner whose model differs is refused when it starts', async () => {
    await assert.rejects(
      startPartners(1, { recipe: { kind: 'module', module: MODELS, name: 'otherNet', arg: null }, model: plainNet(), maxRows: 8, backend: 'wasm' }),
      /weights/,
    );
  });

  test('a step that fails on both threads reports the error and leaves no thread behind', async () => {
    const model = plainNet();
    const partners = await start('plainNet', model);
    const [[x, y]] = batches([8]);
    const plan = makeOptimizer({ name: 'sgd', args: { lr: 0.1 } });
    const before = model.getWeights().map((w) => w.dataSync().slice());
    await assert.rejects(optimizeBatch(model, plan, x, y, { ...OBJECTIVE, loss: 'nonsense' }, undefined, partners), /Unknown loss 'nonsense'/);
    model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], 'no update was applied'));
    // The partner failed too: the next step says so instead of hanging.
    await assert.rejects(optimizeBatch(model, plan, x, y, OBJECTIVE, undefined, partners), /training thread failed: .*Unknown loss/);
    await Promise.all(partners.map((p) => p.close()));
  });

  test('a share larger than the partner was made for is refused', async () => {
    const model = plainNet();
    const partners = await startPartners(1, { recipe: { kind: 'module', module: MODELS, name: 'plainNet', arg: null }, model, maxRows: 2, backend: 'wasm' });
    const [[x, y]] = batches([8]);
    await assert.rejects(optimizeBatch(model, makeOptimizer({ name: 'sgd', args: {} }), x, y, OBJECTIVE, undefined, partners), /4 rows exceeds the 2/);
    await Promise.all(partners.map((p) => p.close()));
  });
});
