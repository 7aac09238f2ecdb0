// The preview's first view in real Chromium: readable labels (the editor's font size), on the input or the cursor's layer.
/// <reference lib="dom" />

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { previewGraphOf } from './graph-of';
import { EXAMPLES } from '../helpers/fixtures';
import { bundlePreview, openPreviewPage, send, type PreviewPage } from './preview-page';

const graph = previewGraphOf(fs.readFileSync(path.join(EXAMPLES, 'resnet18.stride'), 'utf8'));
const SMALL = previewGraphOf('model Small {\n  input(28, 28, 1)\n  conv2d(8, 3)\n  flatten()\n  dense(10)\n}\n');

let bundle = '';
const open: PreviewPage[] = [];

before(async () => {
  bundle = await bundlePreview();
});

after(async () => {
  for (const p of open) await p.close();
});

/** A fresh page with the editor font size VS Code would give the webview. */
async function freshPage(fontPx: number): Promise<Page> {
  const session = await openPreviewPage(bundle);
  open.push(session);
  await session.page.evaluate((px) => document.documentElement.style.setProperty('--vscode-editor-font-size', `${px}px`), fontPx);
  return session.page;
}

const scaleOf = async (page: Page) => Number(/scale\(([\d.]+)\)/.exec((await page.getAttribute('#viewport', 'transform')) ?? '')![1]);

/** Whether the element's box lies inside the diagram's visible area. */
async function inView(page: Page, selector: string): Promise<boolean> {
  const view = (await page.locator('#diagram').boundingBox())!;
  const b = (await page.locator(selector).boundingBox())!;
  return b.x >= view.x && b.y >= view.y && b.x + b.width <= view.x + view.width && b.y + b.height <= view.y + view.height;
}

/** The on-screen height of a box's first label, measured by the browser. */
const labelHeight = (page: Page, selector: string) =>
  page
    .locator(`${selector} text`)
    .first()
    .evaluate((t) => t.getBoundingClientRect().height);

test('a large model opens with labels at the editor font size, on its input, the minimap showing where the view is', async () => {
  assert.ok(graph);
  const page = await freshPage(14);
  await send(page, { type: 'graph', graph, uri: 'file:///work/resnet18.stride' });
  await page.waitForSelector('#diagram[data-ready]');
  assert.ok(Math.abs((await scaleOf(page)) - 14 / 12) < 1e-3, `scale ${await scaleOf(page)}`);
  assert.ok(await inView(page, '[data-id="input_1"]'), 'the input is in view');
  assert.ok(await inView(page, '[data-id="conv2d_1"]'), 'the stem is in view');
  assert.ok(!(await inView(page, '[data-id="dense_1"]')), 'the head is below: the view did not shrink to fit');
  // A 14px font's text box is about 1.2 em tall; at fit zoom (< 0.2) it would be under 4px.
  const h = await labelHeight(page, '[data-id="conv2d_1"]');
  assert.ok(h > 13 && h < 22, `label height ${h}`);
  assert.equal(await page.locator('#minimap').evaluate((m) => m.classList.contains('hidden')), false);
  // Fit stays one click away.
  await page.click('#fit');
  assert.ok((await scaleOf(page)) < 0.2);
  assert.equal(await page.locator('#minimap').evaluate((m) => m.classList.contains('hidden')), true);
});

test('with the cursor on a layer, the first view is centred on that layer', async () => {
  assert.ok(graph);
  const page = await freshPage(13);
  // The host sends the graph, then the layer at the cursor; the layout finishes after both arrived.
  await send(page, { type: 'graph', graph, uri: 'file:///work/resnet18.stride' });
  await send(page, { type: 'highlight', nodeId: 'basic_5/add_8' });
  await page.waitForSelector('[data-id="basic_5/add_8"].highlight');
  assert.ok(Math.abs((await scaleOf(page)) - 13 / 12) < 1e-3);
  assert.ok(await inView(page, '[data-id="basic_5/add_8"]'), 'the cursor layer is in view');
  assert.ok(!(await inView(page, '[data-id="input_1"]')), 'the input is far above');
});

test('a small model opens whole, at the readable zoom', async () => {
  assert.ok(SMALL);
  const page = await freshPage(14);
  await send(page, { type: 'graph', graph: SMALL, uri: 'file:///work/small.stride' });
  await page.waitForSelector('#diagram[data-ready]');
  assert.ok(Math.abs((await scaleOf(page)) - 14 / 12) < 1e-3);
  for (const id of ['input_1', 'conv2d_1', 'dense_1']) assert.ok(await inView(page, `[data-id="${id}"]`), id);
  assert.equal(await page.locator('#minimap').evaluate((m) => m.classList.contains('hidden')), true);
});
