// The API the CLI calls: runTraining from a host-lowered training model to saved weights and a metrics log, and predict with them.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { DataMismatchError } from '../../train/data/validate';
import { encodeIdx } from '../../train/data/idx';
import { BACKEND_NAMES } from '../../train/node/backends/select';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { predict, runTraining, type ProgressEvent } from '../../train/node/run';
import { bytes, gzip, serveFiles, tempDir, tfjsNodeInstalled, useTrainingBackend } from './helpers';
import { pinsFor } from './remote-fixtures';

/** What the CLI does as the host: analyse once, refuse errors, choose the model, lower it. */
function host(text: string, name?: string, file = 'source'): TrainingModel {
  const r = trainingModelFor(analyze(text), { name }, file);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const SHAPES = `model Tiny {
  input(16, 16, 1)
  conv2d(8, 5, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}

train Tiny {
  data: shapes(count: 200)
  optimizer: adamw(lr: 0.01, weight_decay: 0.0001)
  epochs: 3
  batch: 32
  validation: 0.2
  seed: 3
}
`;

const tmp = tempDir('run');
before(useTrainingBackend);
after(tmp.cleanup);

describe('runTraining and predict', () => {
  test('trains a lowered model, saves weights atomically and logs JSON lines', async () => {
    const events: ProgressEvent[] = [];
    const outDir = path.join(tmp.dir, 'shapes');
    const r = await runTraining({ model: host(SHAPES), outDir, epochs: 2, onProgress: (e) => events.push(e) });
    assert.equal(r.status, 'completed');
    assert.equal(r.model, 'Tiny');
    assert.equal(r.history.length, 2);
    assert.equal(r.weightsDir, path.join(outDir, 'weights'));
    assert.ok(fs.existsSync(path.join(outDir, 'weights', 'weights.bin')));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['backend', 'data', 'batch', 'epoch', 'saved']) assert.ok(types.has(t as ProgressEvent['type']), `no ${t} event`);
    const lines = fs
      .readFileSync(r.metricsLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.event),
      ['start', 'epoch', 'epoch', 'end'],
    );
    assert.equal(lines[0].samples, 200);
    assert.equal(lines[0].settings.optimizer.name, 'adamw');
    assert.ok(Number.isFinite(lines[2].loss) && Number.isFinite(lines[2].valMetrics.accuracy));
  });

  // Every backend that loads here (tfjs-node only where it is installed); the suite's own backend is restored after.
});

describe('runTraining on every backend', () => {
  const FALLS = `model Falls {
  input(32, 32, 1)
  conv2d(4, 3, stride: 2, padding: same, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Falls { data: shapes(count: 1200, seed: 5)  optimizer: adam(lr: 0.01)  epochs: 5  batch: 32  validation: 0.2  seed: 3 }`;
  for (const backend of BACKEND_NAMES) {
    test(`the loss falls on the built-in data set with the ${backend} backend, when available`, async (t) => {
      if (backend === 'tensorflow' && !tfjsNodeInstalled()) return t.skip('@tensorflow/tfjs-node is not installed here');
      try {
        const losses: number[] = [];
        let description = '';
        const r = await runTraining({
          model: host(FALLS),
          outDir: path.join(tmp.dir, `falls-${backend}`),
          backend,
          warn: () => undefined,
          onProgress: (e) => {
            if (e.type === 'epoch') losses.push(e.progress.loss);
            if (e.type === 'backend') description = e.description;
          },
        });
        assert.equal(r.status, 'completed');
        assert.ok(description.startsWith(backend), `ran on ${description}`);
        assert.equal(losses.length, 5);
        assert.ok(losses[4] < 0.85 * losses[0], `${backend}: epoch losses ${losses.map((l) => l.toFixed(3)).join(', ')}`);
      } finally {
        await useTrainingBackend();
      }
    });
  }
});

