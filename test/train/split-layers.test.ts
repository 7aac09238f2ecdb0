// split, slice and channel_shuffle in tfjs: a ShuffleNet-style unit equals PyTorch, trains, and saves and reloads.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { makeShapes } from '../../train/data/shapes';
import { buildModel } from '../../train/model-builder';
import { loadModelFiles } from '../../train/node/saved-files';
import { saveModel } from '../../train/node/weights';
import { trainModel } from '../../train/trainer';
import { lowered } from '../helpers/training';
import { tempDir, useCpu } from './helpers';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** A ShuffleNetV2-style split unit, then uneven parts, a slice with a negative stop and a shuffle of three groups. */
const UNIT = `model Unit {
  input(8, 8, 3)
  conv2d(8, 1, bias: false)
  left, right = split(2)
  r = right -> conv2d(4, 1, bias: false) -> relu()
  y = concat(left, r) -> channel_shuffle(2)
  lo, hi = y -> split((3, 5))
  z = concat(hi -> slice(1, -1), lo) -> channel_shuffle(3)
  flatten() -> dense(4, activation: softmax)
}
`;

/** The same computation written by hand in PyTorch, channels first, with the tfjs weights (two kernels, then dense). */
const TORCH = `
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
case = json.load(sys.stdin)
x = torch.tensor(case['x']).reshape(case['shape']).permute(0, 3, 1, 2)
w = [torch.tensor(v['values']).reshape(v['shape']) for v in case['weights']]
s = F.conv2d(x, w[0].permute(3, 2, 0, 1))
left, right = torch.split(s, [4, 4], 1)
r = F.relu(F.conv2d(right, w[1].permute(3, 2, 0, 1)))
y = F.channel_shuffle(torch.cat([left, r], 1), 2)
lo, hi = torch.split(y, [3, 5], 1)
z = F.channel_shuffle(torch.cat([hi[:, 1:-1], lo], 1), 3)
flat = z.permute(0, 2, 3, 1).reshape(z.shape[0], -1)
out = F.softmax(flat @ w[2] + w[3], -1)
print(float((out - torch.tensor(case['y']).reshape(out.shape)).abs().max()))
`;

const model = () => analyze(UNIT).models[0];
const tmp = tempDir('split-layers');
before(useCpu);
after(tmp.cleanup);

describe('split, slice and channel_shuffle in tfjs: shapes and values', () => {
  test('the unit analyses cleanly and tfjs builds the shapes the core inferred', () => {
    const m = model();
    assert.deepEqual(
      analyze(UNIT).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const built = buildModel(lowered(m), { seed: 1 });
    const shapeOf = (name: string) => built.getLayer(name).outputShape;
    assert.deepEqual(
      [shapeOf('left'), shapeOf('right'), shapeOf('lo'), shapeOf('hi')],
      [
        [null, 8, 8, 4],
        [null, 8, 8, 4],
        [null, 8, 8, 3],
        [null, 8, 8, 5],
      ],
    );
    assert.equal(built.countParams(), m.totals.params);
    built.dispose();
  });

  test('its output equals a hand-written PyTorch version with the same weights', { skip: !hasTorch && 'PyTorch is not installed' }, () => {
    const built = buildModel(lowered(model()), { seed: 1 });
    const weights = built.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 10 + i));
    built.setWeights(weights);
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 3);
    const y = built.predict(x) as tf.Tensor;
    const record = {
      x: Array.from(x.dataSync()),
      shape: x.shape,
      y: Array.from(y.dataSync()),
      weights: weights.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
    };
    tf.dispose([x, y, ...weights]);
    built.dispose();
    const run = spawnSync(PYTHON, ['-c', TORCH], { input: JSON.stringify(record), encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(Number(run.stdout) < 1e-5, `max abs difference ${run.stdout}`);
  });
});

describe('split, slice and channel_shuffle in tfjs training', () => {
  test('it trains: gradients reach the convolution behind the split, and the loss falls', async () => {
    const m = model();
    const built = buildModel(lowered(m), { seed: 1 });
    const before = built.getLayer('conv2d_2').getWeights()[0].dataSync().slice();
    const result = await trainModel(built, lowered(m), {
      settings: { optimizer: { name: 'adam', args: { lr: 0.01 } }, loss: 'crossentropy', metrics: [], epochs: 4, batch: 32, validation: 0, seed: 4 },
      data: makeShapes({ height: 8, width: 8, channels: 3, count: 256, seed: 2 }),
      onEpoch: () => undefined,
    });
    assert.equal(result.status, 'completed');
    const after = built.getLayer('conv2d_2').getWeights()[0].dataSync();
    assert.ok(
      after.some((v, i) => v !== before[i]),
      'the convolution after the split was updated',
    );
    assert.ok(result.history.at(-1)!.loss < result.history[0].loss, `loss did not fall: ${result.history.map((e) => e.loss)}`);
    built.dispose();
  });

  test('saved to the tfjs format, tfjs itself reloads the custom layers and predicts the same', async () => {
    const built = buildModel(lowered(model()), { seed: 1 });
    const dir = path.join(tmp.dir, 'unit');
    await saveModel(built, dir, { model: 'Unit', inputShape: [8, 8, 3], classes: ['a', 'b', 'c', 'd'], dataset: 'test', epochs: 1, seed: 1 });
    const files = loadModelFiles(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: files.json.weightsManifest[0].weights, weightData: files.weights }),
    );
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 7);
    const want = Array.from((built.predict(x) as tf.Tensor).dataSync());
    const got = Array.from((loaded.predict(x) as tf.Tensor).dataSync());
    assert.deepEqual(got, want);
    tf.dispose(x);
    built.dispose();
    loaded.dispose();
  });
});
