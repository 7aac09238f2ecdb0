// `stride export --format onnx` through the CLI: the file onnxruntime loads, seeded and trained weights (a real short
// training run) reproduced exactly, the logits option, and refusals that name the layer, its kind and its line.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ExportRefused } from '../../export/formats';
import { buildModel } from '../../train/model-builder';
import { exportWeights } from '../../train/node/export-weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { compare, exportWithWeights, modelOf, ort, tmp } from './onnx-helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');

function stride(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NET = `## A small classifier with batch normalisation, trained on the built-in shapes.
model Net {
  image = input(32, 32, 1)
  conv2d(8, 3, padding: same)
  batchnorm()
  relu()
  maxpool2d(2)
  conv2d(8, 3, stride: 2, padding: same, activation: relu)
  flatten()
  probs = dense(4, activation: softmax)
}

train Net {
  data: shapes(count: 256)
  epochs: 1
  batch: 32
  seed: 7
}
`;

const source = path.join(tmp, 'net.stride');
fs.writeFileSync(source, NET);

/** The ONNX file's outputs against the tfjs model built with `weights` (a list in the model's order), batch 1 and 3. */
async function diffAgainst(file: string, weights: readonly tf.Tensor[] | 'seeded', seed: number) {
  const { model } = modelOf(NET);
  const tfModel = buildModel(lowered(model), { seed });
  if (weights !== 'seeded') tfModel.setWeights([...weights]);
  const session = await ort.InferenceSession.create(fs.readFileSync(file));
  const result = await compare(model, tfModel, session, [1, 3]);
  tfModel.dispose();
  return result;
}

describe('stride export --format onnx', () => {
  before(useCpu);

  test('writes a file onnxruntime loads, with named NHWC inputs and outputs, holding the seeded initial weights', async () => {
    const out = path.join(tmp, 'seeded.onnx');
    const r = stride('export', source, '--format', 'onnx', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /seeded initial weights/);
    const session = await ort.InferenceSession.create(fs.readFileSync(out));
    assert.deepEqual([...session.inputNames], ['image']);
    assert.deepEqual([...session.outputNames], ['probs']);
    const { diff, scale } = await diffAgainst(out, 'seeded', 7);
    assert.ok(diff <= 1e-5 && scale > 0, `max abs diff ${diff}`);
  });

  test('--weights from a real training run: the ONNX outputs are the trained model outputs', async () => {
    const run = path.join(tmp, 'run');
    const trained = stride('train', source, '--epochs', '1', '--limit', '256', '--out', run);
    assert.equal(trained.status, 0, trained.stderr);
    const out = path.join(tmp, 'trained.onnx');
    const r = stride('export', source, '--format', 'onnx', '--weights', run, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /weights from /);
    // The trained weights as the trainer saved them, read back independently of the export.
    const { model } = modelOf(NET);
    const saved = await exportWeights(lowered(model), { weightsDir: run, seed: 7 });
    await useCpu();
    const tensors = saved.weights.map((w) => tf.tensor(w.data, [...w.shape]));
    const { diff } = await diffAgainst(out, tensors, 7);
    assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
    const moved = await diffAgainst(out, 'seeded', 7);
    assert.ok(moved.diff > 1e-3, 'training changed the outputs, so the file holds the trained weights, not the initial ones');
    const stats = saved.weights.find((w) => w.name.endsWith('moving_variance'));
    assert.ok(stats && stats.data.some((v) => Math.abs(v - 1) > 1e-4), 'batch-norm statistics were trained too');
    tf.dispose(tensors);
  });

  test('--logits drops the final softmax', async () => {
    const out = path.join(tmp, 'logits.onnx');
    assert.equal(stride('export', source, '--format', 'onnx', '--logits', '--out', out).status, 0);
    const session = await ort.InferenceSession.create(fs.readFileSync(out));
    const x = new ort.Tensor(
      'float32',
      new Float32Array(2 * 32 * 32).map((_, i) => Math.sin(i)),
      [2, 32, 32, 1],
    );
    const logits = (await session.run({ image: x })).probs.data as Float32Array;
    const probs = (await (await ort.InferenceSession.create(fs.readFileSync(path.join(tmp, 'seeded.onnx')))).run({ image: x })).probs.data as Float32Array;
    for (let row = 0; row < 2; row++) {
      const z = Array.from(logits.slice(4 * row, 4 * row + 4));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, i) => assert.ok(Math.abs(v / sum - probs[4 * row + i]) < 1e-5));
    }
  });
});

const REFUSED = `model R {
  input(8, 8, 6)
  conv2d(6, 3)
  lrn(size: 4)
  dense(2)
}
`;

describe('ONNX refusals', () => {
  test('a layer ONNX cannot express is refused by name, kind and line', () => {
    const { model, text } = modelOf(REFUSED);
    assert.throws(
      () => exportWithWeights(model, text, false),
      (e: unknown) => e instanceof ExportRefused && /layer 'lrn_1' \(lrn, line 4\): an even window \(size 4\)/.test(e.message),
    );
  });

  test('the CLI reports the refusal and writes nothing', () => {
    const file = path.join(tmp, 'refused.stride');
    fs.writeFileSync(file, REFUSED);
    const out = path.join(tmp, 'refused.onnx');
    const r = stride('export', file, '--format', 'onnx', '--out', out);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /layer 'lrn_1' \(lrn, line 4\)/);
    assert.ok(!fs.existsSync(out));
  });
});
