// Stride: Train with PyTorch (torchrun)… from the palette in a real VS Code: the process count, a missing torch, Set Python
// Interpreter, and then either the refusal of a CLI without `--engine torch` or a torchrun run stopped from the panel.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { openFile, runCommand, screenshotOnFailure, workbenchPerFile } from './harness';
import { ROOT } from './paths';

const NO_TORCH = join(ROOT, 'test', 'fixtures', 'python-without-site.sh');
const TORCH = '/usr/bin/python3';

let workspace = '';
const current = workbenchPerFile((ws) => (workspace = ws), { 'stride.python': NO_TORCH });

const cliKnowsTorch = () => execFileSync(process.execPath, [join(ROOT, 'bin', 'stride.js'), 'help'], { encoding: 'utf8' }).includes('--engine');

function hasTorch(): boolean {
  try {
    execFileSync(TORCH, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const toast = (page: Page, text: string | RegExp): Locator => page.locator('.notifications-toasts .notification-toast-container', { hasText: text });

/** The process-count prompt refuses 0, takes 2; the interpreter without torch is named with the action that fixes it. */
async function promptAndMissingTorch(page: Page): Promise<Locator> {
  await openFile(page, 'shapes.stride');
  await runCommand(page, 'Stride: Train with PyTorch (torchrun)…');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'Number of processes' }).waitFor();
  assert.equal(await input.inputValue(), '1', 'one process by default');
  await input.fill('0');
  await page.locator('.quick-input-message', { hasText: 'Enter a number of processes from 1 to 256.' }).waitFor();
  await input.fill('2');
  await page.keyboard.press('Enter');
  const missing = toast(page, `PyTorch is not available to '${NO_TORCH}' (import torch failed: ModuleNotFoundError: No module named 'torch')`);
  await missing.waitFor({ timeout: 60_000 });
  assert.ok(!existsSync(join(workspace, 'shapes.runs')), 'nothing ran');
  return missing;
}

/** Set Python Interpreter: the input box starts at the current setting; the new one is stored and the command starts again. */
async function setInterpreter(page: Page, missing: Locator): Promise<void> {
  await missing.hover();
  await missing.locator('.monaco-button', { hasText: 'Set Python Interpreter' }).click();
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'stride.python' }).waitFor();
  assert.equal(await input.inputValue(), NO_TORCH);
  await input.fill(TORCH);
  await page.keyboard.press('Enter');
}

/** The run under way in the panel (Pause disabled: a process cannot pause); Stop sends SIGINT and the weights come back. */
async function stopFromPanel(page: Page): Promise<void> {
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await panel.locator('[data-key="background"]', { hasText: /PyTorch \(torchrun, 2 processes\).*cannot pause/ }).waitFor({ timeout: 120_000 });
  // Epochs of this tiny model take milliseconds: any finished epoch shows the run is under way.
  await panel.locator('#stat-epoch', { hasText: /^\d+ \/ 10000$/ }).waitFor({ timeout: 300_000 });
  assert.ok(await panel.locator('#btn-pause').isDisabled());
  await panel.locator('#btn-stop').click();
  await toast(page, /Stopped training Shapes with PyTorch after \d+ epochs?.*Weights in shapes\.weights\/Shapes\./).waitFor({ timeout: 180_000 });
  const json = JSON.parse(readFileSync(join(workspace, 'shapes.weights/Shapes/model.json'), 'utf8'));
  assert.equal(json.userDefinedMetadata.stride.model, 'Shapes');
  await panel.locator('[data-key="background"]', { hasText: 'Background run stopped' }).waitFor({ timeout: 30_000 });
}

test(
  'Train with PyTorch (torchrun)…: process count, missing torch, Set Python Interpreter, then the run or the CLI refusal',
  { timeout: 600_000 },
  async (t) => {
    if (!hasTorch()) return t.skip(`no PyTorch at ${TORCH} (apt install python3-torch)`);
    const workbench = current();
    const { page } = workbench;
    await screenshotOnFailure(workbench, 'e2e-torch', async () => {
      const missing = await promptAndMissingTorch(page);
      await workbench.screenshot('e2e-torch-missing');
      await setInterpreter(page, missing);
      if (!cliKnowsTorch()) {
        await toast(page, 'this Stride CLI cannot train with PyTorch (its `stride train` has no --engine option)').waitFor({ timeout: 60_000 });
        assert.ok(!existsSync(join(workspace, 'shapes.runs')), 'a CLI without the engine must not train with Node instead');
        return;
      }
      await stopFromPanel(page);
      await workbench.screenshot('e2e-torch-stopped');
    });
  },
);
