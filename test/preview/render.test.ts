// The bundled preview in real Chromium under its real CSP: drawing, collapse, messages, zoom, reveal, export, restore.
/// <reference lib="dom" />

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { previewGraphOf } from './graph-of';
import type { PreviewGraph } from '../../webview/layout/types';
import { EXAMPLES, ROOT } from '../helpers/fixtures';
import { bundlePreview, openPreviewPage, send, type FakeHostWindow, type PreviewPage } from './preview-page';

const RESNET18 = fs.readFileSync(path.join(EXAMPLES, 'resnet18.stride'), 'utf8');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

function graphOf(text: string): PreviewGraph {
  const g = previewGraphOf(text);
  assert.ok(g);
  return g;
}

const nodeCount = (page: Page) => page.locator('#viewport .node').count();
const readySeq = async (page: Page) => Number(await page.getAttribute('#diagram', 'data-ready'));
const transformOf = (page: Page) => page.getAttribute('#viewport', 'transform');
const posted = (page: Page) => page.evaluate(() => (window as unknown as FakeHostWindow).__posted);

/** Waits until a drawing newer than `seq` is on screen. */
async function drawnAfter(page: Page, seq: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector('#diagram')?.getAttribute('data-ready') ?? 0) > n, seq);
}

async function waitForPosted(page: Page, type: string, count: number) {
  await page.waitForFunction(([t, c]) => (window as unknown as FakeHostWindow).__posted.filter((m) => m.type === t).length >= (c as number), [
    type,
    count,
  ] as const);
  return (await posted(page)).filter((m) => m.type === type);
}

// One page for the whole file: the suites below run in order, each starting from what the one before left on screen.
let session: PreviewPage;
let page: Page;
const graph = graphOf(RESNET18);

before(async () => {
  session = await openPreviewPage(await bundlePreview());
  page = session.page;
});

after(async () => {
  await session?.close();
});

describe('architecture preview in Chromium: drawing', () => {
  test('draws ResNet-18: one box per layer, shapes on boxes and edges, totals in the header', async () => {
    await send(page, { type: 'graph', graph, uri: 'file:///work/resnet18.stride' });
    await drawnAfter(page, 0);
    assert.equal(await nodeCount(page), 69);
    assert.equal(await page.locator('#viewport .frame').count(), 8);
    assert.equal(await page.locator('#viewport .edges path').count(), graph.edges.length);
    const stem = page.locator('[data-id="conv2d_1"]');
    assert.deepEqual(await stem.locator('text').allTextContents(), ['conv2d', '64, 7×7, /2, same, no bias', '112×112×64 · 9.41K params']);
    assert.ok((await page.locator('.edge-label').allTextContents()).includes('56×56×64'));
    const header = await page.textContent('#totals');
    assert.match(header ?? '', /ResNet18/);
    assert.match(header ?? '', /11,699,112 params \(11,689,512 trainable, 9,600 non-trainable\)/);
    assert.match(header ?? '', /1\.81G MACs/);
    assert.match(header ?? '', /training memory \(batch 256, sgd\)/);
  });

  test('a readable screenshot at 1:1 around the stem and first residual block', async () => {
    const seq = await readySeq(page);
    await page.evaluate(() => window.postMessage({ type: 'highlight', nodeId: 'basic_1/add_1' }, '*'));
    await page.waitForSelector('[data-id="basic_1/add_1"].highlight');
    assert.equal(await readySeq(page), seq);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.keyboard.press('0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'preview-resnet18-fit.png') });
    // Wheel-zoom on the top of the fitted drawing until labels are life-size.
    const top = (await page.locator('[data-id="input_1"]').boundingBox())!;
    await page.mouse.move(top.x + top.width / 2, top.y + 40);
    for (let i = 0; i < 7; i++) await page.mouse.wheel(0, -200);
    await page.waitForFunction(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector('#viewport')?.getAttribute('transform') ?? '')?.[1]) > 0.8);
    await page.locator('[data-id="relu_1"]').focus();
    await page.screenshot({ path: path.join(ARTIFACTS, 'preview-resnet18.png') });
    assert.ok(fs.statSync(path.join(ARTIFACTS, 'preview-resnet18.png')).size > 10_000);
  });
});

