// Model files in a real VS Code (code-server): an ONNX file made by `stride export` opened in the Stride viewer
// (drawing and table with the analysis's numbers), Convert to .stride (the weights saved where Run Model on Image
// looks, and used by it), a malformed file's error, Import Model…, and recovered blocks drawn collapsible.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { analyze } from '../../core/analyze';
import { formatInt } from '../../core/model/values';
import { importFile } from '../../import/index';
import { unsupportedOnnx } from '../helpers/unsupported-onnx';
import { openFile, runCommand, screenshotOnFailure, workbenchPerFile, type Workbench } from './harness';
import { ROOT } from './paths';

let workspace = '';
/** Exports an example to ONNX with Stride's CLI (seeded weights). */
function exportOnnx(example: string, out: string): void {
  const cli = [join(ROOT, 'bin', 'stride.js'), 'export', join(ROOT, 'examples', `${example}.stride`), '--format', 'onnx', '--out', out];
  const made = spawnSync(process.execPath, cli, { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
}

/** A 28×28 grey image with a bright bar, for Run Model on Image on the converted LeNet-5. */
function digitPng(): Buffer {
  const png = new PNG({ width: 28, height: 28 });
  for (let p = 0; p < 28 * 28; p++) {
    png.data[p * 4] = png.data[p * 4 + 1] = png.data[p * 4 + 2] = p % 28 >= 12 && p % 28 < 16 ? 230 : 10;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

const current = workbenchPerFile((ws) => {
  workspace = ws;
  const onnx = join(ws, 'lenet5.onnx');
  exportOnnx('lenet5', onnx);
  exportOnnx('resnet18', join(ws, 'resnet18.onnx'));
  writeFileSync(join(ws, 'digit.png'), digitPng());
  copyFileSync(onnx, join(ws, 'picked.onnx'));
  copyFileSync(onnx, join(ws, 'clicked.onnx'));
  writeFileSync(join(ws, 'broken.onnx'), Buffer.from('\x08\x07\x12\x05stride-not-onnx', 'latin1'));
  writeFileSync(join(ws, 'odd.onnx'), unsupportedOnnx());
});

/** The visible viewer's page: the webview's inner frame (viewers in background tabs stay loaded, hidden). */
function viewer(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
}

/** Opens a file through Quick Open in its default editor (binary files show a placeholder), then in the viewer. */
async function openInStride(page: Page, fileName: string): Promise<void> {
  await openFile(page, fileName, false);
  // The editor title's Open in Stride button reopens the file in the viewer.
  await page.locator('.editor-group-container.active .editor-actions [aria-label="Open in Stride"]').click();
  await page.locator('iframe.webview.ready:visible').waitFor();
  // The viewer took the place of the default editor: one tab for the file.
  await page.locator(`.tab[aria-label*="${fileName}"]`).nth(1).waitFor({ state: 'detached' });
  assert.equal(await page.locator(`.tab[aria-label*="${fileName}"]`).count(), 1);
}

/** The analysis of the importer's text for a file: the numbers the viewer must show. */
function expected(file: string): { layers: number; params: number } {
  const model = analyze(importFile(readFileSync(file), file)).models[0];
  return { layers: model.layers.length, params: model.totals.params };
}

async function drawnAndTabled(workbench: Workbench): Promise<void> {
  const { page } = workbench;
  const view = viewer(page);
  const want = expected(join(workspace, 'lenet5.onnx'));
  await view.locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
  assert.equal(await view.locator('#viewport .node').count(), want.layers);
  assert.ok((await view.locator('#viewport .edge').count()) > 0, 'edges are drawn');
  assert.equal(await view.locator('#summary-rows tr').count(), want.layers + 1, 'a header and one row per layer');
  assert.equal(await view.locator('#totals [data-fact="params"] b').innerText(), formatInt(want.params));
  assert.match(await view.locator('#summary-totals').innerText(), new RegExp(`^Total params: ${want.params.toLocaleString('en-US')} `));
  // The same total as the example the file was exported from.
  const source = analyze(readFileSync(join(ROOT, 'examples', 'lenet5.stride'), 'utf8')).models[0];
  assert.equal(want.params, source.totals.params);
  assert.match(await view.locator('#import-status').innerText(), new RegExp(`^${want.layers} layers`));
  await workbench.screenshot('e2e-model-file');
}

test('an exported ONNX file opens in the viewer, drawn and tabled, and converts to .stride', { timeout: 300_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-model-file', async () => {
    await openInStride(page, 'lenet5.onnx');
    await drawnAndTabled(workbench);

    await viewer(page).locator('#convert').click();
    await page.locator('.tab.active[aria-label*="lenet5.stride"]').waitFor({ timeout: 60_000 });
    const written = readFileSync(join(workspace, 'lenet5.stride'), 'utf8');
    assert.equal(analyze(written).models[0].totals.params, expected(join(workspace, 'lenet5.onnx')).params);
    // The weights are on disk where Run Model on Image and `stride predict` look, before the text opens.
    const folder = join(workspace, 'lenet5.weights', 'LeNet5');
    assert.ok(existsSync(join(folder, 'model.json')) && existsSync(join(folder, 'weights.bin')), `no weights in ${folder}`);
    assert.equal(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).format, 'layers-model');
    await page.locator('.notifications-toasts', { hasText: 'and the weights of lenet5.onnx in lenet5.weights/LeNet5' }).waitFor();
    await runOnImage(workbench);

    // Converting again asks before overwriting; declining keeps the file.
    writeFileSync(join(workspace, 'lenet5.stride'), '# edited by hand\n');
    // The training panel Run Model on Image opened is a second webview: closed, the viewer is the only one.
    await runCommand(page, 'View: Close All Editors');
    // Opened again, the file comes back in the viewer it was last shown in.
    await openFile(page, 'lenet5.onnx', false);
    await viewer(page).locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
    await viewer(page).locator('#convert').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'lenet5.stride exists. Overwrite it?' });
    await dialog.waitFor();
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(readFileSync(join(workspace, 'lenet5.stride'), 'utf8'), '# edited by hand\n');
  });
});

