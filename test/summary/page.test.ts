// The bundled summary page in real Chromium under its real CSP: the table, the totals, the theme, bad messages.
/// <reference lib="dom" />

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { SummaryResult } from '../../protocol/lsp-ext';
import { summaryHtml } from '../../webview/html';
import { bundleWebview, openWebviewPage, send, TEST_NONCE, type FakeHostWindow, type WebviewPage } from '../helpers/webview-page';
import { serverSummary } from './real-summary';

let session: WebviewPage;
let page: Page;
let summary: SummaryResult;

before(async () => {
  summary = await serverSummary();
  const bundle = await bundleWebview('webview/webpack.summary.js', 'summary.js');
  session = await openWebviewPage({
    bundle,
    html: (cspSource, scriptUri) => summaryHtml({ nonce: TEST_NONCE, cspSource, scriptUri }),
    viewport: { width: 900, height: 500 },
  });
  page = session.page;
});

after(async () => {
  await session?.close();
});

const rows = () => page.locator('#rows tr').allInnerTexts();

describe('summary page: what it shows', () => {
  test('says it listens once, before any data', async () => {
    const posted = await page.evaluate(() => (window as unknown as FakeHostWindow).__posted);
    assert.deepEqual(posted, [{ type: 'ready' }]);
    assert.equal(await page.textContent('#title'), 'Summary');
  });

  test("draws the server's summary: a header, one row per layer, the totals", async () => {
    await send(page, { type: 'summary', summary });
    await page.locator('#totals', { hasText: 'Total params: 13,610' }).waitFor();
    assert.equal(await page.textContent('#title'), 'Model: Small');
    const text = await rows();
    assert.equal(text.length, 6, text.join('\n'));
    assert.deepEqual(text[0].split('\t'), ['Layer (type)', 'Output shape', 'Params', 'MACs', 'Connected to']);
    assert.deepEqual(text[2].split('\t'), ['conv2d_1 (conv2d)', '(None, 26, 26, 8)', '80', '48,672', 'input_1']);
    assert.equal(await page.locator('#rows td.num').count(), 10);
    const totals = (await page.textContent('#totals')) ?? '';
    assert.match(totals, /^Total params: 13,610 \(trainable 13,610, non-trainable 0\) · MACs: [\d,]+ · training memory ≈ [\d.]+ MiB \(batch 32, \w+\)$/);
  });

  test('takes its colours from the VS Code theme variables', async () => {
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-foreground', 'rgb(1, 2, 3)'));
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).color), 'rgb(1, 2, 3)');
  });
});

describe('summary page: what it refuses', () => {
  test('ignores malformed and unknown messages and keeps the table', async () => {
    const before = await rows();
    const broken = { ...summary, rows: summary.rows.map((r, i) => (i === 1 ? { ...r, params: -1 } : r)) };
    for (const m of ['summary', null, { type: 'summary' }, { type: 'summary', summary: broken }, { type: 'eval', code: 'alert(1)' }]) await send(page, m);
    // Messages are handled in order: once this one shows, every message above has been handled.
    await send(page, { type: 'summary', summary: { ...summary, model: 'After' } });
    await page.locator('#title', { hasText: 'Model: After' }).waitFor();
    assert.deepEqual(await rows(), before);
  });

  test('shows names as text, never as markup, and the CSP held throughout', async () => {
    const hostile = '<img src=x onerror="document.title=1">';
    await send(page, { type: 'summary', summary: { ...summary, model: hostile } });
    await page.locator('#title', { hasText: hostile }).waitFor();
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(session.errors, []);
  });
});
