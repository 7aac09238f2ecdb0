// The training loop on real tfjs: loss falls, progress is reported, NaN stops it, stop/pause work, no tensors leak.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { TrainControl, yieldToEventLoop } from '../../train/control';
import type { Dataset } from '../../train/data/dataset';
import { makeShapes } from '../../train/data/shapes';
import { DataMismatchError } from '../../train/data/validate';
import { buildModel } from '../../train/model-builder';
import { trainModel, type BatchProgress, type EpochProgress, type TrainSettings } from '../../train/trainer';
import { useTrainingBackend } from './helpers';
import { lowered } from '../helpers/training';

const SMALL = `model Small {
  input(16, 16, 1)
  conv2d(16, 5, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}`;

const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({
  optimizer: { name: 'adam', args: { lr: 0.01 } },
  loss: 'crossentropy',
  metrics: ['accuracy', 'top5', 'precision', 'recall', 'mse', 'mae'],
  epochs: 3,
  batch: 32,
  validation: 0.2,
  seed: 4,
  ...over,
});

const analysisOf = (text: string): ModelAnalysis => analyze(text).models[0];
const data = makeShapes({ height: 16, width: 16, count: 320, seed: 2 });
const DENSE = 'model D {\n  input(16, 16, 1)\n  flatten()\n  dense(4, activation: softmax)\n}';

before(useTrainingBackend);

describe('trainer: learning and reproducibility', () => {
  test('loss falls on the shapes data, with per-batch and per-epoch progress', async () => {
    const analysis = analysisOf(SMALL);
    const model = buildModel(lowered(analysis), { seed: 1 });
    const batches: BatchProgress[] = [];
    const epochs: EpochProgress[] = [];
    const more = makeShapes({ height: 16, width: 16, count: 640, seed: 2 });
    const result = await trainModel(model, lowered(analysis), {
      settings: settings({ epochs: 6 }),
      data: more,
      onBatch: (p) => batches.push(p),
      onEpoch: (p) => void epochs.push(p),
    });
    model.dispose();
    assert.equal(result.status, 'completed');
    assert.equal(epochs.length, 6);
    assert.equal(batches.length, 6 * Math.ceil(512 / 32));
    assert.ok(epochs[5].loss < epochs[0].loss * 0.85, `loss did not fall: ${epochs.map((e) => e.loss)}`);
    const last = epochs[5];
    for (const key of ['accuracy', 'top5', 'precision', 'recall', 'mse', 'mae']) {
      assert.ok(Number.isFinite(last.metrics[key]) && Number.isFinite(last.valMetrics![key]), `metric ${key}`);
    }
    assert.equal(last.metrics.top5, 1, 'with 4 classes the true class is always in the top 5');
    assert.ok(last.valLoss! > 0 && last.samplesPerSecond > 0 && last.memory.numTensors > 0);
    assert.ok(batches[0].etaSeconds > batches[batches.length - 1].etaSeconds);
    assert.equal(batches[batches.length - 1].etaSeconds, 0);
  });

  test('the same seed trains to the same weights, dropout included', async () => {
    const run = async () => {
      const analysis = analysisOf(SMALL.replace('flatten()', 'flatten()\n  dropout(0.3)'));
      const model = buildModel(lowered(analysis), { seed: 9 });
      await trainModel(model, lowered(analysis), { settings: settings({ epochs: 1 }), data });
      const w = model.getWeights().map((t) => Array.from(t.dataSync()));
      model.dispose();
      return w;
    };
    assert.deepEqual(await run(), await run());
  });
});