/** Run Model on Image… on the converted model, from its text editor: it predicts with the imported weights at once. */
async function runOnImage(workbench: Workbench): Promise<void> {
  const { page } = workbench;
  // Quick Open puts the keyboard focus in the text editor (a click on the tab may leave it in the viewer's webview).
  await openFile(page, 'lenet5.stride');
  await runCommand(page, 'Stride: Run Model on Image…');
  const dialog = page.locator('.quick-input-widget');
  await dialog.locator('.monaco-list-row', { hasText: 'digit.png' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const toast = page.locator('.notifications-toasts', { hasText: 'digit.png →' });
  await toast.waitFor({ timeout: 90_000 });
  // Three classes with the probabilities `stride predict` gives with the weights it finds by default (the same folder).
  const shown = /digit\.png → ([^,]+) ([\d.]+)%, ([^,]+) ([\d.]+)%, ([^,]+) ([\d.]+)%/.exec(await toast.innerText());
  assert.ok(shown, await toast.innerText());
  const cli = [join(ROOT, 'bin', 'stride.js'), 'predict', join(workspace, 'lenet5.stride'), join(workspace, 'digit.png'), '--top', '3'];
  const predicted = spawnSync(process.execPath, cli, { encoding: 'utf8' });
  assert.equal(predicted.status, 0, predicted.stderr);
  const top = [...predicted.stdout.matchAll(/(\d+) ([\d.]+)%/g)].map((m) => ({ index: m[1], percent: Number(m[2]) }));
  assert.equal(top.length, 3, predicted.stdout);
  top.forEach((t, i) => {
    assert.ok(Math.abs(t.percent - Number(shown[2 * i + 2])) <= 0.15, `${predicted.stdout} vs ${shown[0]}`);
    // An imported ONNX model has no class names: the panel numbers the classes as predict does (never the names of
    // the default data set, which has other classes).
    assert.equal(shown[2 * i + 1], `class ${t.index}`, `${predicted.stdout} vs ${shown[0]}`);
  });
  await workbench.screenshot('e2e-model-file-run-on-image');
}

test('a malformed file and unsupported operators show the import error as text in the viewer', { timeout: 120_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-model-file-broken', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openInStride(page, 'broken.onnx');
    const error = viewer(page).locator('#import-error');
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.innerText(), /broken\.onnx is not a valid ONNX model/);
    assert.equal(await viewer(page).locator('#convert').isDisabled(), true);
    await workbench.screenshot('e2e-model-file-broken');

    await openInStride(page, 'odd.onnx');
    await viewer(page).locator('#import-error', { hasText: 'StrideNoSuchOp' }).waitFor({ timeout: 60_000 });
    assert.match(await viewer(page).locator('#import-error').innerText(), /unsupported ONNX operators:\n\s*StrideNoSuchOp ×2: odd_1, odd_2/);
  });
});

