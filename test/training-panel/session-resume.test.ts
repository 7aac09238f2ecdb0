// The panel's checkpoints carry the optimizer state: a page run stopped after an epoch, its checkpoint posted to the
// host (wire encoding and validation), stored and read back, resumes into the very batches of an uninterrupted run.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readCheckpoint, writeCheckpoint } from '../../client/training/storage';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { checkFromWebview } from '../../protocol/training';
import type { CheckpointPayload } from '../../protocol/training-payloads';
import { decodeBytes, encodeBytes } from '../../protocol/wire-bytes';
import { makeShapes } from '../../train/data/shapes';
import { TrainingRun, type RunStart } from '../../webview/training/session';

const SOURCE = `model M {
  input(16, 16, 1)
  conv2d(4, 3, stride: 2, activation: relu)
  flatten()
  dropout(0.2)
  dense(4, activation: softmax)
}
train M { optimizer: adam(lr: 0.01)  schedule: cosine(warmup: 1)  epochs: 3  batch: 16  validation: 0.25  seed: 4 }
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-session-resume-'));
before(async () => assert.ok(await tf.setBackend('cpu')));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function start(over: Partial<RunStart> = {}): RunStart {
  const r = trainingModelFor(analyze(SOURCE), {}, 'm.stride');
  if (!r.ok) throw new Error(r.error);
  const data = makeShapes({ count: 96, height: 16, width: 16, seed: 4 });
  return { training: r.value, data, weights: null, doneEpochs: 0, history: [], ...over };
}

/** Runs in the page's session; records each batch (over the whole run) and the checkpoints it hands the host. */
async function run(s: RunStart, stopAfterEpoch?: number) {
  const losses: string[] = [];
  const checkpoints: CheckpointPayload[] = [];
  const session: TrainingRun = new TrainingRun(s, {
    onBatch: (p, offset) => losses.push(`${p.epoch + offset}/${p.batch}: ${p.loss} lr ${p.lr}`),
    onEpoch: (r) => r.epoch === stopAfterEpoch && session.control.stop(),
    onCheckpoint: (c) => checkpoints.push(c),
  });
  const result = await session.run();
  session.dispose();
  return { losses, checkpoints, status: result.status };
}

test('a panel checkpoint holds the optimizer state and a resumed panel run continues the same run', async () => {
  const straight = await run(start());
  assert.equal(straight.status, 'completed');
  const first = await run(start(), 1);
  assert.equal(first.status, 'stopped');
  const posted = first.checkpoints.at(-1)!;
  assert.equal(posted.epoch, 1);
  assert.ok(posted.state && posted.state.optimizer.specs.length > 1, 'the checkpoint carries the optimizer slots');
  assert.ok(posted.state.loop.accBeta !== null && Object.keys(posted.state.loop.dropout).length === 1);
  // Page → host: encoded for the wire, decoded and validated as the host does, stored, and read back on reload.
  const message = checkFromWebview(decodeBytes(JSON.parse(JSON.stringify(encodeBytes({ type: 'checkpoint', checkpoint: posted })))));
  assert.ok(message.ok && message.value.type === 'checkpoint', message.ok ? '' : message.error);
  const folder = path.join(dir, 'ckpt');
  writeCheckpoint(folder, message.value.checkpoint);
  assert.ok(fs.existsSync(path.join(folder, 'optimizer.bin')));
  const stored = readCheckpoint(folder)!;
  assert.deepEqual(stored.state?.loop, posted.state.loop);
  const resumed = await run(start({ weights: stored.weights, doneEpochs: stored.epoch, history: stored.history, state: stored.state }));
  assert.equal(resumed.status, 'completed');
  assert.deepEqual([...first.losses.filter((l) => l.startsWith('1/')), ...resumed.losses], straight.losses);
});

test('a stored checkpoint whose optimizer file is cut short is not offered', async () => {
  const first = await run(start(), 1);
  const folder = path.join(dir, 'cut');
  writeCheckpoint(folder, first.checkpoints.at(-1)!);
  const slots = path.join(folder, 'optimizer.bin');
  fs.truncateSync(slots, fs.statSync(slots).size - 4);
  assert.equal(readCheckpoint(folder), null);
});
