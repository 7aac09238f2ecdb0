// Restricted Mode in a real VS Code: in an untrusted folder the analysis works (diagnostics, inlay shapes, preview), and
// Train says why it is off instead of training.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbench, runCommand, withWorkbench } from './harness';
import { copyWorkspace, EXTENSION, requireExtensionBuild } from './paths';

test('an untrusted folder gets diagnostics, inlay shapes and the preview, and Train explains that it is off', { timeout: 240_000 }, async () => {
  requireExtensionBuild();
  const workspace = copyWorkspace();
  try {
    await withWorkbench('restricted', { workspace, untrusted: true }, async (workbench) => {
      const { page } = workbench;
      await openWorkbench(workbench, workspace, { extensionDevelopmentPath: EXTENSION });
      // The window is really in Restricted Mode: the status bar says so.
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
      await openFile(page, 'mistakes.stride');
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
      await editor.locator('.view-lines', { hasText: '→ 26×26×8' }).waitFor({ timeout: 30_000 });
      await openFile(page, 'shapes.stride');
      await runCommand(page, 'Stride: Open Architecture Preview');
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await view.locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
      // Train from the model's code lens (the palette hides training in Restricted Mode).
      await page.locator('.tab[aria-label="shapes.stride"]').click();
      await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train' }).first().click();
      const toast = page.locator('.notifications-toasts .notification-toast-container', { hasText: 'training is off in Restricted Mode' });
      await toast.waitFor({ timeout: 30_000 });
      assert.match(await toast.innerText(), /Manage Workspace Trust/);
      await workbench.screenshot('restricted-train');
      assert.equal(await page.locator('.tab', { hasText: 'Train' }).count(), 0);
      assert.ok(!existsSync(join(workspace, 'shapes.weights')));
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