test('Import Model… asks for a file (or takes the one clicked in the explorer), writes the .stride beside it and opens it', { timeout: 120_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-import-model', async () => {
    // From a text editor, the command asks for the file in VS Code's own file dialog.
    await openFile(page, 'lenet5.stride');
    await runCommand(page, 'Stride: Import Model…');
    const dialog = page.locator('.quick-input-widget');
    await dialog.locator('.monaco-list-row', { hasText: 'picked.onnx' }).click();
    await page.locator('.tab.active[aria-label*="picked.stride"]').waitFor({ timeout: 60_000 });
    assert.ok(existsSync(join(workspace, 'picked.stride')));
    const model = analyze(readFileSync(join(workspace, 'picked.stride'), 'utf8')).models[0];
    assert.equal(model.totals.params, expected(join(workspace, 'picked.onnx')).params);

    // The explorer's context menu imports the file clicked, without asking.
    // Rows move while the explorer catches up with the file just written: wait for it first.
    await page.locator('.explorer-folders-view .monaco-list-row[aria-label="picked.stride"]').waitFor();
    const tab = page.locator('.tab.active[aria-label*="clicked.stride"]');
    await explorerMenuItem(page, 'clicked.onnx', 'Import Model…', join(workspace, 'clicked.stride'), tab);
    await tab.waitFor({ timeout: 60_000 });
    assert.equal(analyze(readFileSync(join(workspace, 'clicked.stride'), 'utf8')).models[0].totals.params, model.totals.params);
  });
});

/**
 * Runs an item of a file's context menu in the explorer. An explorer refresh can close the menu under the pointer: when `opens` has not appeared after a while and
 * `writes` does not exist (the command did not run), the gesture is made again, at most three times.
 */
async function explorerMenuItem(page: Page, file: string, label: string, writes: string, opens: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${file}"]`).click({ button: 'right' });
    // Hovering focuses the item; Enter runs it (a mouse up right after the menu opened is sometimes ignored).
    await page.locator('.monaco-menu .action-item', { hasText: label }).locator('.action-label').hover();
    await page.locator('.monaco-menu .action-item.focused', { hasText: label }).waitFor();
    await page.keyboard.press('Enter');
    const opened = await opens.waitFor({ timeout: 20_000 }).then(
      () => true,
      () => false,
    );
    if (opened || existsSync(writes)) return;
    assert.ok(attempt < 3, `${label} on ${file} did nothing in three tries`);
    await page.keyboard.press('Escape');
  }
}

/** The lines of a block's body in the imported text: the layers one of its instances holds. */
function blockLayers(text: string, block: string): number {
  const body = new RegExp(`^block ${block}\\([^)]*\\) \\{\\n([\\s\\S]*?)\\n\\}`, 'm').exec(text);
  assert.ok(body, `block ${block} in the imported text`);
  return body[1].split('\n').filter((l) => l.trim() !== '').length;
}

test('an ONNX ResNet-18 comes back with recovered blocks, drawn as collapsible instances', { timeout: 180_000 }, async () => {
  const workbench = current();
  const { page } = workbench;
  await screenshotOnFailure(workbench, 'e2e-model-file-blocks', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openInStride(page, 'resnet18.onnx');
    const view = viewer(page);
    await view.locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
    const text = importFile(readFileSync(join(workspace, 'resnet18.onnx')), 'resnet18.onnx');
    const model = analyze(text).models[0];
    // Every layer drawn, inside a frame per block call: two blocks, eight calls (× 2 counts twice).
    assert.equal(await view.locator('#viewport .node').count(), model.layers.length);
    const calls = (await view.locator('.frame-title').allTextContents()).map((t) => t.split(' · ')[0]);
    assert.equal(calls.length, 8, calls.join(', '));
    assert.equal(calls.filter((c) => /^▾ residual\(/.test(c)).length, 5);
    assert.equal(calls.filter((c) => /^▾ residual_projection\(/.test(c)).length, 3);
    await workbench.screenshot('e2e-model-file-blocks');
    // Collapsed, each call is one box; clicking one expands it again, its layers drawn in its frame.
    await view.locator('#collapse-all').click();
    await view.locator('#viewport .node.group').nth(7).waitFor();
    const collapsed = await view.locator('#viewport .node').count();
    assert.equal(await view.locator('#viewport .node.group').count(), 8);
    await view.locator('#viewport .node.group[data-key="g:residual_1"]').click();
    const inside = view.locator('#viewport .node[data-key^="n:residual_1/"]');
    await inside.first().waitFor();
    assert.equal(await inside.count(), blockLayers(text, 'residual'));
    assert.equal(await view.locator('#viewport .node').count(), collapsed - 1 + blockLayers(text, 'residual'));
    await workbench.screenshot('e2e-model-file-blocks-expanded');
  });
});
