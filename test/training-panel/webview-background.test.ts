// The bundled training webview following a background run (Stride: Train in Background): charts, status, Stop, and no run of its own.

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackgroundBatch } from '../../protocol/training';
import { makeShapes } from '../../train/data/shapes';
import { classResults } from '../../train/results';
import { withGallery } from '../../train/results-gallery';
import { openTrainingPage, type TrainingPage, trainingOf } from './page';

const TINY = `model Tiny {
  input(16, 16, 1)
  conv2d(8, 3, padding: same, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Tiny {
  data: shapes(count: 200)
  epochs: 3
  batch: 32
}
`;

const batch = (epoch: number, b: number, loss: number | null = 1.4 - 0.05 * (epoch * 10 + b)): BackgroundBatch => ({
  epoch,
  epochs: 3,
  batch: b,
  batches: 6,
  loss,
  accuracy: 0.25 + 0.02 * b,
  samplesPerSecond: 1500,
  etaSeconds: 4,
  lr: 0.001 * (7 - b),
});

type App = { status: string; background: { points: number } };

function app(t: TrainingPage): Promise<App> {
  return t.page.evaluate(() => {
    const a = (globalThis as unknown as { strideTraining: { app: App } }).strideTraining.app;
    return { status: a.status, background: { points: a.background.points } };
  });
}

function waitForStatus(t: TrainingPage, status: string): Promise<unknown> {
  return t.page.waitForFunction((s) => (globalThis as unknown as { strideTraining?: { app: App } }).strideTraining?.app.status === s, status, {
    timeout: 60_000,
  });
}

/** Messages are handled as tasks after `send` returns: wait for their effect rather than read at once. */
function waitForPoints(t: TrainingPage, n: number): Promise<unknown> {
  return t.page.waitForFunction((k) => (globalThis as unknown as { strideTraining: { app: App } }).strideTraining.app.background.points === k, n, {
    timeout: 30_000,
  });
}

const points = (t: TrainingPage, chart: string) =>
  t.page
    .locator(`#${chart} path`)
    .evaluateAll((paths) => paths.map((p) => Number((p as unknown as { getAttribute(n: string): string }).getAttribute('data-points'))));

let t: TrainingPage;
before(async () => {
  t = await openTrainingPage();
  await t.waitForMessage('ready');
  await t.send({
    type: 'init',
    uri: 'file:///ws/tiny.stride',
    model: 'Tiny',
    training: trainingOf(TINY, 'Tiny'),
    saved: null,
    checkpoint: null,
    autoStart: false,
  });
  await waitForStatus(t, 'ready');
});
after(async () => {
  await t?.close();
});

describe('training webview during a background run', { timeout: 300_000 }, () => {
  it('draws the replayed and streamed metrics, says whose they are, and offers only Stop and Pause', async () => {
    const replay = [batch(1, 1), batch(1, 6)];
    await t.send({
      type: 'backgroundStart',
      backend: 'wasm (SIMD, 1 thread)',
      batches: replay,
      history: [{ epoch: 1, loss: 1.1, accuracy: 0.4, valLoss: 1.2, valAccuracy: 0.3 }],
      paused: false,
    });
    await waitForStatus(t, 'background');
    assert.match(await t.page.locator('[data-key="background"]').innerText(), /Training in the background \(wasm \(SIMD, 1 thread\)\)/);
    assert.deepEqual(await points(t, 'chart-batch-loss'), [2]);
    assert.deepEqual(await points(t, 'chart-batch-lr'), [2], 'the learning rate of each batch is drawn');
    assert.deepEqual(await points(t, 'chart-epoch-loss'), [1, 1]);
    for (let b = 1; b <= 6; b++) await t.send({ type: 'backgroundBatch', progress: batch(2, b) });
    await t.send({ type: 'backgroundEpoch', record: { epoch: 2, loss: 0.9, accuracy: 0.5, valLoss: 1.0, valAccuracy: 0.45 } });
    await waitForPoints(t, 8);
    await t.page.locator('#chart-epoch-loss path[data-points="2"]').first().waitFor();
    assert.deepEqual(await points(t, 'chart-epoch-loss'), [2, 2]);
    assert.equal(await t.page.locator('#stat-epoch').innerText(), '2 / 3');
    assert.equal(await t.page.locator('#stat-throughput').innerText(), '1500 samples/s');
    for (const b of ['train', 'loadSaved', 'resumeCheckpoint', 'resume', 'save']) assert.ok(await t.page.locator(`#btn-${b}`).isDisabled(), `${b} is disabled`);
    for (const b of ['stop', 'pause']) assert.ok(await t.page.locator(`#btn-${b}`).isEnabled(), `${b} is enabled`);
    await t.screenshot('training-panel-background');
  });

  it('Pause and Resume go to the host, and the buttons follow the run', async () => {
    await t.page.locator('#btn-pause').click();
    await t.waitForMessage('pauseBackground');
    await t.send({ type: 'backgroundPaused', paused: true });
    await t.page.locator('#stat-state', { hasText: 'background, paused' }).waitFor();
    assert.ok(await t.page.locator('#btn-pause').isDisabled());
    await t.page.locator('#btn-resume').click();
    await t.waitForMessage('resumeBackground');
    await t.send({ type: 'backgroundPaused', paused: false });
    await t.page.locator('#btn-pause:not([disabled])').waitFor();
    assert.equal(await t.page.locator('#stat-state').innerText(), 'background');
    assert.ok(await t.page.locator('#btn-resume').isDisabled());
  });
});

