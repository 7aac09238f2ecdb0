// `normalize:` and `augment:` through runTraining (what `stride train` runs): what the model sees in training and
// validation, the statistics of the training split, and predict applying the saved statistics.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import type { TrainingModel } from '../../protocol/training-model';
import { split } from '../../train/data/dataset';
import { buildModel } from '../../train/model-builder';
import { loadData } from '../../train/node/data/load';
import { predict, runTraining } from '../../train/node/run';
import { loadWeightsInto } from '../../train/node/weights';
import { tempDir, useTrainingBackend } from './helpers';

const MODEL = `model Tiny {
  input(16, 16, 1)
  conv2d(4, 3, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
`;

function host(section: string): TrainingModel {
  const text = `${MODEL}train Tiny {\n  data: shapes(count: 60)\n  epochs: 1\n  batch: 16\n  validation: 0.25\n  seed: 5\n${section}\n}\n`;
  const r = trainingModelFor(analyze(text), {}, 'source');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

type Seen = { train: Float32Array[]; validation: Float32Array[] };

async function run(section: string, outDir: string): Promise<Seen> {
  const seen: Seen = { train: [], validation: [] };
  const r = await runTraining({ model: host(section), outDir, onInputs: (which, x) => seen[which].push(x.slice()) });
  assert.equal(r.status, 'completed');
  return seen;
}

const tmp = tempDir('augment-run');
before(useTrainingBackend);
after(tmp.cleanup);

describe('the input pipeline in a training run', () => {
  test('augmentation changes the training batches, never the validation ones, and repeats under the seed', async () => {
    const plain = await run('', path.join(tmp.dir, 'plain'));
    const augmented = await run('  augment: [flip, crop(pad: 2), rotate(10), cutout(4)]', path.join(tmp.dir, 'aug'));
    const again = await run('  augment: [flip, crop(pad: 2), rotate(10), cutout(4)]', path.join(tmp.dir, 'again'));
    assert.equal(plain.train.length, augmented.train.length);
    assert.notDeepEqual(augmented.train[0], plain.train[0]);
    assert.ok(plain.validation.length > 0);
    assert.deepEqual(augmented.validation, plain.validation);
    assert.deepEqual(again.train, augmented.train);
  });

  test('normalize: auto uses the statistics of the training split, and saves them for predict', async () => {
    const outDir = path.join(tmp.dir, 'norm');
    const seen = await run('  normalize: auto', outDir);
    const data = await loadData({ kind: 'shapes', count: 60 }, { inputShape: [16, 16, 1], seed: 5 });
    const { train, validation } = split(data.train.count, 0.25, 5);
    const stats = (indices: Int32Array) => {
      const values = Array.from(indices).flatMap((i) =>
        Array.from(data.train.images.subarray(i * 256, (i + 1) * 256), (v) => (data.train.images instanceof Uint8Array ? v / 255 : v)),
      );
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
    };
    const expected = stats(train);
    const saved = JSON.parse(fs.readFileSync(path.join(outDir, 'weights', 'model.json'), 'utf8')).userDefinedMetadata.stride.normalization;
    assert.ok(Math.abs(saved.mean[0] - expected.mean) < 1e-9 && Math.abs(saved.std[0] - expected.std) < 1e-9, JSON.stringify({ saved, expected }));
    assert.ok(Math.abs(stats(validation).mean - expected.mean) > 1e-6, 'the validation split has other statistics');
    // What the first validation batch fed the model: the raw pixels, normalised with the training split's numbers.
    const first = validation[0];
    const raw = data.train.images[first * 256 + 17] / (data.train.images instanceof Uint8Array ? 255 : 1);
    assert.ok(Math.abs(seen.validation[0][17] - (raw - expected.mean) / expected.std) < 1e-4);
  });

  test('predict normalises its inputs with the saved statistics', async () => {
    const outDir = path.join(tmp.dir, 'fixed');
    await run('  normalize: stats(mean: 0.5, std: 0.25)', outDir);
    const samples = Float32Array.from({ length: 2 * 256 }, (_, i) => ((i * 37) % 101) / 100);
    const got = await predict({ model: host(''), weightsDir: outDir, samples: { data: samples, count: 2 }, topK: 4 });
    const model = buildModel(host(''));
    loadWeightsInto(model, path.join(outDir, 'weights'));
    const expected = tf.tidy(() =>
      (
        model.predict(
          tf.tensor4d(
            samples.map((v) => (v - 0.5) / 0.25),
            [2, 16, 16, 1],
          ),
        ) as tf.Tensor
      ).arraySync(),
    ) as number[][];
    model.dispose();
    for (let i = 0; i < 2; i++) for (const t of got[i].top) assert.ok(Math.abs(t.probability - expected[i][t.index]) < 1e-5);
  });
});
