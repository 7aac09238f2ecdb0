// Saving and loading weights: the tfjs format round-trips, and a failed or killed save never damages the old weights.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { buildModel } from '../../train/model-builder';
import { loadModelFiles, type StrideMetadata } from '../../train/node/saved-files';
import { loadWeightsInto, saveModel } from '../../train/node/weights';
import { EXAMPLES } from '../helpers/fixtures';
import { tempDir, useCpu } from './helpers';
import { lowered } from '../helpers/training';

const SOURCE = 'model W {\n  input(6, 6, 2)\n  conv2d(3, 3, groups: 1)\n  batchnorm()\n  elu(alpha: 0.5)\n  flatten()\n  dense(4, activation: softmax)\n}\n';
const analysis = analyze(SOURCE).models[0];
const META: StrideMetadata = { model: 'W', inputShape: [6, 6, 2], classes: ['a', 'b', 'c', 'd'], dataset: 'test', epochs: 1, seed: 1 };
const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

const tmp = tempDir('weights');
before(useCpu);
after(tmp.cleanup);

describe('weights: the tfjs format round-trips', () => {
  test('save then load into a freshly built model restores every weight and the predictions', async () => {
    const dir = path.join(tmp.dir, 'roundtrip');
    const a = buildModel(lowered(analysis), { seed: 1 });
    await saveModel(a, dir, META);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.stride-weights', 'model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    assert.deepEqual(json.userDefinedMetadata.stride.classes, META.classes);
    const b = buildModel(lowered(analysis), { seed: 2 });
    assert.notDeepEqual(values(b), values(a));
    const meta = loadWeightsInto(b, dir);
    assert.deepEqual(values(b), values(a));
    assert.deepEqual(meta, META);
    const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 3);
    assert.deepEqual(Array.from((b.predict(x) as tf.Tensor).dataSync()), Array.from((a.predict(x) as tf.Tensor).dataSync()));
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  test('block instances (layer names with a slash) round-trip too', async () => {
    const resnet = analyze(fs.readFileSync(path.join(EXAMPLES, 'resnet8.stride'), 'utf8')).models[0];
    const dir = path.join(tmp.dir, 'resnet8');
    const a = buildModel(lowered(resnet), { seed: 1 });
    assert.ok(
      a.weights.some((w) => w.originalName.includes('/conv2d_')),
      'expected block-scoped weight names',
    );
    await saveModel(a, dir, META);
    const b = buildModel(lowered(resnet), { seed: 2 });
    loadWeightsInto(b, dir);
    assert.deepEqual(values(b), values(a));
    a.dispose();
    b.dispose();
  });

  test('tfjs itself loads the saved folder (custom layers included)', async () => {
    const dir = path.join(tmp.dir, 'roundtrip');
    const files = loadModelFiles(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: files.json.weightsManifest[0].weights, weightData: files.weights }),
    );
    assert.equal(loaded.countParams(), buildModel(lowered(analysis)).countParams());
    loaded.dispose();
  });
});

describe('weights: a second build of the same source', () => {
  test('bidirectional recurrent layers load into a second build, whose inner cells tfjs names with a new counter', async () => {
    const source = 'model B {\n  input(5, 3)\n  lstm(4, bidirectional: true, return_sequences: true)\n  gru(3, bidirectional: true)\n  dense(2)\n}\n';
    const m = analyze(source).models[0];
    const dir = path.join(tmp.dir, 'bidirectional');
    const a = buildModel(lowered(m), { seed: 1 });
    await saveModel(a, dir, META);
    const b = buildModel(lowered(m), { seed: 2 });
    assert.notDeepEqual(
      b.weights.map((w) => w.originalName),
      a.weights.map((w) => w.originalName),
      'the second build names its cells differently',
    );
    loadWeightsInto(b, dir);
    assert.deepEqual(values(b), values(a));
    a.dispose();
    b.dispose();
  });
});

describe('weights: a failed or killed save', () => {
  test('a save that fails before the swap leaves the old weights and no temporary folder', async () => {
    const dir = path.join(tmp.dir, 'atomic');
    const old = buildModel(lowered(analysis), { seed: 1 });
    await saveModel(old, dir, META);
    const fresh = buildModel(lowered(analysis), { seed: 5 });
    await assert.rejects(
      saveModel(fresh, dir, META, {
        beforeCommit: (t) => {
          assert.ok(fs.existsSync(path.join(t, 'weights.bin')));
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
    const check = buildModel(lowered(analysis), { seed: 9 });
    loadWeightsInto(check, dir);
    assert.deepEqual(values(check), values(old));
    assert.deepEqual(
      fs.readdirSync(tmp.dir).filter((f) => f.includes('atomic')),
      ['atomic'],
    );
    [old, fresh, check].forEach((m) => m.dispose());
  });

  test('a process killed in the middle of a save leaves the old weights loadable', async () => {
    const dir = path.join(tmp.dir, 'killed');
    const old = buildModel(lowered(analysis), { seed: 1 });
    await saveModel(old, dir, META);
    const out = path.resolve(__dirname, '..', '..');
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { analyze } = require(${JSON.stringify(path.join(out, 'core', 'analyze'))});
      const { buildModel } = require(${JSON.stringify(path.join(out, 'train', 'model-builder'))});
      const { trainingModel } = require(${JSON.stringify(path.join(out, 'ide', 'training-model'))});
      const { saveModel } = require(${JSON.stringify(path.join(out, 'train', 'node', 'weights'))});
      tf.setBackend('cpu').then(() => saveModel(buildModel(trainingModel(analyze(${JSON.stringify(SOURCE)}).models[0]).value, { seed: 7 }), ${JSON.stringify(dir)}, {}, {
        beforeCommit: () => process.kill(process.pid, 'SIGKILL'),
      }));`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: path.resolve(out, '..'), encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const check = buildModel(lowered(analysis), { seed: 9 });
    loadWeightsInto(check, dir);
    assert.deepEqual(values(check), values(old));
    // The next save cleans up and succeeds.
    await saveModel(check, dir, META);
    old.dispose();
    check.dispose();
  });
});

describe('weights: recovery and damaged files', () => {
  test('a crash between the two renames is recovered from the previous copy', async () => {
    const dir = path.join(tmp.dir, 'swap');
    const old = buildModel(lowered(analysis), { seed: 1 });
    await saveModel(old, dir, META);
    fs.renameSync(dir, `${dir}.previous`);
    const check = buildModel(lowered(analysis), { seed: 9 });
    loadWeightsInto(check, dir);
    assert.deepEqual(values(check), values(old));
    old.dispose();
    check.dispose();
  });

  test('damaged or mismatched weights give clear errors', async () => {
    const dir = path.join(tmp.dir, 'damaged');
    const m = buildModel(lowered(analysis), { seed: 1 });
    await saveModel(m, dir, META);
    const bin = path.join(dir, 'weights.bin');
    fs.writeFileSync(bin, fs.readFileSync(bin).subarray(0, 10));
    assert.throws(() => loadWeightsInto(m, dir), /holds 10 bytes but model.json describes \d+; the save is damaged/);
    await saveModel(m, dir, META);
    const other = buildModel(lowered(analyze(SOURCE.replace('dense(4', 'dense(5')).models[0]));
    assert.throws(() => loadWeightsInto(other, dir), /do not fit model .*Was the model changed since training\?/);
    assert.throws(() => loadWeightsInto(m, path.join(tmp.dir, 'none')), /No saved weights in .*model.json is missing/);
    m.dispose();
    other.dispose();
  });
});
