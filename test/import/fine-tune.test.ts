// Fine-tuning an imported model: a trained model goes out to ONNX and back in with its weights, and `stride train
// --init` starts from them — the first epoch starts where the trained model left off, not from scratch.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runRecords } from '../helpers/run-records';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-fine-tune-'));

function stride(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

const epochs = (run: string) => runRecords(run, 'epoch');

test('an imported model fine-tunes from its imported weights with stride train --init', () => {
  const source = path.join(dir, 'shapes.stride');
  fs.copyFileSync(path.join(ROOT, 'examples', 'shapes.stride'), source);
  const trained = stride('train', source, '--epochs', '6', '--limit', '600', '--out', path.join(dir, 'trained'));
  assert.equal(trained.status, 0, trained.stderr);
  const onnx = path.join(dir, 'shapes.onnx');
  const exported = stride('export', source, '--format', 'onnx', '--weights', path.join(dir, 'trained'), '--out', onnx);
  assert.equal(exported.status, 0, exported.stderr);
  const imported = path.join(dir, 'imported.stride');
  const back = stride('import', onnx, '--name', 'Imported', '--out', imported);
  assert.equal(back.status, 0, back.stderr);
  const weights = path.join(dir, 'imported.weights', 'Imported');
  assert.ok(fs.existsSync(path.join(weights, 'model.json')), back.stdout);

  const fresh = stride('train', imported, '--epochs', '1', '--limit', '600', '--out', path.join(dir, 'fresh'));
  assert.equal(fresh.status, 0, fresh.stderr);
  const tuned = stride('train', imported, '--epochs', '1', '--limit', '600', '--init', weights, '--out', path.join(dir, 'tuned'));
  assert.equal(tuned.status, 0, tuned.stderr);
  const [first] = epochs(path.join(dir, 'fresh'));
  const [fromImport] = epochs(path.join(dir, 'tuned'));
  const lastTrained = epochs(path.join(dir, 'trained')).pop()!;
  // Six epochs of training are worth more than the one a fresh start gets: the run from the imported weights is
  // closer to where the trained model ended than to a start from scratch.
  const message = `first-epoch loss from the imported weights ${fromImport.loss}, from scratch ${first.loss}; the trained model's last ${lastTrained.loss}`;
  assert.ok(lastTrained.loss < first.loss, message);
  assert.ok(fromImport.loss < (first.loss + lastTrained.loss) / 2, message);
  const [start] = runRecords(path.join(dir, 'tuned'), 'start');
  assert.equal(start.init, weights);
});

test('--init with weights of another model, or a missing folder, is a clear error', () => {
  const other = path.join(dir, 'other.stride');
  fs.writeFileSync(other, 'model Other {\n  input(32, 32, 1)\n  flatten()\n  dense(4, activation: softmax)\n}\n');
  const run = path.join(dir, 'other-run');
  const wrong = stride('train', other, '--epochs', '1', '--limit', '64', '--init', path.join(dir, 'trained'), '--out', run);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /--init '.*trained': The weights in .* do not fit model/);
  assert.ok(!fs.existsSync(path.join(run, 'weights')), 'nothing trained, nothing saved');
  const missing = stride('train', other, '--init', path.join(dir, 'nowhere'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--init '.*nowhere' does not exist/);
});
