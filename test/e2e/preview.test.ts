// The architecture preview in a real VS Code (code-server): drawing, two-way navigation, live edits, export, hidden tab, reload.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { analyzeText } from '../../server/documents';
import { modelGraph } from '../../server/model-graph';
import { defaultCollapsed } from '../../webview/layout/collapse';
import { fromModelGraph } from '../../webview/layout/from-model-graph';
import { layoutGraph } from '../../webview/layout/layout';
import { openFile, runCommand, screenshotOnFailure, workbenchPerFile } from './harness';
import { ROOT } from './paths';

const RESNET = 'resnet18.stride';
const TWO_MODELS = 'two-models.stride';
const TWO_MODELS_TEXT = 'model Wide {\n  input(8)\n  dense(16)\n}\n\nmodel Narrow {\n  input(8)\n  dense(2)\n  dense(1)\n}\n';

let workspace = '';
const current = workbenchPerFile((ws) => {
  workspace = ws;
  copyFileSync(join(ROOT, 'examples', RESNET), join(ws, RESNET));
  writeFileSync(join(ws, TWO_MODELS), TWO_MODELS_TEXT);
});

/** The preview's page: the webview's inner frame. Only one webview is visible at a time in these tests. */
function preview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

function box(view: FrameLocator, key: string): Locator {
  return view.locator(`.node[data-key="${key}"]`);
}

/** The boxes the preview should draw for `text`, computed here from the server's graph and the layout code. */
async function expectedBoxKeys(text: string): Promise<string[]> {
  const result = modelGraph(analyzeText('file:///expected.stride', 1, text), { uri: 'file:///expected.stride' });
  assert.ok(result, 'the file has a model');
  const graph = fromModelGraph(result);
  const layout = await layoutGraph(graph, new Set(defaultCollapsed(graph)));
  return layout.boxes.map((b) => b.key).sort();
}

async function drawnBoxKeys(view: FrameLocator): Promise<string[]> {
  const keys = await view.locator('#viewport .node').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''));
  return keys.sort();
}

/** Focuses the editor of a file by clicking its tab (focus may be inside the webview). */
async function focusEditor(page: Page, fileName: string): Promise<void> {
  await page.locator(`.tab[aria-label*="${fileName}"]`).first().click();
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
}