describe('architecture preview in Chromium: collapse', () => {
  test('collapsing a block instance replaces its layers by one box; expanding restores them', async () => {
    let seq = await readySeq(page);
    await page.locator('.frame-title[data-group="basic_1"]').click();
    await drawnAfter(page, seq);
    assert.equal(await nodeCount(page), 69 - 7 + 1);
    const box = page.locator('.node.group[data-id="basic_1"]');
    assert.equal(await box.locator('text').first().textContent(), '▸ basic(64)');
    // The cursor on a layer hidden in a collapsed instance highlights the instance.
    await send(page, { type: 'highlight', nodeId: 'basic_1/conv2d_2' });
    await page.waitForSelector('.node.group[data-id="basic_1"].highlight');
    seq = await readySeq(page);
    await box.click();
    await drawnAfter(page, seq);
    assert.equal(await nodeCount(page), 69);
    seq = await readySeq(page);
    await page.click('#collapse-all');
    await drawnAfter(page, seq);
    assert.equal(await nodeCount(page), graph.nodes.filter((n) => !n.group).length + graph.groups.length);
    seq = await readySeq(page);
    await page.click('#expand-all');
    await drawnAfter(page, seq);
    assert.equal(await nodeCount(page), 69);
  });
});

describe('architecture preview in Chromium: messages', () => {
  test('malformed and unknown messages are ignored', async () => {
    const seq = await readySeq(page);
    const broken = { ...graph, edges: [...graph.edges, { source: 'nope', target: 'conv2d_1', label: '?' }] };
    for (const m of [
      'graph',
      null,
      { type: 'graph' },
      { type: 'graph', graph: { model: 'X', nodes: 'many' } },
      { type: 'graph', graph: broken },
      { type: 'graph', graph: { ...graph, nodes: graph.nodes.map((n, i) => (i === 3 ? { ...n, params: -1 } : n)) } },
      { type: 'highlight', nodeId: 42 },
      { type: 'eval', code: 'alert(1)' },
    ]) {
      await send(page, m);
    }
    // Messages are handled in order: once this highlight shows, every message above has been handled.
    await send(page, { type: 'highlight', nodeId: 'conv2d_1' });
    await page.waitForSelector('[data-id="conv2d_1"].highlight');
    assert.equal(await readySeq(page), seq);
    assert.equal(await nodeCount(page), 69);
    assert.deepEqual(session.errors, []);
  });
});

describe('preview in Chromium: zoom and reveal', () => {
  test('a second graph message keeps zoom and position', async () => {
    await page.click('#zoom-out');
    await page.mouse.move(600, 500);
    await page.mouse.down();
    await page.mouse.move(520, 430, { steps: 4 });
    await page.mouse.up();
    const before = await transformOf(page);
    const seq = await readySeq(page);
    const edited = graphOf(RESNET18.replace('dense(1000, activation: softmax)', 'dense(10, activation: softmax)'));
    await send(page, { type: 'graph', graph: edited });
    await drawnAfter(page, seq);
    assert.equal(await transformOf(page), before);
    assert.match((await page.locator('[data-id="dense_1"] text').allTextContents()).join(' '), /10 · 5\.13K params/);
  });
});

describe('architecture preview in Chromium: mouse and keyboard', () => {
  test('click and Enter on a layer post reveal with its source range', async () => {
    const before = (await posted(page)).filter((m) => m.type === 'reveal').length;
    await page.locator('[data-id="maxpool2d_1"]').click();
    const stem = graph.nodes.find((n) => n.id === 'conv2d_1')!;
    await page.locator('[data-id="conv2d_1"]').focus();
    await page.keyboard.press('Enter');
    const reveals = (await waitForPosted(page, 'reveal', before + 2)).slice(before);
    assert.deepEqual(reveals[0], { type: 'reveal', nodeId: 'maxpool2d_1', range: graph.nodes.find((n) => n.id === 'maxpool2d_1')!.range });
    assert.deepEqual(reveals[1], { type: 'reveal', nodeId: 'conv2d_1', range: stem.range });
  });
});

