// Fine-tuning in the shipped background trainer (dist/train-worker.js): the section's `init:` resolves against the
// model file's folder and `freeze:` keeps the frozen layer bit-identical to the weights it started from.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { checkFromWorker, type RunSummary, type WorkerStart } from '../../protocol/train-worker';

const ENTRY = path.resolve(__dirname, '../../..', 'dist', 'train-worker.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-bg-tune-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const MODEL = `model Tiny {
  input(16, 16, 1)
  conv2d(4, 5, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
`;
const section = (extra: string) => `train Tiny { data: shapes(count: 200)  epochs: 1  batch: 32  validation: 0.2  seed: 3  ${extra} }\n`;

/** One run of the worker on the model with the section's extra settings, the file in `tmp`; resolves with its summary. */
async function train(name: string, extra: string): Promise<RunSummary> {
  const file = path.join(tmp, `${name}.stride`);
  const text = MODEL + section(extra);
  fs.writeFileSync(file, text);
  const lowered = trainingModelFor(analyze(text), { name: 'Tiny' }, file);
  assert.ok(lowered.ok, lowered.ok ? '' : lowered.error);
  const options: WorkerStart = {
    training: lowered.value,
    file,
    model: 'Tiny',
    outDir: path.join(tmp, `${name}.runs`, 'Tiny'),
    panelDir: null,
    epochs: null,
    batch: null,
    limit: null,
    backend: 'auto',
    threads: null,
    cacheDir: null,
  };
  const worker = new Worker(ENTRY);
  const done = new Promise<RunSummary>((resolve, reject) => {
    worker.on('message', (raw: unknown) => {
      const m = checkFromWorker(raw);
      if (!m.ok) return reject(new Error(m.error));
      if (m.value.type === 'done') resolve(m.value.result);
      if (m.value.type === 'error') reject(new Error(m.value.message));
    });
    worker.on('error', reject);
  });
  worker.postMessage({ type: 'start', options });
  return done;
}

/** A weights folder's tensors by name. */
function weights(folder: string): Record<string, Buffer> {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8')).weightsManifest as { weights: { name: string; shape: number[] }[] }[];
  const bin = fs.readFileSync(path.join(folder, 'weights.bin'));
  let offset = 0;
  return Object.fromEntries(
    manifest
      .flatMap((g) => g.weights)
      .map((w) => {
        const bytes = 4 * w.shape.reduce((a, b) => a * b, 1);
        offset += bytes;
        return [w.name, bin.subarray(offset - bytes, offset)];
      }),
  );
}

describe('fine-tuning in a background run', { timeout: 180_000 }, () => {
  it('starts from init: (relative to the file) and leaves the frozen layer as it was', async () => {
    const base = await train('base', '');
    assert.equal(base.status, 'completed');
    const tuned = await train('tuned', 'init: "base.runs/Tiny"  freeze: [conv2d_1]');
    assert.equal(tuned.status, 'completed');
    const before = weights(path.join(tmp, 'base.runs', 'Tiny', 'weights'));
    const after = weights(path.join(tmp, 'tuned.runs', 'Tiny', 'weights'));
    assert.ok(before['conv2d_1/kernel'].equals(after['conv2d_1/kernel']) && before['conv2d_1/bias'].equals(after['conv2d_1/bias']));
    assert.ok(!before['dense_1/kernel'].equals(after['dense_1/kernel']));
  });
});
