// The training page's "Show augmented samples" grid, in real Chromium: drawn from the page's own shapes data with the
// trainer's seeded augmentations, one tile per image and draw, and different from the images as loaded.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMetadata } from '../../protocol/training-payloads';
import { openTrainingPage, trainingOf } from './page';

const source = (augment: string) => `
model Aug {
  input(16, 16, 1)
  conv2d(4, 3, activation: relu)
  flatten()
  dense(4, activation: softmax)
}
train Aug { data: shapes(count: 40)  epochs: 1  seed: 2  ${augment} }
`;

/** Per tile of the grid: its sum of grey levels and a position-weighted sum (which tells images apart), read from the canvas. */
const tileSums = (t: Awaited<ReturnType<typeof openTrainingPage>>) =>
  t.page.locator('#augment-grid').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const rows = 4;
    const columns = Number(c.dataset.tiles) / rows;
    const tileW = c.width / columns;
    const tileH = c.height / rows;
    const sums: number[][] = [];
    const weighted: number[][] = [];
    for (let r = 0; r < rows; r++) {
      sums.push([]);
      weighted.push([]);
      for (let k = 0; k < columns; k++) {
        const d = ctx.getImageData(Math.floor(k * tileW), Math.floor(r * tileH), Math.floor(tileW) - 4, Math.floor(tileH) - 4).data;
        let s = 0;
        let w = 0;
        for (let i = 0; i < d.length; i += 4) {
          s += d[i];
          w += d[i] * (i + 1);
        }
        sums[r].push(s);
        weighted[r].push(w);
      }
    }
    return { tiles: Number(c.dataset.tiles), sums, weighted };
  });

describe('training webview: augmented samples', { timeout: 120_000 }, () => {
  it('draws a grid of each image and its augmented draws, all distinct and none blank', async () => {
    const t = await openTrainingPage();
    try {
      await t.waitForMessage('ready');
      const training = trainingOf(source('augment: [flip(p: 1), rotate(30), cutout(size: 6)]'), 'Aug');
      await t.send({ type: 'init', uri: 'file:///ws/aug.stride', model: 'Aug', training, saved: null, checkpoint: null, autoStart: false });
      // Shown as soon as the data is ready, before anything trains; the button draws it again.
      await t.page.locator('#augment-grid').waitFor();
      assert.equal((await tileSums(t)).tiles, 16);
      const button = t.page.locator('#btn-augmentSamples');
      await t.page.waitForFunction(() => !(document.querySelector('#btn-augmentSamples') as HTMLButtonElement).disabled);
      await button.click();
      const grid = await tileSums(t);
      assert.equal(grid.tiles, 16);
      for (const row of grid.sums)
        assert.ok(
          row.every((s) => s > 0),
          `a blank tile: ${row}`,
        );
      for (const row of grid.weighted) for (let k = 1; k < row.length; k++) assert.notEqual(row[k], row[0], `draw ${k} equals the image as loaded`);
      assert.deepEqual(t.violations, []);
    } finally {
      await t.close();
    }
  });

  it('saves the normalisation of a run beside its weights, worked out from the training split', async () => {
    const t = await openTrainingPage();
    try {
      await t.waitForMessage('ready');
      const training = trainingOf(source('normalize: auto  augment: [flip]'), 'Aug');
      await t.send({ type: 'init', uri: 'file:///ws/aug.stride', model: 'Aug', training, saved: null, checkpoint: null, autoStart: true });
      await t.page.waitForFunction(
        () => ['finished', 'error', 'diverged'].includes((globalThis as unknown as { strideTraining: { app: { status: string } } }).strideTraining.app.status),
        null,
        { timeout: 90_000 },
      );
      await t.page.locator('#btn-save').click();
      const saved = await t.waitForMessage('saveWeights');
      const n = saved.metadata.normalization;
      assert.ok(n && n.mean.length === 1 && n.std.length === 1, JSON.stringify(saved.metadata));
      assert.ok(n.mean[0] > 0 && n.mean[0] < 1 && n.std[0] > 0, JSON.stringify(n));
      assert.deepEqual(t.invalid, []);
      assert.deepEqual(t.violations, []);
    } finally {
      await t.close();
    }
  });
});

describe('saved metadata from the page', () => {
  it('refuses a normalisation that is not a mean and a positive std per channel', () => {
    const base = { inputShape: [16, 16, 1], classes: ['a'], dataset: 'shapes', epochs: 1 };
    assert.deepEqual(checkMetadata({ ...base, normalization: { mean: [0.5], std: [0.2] } }).normalization, { mean: [0.5], std: [0.2] });
    for (const normalization of [{ mean: [0.5], std: [0] }, { mean: [0.5, 1], std: [0.2] }, { mean: 'x', std: [1] }, null])
      assert.throws(() => checkMetadata({ ...base, normalization }), /normalization/);
  });
});
