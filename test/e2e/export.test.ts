// Stride: Export Model… in a real VS Code: the format and model picks, the files written beside the model, a refusal.

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openFile, runCommand, screenshotOnFailure, workbenchPerFile } from './harness';
import { ROOT } from './paths';

const SOURCE = `# Two models: the command asks which one.
model First {
  input(8, 8, 1)
  conv2d(4, 3, activation: relu)
  flatten()
  dense(3)
}

model Second {
  input(10, 10, 2)
  conv2d(6, 3, padding: 1)
  batchnorm()
  maxpool2d(2)
  globalavgpool2d()
  dense(4, activation: softmax)
}

model Pooled {
  input(8, 8, 2)
  lppool2d(2)
}
`;

let workspace = '';
const current = workbenchPerFile((ws) => {
  workspace = ws;
  writeFileSync(join(ws, 'export.stride'), SOURCE);
});

/** Picks `label` in the quick input the command just opened. */
async function pick(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).waitFor();
  await page.keyboard.press('Enter');
}

test('Export Model… from the palette writes the Keras files of the picked model beside it', { timeout: 240_000 }, async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'export.js')), 'dist/export.js is missing; run npm run package first');
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-export', async () => {
    await openFile(page, 'export.stride');
    await runCommand(page, 'Stride: Export Model…');
    await pick(page, 'keras');
    await pick(page, 'Second');
    const toasts = page.locator('.notifications-toasts');
    const done = toasts.locator('.notification-toast-container', { hasText: 'Stride: exported Second to Second_keras' });
    await done.waitFor({ timeout: 120_000 });
    await done.locator('.monaco-button', { hasText: 'Open' }).waitFor();
    const py = readFileSync(join(workspace, 'Second_keras', 'model.py'), 'utf8');
    assert.match(py, /layers\.Conv2D\(6, \(3, 3\)/);
    assert.match(py, /layers\.BatchNormalization\(/);
    assert.ok(!py.includes('"First"'), 'only the picked model');
    const npz = readFileSync(join(workspace, 'Second_keras', 'weights.npz'));
    assert.equal(npz.readUInt32LE(0), 0x04034b50, 'weights.npz is a zip');
    await done.locator('.monaco-button', { hasText: 'Open' }).click();
    await page.locator('.tab.active[aria-label*="model.py"]').waitFor();

    // A refusal is an error naming the layer, its kind and line; nothing is written.
    await openFile(page, 'export.stride');
    await runCommand(page, 'Stride: Export Model…');
    await pick(page, 'tfjs');
    await pick(page, 'Pooled');
    const refused = toasts.locator('.notification-toast-container', { hasText: "'lppool2d_1' (lppool2d, line 20)" });
    await refused.waitFor({ timeout: 60_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${workbench.console.slice(-30).join('\n')}`);
    });
    assert.ok(!existsSync(join(workspace, 'Pooled_tfjs')));
  });
});
