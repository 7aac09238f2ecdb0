// `stride import model.json`: tfjs LayersModels saved by stock tfjs-layers and by Stride's own trainer come back as
// models that check clean with the same totals and, with their weights, give the same outputs; damaged files are
// refused with one clear error.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { importPath } from '../../import/index';
import { buildModel } from '../../train/model-builder';
import { loadWeightsInto, saveModel } from '../../train/node/weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { outputDiff, randomize, residual, saveTfjs, sequential, tmp, refused } from './keras-harness';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'stride.js');

/** A Stride model that uses Stride's own saved layer classes: explicit padding, grouped convolution, its dropout. */
const STRIDE_SOURCE = `model OwnNet {
  x = input(12, 12, 4)
  conv2d(8, 3, padding: 1, activation: relu)
  conv2d(8, 3, padding: same, groups: 2)
  batchnorm()
  hard_swish()
  y = dropout(0.25)
  x -> conv2d(8, 1)
  add(y)
  maxpool2d(2)
  flatten()
  dense(3, activation: softmax)
}
`;

describe('import of tfjs LayersModels', () => {
  before(useCpu);

  test('a stock tfjs-layers Sequential CNN (two shards): same totals, same outputs', async () => {
    const source = sequential();
    randomize(source);
    const file = await saveTfjs(source, path.join(tmp, 'seq'));
    const imported = importPath(file);
    assert.match(imported.text, /depthwise_conv2d\(3, padding: same, depth_multiplier: 2\)/);
    assert.match(imported.text, /separable_conv2d\(12, 3, stride: 2, bias: false\)/);
    assert.match(imported.text, /zeropad2d\(1, 0, 0, 1\)/);
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });

  test('a stock tfjs-layers Functional model with a residual add and a concat: same totals, same outputs', async () => {
    const source = residual();
    randomize(source, 5);
    const file = await saveTfjs(source, path.join(tmp, 'ResidualNet'), 3);
    const imported = importPath(file);
    assert.equal(imported.model, 'ResidualNet');
    assert.match(imported.text, /add\(stem\)/);
    assert.match(imported.text, /concat\(residual, stem\)/);
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });

  test('a stock tfjs-layers decoder (transposed convolution, upsampling, layer normalization): same totals, same outputs', async () => {
    const source = tf.sequential();
    source.add(tf.layers.conv2dTranspose({ inputShape: [5, 5, 4], filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
    source.add(tf.layers.upSampling2d({ size: [2, 1] }));
    source.add(tf.layers.layerNormalization({ epsilon: 1e-5 }));
    source.add(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, useBias: false }));
    randomize(source, 17);
    const imported = importPath(await saveTfjs(source, path.join(tmp, 'decoder')));
    assert.match(imported.text, /conv2d_transpose\(6, 3, stride: 2, padding: same, activation: relu\)/);
    assert.match(imported.text, /upsample2d\(\(2, 1\)\)/);
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });

  test('a stock tfjs-layers text model (embedding, GRU without reset_after): same totals, same outputs', async () => {
    const source = tf.sequential();
    source.add(tf.layers.embedding({ inputDim: 30, outputDim: 6, inputLength: 8 }));
    source.add(tf.layers.gru({ units: 5, recurrentActivation: 'sigmoid' }));
    source.add(tf.layers.dense({ units: 2, activation: 'sigmoid' }));
    randomize(source, 13);
    const imported = importPath(await saveTfjs(source, path.join(tmp, 'text')));
    assert.match(imported.text, /gru\(5, reset_after: false\)/);
    const ids = tf.randomUniform([2, 8], 0, 30, 'int32', 5).cast('float32');
    assert.ok((await outputDiff(imported, source, source.countParams(), ids)) <= 1e-5);
  });
});

describe('import of tfjs LayersModels saved by Stride, and through the CLI', () => {
  before(useCpu);

  test("a model saved by Stride's trainer (its own layer classes): same totals, same outputs", async () => {
    const analysed = analyze(STRIDE_SOURCE).models[0];
    const source = buildModel(lowered(analysed), { seed: 4 });
    randomize(source, 9);
    const dir = path.join(tmp, 'own');
    await saveModel(source, dir, { model: 'OwnNet', inputShape: [12, 12, 4], classes: [] });
    const imported = importPath(path.join(dir, 'model.json'));
    assert.equal(imported.model, 'OwnNet');
    assert.match(imported.text, /zeropad2d\(1, 1, 1, 1\)/);
    assert.match(imported.text, /groups: 2/);
    assert.ok((await outputDiff(imported, source, analysed.totals.params)) <= 1e-5);
  });

  test('a model trained for one epoch by `stride train`: same totals, same outputs as the trained model', async () => {
    const run = path.join(tmp, 'shapes-run');
    const example = path.resolve(__dirname, '..', '..', '..', 'examples', 'shapes.stride');
    const r = spawnSync(process.execPath, [BIN, 'train', example, '--epochs', '1', '--limit', '256', '--out', run], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const analysed = analyze(fs.readFileSync(example, 'utf8')).models[0];
    const trained = buildModel(lowered(analysed), { seed: 1 });
    loadWeightsInto(trained, path.join(run, 'weights'));
    const imported = importPath(path.join(run, 'weights', 'model.json'));
    assert.equal(imported.model, 'ShapesNet');
    assert.ok((await outputDiff(imported, trained, analysed.totals.params)) <= 1e-5);
  });

  test('stride import writes the .stride file and the weights folder', async () => {
    const file = await saveTfjs(residual(), path.join(tmp, 'cli'));
    const out = path.join(tmp, 'cli', 'net.stride');
    const r = spawnSync(process.execPath, [BIN, 'import', file, '--name', 'Net', '--out', out, '--weights-out', path.join(tmp, 'cli', 'w')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(out, 'utf8'), /^model Net \{/m);
    assert.ok(fs.existsSync(path.join(tmp, 'cli', 'w', 'model.json')));
  });
});

describe('tfjs files the importer refuses', () => {
  before(useCpu);

  test('a missing shard, a short shard, a non-float32 weight, a shard path outside the folder', async () => {
    const file = await saveTfjs(residual(), path.join(tmp, 'bad'), 2);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const write = (name: string, edit: (j: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      fs.writeFileSync(path.join(tmp, 'bad', name), JSON.stringify(copy));
      return path.join(tmp, 'bad', name);
    };
    refused(
      write('missing.json', (j) => (j.weightsManifest[0].paths[1] = 'gone.bin')),
      /weight shard 'gone\.bin' is missing/,
    );
    fs.writeFileSync(path.join(tmp, 'bad', 'short.bin'), new Uint8Array(12));
    refused(
      write('short.json', (j) => (j.weightsManifest[0].paths[1] = 'short.bin')),
      /hold \d+ bytes but the manifest describes \d+/,
    );
    refused(
      write('int.json', (j) => (j.weightsManifest[0].weights[0].dtype = 'int32')),
      /is int32; only float32 weights are imported/,
    );
    refused(
      write('escape.json', (j) => (j.weightsManifest[0].paths[0] = '../seq/group1-shard1of2.bin')),
      /is not a file beside model\.json/,
    );
    refused(
      write('absurd.json', (j) => (j.weightsManifest[0].weights[0].shape = [1e6, 1e6])),
      /over the \d+-byte limit/,
    );
  });

  test('unsupported layers are listed with their counts and names; channels_first data and axes are refused', async () => {
    const m = tf.sequential();
    m.add(tf.layers.cropping2D({ inputShape: [6, 6, 2], cropping: 1, name: 'crop1' }));
    m.add(tf.layers.cropping2D({ cropping: 1, name: 'crop2' }));
    m.add(tf.layers.permute({ dims: [2, 1, 3], name: 'swap' }));
    refused(await saveTfjs(m, path.join(tmp, 'unsupported'), 1), /Cropping2D ×2: crop1, crop2\n {2}Permute ×1: swap/);
    const cf = tf.sequential();
    cf.add(tf.layers.flatten({ inputShape: [2, 4, 4], dataFormat: 'channelsFirst', name: 'flat' }));
    cf.add(tf.layers.dense({ units: 2 }));
    refused(await saveTfjs(cf, path.join(tmp, 'cf'), 1), /Flatten layer 'flat': channels_first data is not imported/);
    const bn = tf.sequential();
    bn.add(tf.layers.batchNormalization({ inputShape: [2, 4, 4], axis: 1, name: 'bn' }));
    refused(await saveTfjs(bn, path.join(tmp, 'bn1'), 1), /BatchNormalization layer 'bn': axis 1 is not imported \(only the channel axis, the last\)/);
  });

  test('a file that is not JSON', () => {
    fs.writeFileSync(path.join(tmp, 'junk.json'), '{"modelTopology": ');
    refused(path.join(tmp, 'junk.json'), /is not a tfjs model\.json/);
  });
});
