// The summary page's messages, validated on both sides, and its HTML built by the one page builder.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { SummaryResult } from '../../protocol/lsp-ext';
import { checkFromSummary, checkToSummary } from '../../protocol/summary';
import { summaryHtml } from '../../webview/html';
import { serverSummary } from './real-summary';

let summary: SummaryResult;
before(async () => {
  summary = await serverSummary();
});

/** A deep copy to break in one place. */
const copy = (): any => JSON.parse(JSON.stringify(summary));

test("the server's summary is accepted as it is", () => {
  assert.equal(summary.rows.length, 5);
  assert.deepEqual(checkToSummary({ type: 'summary', summary }), { ok: true, value: { type: 'summary', summary } });
});

const BROKEN: [string, (s: any) => void][] = [
  ['rows not a list', (s) => (s.rows = {})],
  ['a negative parameter count', (s) => (s.rows[1].params = -1)],
  ['a NaN MAC count', (s) => (s.totals.macs = Number.NaN)],
  ['a numeric layer name', (s) => (s.rows[0].name = 7)],
  ['inputs that are not names', (s) => (s.rows[2].connectedTo = [1])],
  ['an oversized shape', (s) => (s.rows[0].outputShape = 'x'.repeat(20_000))],
  ['no training memory', (s) => delete s.trainingMemory],
  ['missing totals', (s) => delete s.totals],
];

for (const [what, breakIt] of BROKEN) {
  test(`a summary with ${what} is refused, with a reason`, () => {
    const s = copy();
    breakIt(s);
    const checked = checkToSummary({ type: 'summary', summary: s });
    assert.equal(checked.ok, false);
    assert.ok(!checked.ok && checked.error.length > 0);
  });
}

test('unknown and malformed messages are refused in both directions', () => {
  for (const m of [null, 'summary', 42, [], { type: 'eval' }, { type: 'summary' }]) {
    assert.equal(checkToSummary(m).ok, false, JSON.stringify(m));
  }
  assert.deepEqual(checkFromSummary({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  for (const m of [null, { type: 'summary', summary }, { type: 'reveal' }]) assert.equal(checkFromSummary(m).ok, false, JSON.stringify(m));
});

test('the summary page has a strict CSP and loads only its nonce-tagged bundle', () => {
  const nonce = 'abcdef0123456789abcdef0123456789';
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  const html = summaryHtml({ nonce, cspSource, scriptUri: `${cspSource}/ext/dist/webview/summary.js` });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1].replace(/&#39;/g, "'") ?? '';
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'$`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="${cspSource}/ext/dist/webview/summary.js"></script>`));
  assert.match(html, /<style nonce="[^"]+">[\s\S]*var\(--vscode-foreground/);
  assert.match(html, /<title>Stride model summary<\/title>/);
});
