// The bundled training webview in real headless Chromium: WebGL training on the built-in shapes, charts, memory, activations, recovery.

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as path from 'node:path';
import type { FromWebview } from '../../protocol/training';
import type { CheckpointPayload } from '../../protocol/training-payloads';
import { ARTIFACTS, openTrainingPage, type TrainingPage, trainingOf } from './page';

const TINY = `
model Tiny {
  input(16, 16, 1)
  conv2d(8, 3, padding: same, activation: relu)
  maxpool2d(2)
  conv2d(16, 3, padding: same, activation: relu)
  maxpool2d(2)
  flatten()
  dense(16, activation: relu)
  dense(4, activation: softmax)
}
train Tiny {
  data: shapes(count: 800)
  optimizer: adam(lr: 0.005)
  loss: crossentropy
  metrics: [accuracy]
  epochs: EPOCHS
  batch: 32
  validation: 0.25
  seed: 3
}
`;
const tiny = (epochs: number, optimizer = 'adam(lr: 0.005)') => TINY.replace('EPOCHS', String(epochs)).replace('adam(lr: 0.005)', optimizer);

const ENDED = ['finished', 'stopped', 'diverged', 'error'];
const MINUTE = 60_000;

interface Snapshot {
  status: string;
  backend: string;
  batchLosses: number[];
  epochTensors: number[];
  history: { epoch: number; loss: number; valLoss: number | null }[];
  notes: string;
  lastPrediction: string | undefined;
}