describe('trainer: NaN and divergence', () => {
  test('a NaN loss stops training with an explanation, before the bad update', async () => {
    const bad: Dataset = { ...data, train: { ...data.train, images: Float32Array.from(data.train.images, (v, i) => (i === 5 ? NaN : v / 255)) } };
    const analysis = analysisOf(DENSE);
    const model = buildModel(lowered(analysis), { seed: 1 });
    const before = model.getWeights().map((t) => Array.from(t.dataSync()));
    const result = await trainModel(model, lowered(analysis), { settings: settings({ validation: 0, batch: 320 }), data: bad });
    const after = model.getWeights().map((t) => Array.from(t.dataSync()));
    model.dispose();
    assert.equal(result.status, 'diverged');
    assert.match(result.reason!, /loss became NaN at epoch 1, batch 1/);
    assert.match(result.reason!, /smaller learning rate/);
    assert.deepEqual(after, before);
  });

  test('a loss that explodes under a huge learning rate is caught as divergence', async () => {
    const analysis = analysisOf(DENSE.replace('softmax', 'linear'));
    const model = buildModel(lowered(analysis), { seed: 1 });
    const s = settings({ optimizer: { name: 'sgd', args: { lr: 1e30 } }, loss: 'mse', validation: 0, epochs: 5 });
    const result = await trainModel(model, lowered(analysis), { settings: s, data });
    model.dispose();
    assert.equal(result.status, 'diverged');
    assert.match(result.reason!, /loss became (NaN|Infinity) at epoch \d+, batch \d+.*now 1e\+30/);
  });
});

describe('trainer: stop and pause', () => {
  test('stop ends training after the current batch; an AbortSignal does the same', async () => {
    const analysis = analysisOf(SMALL);
    const model = buildModel(lowered(analysis), { seed: 1 });
    const control = new TrainControl();
    let seen = 0;
    const result = await trainModel(model, lowered(analysis), { settings: settings(), data, control, onBatch: () => ++seen === 2 && control.stop() });
    assert.equal(result.status, 'stopped');
    assert.equal(seen, 2);
    const abort = new AbortController();
    seen = 0;
    const r2 = await trainModel(model, lowered(analysis), { settings: settings(), data, signal: abort.signal, onBatch: () => ++seen === 3 && abort.abort() });
    assert.equal(r2.status, 'stopped');
    assert.equal(seen, 3);
    model.dispose();
  });

  test('pause holds training between batches until resume', async () => {
    const analysis = analysisOf(SMALL);
    const model = buildModel(lowered(analysis), { seed: 1 });
    const control = new TrainControl();
    let seen = 0;
    let paused: () => void = () => undefined;
    const reachedPause = new Promise<void>((resolve) => (paused = resolve));
    const running = trainModel(model, lowered(analysis), {
      settings: settings({ epochs: 1 }),
      data,
      control,
      onBatch: () => {
        if (++seen === 1) {
          control.pause();
          paused();
        }
      },
    });
    await reachedPause;
    for (let i = 0; i < 50; i++) await yieldToEventLoop();
    assert.equal(seen, 1, 'no batch may run while paused');
    assert.ok(control.isPaused);
    control.resume();
    const result = await running;
    model.dispose();
    assert.equal(result.status, 'completed');
    assert.equal(seen, 8);
  });
});

