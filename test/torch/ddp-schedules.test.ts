// The PyTorch engine against Stride's Node trainer on the same file: learning-rate schedules epoch by epoch, early
// stopping and the best epoch's weights, the per-class results files, and a schedule continued after a kill.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { predict } from '../../train/node/run';
import { killAfterFirstEpoch, modelSource, NO_TORCH, packedSamples, stride, tempDir, writeModel, type Record, trainLogged } from './ddp-harness';

interface Epoch {
  readonly epoch: number;
  readonly lr: number;
  readonly loss: number;
}

/** A small shapes classifier with extra train-section lines (a schedule, early stopping). */
function source(extra: string, o: { count?: number; epochs?: number; optimizer?: string } = {}): string {
  return modelSource({
    name: 'Net',
    norm: false,
    optimizer: o.optimizer ?? 'sgd(lr: 0.1, momentum: 0.9)',
    count: o.count ?? 120,
    epochs: o.epochs ?? 4,
    batch: 16,
    validation: 0.25,
    extra,
  });
}

const epochs = (log: readonly Record[]) => log.filter((r) => r.event === 'epoch') as unknown as Epoch[];
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-12);

describe('learning-rate schedules on PyTorch', { skip: NO_TORCH }, () => {
  const kinds: [string, readonly string[]][] = [
    ['step(every: 2, gamma: 0.5)', []],
    ['cosine(warmup: 1, min_lr: 0.001)', []],
    ['one_cycle(max_lr: 0.2)', []],
    // Two processes: the plateau's rate is rank 0's, broadcast to the other.
    ['reduce_on_plateau(monitor: val_loss, patience: 0, factor: 0.5, threshold: 0.5)', ['--nproc', '2']],
  ];
  for (const [schedule, more] of kinds) {
    test(`schedule: ${schedule} gives each epoch the Node trainer's learning rate`, async () => {
      const dir = tempDir('stride-ddp-schedule-');
      const file = writeModel(dir, 'net', source(`schedule: ${schedule}`));
      const node = epochs(await trainLogged(file, path.join(dir, 'node'), 'node'));
      const torch = epochs(await trainLogged(file, path.join(dir, 'torch'), 'torch', more));
      assert.equal(torch.length, node.length);
      assert.ok(new Set(node.map((e) => e.lr)).size > 1, `the schedule changes the rate: ${node.map((e) => e.lr).join(', ')}`);
      node.forEach((n, i) => {
        assert.ok(close(torch[i].lr, n.lr, 1e-9), `epoch ${n.epoch}: lr ${torch[i].lr} vs ${n.lr}`);
        assert.ok(Math.abs(torch[i].loss - n.loss) < 1e-4, `epoch ${n.epoch}: loss ${torch[i].loss} vs ${n.loss}`);
      });
      // The progress line shows the rate, as the Node trainer's does.
      const csv = fs.readFileSync(path.join(dir, 'torch', 'metrics.csv'), 'utf8').split('\n');
      assert.match(csv[0], /,lr,/);
      assert.equal(csv.filter((l) => l.trim()).length, torch.length + 1);
    });
  }
});

