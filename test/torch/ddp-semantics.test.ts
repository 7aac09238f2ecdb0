// train.py keeps Stride's training semantics: from the same initial weights, Stride's Node trainer, one PyTorch
// process and two torchrun processes (global batch) log the same losses and end with the same weights.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { predict } from '../../train/node/run';
import { modelSource, NO_TORCH, packedSamples, PYTHON, readLog, stride, tempDir, writeModel } from './ddp-harness';

interface Epoch {
  readonly loss: number;
  readonly valLoss: number;
  readonly metrics: { accuracy: number };
}

async function trained(file: string, out: string, extra: string[]): Promise<Epoch[]> {
  const r = await stride(['train', file, '--out', out, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return readLog(path.join(out, 'metrics.jsonl')).filter((e) => e.event === 'epoch') as unknown as Epoch[];
}

/** Float32 steps in two libraries round differently; here they agree to about 1e-7, the tolerance leaves room. */
function close(a: readonly Epoch[], b: readonly Epoch[], tolerance: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((e, i) => {
    assert.ok(Math.abs(e.loss - b[i].loss) <= tolerance, `${what}, epoch ${i + 1} loss: ${e.loss} vs ${b[i].loss}`);
    assert.ok(Math.abs(e.valLoss - b[i].valLoss) <= tolerance, `${what}, epoch ${i + 1} validation loss: ${e.valLoss} vs ${b[i].valLoss}`);
  });
}

describe('train.py semantics', { skip: NO_TORCH }, () => {
  test('Node trainer, one PyTorch process and two torchrun processes agree from the same initial weights', async () => {
    const dir = tempDir('stride-ddp-same-');
    const file = writeModel(dir, 'net', modelSource({ name: 'Net', norm: false, optimizer: 'sgd(lr: 0.1, weight_decay: 0.001)', count: 480, epochs: 2 }));
    const node = await trained(file, path.join(dir, 'node'), ['--backend', 'cpu']);
    const one = await trained(file, path.join(dir, 'one'), ['--engine', 'torch', '--python', PYTHON]);
    const two = await trained(file, path.join(dir, 'two'), ['--engine', 'torch', '--nproc', '2', '--python', PYTHON]);
    close(node, one, 1e-4, 'Node vs one PyTorch process');
    close(one, two, 1e-5, 'one vs two PyTorch processes');
    assert.ok(one[1].loss < one[0].loss);

    const model = trainingModelFor(analyze(fs.readFileSync(file, 'utf8')), {}, file);
    assert.ok(model.ok);
    const samples = packedSamples(path.join(dir, 'one', 'torch'), 8);
    const byClass = async (run: string) =>
      (await predict({ model: model.value, weightsDir: path.join(dir, run), samples, topK: 4 })).map((p) => [...p.top].sort((a, b) => a.index - b.index));
    const [a, b] = [await byClass('node'), await byClass('one')];
    a.forEach((row, i) =>
      row.forEach((t, k) => assert.ok(Math.abs(t.probability - b[i][k].probability) < 2e-3, `sample ${i}: ${t.probability} vs ${b[i][k].probability}`)),
    );
  });
});