describe('trainer: leaks, losses and outputs', () => {
  test('no tensors leak: the count is flat across epochs and repeated runs', async () => {
    const analysis = analysisOf(SMALL.replace('maxpool2d(2)', 'batchnorm()\n  dropout(0.2)\n  maxpool2d(2)'));
    const model = buildModel(lowered(analysis), { seed: 1 });
    const baseline = tf.memory().numTensors;
    const counts: number[] = [];
    for (let run = 0; run < 2; run++) {
      await trainModel(model, lowered(analysis), { settings: settings({ epochs: 2 }), data, onEpoch: (p) => void counts.push(p.memory.numTensors) });
      assert.equal(tf.memory().numTensors, baseline, `run ${run} left tensors behind`);
    }
    assert.equal(new Set(counts).size, 1, `tensor counts per epoch: ${counts}`);
    model.dispose();
  });

  test('cross-entropy on logits equals cross-entropy on softmax probabilities; every loss trains', async () => {
    const firstLoss = async (text: string, loss: string) => {
      const analysis = analysisOf(text);
      const model = buildModel(lowered(analysis), { seed: 5 });
      let first = NaN;
      const r = await trainModel(model, lowered(analysis), {
        settings: settings({ loss, epochs: 1 }),
        data,
        onBatch: (p) => p.batch === 1 && (first = p.loss),
      });
      model.dispose();
      assert.equal(r.status, 'completed', `${loss}: ${r.reason}`);
      return first;
    };
    const probs = await firstLoss(DENSE, 'crossentropy');
    const logits = await firstLoss(DENSE.replace('softmax', 'linear'), 'crossentropy');
    assert.ok(Math.abs(probs - logits) < 1e-4, `softmax ${probs} vs logits ${logits}`);
    assert.ok(Math.abs(probs - Math.log(4)) < 0.5, `initial loss ${probs} should be near ln 4`);
    for (const loss of ['binary_crossentropy', 'mse', 'mae', 'sparse_categorical_crossentropy']) {
      assert.ok(Number.isFinite(await firstLoss(DENSE.replace('softmax', loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax'), loss)), loss);
    }
  });

  test('every output of a multi-output model is trained against the labels', async () => {
    const text = 'model Two {\n  x = input(16, 16, 1) -> flatten()\n  a = x -> dense(4, activation: softmax)\n  b = x -> dense(4)\n  output(a, b)\n}';
    const analysis = analysisOf(text);
    const model = buildModel(lowered(analysis), { seed: 1 });
    const before = model.getWeights().map((t) => Array.from(t.dataSync()));
    const r = await trainModel(model, lowered(analysis), { settings: settings({ epochs: 1 }), data });
    const after = model.getWeights().map((t) => Array.from(t.dataSync()));
    model.dispose();
    assert.equal(r.status, 'completed');
    after.forEach((w, i) => assert.notDeepEqual(w, before[i], `weight ${i} of the two heads was not trained`));
  });
});

describe('trainer: data checks and weight decay', () => {
  test('data that does not fit the model is refused before any step', async () => {
    const analysis = analysisOf(SMALL.replace('dense(4', 'dense(7'));
    const model = buildModel(lowered(analysis), { seed: 1 });
    await assert.rejects(
      trainModel(model, lowered(analysis), { settings: settings(), data }),
      (e: Error) => e instanceof DataMismatchError && /7 units/.test(e.message),
    );
    model.dispose();
  });

  test('weight decay: coupled for SGD (L2 gradient), decoupled for AdamW, both shrink by lr·wd·w in one step', async () => {
    const analysis = analysisOf('model D {\n  input(8, 8, 1)\n  flatten()\n  dense(4)\n}');
    const oneStep = async (name: string, wd: number) => {
      const model = buildModel(lowered(analysis), { seed: 3 });
      const w0 = model.getWeights().map((t) => Array.from(t.dataSync()));
      const few = makeShapes({ height: 8, width: 8, count: 16, seed: 1 });
      await trainModel(model, lowered(analysis), {
        settings: settings({ optimizer: { name, args: { lr: 0.1, weight_decay: wd } }, epochs: 1, batch: 16, validation: 0 }),
        data: few,
      });
      const w1 = model.getWeights().map((t) => Array.from(t.dataSync()));
      model.dispose();
      return { w0, w1 };
    };
    for (const name of ['sgd', 'adamw']) {
      const plain = await oneStep(name, 0);
      const decayed = await oneStep(name, 0.5);
      plain.w1.forEach((layer, l) =>
        layer.forEach((v, i) => {
          const want = v - 0.1 * 0.5 * plain.w0[l][i];
          assert.ok(Math.abs(decayed.w1[l][i] - want) < 1e-5, `${name}: weight ${l}/${i} is ${decayed.w1[l][i]}, expected ${want}`);
        }),
      );
    }
  });
});