describe('training webview during a background run: its results', { timeout: 300_000 }, () => {
  it("draws a completed background run's per-class results: heat map, scores and the wrong samples", async () => {
    // The worker's own functions: results of predictions on shapes images, with the wrong samples' pixels attached.
    const data = makeShapes({ count: 40, height: 16, width: 16, seed: 2 });
    const n = 20;
    const scores = Float32Array.from({ length: n * 4 }, (_, i) => ((i * 7919) % 13) / 13);
    const indices = Int32Array.from({ length: n }, (_, i) => i);
    const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
    const r = classResults({ scores, units: 4, labels, indices, form: 'softmax' }, data.classes);
    const results = withGallery(r, data);
    assert.ok(results.wrong.length > 0);
    await t.send({ type: 'backgroundResults', results });
    await t.page.locator('#confusion').waitFor();
    const cells = (await t.page.locator('#confusion td').allInnerTexts()).map(Number);
    assert.equal(cells.length, 16, 'a 4 × 4 matrix');
    assert.equal(
      cells.reduce((a, b) => a + b, 0),
      n,
      'the heat map counts every validation sample',
    );
    assert.equal(await t.page.locator('#class-scores tr').count(), 5);
    assert.equal(await t.page.locator('#wrong figure').count(), results.wrong.length);
  });
});

describe('training webview during a background run: ending it', { timeout: 300_000 }, () => {
  it('does not start a run of its own, even when the host asks for one, and sends Stop to the host', async () => {
    await t.send({
      type: 'init',
      uri: 'file:///ws/tiny.stride',
      model: 'Tiny',
      training: trainingOf(TINY, 'Tiny'),
      saved: null,
      checkpoint: null,
      autoStart: true,
    });
    await t.page.locator('[data-key="busy"]').waitFor();
    assert.equal((await app(t)).status, 'background');
    await t.page.locator('#btn-stop').click();
    await t.waitForMessage('stopBackground');
    assert.equal(t.received.filter((m) => m.type === 'checkpoint' || m.type === 'runEnded' || m.type === 'saveWeights').length, 0, 'the page trained nothing');
  });

  it('ends with the run, ignores later batches and refuses malformed ones', async () => {
    await t.send({ type: 'backgroundBatch', progress: batch(3, 1, null) });
    await t.send({ type: 'backgroundEnd', status: 'stopped', message: 'Stopped after 2 epochs; the weights are saved.' });
    await waitForStatus(t, 'stopped');
    assert.match(await t.page.locator('[data-key="background"]').innerText(), /Background run stopped: Stopped after 2 epochs/);
    assert.equal((await app(t)).background.points, 9, 'the batch with a non-finite loss is plotted as a gap');
    await t.send({ type: 'backgroundBatch', progress: batch(3, 2) });
    // An invalid message sent after it is handled after it: once its note shows, the batch was handled (and ignored).
    await t.page.evaluate(() =>
      (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'backgroundBatch', progress: { epoch: 9, epochs: 3 } }, '*'),
    );
    await t.page.locator('[data-key="protocol"]', { hasText: 'Ignored an invalid message' }).waitFor();
    assert.equal((await app(t)).background.points, 9, 'no batches after the end');
    assert.ok(await t.page.locator('#btn-train').isEnabled(), 'the page may train again');
    assert.deepEqual(t.invalid, []);
    assert.deepEqual(t.violations, []);
  });
});

describe('training webview following a run that cannot pause (a stride train process)', { timeout: 300_000 }, () => {
  it('keeps Pause and Resume disabled, offers Stop, and says so', async () => {
    const history = [{ epoch: 1, loss: 1.2, accuracy: 0.3, valLoss: 1.3, valAccuracy: 0.25 }];
    await t.send({ type: 'backgroundStart', backend: 'PyTorch (torchrun, 2 processes)', batches: [], history, paused: false, canPause: false });
    await waitForStatus(t, 'background');
    assert.match(await t.page.locator('[data-key="background"]').innerText(), /PyTorch \(torchrun, 2 processes\).*cannot pause/);
    for (const b of ['pause', 'resume', 'train', 'trainTorch']) assert.ok(await t.page.locator(`#btn-${b}`).isDisabled(), `${b} is disabled`);
    assert.ok(await t.page.locator('#btn-stop').isEnabled());
    await t.send({ type: 'backgroundEnd', status: 'completed', message: 'Trained with PyTorch.' });
    await waitForStatus(t, 'finished');
    // Once the run is over, the panel starts another through the host's command.
    await t.page.locator('#btn-trainTorch:not([disabled])').click();
    await t.waitForMessage('trainWithTorch');
  });
});
