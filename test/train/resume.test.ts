// Checkpoints that resume exactly: a run stopped mid-epoch and resumed from the checkpoint its stop left trains the very
// batches, with the very losses and learning rates, of a run that was never stopped (cpu backend, same seed).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { CHECKPOINT_DIR, readCheckpointFiles } from '../../train/node/checkpoint-files';
import { runTraining, type RunTrainingOptions } from '../../train/node/run';
import { tempDir } from './helpers';

function host(text: string): TrainingModel {
  const r = trainingModelFor(analyze(text), {}, 'source');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const source = (layers: string, settings: string): string => `model M {
  input(16, 16, 1)
${layers}
  dense(4, activation: softmax)
}
train M {
  data: shapes(count: 96)
  ${settings}
  epochs: 3
  batch: 16
  validation: 0.25
  seed: 5
}
`;

const CONV = '  conv2d(4, 3, stride: 2, activation: relu)\n  batchnorm()\n  flatten()';
const CASES = [
  { name: 'Adam with a cosine schedule and early stopping', text: source(CONV, 'optimizer: adam(lr: 0.01)  schedule: cosine(warmup: 1)  early_stopping: 5') },
  {
    name: 'SGD with momentum and reduce_on_plateau',
    text: source(CONV, 'optimizer: sgd(lr: 0.05, momentum: 0.9)  schedule: reduce_on_plateau(monitor: loss, patience: 0, factor: 0.5)'),
  },
  {
    name: 'AdamW, one_cycle and seeded dropout',
    text: source(
      `${CONV}\n  dropout(0.3)\n  dense(16, activation: relu)\n  dropout(0.2)`,
      'optimizer: adamw(lr: 0.01, weight_decay: 0.01)  schedule: one_cycle',
    ),
  },
  {
    // Every layer that draws while training counts its draws in the checkpoint, not only plain dropout.
    name: 'seeded noise: gaussian noise and dropout, drop path, attention dropout, alpha dropout',
    text: source(
      [
        '  conv2d(4, 3, stride: 2, padding: same, activation: relu)',
        '  gaussian_noise(0.1)',
        '  gaussian_dropout(0.2)',
        '  drop_path(0.3)',
        '  reshape(64, 4)',
        '  multihead_attention(2, 4, dropout: 0.2)',
        '  flatten()',
        '  dense(16, activation: selu)',
        '  alpha_dropout(0.1)',
      ].join('\n'),
      'optimizer: adam(lr: 0.01)',
    ),
  },
  {
    // Augmentation draws and unfreezing follow the epoch counted over the whole run, not since the resume.
    name: 'augmentation, normalisation and a layer unfrozen after epoch 1',
    text: source(
      `  stem = conv2d(4, 3, stride: 2, activation: relu)\n  batchnorm()\n  flatten()`,
      'optimizer: adam(lr: 0.01)  normalize: auto  augment: [flip, crop(pad: 2), cutout(4)]  freeze: [stem]  unfreeze: 1',
    ),
  },
];

const tmp = tempDir('resume');
after(tmp.cleanup);

interface Step {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  readonly lr: number;
}

/** Runs and records every batch's (epoch, batch, loss, lr); `stopAt` aborts at that (epoch, batch). */
async function record(o: Omit<RunTrainingOptions, 'onProgress'>, stopAt?: [number, number]): Promise<{ steps: Step[]; status: string }> {
  const steps: Step[] = [];
  const abort = new AbortController();
  const r = await runTraining({
    ...o,
    backend: 'cpu',
    signal: abort.signal,
    onProgress: (e) => {
      if (e.type !== 'batch') return;
      steps.push({ epoch: e.progress.epoch, batch: e.progress.batch, loss: e.progress.loss, lr: e.progress.lr });
      if (stopAt && e.progress.epoch === stopAt[0] && e.progress.batch === stopAt[1]) abort.abort();
    },
  });
  return { steps, status: r.status };
}

/** metrics.csv without the timing columns, which differ between any two runs. */
function csvValues(dir: string): string[][] {
  const [head, ...rows] = fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
  const keep = head.split(',').map((c) => !['seconds', 'samples_per_second'].includes(c));
  return [head, ...rows].map((l) => l.split(',').filter((_, i) => keep[i]));
}

describe('a resumed run continues the same run', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const model = host(c.text);
      const straightDir = path.join(tmp.dir, `straight-${CASES.indexOf(c)}`);
      const straight = await record({ model, outDir: straightDir });
      assert.equal(straight.status, 'completed');
      const outDir = path.join(tmp.dir, `resumed-${CASES.indexOf(c)}`);
      // Stopped in the middle of epoch 2: the stop leaves a checkpoint after its second batch, with the epoch's sums so far.
      const first = await record({ model, outDir }, [2, 2]);
      assert.equal(first.status, 'stopped');
      const kept = readCheckpointFiles(path.join(outDir, CHECKPOINT_DIR))!;
      assert.equal(kept.state.loop.epoch, 1);
      assert.equal(kept.state.loop.partial?.batch, 2);
      assert.equal(kept.state.loop.partial?.seen, 32);
      const second = await record({ model, outDir, resume: true });
      assert.equal(second.status, 'completed');
      assert.deepEqual(second.steps[0], { ...straight.steps[first.steps.length], epoch: 2, batch: 3 }, 'the resumed run starts at epoch 2, batch 3');
      const resumed = [...first.steps, ...second.steps];
      assert.equal(resumed.length, straight.steps.length);
      assert.deepEqual(resumed, straight.steps, 'per-batch epochs, losses and learning rates are bit for bit those of the uninterrupted run');
      assert.deepEqual(csvValues(outDir), csvValues(straightDir), 'metrics.csv holds the same epochs and values');
      const a = fs.readFileSync(path.join(outDir, 'weights', 'weights.bin'));
      assert.ok(a.equals(fs.readFileSync(path.join(straightDir, 'weights', 'weights.bin'))), 'the final weights are equal');
    });
  }
});

