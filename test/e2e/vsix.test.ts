// The packaged extension: installs stride.vsix into a clean code-server and checks that its bundled server answers.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbench, runCommand, withWorkbench } from './harness';
import { ROOT, copyWorkspace } from './paths';

const VSIX = process.env.STRIDE_E2E_VSIX ?? join(ROOT, 'stride.vsix');

/** File names in a zip archive (a .vsix), read from its central directory. */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip archive`);
  const names: string[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged central directory`);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

test('the .vsix ships the background trainer and the command line with the wasm binaries, and no node_modules', () => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing; run npm run package first`);
  const names = zipEntries(VSIX);
  for (const f of [
    'train-worker.js',
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
    'client.js',
    'stride-cli.js',
  ]) {
    assert.ok(names.includes(`extension/dist/${f}`), `extension/dist/${f} is not in the package: ${names.join(', ')}`);
  }
  assert.deepEqual(
    names.filter((n) => n.includes('node_modules')),
    [],
  );
});

test('the installed .vsix shows diagnostics and shapes in the editor, and trains in the background', async () => {
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
      // The installed worker trains with the wasm binaries beside it (tfjs-node is absent and its require fails quietly).
      await openFile(page, 'shapes.stride');
      await runCommand(page, 'Stride: Train in Background');
      const progress = page.locator('.notifications-toasts .notification-toast-container', { hasText: 'Stride: training Shapes in the background' });
      await progress.filter({ hasText: /epoch \d+\/10000 · batch \d+\/10/ }).waitFor({ timeout: 60_000 });
      await progress.hover();
      await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await page
        .locator('.notifications-toasts .notification-toast-container', { hasText: /Stride: Stopped training Shapes after \d+ epochs? on wasm \(SIMD/ })
        .waitFor({ timeout: 60_000 });
      assert.ok(existsSync(join(workspace, 'shapes.weights/Shapes/model.json')));
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
