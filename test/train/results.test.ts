// Per-class results: the definitions on hand-made predictions, and a real run's results.json recomputed from the
// predictions.csv written beside it by code that shares nothing with the writer.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { classResults, type Predictions } from '../../train/results';
import { runRecords } from '../helpers/run-records';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');

const softmax = (rows: number[][], labels: number[]): Predictions => ({
  scores: Float32Array.from(rows.flat()),
  units: rows[0].length,
  labels: Int32Array.from(labels),
  indices: Int32Array.from(labels, (_, i) => 100 + i),
  form: 'softmax',
});

describe('class results', () => {
  test('confusion, precision, recall, F1, one-vs-rest accuracy, top-2 and the confidently wrong', () => {
    const p = softmax(
      [
        [0.7, 0.2, 0.1], // 0 → 0
        [0.6, 0.3, 0.1], // 1 → 0 (wrong, 0.6; label 1 in top 2)
        [0.1, 0.8, 0.1], // 1 → 1
        [0.2, 0.1, 0.7], // 2 → 2
        [0.9, 0.05, 0.05], // 2 → 0 (wrong, 0.9; label 2 ties 1 below the top: not in top 2 since 1 < 2 wins the tie)
      ],
      [0, 1, 1, 2, 2],
    );
    const r = classResults(p, ['a', 'b', 'c']);
    assert.deepEqual(r.confusion, [
      [1, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    assert.equal(r.accuracy, 3 / 5);
    assert.deepEqual(r.topK, { k: 2, accuracy: 4 / 5 });
    const a = r.perClass[0];
    assert.deepEqual([a.support, a.precision, a.recall], [1, 1 / 3, 1]);
    assert.ok(Math.abs(a.f1 - 0.5) < 1e-12);
    assert.equal(a.accuracy, 3 / 5, 'a: TP 1, TN 2 of 5');
    assert.deepEqual(
      r.wrong.map((w) => [w.index, w.label, w.predicted, Math.round(w.confidence * 100)]),
      [
        [104, 2, 0, 90],
        [101, 1, 0, 60],
      ],
    );
  });

  test('a single sigmoid unit: thresholded at 0.5, no top-k', () => {
    const p: Predictions = {
      scores: Float32Array.from([0.9, 0.2, 0.6, 0.4]),
      units: 1,
      labels: Int32Array.from([1, 0, 0, 1]),
      indices: Int32Array.from([0, 1, 2, 3]),
      form: 'sigmoid',
    };
    const r = classResults(p, ['no', 'yes']);
    assert.deepEqual(r.confusion, [
      [1, 1],
      [1, 1],
    ]);
    assert.equal(r.topK, undefined);
    assert.deepEqual(
      r.wrong.map((w) => [w.index, Math.round(w.confidence * 100)]),
      [
        [2, 60],
        [3, 60],
      ],
    );
  });
});

test('stride train writes results.json that predictions.csv reproduces', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-results-'));
  const file = path.join(dir, 'shapes.stride');
  fs.copyFileSync(path.join(ROOT, 'examples', 'shapes.stride'), file);
  const r = spawnSync(process.execPath, [BIN, 'train', file, '--epochs', '1', '--limit', '400'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Validation results \(40 samples\): accuracy [\d.]+%, top-2 [\d.]+%$/m);
  assert.match(r.stdout, /^Confusion matrix \(rows: true class, columns: predicted\):$/m);
  const run = path.join(dir, 'shapes.runs', 'ShapesNet');
  const results = JSON.parse(fs.readFileSync(path.join(run, 'results.json'), 'utf8'));
  const [header, ...rows] = fs.readFileSync(path.join(run, 'predictions.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const classes: string[] = cols.filter((c) => c.startsWith('p_')).map((c) => c.slice(2));
  assert.deepEqual(classes, results.classes);
  const confusion = classes.map(() => classes.map(() => 0));
  let correct = 0;
  for (const row of rows) {
    const cells = row.split(',');
    const probs = cells.slice(4).map(Number);
    const argmax = probs.indexOf(Math.max(...probs));
    assert.equal(cells[2], classes[argmax], 'the predicted class is the most probable one');
    confusion[classes.indexOf(cells[1])][argmax]++;
    if (cells[1] === cells[2]) correct++;
  }
  assert.deepEqual(results.confusion, confusion);
  assert.equal(results.accuracy, correct / rows.length);
  assert.equal(results.samples, rows.length);
  const [end] = runRecords(run, 'end');
  const lastEpoch = runRecords(run, 'epoch').pop()!;
  assert.ok(Math.abs(end.results.accuracy - lastEpoch.valMetrics.accuracy) < 1e-9, 'the same weights and samples as the last validation');
});
