// stride.training.threads in a real VS Code: Train in Background trains data-parallel on that many threads.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cancelProgress, openFile, runCommand, screenshotOnFailure, workbenchPerFile } from './harness';

let workspace = '';
const current = workbenchPerFile((ws) => (workspace = ws), { 'stride.training.threads': 2 });

test('Train in Background with stride.training.threads 2 trains on two threads and keeps the weights on Cancel', { timeout: 240_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-background-threads', async () => {
    await openFile(page, 'shapes.stride');
    await runCommand(page, 'Stride: Train in Background');
    const toasts = page.locator('.notifications-toasts');
    const progress = toasts.locator('.notification-toast-container', { hasText: 'Stride: training Shapes in the background' });
    await progress.filter({ hasText: /epoch \d+\/\d+ · batch \d+\/\d+ · loss \d\.\d{4}/ }).waitFor({ timeout: 90_000 });
    const start = JSON.parse(readFileSync(join(workspace, 'shapes.runs', 'Shapes', 'metrics.jsonl'), 'utf8').split('\n')[0]);
    assert.equal(start.event, 'start');
    assert.match(start.backend, /^wasm \(SIMD.*; data-parallel on 2 threads$/);
    await cancelProgress(progress);
    await toasts
      .locator('.notification-toast-container', {
        hasText: /Stride: Stopped training Shapes after \d+ epochs? on wasm .*data-parallel on 2 threads.*the weights trained so far are saved/,
      })
      .waitFor({ timeout: 60_000 });
    const json = JSON.parse(readFileSync(join(workspace, 'shapes.weights', 'Shapes', 'model.json'), 'utf8'));
    assert.equal(json.userDefinedMetadata.stride.model, 'Shapes');
  });
});
