// The training panel and `init:`: the host reads the weights the section names (relative to the file, weights or run
// folder) and the page, in real Chromium on WebGL, trains from them with `freeze:` keeping a layer as it came.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readInitWeights } from '../../client/training/init-weights';
import { saveWeights } from '../../client/training/storage';
import { checkToWebview } from '../../protocol/training';
import type { WeightsPayload } from '../../protocol/training-payloads';
import { buildModel } from '../../train/model-builder';
import { captureWeights, topologyJson } from '../../webview/training/checkpoint';
import { openTrainingPage, trainingOf, type TrainingPage } from './page';

const TINY = `model Tiny {
  input(16, 16, 1)
  conv2d(4, 3, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes(count: 200)  epochs: 1  batch: 32  validation: 0.2  seed: 3  init: "base.runs/Tiny"  freeze: [conv2d_1] }
`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-panel-init-'));
const file = path.join(tmp, 'tiny.stride');

/** Weights other than the seeded ones, saved as a run's weights/ folder beside the file. */
function baseWeights(): WeightsPayload {
  const model = buildModel(trainingOf(TINY, 'Tiny'), { seed: 11 });
  const weights = captureWeights(model);
  saveWeights(path.join(tmp, 'base.runs', 'Tiny', 'weights'), 'Tiny', topologyJson(model), weights, {
    inputShape: [16, 16, 1],
    classes: ['circle', 'square', 'triangle', 'cross'],
    dataset: 'shapes',
    epochs: 1,
  });
  model.dispose();
  return weights;
}

/** One weight's bytes in a payload, by name. */
function bytesOf(p: WeightsPayload, name: string): Buffer {
  let at = 0;
  for (const s of p.specs) {
    const size = 4 * s.shape.reduce((a, b) => a * b, 1);
    if (s.name === name) return Buffer.from(p.data.subarray(at, at + size));
    at += size;
  }
  throw new Error(`no weight '${name}'`);
}

let base: WeightsPayload;
let t: TrainingPage | undefined;
before(async () => {
  await tf.setBackend('cpu');
  base = baseWeights();
});
after(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('init: in the training panel', { timeout: 5 * 60_000 }, () => {
  it('the host reads a run folder relative to the file, refuses a missing one in words, and the message validates', () => {
    const read = readInitWeights(file, 'base.runs/Tiny');
    assert.equal(read.path, path.join(tmp, 'base.runs', 'Tiny', 'weights'));
    assert.deepEqual(read.weights, base);
    assert.deepEqual(readInitWeights(file, 'base.runs/Tiny/weights').weights, base);
    assert.throws(() => readInitWeights(file, 'nowhere'), /init: "nowhere" \(.*nowhere\): no saved weights there/);
    const message = {
      type: 'init',
      uri: 'file:///ws/tiny.stride',
      model: 'Tiny',
      training: trainingOf(TINY, 'Tiny'),
      saved: null,
      checkpoint: null,
      autoStart: true,
    };
    assert.ok(checkToWebview({ ...message, startFrom: read }).ok);
    assert.ok(!checkToWebview({ ...message, startFrom: { path: 'x', weights: { specs: 'all', data: new Uint8Array(0) } } }).ok);
  });

  it('the page trains from the init weights; the frozen layer is saved exactly as it came', async () => {
    t = await openTrainingPage();
    await t.waitForMessage('ready');
    const startFrom = readInitWeights(file, 'base.runs/Tiny');
    await t.send({
      type: 'init',
      uri: 'file:///ws/tiny.stride',
      model: 'Tiny',
      training: trainingOf(TINY, 'Tiny'),
      saved: null,
      checkpoint: null,
      autoStart: true,
      startFrom,
    });
    const saved = await t.waitForMessage('saveWeights');
    assert.deepEqual(t.invalid, []);
    for (const name of ['conv2d_1/kernel', 'conv2d_1/bias']) assert.ok(bytesOf(saved.weights, name).equals(bytesOf(base, name)), `${name} changed`);
    assert.ok(!bytesOf(saved.weights, 'dense_1/kernel').equals(bytesOf(base, 'dense_1/kernel')), 'dense_1/kernel did not train');
  });
});
