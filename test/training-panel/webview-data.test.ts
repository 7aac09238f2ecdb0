// The training webview with data streamed from the host in chunks, and its cpu fallback when the browser has no WebGL.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTrainingPage, type TrainingPage, trainingOf } from './page';

const HOSTED = `
model Hosted {
  input(8, 8, 1)
  conv2d(4, 3, padding: same, activation: relu)
  flatten()
  dense(2, activation: softmax)
}
train Hosted { data: mnist  optimizer: adam(lr: 0.01)  epochs: 2  batch: 16  validation: 0.25  seed: 1 }
`;

/** Class 0 is dark, class 1 bright, with a little noise: learnable in a couple of epochs. */
function images(count: number, offset: number): { images: Uint8Array; labels: Uint8Array } {
  const labels = Uint8Array.from({ length: count }, (_, i) => (offset + i) % 2);
  const pixels = new Uint8Array(count * 64);
  for (let i = 0; i < count; i++) for (let p = 0; p < 64; p++) pixels[i * 64 + p] = (labels[i] ? 180 : 40) + ((i * 31 + p * 7) % 40);
  return { images: pixels, labels };
}

const state = (t: TrainingPage) =>
  t.page.evaluate(() => {
    const s = (globalThis as unknown as { strideTraining: { tf: { getBackend(): string }; app: { status: string; run?: { history: { loss: number }[] } } } })
      .strideTraining;
    return { status: s.app.status, backend: s.tf.getBackend(), epochs: s.app.run?.history.length ?? 0 };
  });

describe('training webview: host data', { timeout: 300_000 }, () => {
  it('asks the host for a data set it cannot draw, assembles the chunks and trains on them', async () => {
    const t = await openTrainingPage();
    try {
      await t.waitForMessage('ready');
      await t.send({
        type: 'init',
        uri: 'file:///ws/hosted.stride',
        model: 'Hosted',
        training: trainingOf(HOSTED, 'Hosted'),
        saved: null,
        checkpoint: null,
        autoStart: true,
      });
      const request = await t.waitForMessage('requestData');
      assert.deepEqual(request.spec, { kind: 'mnist' });
      assert.deepEqual(request.inputShape, [8, 8, 1]);
      await t.send({ type: 'dataStart', header: { name: 'mnist', shape: [8, 8, 1], classes: ['dark', 'bright'], trainCount: 96, testCount: 8 } });
      for (const offset of [0, 48]) await t.send({ type: 'dataChunk', split: 'train', offset, ...images(48, offset) });
      await t.send({ type: 'dataChunk', split: 'test', offset: 0, ...images(8, 0) });
      await t.send({ type: 'dataEnd' });
      await t.page.waitForFunction(
        () => ['finished', 'error', 'diverged'].includes((globalThis as unknown as { strideTraining: { app: { status: string } } }).strideTraining.app.status),
        null,
        { timeout: 240_000 },
      );
      const s = await state(t);
      assert.equal(s.status, 'finished');
      assert.equal(s.epochs, 2);
      // Activations come from the host's test split, with its class names.
      await t.page.locator('#btn-showSample').click();
      await t.page.locator('.sample', { hasText: 'true class: dark' }).waitFor();
      assert.deepEqual(t.violations, []);
    } finally {
      await t.close();
    }
  });

  it('refuses a chunk that does not fit the announced data set', async () => {
    const t = await openTrainingPage();
    try {
      await t.waitForMessage('ready');
      await t.send({
        type: 'init',
        uri: 'file:///ws/hosted.stride',
        model: 'Hosted',
        training: trainingOf(HOSTED, 'Hosted'),
        saved: null,
        checkpoint: null,
        autoStart: false,
      });
      await t.waitForMessage('requestData');
      await t.send({ type: 'dataStart', header: { name: 'mnist', shape: [8, 8, 1], classes: ['dark', 'bright'], trainCount: 4, testCount: 0 } });
      await t.send({ type: 'dataChunk', split: 'train', offset: 2, ...images(4, 0) });
      await t.page.locator('[data-key="error"]', { hasText: 'does not fit the announced data set' }).waitFor();
    } finally {
      await t.close();
    }
  });
});

describe('training webview: pause, resume and stop', { timeout: 300_000 }, () => {
  it('pauses between batches with a checkpoint, resumes, and stops on request', async () => {
    const t = await openTrainingPage();
    try {
      await t.waitForMessage('ready');
      const text = HOSTED.replace('data: mnist', 'data: shapes(count: 2000)')
        .replace('input(8, 8, 1)', 'input(16, 16, 1)')
        .replace('epochs: 2', 'epochs: 20')
        .replace('dense(2,', 'dense(4,');
      await t.send({
        type: 'init',
        uri: 'file:///ws/hosted.stride',
        model: 'Hosted',
        training: trainingOf(text, 'Hosted'),
        saved: null,
        checkpoint: null,
        autoStart: true,
      });
      const batches = () =>
        t.page.evaluate(() => (globalThis as unknown as { strideTraining: { app: { batchLosses: number[] } } }).strideTraining.app.batchLosses.length);
      await t.page.waitForFunction(
        () => (globalThis as unknown as { strideTraining: { app: { batchLosses: number[] } } }).strideTraining.app.batchLosses.length >= 3,
        null,
        { timeout: 120_000 },
      );
      await t.page.locator('#btn-pause').click();
      await t.waitForMessage('checkpoint', (m) => m.checkpoint.epoch === 0);
      const paused = await batches();
      // Sixty animation frames (about a second) in which a running loop would finish several batches.
      await t.page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            let n = 0;
            const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame;
            const tick = () => (++n >= 60 ? resolve() : raf(tick));
            raf(tick);
          }),
      );
      assert.ok((await batches()) <= paused + 1, 'at most the batch in flight finishes while paused');
      assert.equal((await state(t)).status, 'paused');
      await t.page.locator('#btn-resume').click();
      await t.page.waitForFunction(
        (n) => (globalThis as unknown as { strideTraining: { app: { batchLosses: number[] } } }).strideTraining.app.batchLosses.length > n + 2,
        paused,
        { timeout: 120_000 },
      );
      await t.page.locator('#btn-stop').click();
      const ended = await t.waitForMessage('runEnded');
      assert.equal(ended.reason, 'stopped');
      assert.equal((await state(t)).status, 'stopped');
      assert.equal(await t.page.locator('#btn-save').isEnabled(), true);
    } finally {
      await t.close();
    }
  });
});

describe('training webview: fallback', { timeout: 300_000 }, () => {
  it('falls back to the cpu backend with a visible note when the browser has no WebGL', async () => {
    const t = await openTrainingPage(['--disable-software-rasterizer']);
    try {
      await t.waitForMessage('ready');
      const s = await state(t);
      assert.equal(s.backend, 'cpu');
      const note = t.page.locator('#backend');
      assert.match(await note.innerText(), /cpu .*WebGL is not available/);
      assert.equal(await note.getAttribute('class'), 'note warning');
    } finally {
      await t.close();
    }
  });
});
