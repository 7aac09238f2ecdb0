// The training panel in a real VS Code (code-server): trains on WebGL inside the webview, saves weights, shows activations, predicts.

import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { openFile, openWorkbench, runCommand, withWorkbench } from './harness';
import { ROOT } from './paths';

const TINY = `model Tiny {
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
  epochs: 3
  batch: 32
  validation: 0.25
  seed: 3
}
`;

/** A bright square on a dark background, as a PNG file. */
function squarePng(): Buffer {
  const png = new PNG({ width: 32, height: 32 });
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const i = (y * 32 + x) * 4;
      const v = x >= 8 && x < 24 && y >= 8 && y < 24 ? 230 : 20;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stride-e2e-training-'));
  writeFileSync(join(dir, 'tiny.stride'), TINY);
  writeFileSync(join(dir, 'square.png'), squarePng());
  return dir;
}

/** The webview's inner document, where the panel's script runs. */
async function panelFrame(page: Page): Promise<Frame> {
  for (const frame of page.frames()) {
    const found = await frame.evaluate(() => 'strideTraining' in globalThis).catch(() => false);
    if (found) return frame;
  }
  throw new Error('no frame runs the training panel');
}

function requireBuilds(): void {
  for (const f of ['dist/webview/training.js', 'dist/client.js']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing; build it first (npm run build:ext)`);
  }
}

test('training panel in VS Code: WebGL training, weights saved, activations, Run Model on Image', { timeout: 480_000 }, async () => {
  requireBuilds();
  const ws = workspace();
  try {
    await withWorkbench('training-panel', { workspace: ws }, async (workbench) => {
      const page = workbench.page;
      // The extension under development, as a user runs it: open the model, then Stride: Train Model.
      await openWorkbench(workbench, ws, { extensionDevelopmentPath: ROOT });
      await openFile(page, 'tiny.stride');
      await runCommand(page, 'Stride: Train Model');
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await trainsOnWebGl(page, panel);
      await weightsSaved(workbench, panel, ws);
      // The validation results of the completed run: a 4 × 4 confusion matrix over the 200 held-out samples.
      const cells = await panel.locator('#confusion td').allInnerTexts();
      assert.equal(
        cells.map(Number).reduce((a, b) => a + b, 0),
        200,
        cells.join(' '),
      );
      await panel.locator('#results').scrollIntoViewIfNeeded();
      await workbench.screenshot('e2e-training-results');
      await panel.locator('#btn-showSample').click();
      await panel.locator('#probabilities').waitFor();
      assert.equal(await panel.locator('.feature-maps').count(), 4);
      await panel.locator('.feature-maps').first().scrollIntoViewIfNeeded();
      await workbench.screenshot('e2e-training-activations');
      await runOnImage(workbench, panel);
    });
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

type Workbench = Parameters<Parameters<typeof withWorkbench>[2]>[0];

/** The run ends on WebGL with a falling loss and a flat tensor count. */
async function trainsOnWebGl(page: Page, panel: FrameLocator): Promise<void> {
  await panel.locator('#backend', { hasText: 'WebGL' }).waitFor({ timeout: 120_000 });
  await panel.locator('#stat-state', { hasText: /finished|diverged|error/ }).waitFor({ timeout: 300_000 });
  const frame = await panelFrame(page);
  const run = await frame.evaluate(() => {
    const s = (
      globalThis as unknown as { strideTraining: { tf: { getBackend(): string }; app: { status: string; batchLosses: number[]; epochTensors: number[] } } }
    ).strideTraining;
    return { backend: s.tf.getBackend(), status: s.app.status, losses: s.app.batchLosses, tensors: s.app.epochTensors };
  });
  assert.equal(run.status, 'finished');
  assert.equal(run.backend, 'webgl');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(run.losses.slice(-3)) < mean(run.losses.slice(0, 3)), `loss should fall: ${run.losses.slice(0, 3)} … ${run.losses.slice(-3)}`);
  assert.ok(run.tensors.length === 3 && run.tensors.every((n) => n === run.tensors[0]), `tensors per epoch: ${run.tensors}`);
}

/** The weights went through VS Code's message transport to the extension host, which wrote them atomically. */
async function weightsSaved(workbench: Workbench, panel: FrameLocator, ws: string): Promise<void> {
  await panel
    .locator('[data-key="saved"]')
    .waitFor({ timeout: 60_000 })
    .catch((e) => {
      console.log(workbench.console.filter((l) => /stride|invalid/i.test(l)).join('\n'));
      throw e;
    });
  const json = JSON.parse(readFileSync(join(ws, 'tiny.weights/Tiny/model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.ok(readFileSync(join(ws, 'tiny.weights/Tiny/weights.bin')).length > 10_000);
  await workbench.screenshot('e2e-training-panel');
}

/** Run Model on Image… asks for the image in VS Code's own file dialog; choosing a file in the list accepts it. */
async function runOnImage(workbench: Workbench, panel: FrameLocator): Promise<void> {
  const page = workbench.page;
  await page.locator('.tab[aria-label="tiny.stride"]').click();
  await runCommand(page, 'Stride: Run Model on Image…');
  const dialog = page.locator('.quick-input-widget');
  await dialog.locator('.monaco-list-row', { hasText: 'square.png' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page
    .locator('.notifications-toasts', { hasText: 'square.png →' })
    .waitFor({ timeout: 60_000 })
    .catch(async (e) => {
      console.log(workbench.console.filter((l) => /stride|error|square/i.test(l)).join('\n'));
      console.log('notes:', await panel.locator('#notes').innerText());
      throw e;
    });
  await panel.locator('.sample', { hasText: 'square.png' }).waitFor();
  await workbench.screenshot('e2e-run-on-image');
}
