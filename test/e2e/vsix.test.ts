// The packaged extension: installs stride.vsix into a clean code-server and checks that its bundled server answers.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbench, withWorkbench } from './harness';
import { ROOT, copyWorkspace } from './paths';

const VSIX = process.env.STRIDE_E2E_VSIX ?? join(ROOT, 'stride.vsix');

test('the installed .vsix shows diagnostics and shapes in the editor', async () => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing; run npm run package first`);
  const workspace = copyWorkspace();
  try {
    await withWorkbench('vsix', { workspace, vsix: VSIX }, async (workbench) => {
      const { page } = workbench;
      // No development path: only the installed copy of the extension can serve this workbench.
      await openWorkbench(workbench, workspace);
      await openFile(page, 'mistakes.stride');
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
      // The inlay hint after `  conv2d(8, 3)` on a 28×28×1 input.
      await editor.locator('.view-lines', { hasText: '→ 26×26×8' }).waitFor({ timeout: 30_000 });
      await workbench.screenshot('vsix-installed');
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