function snapshot(t: TrainingPage): Promise<Snapshot> {
  return t.page.evaluate(() => {
    const s = (globalThis as unknown as { strideTraining: { tf: { getBackend(): string }; app: Record<string, unknown> & { run?: { history: unknown[] } } } })
      .strideTraining;
    const doc = (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document;
    return {
      status: s.app.status as string,
      backend: s.tf.getBackend(),
      batchLosses: [...(s.app.batchLosses as number[])],
      epochTensors: [...(s.app.epochTensors as number[])],
      history: (s.app.run?.history ?? []) as Snapshot['history'],
      notes: doc.getElementById('notes')?.textContent ?? '',
      lastPrediction: s.app.lastPrediction as string | undefined,
    };
  });
}

/** Waits (on the page's own state, polled by Playwright per animation frame) until the run has ended. */
async function waitForEnd(t: TrainingPage): Promise<Snapshot> {
  await t.page.waitForFunction(
    (ended) => ended.includes((globalThis as unknown as { strideTraining: { app: { status: string } } }).strideTraining.app.status),
    ENDED,
    { timeout: 4 * MINUTE },
  );
  return snapshot(t);
}

async function init(t: TrainingPage, text: string, checkpoint: CheckpointPayload | null = null, autoStart = true): Promise<void> {
  await t.waitForMessage('ready');
  await t.send({ type: 'init', uri: 'file:///ws/tiny.stride', model: 'Tiny', training: trainingOf(text, 'Tiny'), saved: null, checkpoint, autoStart });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

let t: TrainingPage;
let firstCheckpoint: Extract<FromWebview, { type: 'checkpoint' }> | undefined;
/** The first run's epochs, which a run resumed from its epoch-1 checkpoint must repeat exactly. */
let firstHistory: { loss: number }[] = [];
const FIRST = () => tiny(4, 'adam(lr: 0.005)\n  schedule: cosine(warmup: 1)');

before(async () => {
  t = await openTrainingPage();
});
after(async () => {
  await t?.close();
});

describe('training webview in Chromium', { timeout: 10 * MINUTE }, () => {
  it('trains on WebGL: the loss falls, tensors stay flat across epochs, checkpoints and weights reach the host', async () => {
    await init(t, FIRST());
    const end = await waitForEnd(t);
    assert.equal(end.status, 'finished', end.notes);
    assert.equal(end.backend, 'webgl');
    assert.match(await t.page.locator('#backend').innerText(), /^Backend: webgl/);
    firstHistory = end.history;
    assert.equal(end.history.length, 4);
    const first = mean(end.batchLosses.slice(0, 3));
    const last = mean(end.batchLosses.slice(-3));
    assert.ok(last < first * 0.9, `batch loss should fall: first ${first}, last ${last}`);
    assert.ok(end.history[3].loss < end.history[0].loss, `epoch loss should fall: ${end.history.map((h) => h.loss)}`);
    assert.equal(end.epochTensors.length, 4);
    assert.ok(
      end.epochTensors.every((n) => n === end.epochTensors[0]),
      `tensor count must stay flat across epochs: ${end.epochTensors}`,
    );
    const checkpoints = t.received.filter((m): m is Extract<FromWebview, { type: 'checkpoint' }> => m.type === 'checkpoint');
    // One checkpoint at the end of every epoch; a slow machine also checkpoints mid-epoch (every 20 s), recording the
    // epochs completed so far, so the sequence never runs ahead and never goes back.
    const epochs = checkpoints.map((c) => c.checkpoint.epoch);
    assert.deepEqual(
      epochs.filter((e, i, a) => e > 0 && a.indexOf(e) === i),
      [1, 2, 3, 4],
    );
    assert.ok(
      epochs.every((e, i) => i === 0 || e >= epochs[i - 1]),
      `checkpoint epochs must not go back: ${epochs}`,
    );
    firstCheckpoint = checkpoints.find((c) => c.checkpoint.epoch === 1);
    const state = firstCheckpoint?.checkpoint.state;
    assert.ok(state && state.loop.epoch === 1 && state.optimizer.specs.length > 1, 'the epoch-end checkpoint carries the optimizer slots');
    const saved = await t.waitForMessage('saveWeights');
    assert.equal(saved.model, 'Tiny');
    assert.deepEqual(saved.metadata.classes, ['circle', 'square', 'triangle', 'cross']);
    assert.ok(JSON.parse(saved.topology).config.layers.length >= 7);
    const ended = await t.waitForMessage('runEnded');
    assert.equal(ended.reason, 'finished');
    // The host learns when the page trains (it keeps background runs of the model out meanwhile).
    const kinds = t.received.map((m) => m.type);
    assert.ok(kinds.indexOf('runStarted') >= 0 && kinds.indexOf('runStarted') < kinds.indexOf('checkpoint'), kinds.join(' '));
    // Charts were drawn from the run: every series has a path.
    assert.equal(await t.page.locator('#chart-batch-loss path').count(), 1);
    assert.equal(await t.page.locator('#chart-epoch-loss path').count(), 2);
    // The cosine schedule: the learning rate is drawn per batch and has decayed to almost nothing by the last one.
    assert.equal(await t.page.locator('#chart-batch-lr path').count(), 1);
    const lr = Number(await t.page.locator('#stat-lr').innerText());
    assert.ok(lr > 0 && lr < 1e-4, `last learning rate ${lr}`);
    await t.screenshot('training-panel');
    await resultsShown(t);
  });
});

describe('training webview in Chromium: activations', { timeout: 10 * MINUTE }, () => {
  it('shows activations: conv feature maps as heat maps, first-layer filters, dense bars and class probabilities', async () => {
    await t.page.locator('#sample-index').fill('5');
    await t.page.locator('#btn-showSample').click();
    await t.page.locator('#probabilities').waitFor();
    const maps = t.page.locator('.feature-maps');
    assert.equal(await maps.count(), 4, 'two conv layers, each followed by a pooling layer');
    assert.equal(await t.page.locator('.feature-maps').first().locator('canvas').count(), 8);
    assert.equal(await t.page.locator('.filters canvas').count(), 8);
    assert.ok((await t.page.locator('.dense').count()) >= 2);
    // A heat map is a real image: its pixels are not all one colour.
    const distinct = await t.page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            querySelector(s: string): {
              width: number;
              height: number;
              getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
            };
          };
        }
      ).document;
      const c = doc.querySelector('.feature-maps canvas');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      return colours.size;
    });
    assert.ok(distinct > 4, `heat map should have several colours, has ${distinct}`);
    const end = await snapshot(t);
    assert.ok(['circle', 'square', 'triangle', 'cross'].includes(end.lastPrediction ?? ''), `prediction ${end.lastPrediction}`);
    await t.send({ type: 'showActivations', layer: 'conv2d_2' });
    await t.page.locator('.layer.highlight').waitFor();
    assert.equal(await t.page.locator('.layer.highlight').getAttribute('data-layer'), 'conv2d_2');
    await t.page.locator('#activations').screenshot({ path: path.join(ARTIFACTS, 'training-activations.png') });
  });
});

