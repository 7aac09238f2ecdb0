// 1,000 training steps through runTraining (what `stride train` runs) leak neither tensors nor process memory.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { runTraining, type ProgressEvent } from '../../train/node/run';
import { tempDir, useTrainingBackend } from './helpers';

// Batch norm (moving statistics), dropout (a random mask per step) and Adam (slots) each hold or make tensors every step.
const SOURCE = `model Steady {
  input(16, 16, 1)
  conv2d(8, 3, padding: same, bias: false)
  batchnorm()
  relu()
  maxpool2d(2)
  flatten()
  dropout(0.2)
  dense(4, activation: softmax)
}

train Steady {
  data: shapes(count: 160)
  optimizer: adam(lr: 0.001)
  epochs: 63
  batch: 8
  validation: 0.2
  seed: 5
}
`;

const STEPS = 1000;
const MB = 1024 * 1024;
const tmp = tempDir('memory');
before(useTrainingBackend);
after(tmp.cleanup);

interface Sample {
  readonly numTensors: number;
  readonly numBytes: number;
  readonly rss: number;
}

describe('training memory', () => {
  test(`${STEPS} steps on the Node backend: tensors equal after step 10 and step ${STEPS}, RSS bounded`, async (t) => {
    const r = trainingModelFor(analyze(SOURCE), {}, 'memory.stride');
    if (!r.ok) throw new Error(r.error);
    const samples = new Map<number, Sample>();
    let step = 0;
    const onProgress = (e: ProgressEvent) => {
      if (e.type !== 'batch') return;
      step++;
      // 128 training samples in batches of 8: 16 steps an epoch, 63 epochs, 1,008 steps, each followed by a validation pass.
      if (step === 10 || step === 100 || step === STEPS) samples.set(step, { ...e.progress.memory, rss: process.memoryUsage.rss() });
    };
    const result = await runTraining({ model: r.value, outDir: path.join(tmp.dir, 'run'), onProgress });
    assert.equal(result.status, 'completed');
    assert.ok(step >= STEPS, `only ${step} steps ran`);
    const [at10, at100, atEnd] = [samples.get(10)!, samples.get(100)!, samples.get(STEPS)!];
    assert.equal(atEnd.numTensors, at10.numTensors, `tensors: ${at10.numTensors} after step 10, ${atEnd.numTensors} after step ${STEPS}`);
    assert.equal(atEnd.numBytes, at10.numBytes, `tensor bytes: ${at10.numBytes} after step 10, ${atEnd.numBytes} after step ${STEPS}`);
    const growth = (atEnd.rss - at100.rss) / MB;
    t.diagnostic(
      `tensors ${atEnd.numTensors} (${atEnd.numBytes} bytes); RSS ${(at100.rss / MB).toFixed(0)} MB at step 100, ${(atEnd.rss / MB).toFixed(0)} MB at step ${STEPS}`,
    );
    assert.ok(growth < 50, `RSS grew ${growth.toFixed(1)} MB between step 100 and step ${STEPS}`);
  });
});
