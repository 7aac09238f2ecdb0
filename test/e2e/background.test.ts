// Stride: Train in Background in a real VS Code: progress notification, the open panel's charts fed by the worker, cancel, saved weights.

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { cancelProgress, openFile, runCommand, screenshotOnFailure, workbenchPerFile } from './harness';
import { ROOT } from './paths';

let workspace = '';
const current = workbenchPerFile((ws) => (workspace = ws));

test('Train in Background waits while the training panel trains the same model', { timeout: 240_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-background-busy', async () => {
    await openFile(page, 'shapes.stride');
    await runCommand(page, 'Stride: Train Model');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#stat-state', { hasText: 'training' }).waitFor({ timeout: 120_000 });
    await page.locator('.tab[aria-label="shapes.stride"]').click();
    await runCommand(page, 'Stride: Train in Background');
    const toasts = page.locator('.notifications-toasts');
    await toasts
      .locator('.notification-toast-container', { hasText: 'Shapes is training in its training panel; stop it there first' })
      .waitFor({ timeout: 30_000 });
    assert.ok(!existsSync(join(workspace, 'shapes.runs')), 'no background run started beside the panel');
    await panel.locator('#btn-stop').click();
    await panel.locator('#stat-state', { hasText: 'stopped' }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'View: Close All Editors');
  });
});

test(
  'Train in Background: progress notification, streaming into the open panel, a second start refused, cancel keeps the weights',
  { timeout: 240_000 },
  async () => {
    for (const f of ['dist/train-worker.js', 'dist/tfjs-backend-wasm-simd.wasm', 'dist/webview/training.js']) {
      assert.ok(existsSync(join(ROOT, f)), `${f} is missing; run npm run package first`);
    }
    const workbench = current();
    await screenshotOnFailure(workbench, 'e2e-background', async () => {
      const run = await startBackgroundRun(workbench);
      await pauseAndResume(run);
      // One run per model: a second start is refused while the first runs.
      await run.page.locator('.tab[aria-label="shapes.stride"]').click();
      await runCommand(run.page, 'Stride: Train in Background');
      await run.toasts.locator('.notification-toast-container', { hasText: 'Shapes is already training in the background' }).waitFor({ timeout: 30_000 });
      await cancelKeepsWeights(run);
    });
  },
);

type Workbench = ReturnType<typeof current>;

/** A background run under way, with the training panel open and following it. */
interface BackgroundRun {
  readonly workbench: Workbench;
  readonly page: Page;
  readonly toasts: Locator;
  readonly progress: Locator;
  readonly panel: FrameLocator;
  readonly frame: Frame;
}

/** The background run's status-bar item, with `text`. */
function runStatus(page: Page, text: RegExp | string): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
}

