// `stride train` with a schedule and early stopping, as a real process: the learning rate each epoch used, the stop
// after the right epoch, and the best epoch's weights kept beside the last ones.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { makeShapes } from '../../train/data/shapes';
import { runRecords } from '../helpers/run-records';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-train-schedule-'));

// min_delta 100 makes every epoch after the first a non-improvement: with patience 1 the run must end after epoch 2.
const MODEL = `model Tiny {
  input(32, 32, 1)
  conv2d(4, 3, stride: 2, activation: relu)
  flatten()
  dense(4, activation: softmax)
}
train Tiny {
  data: shapes  optimizer: sgd(lr: 0.08)  epochs: 6  batch: 32  validation: 0.25  seed: 5
  schedule: step(every: 1, gamma: 0.5)
  early_stopping: patience(1, monitor: val_loss, min_delta: 100)
}
`;

test('a step schedule halves the learning rate each epoch and early stopping ends the run after its patience', () => {
  const file = path.join(dir, 'tiny.stride');
  fs.writeFileSync(file, MODEL);
  const r = spawnSync(process.execPath, [BIN, 'train', file, '--limit', '128'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^epoch 1\/6: .* · lr 0\.08 · /m);
  assert.match(r.stderr, /^epoch 2\/6: .* · lr 0\.04 · /m);
  assert.doesNotMatch(r.stderr, /^epoch 3\/6/m);
  assert.match(r.stdout, /^Finished: Tiny on .* — Stopped early after epoch 2: val_loss has not improved for 1 epoch \(best [\d.]+ at epoch 1\)\.$/m);
  const run = path.join(dir, 'tiny.runs', 'Tiny');
  assert.match(r.stdout, new RegExp(`^Best: val_loss [\\d.]+ at epoch 1, weights in ${path.join(run, 'best').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));

  const [header, ...rows] = fs.readFileSync(path.join(run, 'metrics.csv'), 'utf8').trim().split('\n');
  const lr = header.split(',').indexOf('lr');
  assert.deepEqual(
    rows.map((row) => Number(row.split(',')[lr])),
    [0.08, 0.04],
  );

  const meta = (folder: string) => JSON.parse(fs.readFileSync(path.join(run, folder, 'model.json'), 'utf8')).userDefinedMetadata.stride;
  const best = fs.readFileSync(path.join(run, 'best', 'weights.bin'));
  const last = fs.readFileSync(path.join(run, 'weights', 'weights.bin'));
  assert.equal(best.length, last.length);
  assert.ok(!best.equals(last), 'the best epoch (1) and the last (2) have different weights');
  assert.equal(meta('best').epochs, 1);
  assert.equal(meta('weights').epochs, 2);

  const [end] = runRecords(run, 'end');
  assert.equal(end.best.epoch, 1);
  assert.equal(end.best.monitor, 'val_loss');

  // The best weights predict like any weights folder.
  const image = path.join(dir, 'shape.png');
  const set = makeShapes({ count: 1, testCount: 1 }).train;
  const png = new PNG({ width: 32, height: 32 });
  for (let i = 0; i < 32 * 32; i++) png.data.set([set.images[i], set.images[i], set.images[i], 255], i * 4);
  fs.writeFileSync(image, PNG.sync.write(png));
  const predict = spawnSync(process.execPath, [BIN, 'predict', file, image, '--weights', path.join(run, 'best')], { encoding: 'utf8' });
  assert.equal(predict.status, 0, predict.stderr);
  assert.match(predict.stdout, /shape\.png: (circle|square|triangle|cross) [\d.]+%/);
});

test('a monitor the run does not measure is a clear error before any training', () => {
  const file = path.join(dir, 'nometric.stride');
  fs.writeFileSync(file, MODEL.replace('monitor: val_loss, min_delta: 100', 'monitor: val_precision').replace('seed: 5', 'seed: 5  metrics: [accuracy]'));
  const r = spawnSync(process.execPath, [BIN, 'train', file, '--limit', '64'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /early_stopping watches 'val_precision' but 'precision' is not among the metrics \(accuracy\); add it to metrics: \[\.\.\.\]\./);
  assert.ok(!fs.existsSync(path.join(dir, 'nometric.runs', 'Tiny', 'weights')), 'no weights written');
});