describe('a resumed data-parallel run continues the same run', () => {
  test('two threads, seeded dropout and batch norm: stopped mid-epoch and resumed = uninterrupted, bit for bit', async () => {
    const model = host(CASES[2].text);
    const straightDir = path.join(tmp.dir, 'threads-straight');
    const straight = await record({ model, outDir: straightDir, threads: 2 });
    assert.equal(straight.status, 'completed');
    const outDir = path.join(tmp.dir, 'threads-resumed');
    const first = await record({ model, outDir, threads: 2 }, [2, 2]);
    assert.equal(first.status, 'stopped');
    const warnings: string[] = [];
    const second = await record({ model, outDir, resume: true, threads: 2, warn: (m) => warnings.push(m) });
    assert.deepEqual(
      warnings.filter((w) => w.includes('checkpoint')),
      [],
      'the same thread count resumes without a warning',
    );
    assert.deepEqual([...first.steps, ...second.steps], straight.steps, 'the partner thread draws its dropout masks from the step, not from its own start');
    const a = fs.readFileSync(path.join(outDir, 'weights', 'weights.bin'));
    assert.ok(a.equals(fs.readFileSync(path.join(straightDir, 'weights', 'weights.bin'))), 'the final weights are equal');
    // The shares draw their own masks: not the one-thread run (batch norm per share aside, equal masks would be a copy).
    const single = await record({ model, outDir: path.join(tmp.dir, 'threads-single') });
    assert.notDeepEqual(single.steps, straight.steps);
  });

  test('resumed on another thread count, the run goes on from the checkpoint with a warning that says why it differs', async () => {
    const model = host(CASES[2].text);
    const outDir = path.join(tmp.dir, 'threads-changed');
    const first = await record({ model, outDir, threads: 2 }, [2, 2]);
    assert.equal(first.status, 'stopped');
    assert.equal(readCheckpointFiles(path.join(outDir, CHECKPOINT_DIR))!.threads, 2, 'the checkpoint records its thread count');
    const warnings: string[] = [];
    const second = await record({ model, outDir, resume: true, warn: (m) => warnings.push(m) });
    assert.equal(second.status, 'completed');
    assert.deepEqual(second.steps[0], { ...second.steps[0], epoch: 2, batch: first.steps.at(-1)!.batch + 1 }, 'it continues where the stopped run ended');
    assert.deepEqual(
      warnings.filter((w) => w.includes('checkpoint')),
      [
        'The checkpoint was saved by a run on 2 threads; this one continues on 1 thread. It goes on from the same state, but batch norm and dropout see the batches split differently, so it will not equal the stopped run continued on 2 threads.',
      ],
    );
  });
});

/** Every file under `dir` with its bytes, to show nothing changed. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) out.set(name, fs.readFileSync(full).toString('base64'));
  }
  return out;
}

describe('resuming refuses what it cannot continue, and changes nothing', () => {
  const model = () => host(source(CONV, 'optimizer: adam(lr: 0.01)'));
  const stopped = async (name: string): Promise<string> => {
    const outDir = path.join(tmp.dir, name);
    assert.equal((await record({ model: model(), outDir }, [2, 1])).status, 'stopped');
    return outDir;
  };

  test('a truncated optimizer state or a damaged checkpoint.json is a clear error', async () => {
    const outDir = await stopped('damaged');
    const ckpt = path.join(outDir, CHECKPOINT_DIR);
    const json = path.join(ckpt, 'checkpoint.json');
    const saved = fs.readFileSync(json, 'utf8');
    fs.writeFileSync(json, JSON.stringify({ ...JSON.parse(saved), threads: 0 }));
    await assert.rejects(record({ model: model(), outDir, resume: true }), /checkpoint in '.*' is damaged: checkpoint.json has an invalid thread count/);
    fs.writeFileSync(json, saved);
    const slots = path.join(ckpt, 'optimizer.bin');
    fs.truncateSync(slots, fs.statSync(slots).size - 10);
    const before = snapshot(outDir);
    await assert.rejects(record({ model: model(), outDir, resume: true }), /checkpoint in '.*' is damaged: weight data has \d+ bytes, the specs describe \d+/);
    assert.deepEqual(snapshot(outDir), before);
    fs.writeFileSync(path.join(ckpt, 'checkpoint.json'), '{"format": "stride-checkpoint/1", "loop": ');
    const again = snapshot(outDir);
    await assert.rejects(record({ model: model(), outDir, resume: true }), /checkpoint in '.*' is damaged: .*JSON/);
    assert.deepEqual(snapshot(outDir), again);
  });

  test('another model or other settings are refused by name; no checkpoint is refused', async () => {
    const outDir = await stopped('changed');
    const before = snapshot(outDir);
    await assert.rejects(record({ model: model(), outDir, resume: true, epochs: 4 }), /settings changed since the checkpoint was saved: epochs 3 → 4/);
    const wider = host(source(CONV.replace('conv2d(4', 'conv2d(6'), 'optimizer: adam(lr: 0.01)'));
    await assert.rejects(record({ model: wider, outDir, resume: true }), /the model changed since the checkpoint was saved/);
    assert.deepEqual(snapshot(outDir), before);
    await assert.rejects(record({ model: model(), outDir: path.join(tmp.dir, 'none'), resume: true }), /Nothing to resume: .* has no checkpoint/);
  });
});
