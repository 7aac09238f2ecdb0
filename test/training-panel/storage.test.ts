// Weights and checkpoint files of the training panel: tfjs layout beside the model, atomic replacement, damaged files.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { checkpointDir, readCheckpoint, readSavedWeights, saveWeights, writeCheckpoint } from '../../client/training/storage';
import { weightsDir, writeFolderAtomically } from '../../train/node/saved-files';

const payload = (fill: number) => ({ specs: [{ name: 'dense/kernel', shape: [2, 3], dtype: 'float32' as const }], data: new Uint8Array(24).fill(fill) });
const meta = { inputShape: [4, 4, 1], classes: ['a', 'b', 'c'], dataset: 'shapes', epochs: 2 };

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-storage-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('training panel weights', () => {
  it('puts weights in <file>.weights/<Model> next to the model file', () => {
    assert.equal(weightsDir('/w/nets/resnet8.stride', 'ResNet8'), path.join('/w/nets', 'resnet8.weights', 'ResNet8'));
  });

  it('saves the tfjs layers-model format and reads it back', () => {
    const target = weightsDir(path.join(dir, 'm.stride'), 'M');
    saveWeights(target, 'M', '{"class_name":"Model"}', payload(7), meta);
    const json = JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.modelTopology, { class_name: 'Model' });
    assert.deepEqual(json.weightsManifest, [{ paths: ['weights.bin'], weights: payload(7).specs }]);
    assert.deepEqual(json.userDefinedMetadata.stride, { model: 'M', ...meta });
    assert.deepEqual(readSavedWeights(target), payload(7));
    assert.deepEqual(fs.readdirSync(path.dirname(target)), ['M'], 'no temporary folders are left behind');
  });

  it('keeps the old weights when a save fails before the swap', () => {
    const target = path.join(dir, 'w');
    writeFolderAtomically(target, { 'a.bin': new Uint8Array([1]) });
    // A file name that cannot be created makes the write fail inside the temporary folder.
    assert.throws(() => writeFolderAtomically(target, { 'a.bin': new Uint8Array([2]), 'sub/b.bin': new Uint8Array([3]) }));
    assert.deepEqual([...fs.readFileSync(path.join(target, 'a.bin'))], [1]);
    assert.deepEqual(fs.readdirSync(dir), ['w']);
  });
});

describe('training panel weights after a failure', () => {
  it('falls back to the previous copy when a save stopped between its renames', () => {
    const target = path.join(dir, 'M');
    saveWeights(target, 'M', '{}', payload(3), meta);
    fs.renameSync(target, `${target}.previous`);
    const warnings: string[] = [];
    assert.deepEqual(
      readSavedWeights(target, (m) => warnings.push(m)),
      payload(3),
    );
    assert.deepEqual(warnings, [`the last save of these weights was interrupted; using the previous copy in ${target}.previous.`]);
  });

  it('answers null when nothing was saved and explains damaged files', () => {
    assert.equal(readSavedWeights(path.join(dir, 'none')), null);
    const target = path.join(dir, 'M');
    saveWeights(target, 'M', '{}', payload(1), meta);
    fs.writeFileSync(path.join(target, 'weights.bin'), new Uint8Array(10));
    assert.throws(() => readSavedWeights(target), /damaged: weight data has 10 bytes, the specs describe 24/);
    fs.writeFileSync(path.join(target, 'model.json'), '{');
    assert.throws(() => readSavedWeights(target), /is not valid JSON/);
  });

  it('round-trips checkpoints and ignores damaged ones', () => {
    const c = checkpointDir(dir, 'file:///a.stride', 'M');
    assert.notEqual(c, checkpointDir(dir, 'file:///a.stride', 'N'));
    const cp = { model: 'M', epoch: 2, weights: payload(9), history: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1.1, valAccuracy: null }] };
    writeCheckpoint(c, cp);
    assert.deepEqual(readCheckpoint(c), cp);
    fs.writeFileSync(path.join(c, 'weights.bin'), new Uint8Array(3));
    assert.equal(readCheckpoint(c), null);
    assert.equal(readCheckpoint(path.join(dir, 'missing')), null);
  });
});
