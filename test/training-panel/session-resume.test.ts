// The panel's checkpoints carry the optimizer state: a page run stopped after an epoch or in the middle of one, its
// checkpoint posted to the host (wire encoding and validation), stored and read back, resumes into the very batches of
// an uninterrupted run.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readCheckpoint, writeCheckpoint } from '../../client/training/storage';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { checkLoopState } from '../../protocol/train-state';
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

/**
 * Runs in the page's session; records each batch (over the whole run) and the checkpoints it hands the host. Stops
 * after epoch `stopAfterEpoch`, or with the panel's Stop (which asks for a checkpoint) after batch `stopAt[1]` of epoch `stopAt[0]`.
 */
async function run(s: RunStart, stopAfterEpoch?: number, stopAt?: [number, number]) {
  const losses: string[] = [];
  const checkpoints: CheckpointPayload[] = [];
  const session: TrainingRun = new TrainingRun(s, {
    onBatch: (p, offset) => {
      losses.push(`${p.epoch + offset}/${p.batch}: ${p.loss} lr ${p.lr}`);
      if (stopAt && p.epoch + offset === stopAt[0] && p.batch === stopAt[1]) session.stop();
    },
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

test('Stop in the middle of an epoch leaves a checkpoint there, and the run resumed from it is the same run', async () => {
  const straight = await run(start());
  const first = await run(start(), undefined, [2, 2]);
  assert.equal(first.status, 'stopped');
  const posted = first.checkpoints.at(-1)!;
  assert.equal(posted.epoch, 1, 'one epoch completed');
  assert.deepEqual(
    posted.history.map((r) => r.epoch),
    [1],
  );
  const partial = posted.state?.loop.partial;
  assert.ok(partial, 'the checkpoint says where in epoch 2 it was taken');
  assert.equal(partial.batch, 2);
  assert.equal(partial.seen, 32);
  assert.ok(partial.metrics.seen === 32 && partial.metrics.confusion.reduce((n, [, v]) => n + v, 0) === 32, "with the epoch's metric sums");
  const message = checkFromWebview(decodeBytes(JSON.parse(JSON.stringify(encodeBytes({ type: 'checkpoint', checkpoint: posted })))));
  assert.ok(message.ok && message.value.type === 'checkpoint', message.ok ? '' : message.error);
  const folder = path.join(dir, 'mid-epoch');
  writeCheckpoint(folder, message.value.checkpoint);
  const stored = readCheckpoint(folder)!;
  assert.deepEqual(stored.state?.loop, posted.state!.loop);
  const resumed = await run(start({ weights: stored.weights, doneEpochs: stored.epoch, history: stored.history, state: stored.state }));
  assert.equal(resumed.status, 'completed');
  assert.equal(resumed.losses[0].split(':')[0], '2/3', 'the resumed run starts at batch 3 of epoch 2');
  assert.deepEqual([...first.losses, ...resumed.losses], straight.losses);
});

test('a checkpoint whose epoch sums are malformed is refused at the boundary', () => {
  const state = {
    epoch: 1,
    step: 5,
    seed: 4,
    optimizer: 'adam',
    schedule: { plateauLr: 0.01, best: null, bad: 0 },
    monitor: { best: null, wait: 0, bestEpoch: 0 },
  };
  const loop = { ...state, accBeta: null, dropout: {} };
  const metrics = { seen: 16, correct: 3, top5: 16, sqErr: 1.5, absErr: 2.5, confusion: [[0, 16]] };
  assert.equal(checkLoopState({ ...loop, partial: { batch: 1, lossSum: 20.5, seen: 16, metrics } }).partial?.metrics.confusion[0][1], 16);
  assert.equal(checkLoopState(loop).partial, null, 'a state from before mid-epoch checkpoints is an epoch-end one');
  for (const [partial, why] of [
    [{ batch: -1, lossSum: 1, seen: 16, metrics }, /'batch' must be an integer/],
    [{ batch: 1, lossSum: Infinity, seen: 16, metrics }, /'lossSum' must be a finite number/],
    [{ batch: 1, lossSum: 1, seen: 16, metrics: { ...metrics, confusion: [[0]] } }, /'confusion' must be a list of pairs/],
    [{ batch: 1, lossSum: 1, seen: 16, metrics: { ...metrics, confusion: 'all' } }, /'confusion' must be a list of pairs/],
    [{ batch: 1, lossSum: 1, seen: 16, metrics: { ...metrics, sqErr: -1 } }, /'sqErr' must be a non-negative number/],
  ] as const)
    assert.throws(() => checkLoopState({ ...loop, partial }), why);
});

test('a stored checkpoint whose optimizer file is cut short is not offered', async () => {
  const first = await run(start(), 1);
  const folder = path.join(dir, 'cut');
  writeCheckpoint(folder, first.checkpoints.at(-1)!);
  const slots = path.join(folder, 'optimizer.bin');
  fs.truncateSync(slots, fs.statSync(slots).size - 4);
  assert.equal(readCheckpoint(folder), null);
});
