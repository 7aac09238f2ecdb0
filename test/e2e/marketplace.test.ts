// What the package README and the walkthrough show, in a real VS Code: hover, a quick fix, Ctrl+K V's preview, the
// training panel (saved as the README's screenshots), the walkthrough and its buttons, and the explorer's context menus.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openFile, runCommand, screenshotOnFailure, workbenchPerFile, type Workbench } from './harness';
import { ROOT } from './paths';

/** The bundled example's model with a short train section, so the panel finishes in the test's time. */
const SHAPES_NET = readFileSync(join(ROOT, 'examples/shapes.stride'), 'utf8').replace('count: 8000', 'count: 800').replace('epochs: 8', 'epochs: 3');

/** The same model with its flatten() left out: a rank mismatch whose quick fix inserts it. */
const MISSING_FLATTEN = SHAPES_NET.split('\n')
  .filter((line) => line.trim() !== 'flatten()')
  .join('\n');

const current = workbenchPerFile((ws) => {
  writeFileSync(join(ws, 'shapesnet.stride'), SHAPES_NET);
  writeFileSync(join(ws, 'flatten.stride'), MISSING_FLATTEN);
  copyFileSync(join(ROOT, 'media/icon.png'), join(ws, 'picture.png'));
  writeFileSync(join(ws, 'notes.txt'), 'not a model\n');
  mkdirSync(join(ws, '.vscode'));
  const task = { label: 'Check models', type: 'stride', task: 'check', problemMatcher: '$stride' };
  writeFileSync(join(ws, '.vscode/tasks.json'), JSON.stringify({ version: '2.0.0', tasks: [task] }));
});

/**
 * Saves a screenshot under test-artifacts/, and with STRIDE_UPDATE_MEDIA=1 also as media/NAME.png, the package
 * README's and the walkthrough's image (reviewed in the diff like any golden file).
 */
async function mediaShot(s: Workbench, name: string): Promise<void> {
  const file = await s.screenshot(`marketplace-${name}`);
  if (process.env.STRIDE_UPDATE_MEDIA === '1') {
    mkdirSync(join(ROOT, 'media'), { recursive: true });
    copyFileSync(file, join(ROOT, 'media', `${name}.png`));
  }
}

/** Moves the cursor to a 1-based line and column through the Go to Line box. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

const editor = (page: Page) => page.locator('.editor-group-container.active .monaco-editor').first();

test('hovering a layer shows its shape and parameter formula', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-hover', async () => {
    const { page } = s;
    await openFile(page, 'shapesnet.stride');
    await editor(page).locator('.view-lines', { hasText: '→ 16×16×32' }).waitFor({ timeout: 30_000 });
    await mediaShot(s, 'editor');
    const layer = editor(page)
      .locator('.view-line span', { hasText: /^conv2d$/ })
      .nth(1);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '(None, 16, 16, 32)' });
    // A pointer that VS Code saw arrive before the editor was ready may show no hover: move away and come back (≤ 3 times).
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(700, 820); // the empty editor below the last line
      await layer.hover();
      const shown = await hover.waitFor({ state: 'visible', timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (shown) break;
      if (attempt === 3) throw new Error('no hover after three gestures over the layer');
    }
    // (3·3·16 + 1)·32 = 4,640 parameters.
    assert.match(await hover.innerText(), /4,640/);
    await mediaShot(s, 'hover');
    await page.keyboard.press('Escape');
  });
});

test('a shape mistake shows its squiggle and the light bulb offers the fix', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-quick-fix', async () => {
    const { page } = s;
    await openFile(page, 'flatten.stride');
    // dense() on an image is a rank-mismatch warning.
    await editor(page).locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: 30_000 });
    const line = MISSING_FLATTEN.split('\n').findIndex((l) => l.includes('dense(64')) + 1;
    await goTo(page, line, 4);
    await page.locator('.editor-group-container.active .lightBulbWidget').waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: /flatten/ }).first();
    await fix.waitFor({ state: 'visible' });
    await mediaShot(s, 'quick-fix');
    await page.keyboard.press('Escape');
  });
});

test('Ctrl+K V opens the architecture preview to the side', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-preview', async () => {
    const { page } = s;
    await openFile(page, 'shapesnet.stride');
    await editor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('V');
    await page.locator('.tab.active[aria-label*="Preview: ShapesNet"]').waitFor({ timeout: 30_000 });
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('#diagram[data-ready]').waitFor({ timeout: 60_000 });
    // To the side: the model's editor stays visible in its own group.
    assert.ok((await page.locator('.editor-group-container').count()) >= 2);
    await page.locator('.tab[aria-label="shapesnet.stride"]').waitFor();
    await mediaShot(s, 'preview');
  });
});

test('Train Model trains in the panel', { timeout: 400_000 }, async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-training', async () => {
    const { page } = s;
    // One webview at a time: the panel's frame is then the only one.
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'shapesnet.stride');
    await runCommand(page, 'Stride: Train Model');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#stat-state', { hasText: /finished/ }).waitFor({ timeout: 300_000 });
    await mediaShot(s, 'training');
  });
});

const STEPS = ['Open an example model', 'Hover a layer', 'Fix a shape error', 'Open the architecture preview', 'Train the model', 'Look at the activations'];

test('the walkthrough opens with its steps, and its Open Example button opens a copy of the example', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-walkthrough', async () => {
    const { page } = s;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const input = page.locator('.quick-input-widget input');
    await input.fill('Get Started with Stride');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get Started with Stride' }).waitFor();
    await page.keyboard.press('Enter');
    const steps = page.locator('.getting-started-step .step-title');
    await steps.first().waitFor({ timeout: 30_000 });
    assert.deepEqual(
      (await steps.allInnerTexts()).map((t) => t.trim()),
      STEPS,
    );
    await mediaShot(s, 'walkthrough');
    await page.locator('.getting-started-step', { hasText: STEPS[0] }).locator('.monaco-button', { hasText: 'Open Example' }).click();
    // The copy lives in the extension's storage, not in the workspace or the extension folder.
    await page.locator('.editor-group-container.active .tab.active[aria-label*="shapes.stride"]').waitFor({ timeout: 30_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'model ShapesNet' }).waitFor();
    const crumbs = await page.locator('.editor-group-container.active .breadcrumbs-control').innerText();
    assert.match(crumbs.replace(/\s+/g, ' '), /globalStorage.*stride\.stride.*examples.*shapes\.stride/);
  });
});

/** Right-clicks a file in the explorer and returns the context menu's entries, then closes the menu. */
async function explorerMenu(page: Page, file: string): Promise<string[]> {
  await page.keyboard.press('Control+Shift+E');
  const row = page.locator('.explorer-folders-view .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^${file.replace('.', '\\.')}$`) }),
  });
  await row.click({ button: 'right' });
  const items = page.locator('.context-view .monaco-menu .action-label');
  await items.first().waitFor();
  const labels = (await items.allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
  await page.keyboard.press('Escape');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached' });
  return labels;
}