/** Starts the run from the palette, waits for its progress, then opens the panel and checks it draws the worker's batches. */
async function startBackgroundRun(workbench: Workbench): Promise<BackgroundRun> {
  const { page } = workbench;
  await openFile(page, 'shapes.stride');
  await runCommand(page, 'Stride: Train in Background');
  const toasts = page.locator('.notifications-toasts');
  const progress = toasts.locator('.notification-toast-container', { hasText: 'Stride: training Shapes in the background' });
  // The notification shows the worker's batches: epoch, loss, accuracy, speed and time left.
  await progress
    .filter({ hasText: /epoch \d+\/10000 · batch \d+\/10 · loss \d\.\d{4} · accuracy [\d.]+% · \d+ samples\/s · ETA/ })
    .waitFor({ timeout: 60_000 });
  // The live numbers are in the status bar too, where they change every second without redrawing the toast.
  await runStatus(page, /Shapes: epoch \d+\/10000 · batch \d+\/10 · loss \d\.\d{4} · ETA/).waitFor({ timeout: 30_000 });

  // The training panel opened during the run follows it instead of training by itself.
  await runCommand(page, 'Stride: Train Model');
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await panel.locator('[data-key="background"]', { hasText: /Training in the background \(wasm/ }).waitFor({ timeout: 90_000 });
  await panel.locator('#stat-state', { hasText: 'background' }).waitFor();
  const frame = await panelFrame(page);
  const before = await backgroundPoints(frame);
  // Batches keep streaming from the worker into the open panel, and its chart draws them.
  await frame.waitForFunction((n) => (globalThis as unknown as Hooks).strideTraining.app.background.points > n + 2, before, { timeout: 30_000 });
  await panel.locator('#chart-batch-loss path').first().waitFor();
  assert.ok(Number(await panel.locator('#chart-batch-loss path').first().getAttribute('data-points')) >= 2);
  assert.ok(await panel.locator('#btn-train').isDisabled(), 'the panel offers no run of its own');
  await workbench.screenshot('e2e-background-panel');
  return { workbench, page, toasts, progress, panel, frame };
}

/** Pause in the panel holds the worker after its batch (the notification says so); Resume lets it go on. */
async function pauseAndResume({ page, panel, frame, progress }: BackgroundRun): Promise<void> {
  await panel.locator('#btn-pause').click();
  await panel.locator('#stat-state', { hasText: 'background, paused' }).waitFor({ timeout: 30_000 });
  await progress.filter({ hasText: 'paused — Resume in the training panel' }).waitFor({ timeout: 30_000 });
  await runStatus(page, 'Shapes: paused').waitFor({ timeout: 10_000 });
  const held = await backgroundPoints(frame);
  await page.waitForTimeout(2_000);
  assert.ok((await backgroundPoints(frame)) <= held + 1, 'no batches while paused (one may have been under way)');
  await panel.locator('#btn-resume').click();
  await frame.waitForFunction((n) => (globalThis as unknown as Hooks).strideTraining.app.background.points > n + 2, held + 1, { timeout: 30_000 });
}

/** Cancel: the worker stops after its batch and saves what it trained; the panel reloads it; Show Weights reveals it. */
async function cancelKeepsWeights({ workbench, page, toasts, progress, panel }: BackgroundRun): Promise<void> {
  await cancelProgress(progress);
  const stopped = toasts.locator('.notification-toast-container', {
    hasText:
      /Stride: Stopped training Shapes after \d+ epochs? on wasm .*; the weights trained so far are saved\. Final evaluation: loss \d\.\d{4}, accuracy [\d.]+%; validation loss \d\.\d{4}.* Weights: shapes\.weights\/Shapes\./,
  });
  await stopped.waitFor({ timeout: 60_000 }).catch(async (e: Error) => {
    throw new Error(`${e.message}\nThe notifications shown: ${JSON.stringify(await toasts.locator('.notification-toast-container').allInnerTexts())}`);
  });
  // The status-bar item goes with the run.
  await runStatus(page, /Shapes: (epoch|stopping)/).waitFor({ state: 'detached', timeout: 10_000 });
  for (const dir of ['shapes.weights/Shapes', 'shapes.runs/Shapes/weights']) {
    const json = JSON.parse(readFileSync(join(workspace, dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model', dir);
    assert.equal(json.userDefinedMetadata.stride.model, 'Shapes');
    assert.ok(readFileSync(join(workspace, dir, 'weights.bin')).length > 1000, dir);
  }
  await panel.locator('[data-key="background"]', { hasText: 'Background run stopped' }).waitFor({ timeout: 30_000 });
  // The panel reloaded the saved weights: it now offers to train from them.
  await panel.locator('#btn-loadSaved:not([disabled])').waitFor({ timeout: 30_000 });
  await workbench.screenshot('e2e-background-stopped');
  // The message's action shows the weights folder in the Explorer.
  const revealed = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: /shapes\.weights\W*Shapes/ });
  assert.equal(await revealed.count(), 0, 'the folder is not selected yet');
  await stopped.hover();
  await stopped.locator('.monaco-button', { hasText: 'Show Weights' }).click();
  await revealed.waitFor({ timeout: 30_000 });
  await workbench.screenshot('e2e-background-revealed');
}

interface Hooks {
  strideTraining: { app: { status: string; background: { points: number } } };
}

/** The webview's inner document, where the panel's script runs. */
async function panelFrame(page: Page): Promise<Frame> {
  for (const frame of page.frames()) {
    if (await frame.evaluate(() => 'strideTraining' in globalThis).catch(() => false)) return frame;
  }
  throw new Error('no frame runs the training panel');
}

function backgroundPoints(frame: Frame): Promise<number> {
  return frame.evaluate(() => (globalThis as unknown as Hooks).strideTraining.app.background.points);
}