/** Moves the cursor through the Go to Line box: `:line` or `:line:column` (1-based). */
async function goTo(page: Page, line: number, column?: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(column === undefined ? `:${line}` : `:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Replaces `count` characters from `line`:`column` (1-based) with `text`, as typed by a user. */
async function replaceAt(page: Page, line: number, column: number, count: number, text: string): Promise<void> {
  await goTo(page, line, column);
  for (let i = 0; i < count; i++) await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.type(text);
}

/** The editor's selection as VS Code's status bar states it: `Ln 52, Col 3 (32 selected)`. */
function selectionStatus(page: Page): Locator {
  return page.locator('[id="status.editor.selection"]');
}

/**
 * Waits until the editor's status bar shows the selection `text`. A click inside the webview can take focus back
 * after the extension focused the editor, which hides the editor's status items though the selection is set; then
 * activating the editor's tab (which keeps its selection) shows them again.
 */
async function expectSelection(page: Page, text: string, timeout = 10_000): Promise<void> {
  const status = selectionStatus(page).filter({ hasText: text });
  const shown = await status.waitFor({ timeout }).then(
    () => true,
    () => false,
  );
  if (shown) return;
  await page.locator(`.tab[aria-label*="${RESNET}"]`).first().click();
  await status.waitFor();
}

async function viewportTransform(view: FrameLocator): Promise<string> {
  return (await view.locator('#viewport').getAttribute('transform')) ?? '';
}

test('the packaged extension carries the preview page bundle', () => {
  const vsix = join(ROOT, 'stride.vsix');
  assert.ok(existsSync(vsix), 'stride.vsix is missing; run npm run package');
  // Zip archives store entry names uncompressed, in the local headers and the central directory.
  assert.ok(readFileSync(vsix).includes('extension/dist/webview/preview.js'), 'dist/webview/preview.js is not in stride.vsix');
});

test('Open Architecture Preview draws ResNet-18 from the server graph', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-open', async () => {
    const { page } = s;
    await openFile(page, RESNET);
    await runCommand(page, 'Stride: Open Architecture Preview');
    const view = preview(page);
    await view.locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
    await page.locator('.tab.active[aria-label*="Preview: ResNet18"]').waitFor();
    const expected = await expectedBoxKeys(readFileSync(join(workspace, RESNET), 'utf8'));
    assert.equal(expected.length, 69, 'ResNet-18 has 69 layers');
    assert.deepEqual(await drawnBoxKeys(view), expected);
    // 11,689,512 trainable (torchvision) + 9,600 batch-norm moving statistics.
    assert.match(await view.locator('#totals').innerText(), /ResNet18[\s\S]*11,699,112/);
    assert.match((await box(view, 'n:conv2d_1').textContent()) ?? '', /112×112×64/);
    // Instances are labelled with their call, from the server's block call sites.
    const calls = (await view.locator('.frame-title').allTextContents()).map((t) => t.split(' · ')[0]).sort();
    assert.deepEqual(calls, ['▾ basic(128)', '▾ basic(256)', '▾ basic(512)', '▾ basic(64)', '▾ basic(64)', '▾ down(128)', '▾ down(256)', '▾ down(512)']);
    const toasts = await page
      .locator('.notifications-toasts')
      .innerText()
      .catch(() => '');
    assert.doesNotMatch(toasts, /not available yet|placeholder/);
    await s.screenshot('preview-resnet18-vscode');
    // Collapsed, each residual block is one box labelled with its call: the readable overview of the network.
    await view.locator('#collapse-all').click();
    await box(view, 'g:basic_1').filter({ hasText: 'basic(64)' }).waitFor();
    assert.equal(await view.locator('#viewport .node').count(), 5 + 8 + 2);
    await s.screenshot('preview-resnet18-vscode-collapsed');
    await view.locator('#expand-all').click();
    await box(view, 'n:basic_1/add_1').waitFor();
    assert.equal(await view.locator('#viewport .node').count(), 69);
  });
});

test('clicking a layer selects its call in the editor', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-click', async () => {
    const { page } = s;
    const view = preview(page);
    await box(view, 'n:dense_1').click();
    // `dense(1000, activation: softmax)` is line 52 from column 3: 32 characters, the cursor at their end.
    await expectSelection(page, 'Ln 52, Col 35 (32 selected)');
    await box(view, 'n:maxpool2d_1').click();
    await expectSelection(page, 'Ln 41, Col 41 (38 selected)');
  });
});

test('moving the cursor highlights the layer under it', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-cursor', async () => {
    const { page } = s;
    const view = preview(page);
    await focusEditor(page, RESNET);
    await goTo(page, 39, 6); // inside `batchnorm()` of the stem
    await view.locator('.node.highlight[data-key="n:batchnorm_1"]').waitFor();
    await goTo(page, 52); // column 1, in the indentation before `dense(…)`: the layer of the line
    await view.locator('.node.highlight[data-key="n:dense_1"]').waitFor();
    assert.equal(await view.locator('.node.highlight').count(), 1);
  });
});

test('editing the model redraws the diagram, keeps the zoom and marks layers with errors', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-edit', async () => {
    const { page } = s;
    const view = preview(page);
    await focusEditor(page, RESNET);
    // Line 38: `  conv2d(64, 7, …)`; the filters start at column 10. The cursor there highlights (and shows) the layer.
    await goTo(page, 38, 10);
    await view.locator('.node.highlight[data-key="n:conv2d_1"]').waitFor();
    await view.locator('#zoom-in').click();
    const zoomed = await viewportTransform(view);
    const ready = await view.locator('#diagram').getAttribute('data-ready');
    await focusEditor(page, RESNET);
    // 32 channels no longer match the first residual add.
    await replaceAt(page, 38, 10, 2, '32');
    await box(view, 'n:conv2d_1').filter({ hasText: '112×112×32' }).waitFor({ timeout: 30_000 });
    assert.notEqual(await view.locator('#diagram').getAttribute('data-ready'), ready, 'a new drawing');
    assert.equal(await viewportTransform(view), zoomed, 'the zoom and position stay');
    await view.locator('.node.error[data-key="n:basic_1/add_1"]').waitFor();
    await view.locator('#totals .errors').waitFor();
    await s.screenshot('preview-resnet18-error');
    // Collapsed, the instances that hide the mistake are marked, and only they.
    await view.locator('#collapse-all').click();
    await view.locator('.node.error[data-key="g:basic_1"]').waitFor();
    assert.deepEqual(await view.locator('.node.error').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), ['g:basic_1', 'g:basic_2']);
    await view.locator('#expand-all').click();
    await box(view, 'n:basic_1/add_1').waitFor();
    await focusEditor(page, RESNET);
    await replaceAt(page, 38, 10, 2, '64');
    await box(view, 'n:conv2d_1').filter({ hasText: '112×112×64' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.node.error').count(), 0);
  });
});

test('the SVG and PNG exports are written where the save dialog says', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-export', async () => {
    const { page } = s;
    const view = preview(page);
    for (const format of ['svg', 'png'] as const) {
      await view.locator(`#export-${format}`).click();
      // code-server's save dialog is a quick input holding the proposed path: accept it.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      const proposed = join(workspace, `ResNet18.${format}`);
      await page.waitForFunction(`document.querySelector('.quick-input-widget input')?.value === ${JSON.stringify(proposed)}`);
      await page.keyboard.press('Enter');
      await page.locator('.notification-toast', { hasText: `saved ResNet18.${format}` }).waitFor({ timeout: 30_000 });
    }
    const svg = readFileSync(join(workspace, 'ResNet18.svg'), 'utf8');
    assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*112×112×64[\s\S]*<\/svg>$/);
    const png = readFileSync(join(workspace, 'ResNet18.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    assert.ok(png.length > 10_000, `a real image, not ${png.length} bytes`);
  });
});