describe('training webview in Chromium: images, bad messages and checkpoints', { timeout: 10 * MINUTE }, () => {
  it('runs a picked image through the model', async () => {
    const pixels = new Uint8Array(16 * 16);
    for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) pixels[y * 16 + x] = 230;
    await t.send({ type: 'image', name: 'square.png', shape: [16, 16, 1], pixels });
    await t.page.locator('.sample', { hasText: 'square.png' }).waitFor();
  });

  it('rejects invalid messages, an invalid training model included, with a visible note and keeps working', async () => {
    await t.send({ type: 'image', name: 'x', shape: [16, 16, 1], pixels: new Uint8Array(3) } as never);
    await t.page.locator('[data-key="protocol"]').waitFor();
    assert.match(await t.page.locator('[data-key="protocol"]').innerText(), /pixels/);
    await t.send({ type: 'nonsense' } as never);
    await t.page.locator('[data-key="protocol"]', { hasText: 'unknown message type' }).waitFor();
    // The page parses nothing: source text in place of the lowered model, or a model with a dangling input, is refused.
    const base = { type: 'init', uri: 'file:///ws/tiny.stride', model: 'Tiny', saved: null, checkpoint: null, autoStart: true } as const;
    await t.send({ ...base, text: tiny(1) } as never);
    await t.page.locator('[data-key="protocol"]', { hasText: 'training model must be an object' }).waitFor();
    const training = trainingOf(tiny(1), 'Tiny');
    const dangling = { ...training, nodes: training.nodes.map((n) => (n.id === 1 ? { ...n, inputs: [9] } : n)) };
    await t.send({ ...base, training: dangling });
    await t.page.locator('[data-key="protocol"]', { hasText: "'inputs' must be a list of node ids below 1" }).waitFor();
    assert.notEqual(
      await t.page.evaluate(() => (globalThis as unknown as { strideTraining: { app: { status: string } } }).strideTraining.app.status),
      'training',
    );
    assert.deepEqual(t.invalid, []);
    assert.deepEqual(t.violations, []);
  });

  it('resumes from a checkpoint at its epoch', async () => {
    assert.ok(firstCheckpoint, 'the first run checkpointed epoch 1');
    await init(t, tiny(3), firstCheckpoint.checkpoint, false);
    await t.page.locator('#btn-resumeCheckpoint:not([disabled])').waitFor();
    assert.match(await t.page.locator('#btn-resumeCheckpoint').innerText(), /epoch 1/);
    await t.page.locator('#btn-resumeCheckpoint').click();
    const end = await waitForEnd(t);
    assert.equal(end.status, 'finished', end.notes);
    assert.deepEqual(
      end.history.map((h) => h.epoch),
      [1, 2, 3],
    );
    assert.equal(end.history[0].loss, firstCheckpoint.checkpoint.history[0].loss);
  });

  it('resumes the same run from an epoch-end checkpoint: its later epochs equal the uninterrupted run', async () => {
    assert.ok(firstCheckpoint?.checkpoint.state, 'the first run checkpointed its state at epoch 1');
    await init(t, FIRST(), firstCheckpoint.checkpoint, false);
    await t.page.locator('#btn-resumeCheckpoint:not([disabled])').click();
    const end = await waitForEnd(t);
    assert.equal(end.status, 'finished', end.notes);
    assert.deepEqual(
      end.history.map((h) => h.loss),
      firstHistory.map((h) => h.loss),
    );
  });
});

