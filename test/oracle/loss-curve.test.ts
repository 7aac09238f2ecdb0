// Stride's Node training step and PyTorch, from the same initial weights on the same batches: the loss curves match.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { exportPyTorch } from '../../core/export/pytorch';
import { selectBackend } from '../../train/node/backends/select';
import { makeShapes } from '../../train/data/shapes';
import { buildModel } from '../../train/model-builder';
import { makeOptimizer } from '../../train/optimizers';
import { optimizeBatch } from '../../train/step';
import { lowered } from '../helpers/training';

const PYTHON = process.env.STRIDE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '../../../test/oracle/torch_train.py');
const EXAMPLE = path.resolve(__dirname, '../../../examples/shapes.stride');

const LR = 0.002;
const EPOCHS = 6;
const BATCH = 32;

interface Batch {
  readonly x: Float32Array;
  readonly shape: [number, number, number, number];
  readonly y: Int32Array;
}

/** 512 images of the built-in data set in a fixed order, as [0, 1] floats (what the trainer feeds). */
function batches(): Batch[] {
  const data = makeShapes({ count: 512, seed: 11 });
  const size = 32 * 32;
  const out: Batch[] = [];
  for (let at = 0; at < data.train.count; at += BATCH) {
    const n = Math.min(BATCH, data.train.count - at);
    const x = new Float32Array(n * size);
    for (let i = 0; i < n * size; i++) x[i] = data.train.images[at * size + i] / 255;
    out.push({ x, shape: [n, 32, 32, 1], y: Int32Array.from(data.train.labels.subarray(at, at + n)) });
  }
  return out;
}

const movingAverage = (v: readonly number[], k: number): number[] => v.slice(k - 1).map((_, i) => v.slice(i, i + k).reduce((a, b) => a + b, 0) / k);

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

before(async () => {
  await selectBackend({ warn: () => undefined });
});

test('examples/shapes.stride: Stride and PyTorch loss curves match from the same initial weights', async () => {
  const analysis = analyze(fs.readFileSync(EXAMPLE, 'utf8')).models[0];
  const exported = exportPyTorch(analysis);
  assert.deepEqual(exported.unsupported, []);
  const model = buildModel(lowered(analysis), { seed: 3 });
  const weights = model.getWeights().map((w) => ({ shape: w.shape, data: Array.from(w.dataSync()) }));
  const data = batches();

  // Stride: the training loop's own step and optimizer.
  const plan = makeOptimizer({ name: 'adam', args: { lr: LR } });
  const objective = { loss: 'crossentropy', forms: ['softmax' as const], classes: 4 };
  const stride: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    for (const b of data) {
      const xs = tf.tensor4d(b.x, b.shape);
      const ys = tf.tensor1d(b.y, 'int32');
      const { loss, pred } = await optimizeBatch(model, plan, xs, ys, objective);
      tf.dispose([xs, ys, pred]);
      stride.push(loss);
    }
  }
  model.dispose();

  const job = {
    code: exported.code,
    model: 'ShapesNet',
    weights,
    batches: data.map((b) => ({ x: Array.from(b.x), shape: b.shape, y: Array.from(b.y) })),
    epochs: EPOCHS,
    lr: LR,
    epsilon: 1e-7,
  };
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `PyTorch (${PYTHON}, needs python3-torch) failed: ${r.error?.message ?? ''}\n${r.stderr}`);
  const torch = (JSON.parse(r.stdout) as { losses: number[] }).losses;

  assert.equal(torch.length, stride.length);
  // Same weights and batch: the first forward pass is the same computation.
  assert.ok(Math.abs(stride[0] - torch[0]) <= 1e-4 * torch[0], `first loss: Stride ${stride[0]}, PyTorch ${torch[0]}`);
  // Both learn: the last epoch's mean loss is well below the first batch's.
  const lastEpoch = (v: number[]) => v.slice(-data.length).reduce((a, b) => a + b, 0) / data.length;
  assert.ok(lastEpoch(stride) < 0.7 * stride[0] && lastEpoch(torch) < 0.7 * torch[0], `Stride ${lastEpoch(stride)}, PyTorch ${lastEpoch(torch)}`);
  // The same shape: smoothed curves move together and stay close step by step.
  const [s, t] = [movingAverage(stride, 8), movingAverage(torch, 8)];
  const worst = Math.max(...s.map((v, i) => Math.abs(v - t[i]) / t[i]));
  const r2 = pearson(s, t);
  console.log(`loss curves over ${stride.length} steps: correlation ${r2.toFixed(4)}, largest relative gap of 8-step means ${(100 * worst).toFixed(2)}%`);
  assert.ok(r2 > 0.98, `correlation of the smoothed curves ${r2}`);
  assert.ok(worst < 0.1, `largest relative gap between the smoothed curves ${worst}`);
});