test('the explorer offers the Stride commands on .stride files and Run Model on Image on images only', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-explorer', async () => {
    const { page } = s;
    const onModel = await explorerMenu(page, 'shapesnet.stride');
    for (const title of ['Open Architecture Preview', 'Train Model', 'Show Model Summary', 'Export Model…']) {
      assert.ok(onModel.includes(title), `${title} not in ${onModel.join(', ')}`);
    }
    assert.ok(!onModel.includes('Run Model on Image…'));
    assert.ok((await explorerMenu(page, 'picture.png')).includes('Run Model on Image…'));
    const onText = await explorerMenu(page, 'notes.txt');
    assert.ok(!onText.some((t) => /Run Model on Image|Train Model|Architecture Preview/.test(t)), onText.join(', '));
  });
});

test('Run Model on Image from the explorer on an image asks for the model file and predicts with its weights', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-run-on-image', async () => {
    const { page } = s;
    // The Train Model test above saved ShapesNet's weights beside shapesnet.stride.
    await page.keyboard.press('Control+Shift+E');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^picture\.png$/ }) });
    await row.click({ button: 'right' });
    // By keyboard, as the menu ignores the pointer until it moves: Up from no selection is the last entry, Stride's.
    await page.locator('.context-view .monaco-menu').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: 'Run Model on Image…' }).waitFor();
    await page.keyboard.press('Enter');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.monaco-list-row', { hasText: 'shapesnet.stride' }).click();
    await page.locator('.notifications-toasts', { hasText: 'picture.png →' }).waitFor({ timeout: 90_000 });
    await s.screenshot('marketplace-run-on-image');
  });
});

test('a stride check task from tasks.json fills the Problems panel through the $stride matcher', async () => {
  const s = current();
  await screenshotOnFailure(s, 'marketplace-task', async () => {
    const { page } = s;
    // Not runCommand: the palette may rank Tasks: Restart Running Task first.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Tasks: Run Task');
    await page.locator('.quick-input-list .monaco-list-row[aria-label="Tasks: Run Task"]').click();
    // The picker shows once every task provider has answered.
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 90_000 });
    await input.fill('Check models');
    await rows.filter({ hasText: 'Check models' }).first().click();
    // The task's terminal has the focus (and the keyboard): open the Problems panel by its tab. (The terminal's text
    // is not waited for: a GPU-rendered terminal draws it on a canvas, out of the DOM.)
    await page.getByRole('tab', { name: /Problems/ }).click();
    // No editor opened unopened.stride: its problem can only come from the task's output. The filter keeps its row
    // in view (the list draws only the rows that fit).
    await page.locator('.markers-panel-action-filter input, .viewpane-filter input').first().fill('unopened');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'unopened.stride' });
    await row.waitFor({ timeout: 60_000 });
    await page
      .locator('.markers-panel .monaco-list-row', { hasText: /reshape/ })
      .first()
      .waitFor();
    await s.screenshot('marketplace-task-problems');
  });
});