test('a hidden preview catches up with edits when it is shown again', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-hidden', async () => {
    const { page } = s;
    // Open another file in the preview's group, so the preview tab is in the background.
    await page.locator('.tab[aria-label*="Preview: ResNet18"]').click();
    await openFile(page, 'small.stride');
    await page.locator('iframe.webview.ready').waitFor({ state: 'hidden' });
    await focusEditor(page, RESNET);
    // Line 52: `  dense(1000, …)`; the units start at column 9.
    await replaceAt(page, 52, 9, 4, '10');
    await page.keyboard.press('Control+S');
    await page.locator('.tab.dirty[aria-label*="resnet18.stride"]').waitFor({ state: 'detached' });
    await page.locator('.tab[aria-label*="Preview: ResNet18"]').click();
    await box(preview(page), 'n:dense_1').filter({ hasText: '10, softmax10 · 5.13K params' }).waitFor({ timeout: 30_000 });
  });
});

test('the preview comes back after a window reload', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-reload', async () => {
    const { page } = s;
    await page.reload();
    await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60_000 });
    const view = preview(page);
    await page.locator('.tab[aria-label*="Preview: ResNet18"]').first().click();
    await box(view, 'n:dense_1').filter({ hasText: '10, softmax10 · 5.13K params' }).waitFor({ timeout: 60_000 });
    // The instances come back as VS Code last stored the page's state, which the browser workbench saves on a timer
    // and, best effort, while unloading: an earlier test's Collapse may be what it kept. Expanded, the drawing must
    // be every layer of the file.
    await view.locator('#expand-all').click();
    await box(view, 'n:basic_1/add_1').waitFor();
    assert.deepEqual(await drawnBoxKeys(view), await expectedBoxKeys(readFileSync(join(workspace, RESNET), 'utf8')));
    // Still connected to the server after the reload: a click reveals the source. The restored view may be zoomed in.
    await view.locator('#fit').click();
    await box(view, 'n:input_1').click();
    await expectSelection(page, 'Ln 35, Col 21 (18 selected)', 30_000);
  });
});

test('the title-bar button previews the model under the cursor, and the model picker switches it', async () => {
  const s = current();
  await screenshotOnFailure(s, 'preview-models', async () => {
    const { page } = s;
    // One preview at a time keeps the webview frame unambiguous.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tab[aria-label*="Preview: ResNet18"]').waitFor({ state: 'detached' });
    await openFile(page, TWO_MODELS);
    await goTo(page, 8); // inside `model Narrow`
    // This time from the editor title bar, as a user would.
    await page.locator('.editor-group-container.active .editor-actions [aria-label*="Open Architecture Preview"]').click();
    const view = preview(page);
    await view.locator('#totals .model', { hasText: /^Narrow$/ }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#viewport .node').count(), 3);
    await focusEditor(page, TWO_MODELS);
    // The command opens a quick pick of its own right after the palette closes, so this cannot wait for the palette to hide.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Stride: Choose Model to Preview');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Choose Model to Preview' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input[aria-label="Model to preview"]').waitFor();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Wide' });
    await row.waitFor();
    await row.click();
    await view.locator('#totals .model', { hasText: /^Wide$/ }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#viewport .node').count(), 2);
    assert.ok(existsSync(join(workspace, TWO_MODELS)));
  });
});