/** Rows of predictions.csv: the true and the predicted class of each validation sample. */
function confusionFromPredictions(file: string, classes: readonly string[]): number[][] {
  const matrix = classes.map(() => classes.map(() => 0));
  const [head, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  for (const row of rows) {
    const cells = row.split(',');
    matrix[classes.indexOf(cells[cols.indexOf('label')])][classes.indexOf(cells[cols.indexOf('predicted')])]++;
  }
  return matrix;
}

describe('early stopping, best weights and results on PyTorch', { skip: NO_TORCH }, () => {
  test("stops at the Node run's epoch; best/ predicts as the Node run's best; results.json matches predictions.csv", async () => {
    const dir = tempDir('stride-ddp-early-');
    const file = writeModel(dir, 'net', source('early_stopping: patience(1, monitor: val_loss, min_delta: 0.05)', { epochs: 6 }));
    const nodeLog = await trainLogged(file, path.join(dir, 'node'), 'node');
    const torchLog = await trainLogged(file, path.join(dir, 'torch'), 'torch', ['--nproc', '2']);
    const [nodeEnd, torchEnd] = [nodeLog.at(-1)!, torchLog.at(-1)!];
    assert.ok(epochs(nodeLog).length < 6, 'the Node run stops early');
    assert.equal(epochs(torchLog).length, epochs(nodeLog).length);
    assert.equal(torchEnd.status, 'completed');
    assert.match(String(torchEnd.reason), /^Stopped early after epoch \d+: val_loss has not improved/);
    const [nodeBest, torchBest] = [nodeEnd.best as { epoch: number; value: number }, torchEnd.best as { epoch: number; value: number }];
    assert.equal(torchBest.epoch, nodeBest.epoch);
    assert.ok(torchBest.epoch < epochs(torchLog).length, 'the best epoch is not the last');
    assert.equal(torchEnd.bestDir, path.join(dir, 'torch', 'best'));

    const samples = packedSamples(path.join(dir, 'torch', 'torch'), 8);
    const model = trainingModelFor(analyze(fs.readFileSync(file, 'utf8')), {}, file);
    assert.ok(model.ok);
    const run = (weightsDir: string) => predict({ model: model.value, weightsDir, samples, topK: 4 });
    const probs = (p: Awaited<ReturnType<typeof run>>) => p.map((s) => [...s.top].sort((a, b) => a.index - b.index).map((t) => t.probability));
    // One after the other: predict chooses the backend on its first call.
    const torchBestP = probs(await run(path.join(dir, 'torch', 'best')));
    const nodeBestP = probs(await run(path.join(dir, 'node', 'best')));
    const torchLastP = probs(await run(path.join(dir, 'torch', 'weights')));
    torchBestP.forEach((row, i) =>
      row.forEach((p, c) => assert.ok(Math.abs(p - nodeBestP[i][c]) < 1e-4, `sample ${i}, class ${c}: ${p} vs ${nodeBestP[i][c]}`)),
    );
    assert.ok(
      torchBestP.some((row, i) => row.some((p, c) => Math.abs(p - torchLastP[i][c]) > 1e-4)),
      'best/ holds other weights than weights/',
    );

    // results.json: its confusion matrix is the one predictions.csv gives, and the Node run's.
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'torch', 'results.json'), 'utf8')) as {
      classes: string[];
      confusion: number[][];
      samples: number;
    };
    assert.deepEqual(results.confusion, confusionFromPredictions(path.join(dir, 'torch', 'predictions.csv'), results.classes));
    assert.equal(results.samples, 30);
    const nodeResults = JSON.parse(fs.readFileSync(path.join(dir, 'node', 'results.json'), 'utf8')) as { confusion: number[][] };
    assert.deepEqual(results.confusion, nodeResults.confusion);
  });
});

describe('a schedule resumed after a kill', { skip: NO_TORCH || (!fs.existsSync('/proc/self/cmdline') && 'needs /proc') }, () => {
  test('continues with the learning rates of the uninterrupted run', async () => {
    const dir = tempDir('stride-ddp-schedule-resume-');
    const file = writeModel(dir, 'net', source('schedule: cosine(warmup: 1)', { count: 2400, epochs: 4, optimizer: 'adam(lr: 0.003)' }));
    const whole = epochs(await trainLogged(file, path.join(dir, 'reference'), 'torch'));
    const out = path.join(dir, 'killed');
    const seen = await killAfterFirstEpoch(file, out);
    assert.ok(seen >= 1 && seen < 4, `killed after ${seen} epochs`);
    const log = await trainLogged(file, out, 'torch', ['--resume']);
    const after = epochs(log.slice(log.map((r) => r.event).lastIndexOf('start')));
    assert.equal(after[0].epoch, seen + 1);
    for (const e of after) assert.ok(close(e.lr, whole[e.epoch - 1].lr, 1e-12), `epoch ${e.epoch}: lr ${e.lr} vs ${whole[e.epoch - 1].lr}`);
    assert.ok(after.at(-1)!.lr < whole[0].lr, 'the rate has annealed');
  });
});