describe('training webview in Chromium: pause and stop mid-epoch', { timeout: 10 * MINUTE }, () => {
  it('Pause in the middle of an epoch checkpoints there; after Stop, the run resumed from it equals the uninterrupted run', async () => {
    const since = t.received.length;
    await init(t, FIRST());
    // 600 training samples in batches of 32: 19 batches an epoch; pause a few batches into epoch 2.
    await t.page.waitForFunction(
      () => (globalThis as unknown as { strideTraining: { app: { batchLosses: number[] } } }).strideTraining.app.batchLosses.length >= 22,
      undefined,
      { timeout: 4 * MINUTE },
    );
    await t.page.locator('#btn-pause').click();
    const paused = await t.waitForMessage('checkpoint', (m) => t.received.indexOf(m) >= since && !!m.checkpoint.state?.loop.partial);
    const partial = paused.checkpoint.state!.loop.partial!;
    assert.equal(paused.checkpoint.epoch, 1);
    assert.ok(partial.batch >= 3 && partial.batch < 19, `paused at batch ${partial.batch} of epoch 2`);
    await t.page.locator('#btn-resumeCheckpoint', { hasText: `batch ${partial.batch} of epoch 2` }).waitFor();
    await t.page.locator('#btn-stop').click();
    assert.equal((await waitForEnd(t)).status, 'stopped');
    await t.page.locator('#btn-resumeCheckpoint:not([disabled])').click();
    const end = await waitForEnd(t);
    assert.equal(end.status, 'finished', end.notes);
    assert.deepEqual(
      end.history.map((h) => h.loss),
      firstHistory.map((h) => h.loss),
      'the epoch losses, the one interrupted by the pause included, are those of the uninterrupted run',
    );
  });
});

describe('training webview in Chromium: failures', { timeout: 10 * MINUTE }, () => {
  it('a lost WebGL context stops training and resumes from the last checkpoint on a fresh context', async () => {
    const before = t.received.length;
    await init(t, tiny(3));
    await t.waitForMessage('checkpoint', (m) => m.checkpoint.epoch === 1 && t.received.indexOf(m) >= before);
    const lost = await t.page.evaluate(() => (globalThis as unknown as { strideTraining: { loseContext(): boolean } }).strideTraining.loseContext());
    assert.ok(lost, 'WEBGL_lose_context is available');
    await t.page.locator('[data-key="context"]').waitFor();
    const end = await waitForEnd(t);
    assert.equal(end.status, 'finished', end.notes);
    assert.equal(end.backend, 'webgl');
    assert.equal(end.history.length, 3);
    assert.ok(end.history.every((h) => Number.isFinite(h.loss)));
    assert.match(await t.page.locator('#backend').innerText(), /context was lost/);
    assert.match(await t.page.locator('#btn-resumeCheckpoint').innerText(), /epoch 3/);
    await t.screenshot('training-context-lost');
  });

  it('a diverging run stops with an explanation and saves nothing', async () => {
    const saves = t.received.filter((m) => m.type === 'saveWeights').length;
    await init(t, tiny(2, 'sgd(lr: 1e30)'));
    const end = await waitForEnd(t);
    assert.equal(end.status, 'diverged', end.notes);
    assert.match(end.notes, /loss became (NaN|Infinity|-Infinity)/);
    assert.match(end.notes, /smaller learning rate/);
    assert.equal(t.received.filter((m) => m.type === 'saveWeights').length, saves);
    const ended = await t.waitForMessage('runEnded', (m) => m.reason === 'nan');
    assert.equal(ended.loss, null);
  });
});

/** The completed run's confusion matrix covers the 200 held-out samples (800 × 0.25), with the per-class table beside it. */
async function resultsShown(t: TrainingPage): Promise<void> {
  const cells = await t.page.locator('#confusion td').allInnerTexts();
  assert.equal(cells.length, 16, 'a 4 × 4 matrix');
  assert.equal(
    cells.map(Number).reduce((a, b) => a + b, 0),
    200,
  );
  assert.equal(await t.page.locator('#class-scores tr').count(), 5);
  await t.page.locator('#results').scrollIntoViewIfNeeded();
  await t.screenshot('training-results');
}