describe('runTraining on image folders, and predict', () => {
  test('a folder data set is found relative to the model file, and no tensors are left behind', async () => {
    for (const [cls, value] of [
      ['dark', 30],
      ['light', 220],
    ] as const) {
      fs.mkdirSync(path.join(tmp.dir, 'proj', 'imgs', cls), { recursive: true });
      for (let i = 0; i < 6; i++) {
        const img = new PNG({ width: 12, height: 10 });
        for (let p = 0; p < 120; p++) img.data.set([value + i, value, value, 255], p * 4);
        fs.writeFileSync(path.join(tmp.dir, 'proj', 'imgs', cls, `${i}.png`), PNG.sync.write(img));
      }
    }
    const text =
      'model F {\n  input(8, 8, 1)\n  flatten()\n  dense(2, activation: softmax)\n}\ntrain F { data: folder("imgs")  epochs: 2  batch: 4  validation: 0.25 }\n';
    const before = tf.memory().numTensors;
    const r = await runTraining({ model: host(text), file: path.join(tmp.dir, 'proj', 'f.stride'), outDir: path.join(tmp.dir, 'proj', 'run') });
    assert.equal(r.status, 'completed');
    assert.equal(tf.memory().numTensors, before);
    const out = await predict({
      model: host(text),
      weightsDir: path.join(tmp.dir, 'proj', 'run'),
      images: [path.join(tmp.dir, 'proj', 'imgs', 'light', '0.png')],
    });
    assert.deepEqual(out[0].top.map((t) => t.label).sort(), ['dark', 'light']);
  });

  test('predict reads the saved weights and names the classes', async () => {
    const dir = path.join(tmp.dir, 'shapes');
    const samples = { data: new Float32Array(2 * 256).fill(0.5), count: 2 };
    const out = await predict({ model: host(SHAPES), weightsDir: dir, samples, topK: 4 });
    assert.equal(out.length, 2);
    assert.deepEqual(out[0].top.map((t) => t.label).sort(), ['circle', 'cross', 'square', 'triangle']);
    const sum = out[0].top.reduce((s, t) => s + t.probability, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
    const img = new PNG({ width: 20, height: 20 });
    img.data.fill(255);
    const file = path.join(tmp.dir, 'white.png');
    fs.writeFileSync(file, PNG.sync.write(img));
    const fromFile = await predict({ model: host(SHAPES), weightsDir: path.join(dir, 'weights'), images: [file] });
    assert.equal(fromFile[0].source, file);
    assert.equal(fromFile[0].top.length, 3);
  });
});

describe('stopping and refusing', () => {
  test('an abort stops after the current batch and keeps the weights trained so far', async () => {
    const abort = new AbortController();
    const outDir = path.join(tmp.dir, 'aborted');
    const r = await runTraining({
      model: host(SHAPES),
      outDir,
      signal: abort.signal,
      onProgress: (e) => e.type === 'batch' && e.progress.batch === 2 && abort.abort(),
    });
    assert.equal(r.status, 'stopped');
    assert.ok(fs.existsSync(path.join(outDir, 'weights', 'model.json')));
    const end = JSON.parse(fs.readFileSync(r.metricsLog, 'utf8').trim().split('\n').pop()!);
    assert.equal(end.event, 'end');
    assert.equal(end.status, 'stopped');
  });

  test('errors in the source are reported with line and column, before any work', () => {
    assert.throws(() => host('model M {\n  input(8, 8, 1)\n  conv2d(4, 9)\n}\n', undefined, 'm.stride'), /1 error.*\n  m\.stride:3:\d+: /);
    assert.throws(() => host(SHAPES, 'Nope'), /No model named 'Nope'; models in source: Tiny/);
    assert.ok(!fs.existsSync(path.join(tmp.dir, 'bad')));
  });

  test('data that does not fit the model is refused before training', async () => {
    const wrong = SHAPES.replace('dense(4', 'dense(10');
    await assert.rejects(
      runTraining({ model: host(wrong), outDir: path.join(tmp.dir, 'wrong') }),
      (e: Error) => e instanceof DataMismatchError && /10 units but data set 'shapes' has 4 classes/.test(e.message),
    );
  });
});

describe('downloaded data sets', () => {
  test('MNIST through a loopback mirror: downloaded, checked and trained', async () => {
    const n = 40;
    const labels = bytes(n, 1).map((b) => b % 10);
    const files = new Map([
      ['/m/train-images-idx3-ubyte.gz', gzip(encodeIdx([n, 28, 28], bytes(n * 784, 2)))],
      ['/m/train-labels-idx1-ubyte.gz', gzip(encodeIdx([n], labels))],
      ['/m/t10k-images-idx3-ubyte.gz', gzip(encodeIdx([4, 28, 28], bytes(4 * 784, 3)))],
      [
        '/m/t10k-labels-idx1-ubyte.gz',
        gzip(
          encodeIdx(
            [4],
            bytes(4, 4).map((b) => b % 10),
          ),
        ),
      ],
    ]);
    const server = await serveFiles(files);
    try {
      const text = 'model L {\n  input(28, 28, 1)\n  flatten()\n  dense(10, activation: softmax)\n}\ntrain L { data: mnist  epochs: 1  batch: 16 }\n';
      const downloads = new Set<string>();
      const r = await runTraining({
        model: host(text),
        outDir: path.join(tmp.dir, 'mnist'),
        baseUrl: `${server.url}/m`,
        cacheDir: path.join(tmp.dir, 'cache'),
        checksums: pinsFor('mnist', '/m', files),
        limit: 30,
        onProgress: (e) => e.type === 'download' && downloads.add(e.progress.file),
      });
      assert.equal(r.status, 'completed');
      assert.equal(downloads.size, 4);
      const start = JSON.parse(fs.readFileSync(r.metricsLog, 'utf8').split('\n')[0]);
      assert.equal(start.samples, 30, 'limit keeps the first 30 samples');
      assert.equal(start.data, 'mnist');
    } finally {
      await server.close();
    }
  });
});