describe('preview in Chromium: keyboard and diagnostics', () => {
  test('keyboard: + and - zoom, 0 fits, Tab reaches the boxes', async () => {
    const scale = async () => Number(/scale\(([\d.]+)\)/.exec((await transformOf(page)) ?? '')![1]);
    await page.locator('[data-id="conv2d_1"]').focus();
    const k0 = await scale();
    await page.keyboard.press('+');
    assert.ok((await scale()) > k0);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.ok((await scale()) < k0);
    await page.keyboard.press('0');
    const fitted = await scale();
    const view = (await page.locator('#diagram').boundingBox())!;
    const drawing = (await page.locator('#viewport').boundingBox())!;
    assert.ok(fitted < 0.2, `fit scale ${fitted}`);
    assert.ok(drawing.y >= view.y && drawing.y + drawing.height <= view.y + view.height + 1, 'the fitted drawing is inside the view');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    await page.locator('#export-png').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'input_1');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'conv2d_1');
    // Space on a layer collapses its instance and keeps focus there; Space again expands it.
    let seq = await readySeq(page);
    await page.locator('[data-id="basic_1/conv2d_2"]').focus();
    await page.keyboard.press(' ');
    await drawnAfter(page, seq);
    assert.equal(await focused(), 'basic_1');
    assert.equal(await nodeCount(page), 69 - 7 + 1);
    seq = await readySeq(page);
    await page.keyboard.press(' ');
    await drawnAfter(page, seq);
    assert.equal(await nodeCount(page), 69);
    assert.equal(await focused(), 'basic_1/conv2d_2');
  });
});

describe('architecture preview in Chromium: diagnostics and export', () => {
  test('a model the server cut to its first layers says so in the header', async () => {
    const seq = await readySeq(page);
    await send(page, { type: 'graph', graph: { ...graph, truncatedFrom: 40_001 } });
    await drawnAfter(page, seq);
    const note = `showing the first ${graph.nodes.length} of 40,001 layers`;
    assert.match((await page.textContent('#totals [data-fact="truncated"]')) ?? '', new RegExp(note));
  });

  test('a node with a diagnostic has a red outline and the message in its tooltip', async () => {
    const seq = await readySeq(page);
    const bad = graphOf(RESNET18.replace('  globalavgpool2d()\n', '  globalavgpool2d()\n  conv2d(8, 3)\n'));
    await send(page, { type: 'graph', graph: bad });
    await drawnAfter(page, seq);
    const marked = page.locator('#viewport .node.error');
    assert.equal(await marked.count(), 1);
    assert.match((await marked.locator('title').textContent()) ?? '', /error: .*conv2d/);
    const stroke = await marked.locator('rect.body').evaluate((r) => getComputedStyle(r).stroke);
    assert.equal(stroke, 'rgb(241, 76, 76)');
    assert.match((await page.textContent('#totals')) ?? '', /1 error/);
  });
});

describe('preview in Chromium: export, reload state, empty graph', () => {
  test('export: SVG text and a PNG rendered through a canvas are posted to the extension', async () => {
    await page.click('#export-svg');
    const [svg] = await waitForPosted(page, 'export', 1);
    assert.equal(svg.format, 'svg');
    assert.equal(svg.fileName, 'ResNet18.svg');
    assert.match(String(svg.data), /^<\?xml[^]*<svg[^>]*width="\d+"[^]*conv2d[^]*<\/svg>$/);
    assert.match(String(svg.data), /fill="rgb\(/);
    await send(page, { type: 'requestExport', format: 'png' });
    const [, png] = await waitForPosted(page, 'export', 2);
    assert.equal(png.format, 'png');
    const data = String(png.data);
    assert.ok(data.startsWith('data:image/png;base64,'));
    const image = PNG.sync.read(Buffer.from(data.slice('data:image/png;base64,'.length), 'base64'));
    assert.ok(image.width > 400 && image.height > 4000, `${image.width}×${image.height}`);
    assert.deepEqual(session.errors, []);
  });
});

describe('architecture preview in Chromium: page lifecycle', () => {
  test('state survives a reload: graph, collapsed instances and view come back', async () => {
    let seq = await readySeq(page);
    await page.locator('.frame-title[data-group="down_1"]').click();
    await drawnAfter(page, seq);
    const t = await transformOf(page);
    seq = await readySeq(page);
    await page.reload();
    await page.waitForSelector('#diagram[data-ready]');
    assert.equal(await transformOf(page), t);
    assert.equal(await page.locator('.node.group[data-id="down_1"]').count(), 1);
    assert.equal(await nodeCount(page), 70 - 9 + 1);
    const state = await page.evaluate(() => JSON.parse(sessionStorage.getItem('stride-state') ?? 'null'));
    assert.equal(state.uri, 'file:///work/resnet18.stride');
    assert.deepEqual(state.collapsed, ['down_1']);
    assert.ok(seq > 0);
  });

  test('an empty message clears the drawing and says why', async () => {
    await send(page, { type: 'empty', message: 'No model in this file.' });
    await page.waitForFunction(() => document.querySelectorAll('#viewport .node').length === 0);
    assert.equal(await page.textContent('#status'), 'No model in this file.');
    assert.deepEqual(session.errors, []);
  });
});
