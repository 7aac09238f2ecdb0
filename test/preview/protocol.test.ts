// Webview message validation and the panel HTML's Content Security Policy.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { previewGraphOf } from './graph-of';
import type { Checked } from '../../protocol/validate';
import { checkFromPreview, checkPreviewTarget, checkToPreview, isPreviewGraph, type PreviewGraph } from '../../protocol/preview';
import { contentSecurityPolicy, previewHtml } from '../../webview/html';
import { EXAMPLES } from '../helpers/fixtures';

const graph = previewGraphOf(fs.readFileSync(path.join(EXAMPLES, 'mobilenetv2.stride'), 'utf8'))!;
/** The value of an accepted message; undefined for a rejected one, which must say why. */
function accepted<T>(checked: Checked<T>): T | undefined {
  if (checked.ok) return checked.value;
  assert.ok(checked.error.length > 0);
  return undefined;
}
const parseToWebview = (m: unknown) => accepted(checkToPreview(m));
const parseFromWebview = (m: unknown) => accepted(checkFromPreview(m));

/** A deep copy to break in one place. */
const copy = (): { -readonly [K in keyof PreviewGraph]: any } => JSON.parse(JSON.stringify(graph));

test('a real graph message is accepted as it is', () => {
  assert.ok(isPreviewGraph(graph));
  assert.deepEqual(parseToWebview({ type: 'graph', graph }), { type: 'graph', graph });
  assert.deepEqual(parseToWebview({ type: 'graph', graph, uri: 'file:///a.stride' }), { type: 'graph', graph, uri: 'file:///a.stride' });
  assert.equal(parseToWebview({ type: 'graph', graph, uri: 7 }), undefined);
  assert.deepEqual(parseToWebview({ type: 'highlight', nodeId: null }), { type: 'highlight', nodeId: null });
  assert.deepEqual(parseToWebview({ type: 'requestExport', format: 'png' }), { type: 'requestExport', format: 'png' });
  assert.deepEqual(parseToWebview({ type: 'empty', message: 'No model.' }), { type: 'empty', message: 'No model.' });
});

const BROKEN: [string, (g: ReturnType<typeof copy>) => void][] = [
  ['nodes not an array', (g) => (g.nodes = {})],
  ['a negative parameter count', (g) => (g.nodes[2].params = -1)],
  ['a NaN MAC count', (g) => (g.nodes[2].macs = Number.NaN)],
  ['a numeric id', (g) => (g.nodes[0].id = 7)],
  ['duplicate node ids', (g) => (g.nodes[1].id = g.nodes[0].id)],
  ['an edge to an unknown node', (g) => g.edges.push({ source: 'ghost', target: g.nodes[0].id, label: '?' })],
  ['a layer in an unknown instance', (g) => (g.nodes[3].group = 'ghost_1')],
  ['a child instance before its parent', (g) => (g.groups[0].parent = g.groups[1].id)],
  ['a range without positions', (g) => (g.nodes[0].range = { start: 1, end: 2 })],
  ['a diagnostic with an unknown severity', (g) => (g.nodes[0].diagnostics = [{ severity: 'fatal', code: 'x', message: 'y' }])],
  ['an oversized label', (g) => (g.nodes[0].args = 'x'.repeat(20_000))],
  ['missing totals', (g) => delete g.totals],
];

for (const [what, breakIt] of BROKEN) {
  test(`a graph with ${what} is rejected`, () => {
    const g = copy();
    breakIt(g);
    assert.equal(isPreviewGraph(g), false);
    assert.equal(parseToWebview({ type: 'graph', graph: g }), undefined);
  });
}

test('unknown and malformed messages are rejected', () => {
  for (const m of [null, 'graph', 42, [], { type: 'eval' }, { type: 'highlight', nodeId: 3 }, { type: 'requestExport', format: 'gif' }, { type: 'empty' }]) {
    assert.equal(parseToWebview(m), undefined, JSON.stringify(m));
  }
});

test('a rejected graph says what was wrong', () => {
  const g = copy();
  g.nodes[2].params = -1;
  const checked = checkToPreview({ type: 'graph', graph: g });
  assert.equal(checked.ok, false);
  assert.match(checked.ok ? '' : checked.error, /'params' must be a non-negative number/);
  const orphan = copy();
  orphan.edges.push({ source: 'ghost', target: orphan.nodes[0].id, label: '?' });
  const result = checkToPreview({ type: 'graph', graph: orphan });
  assert.match(result.ok ? '' : result.error, /edges\[\d+\] must join known nodes/);
});

test('a restored panel reads its document and model from the saved page state, and nothing else', () => {
  assert.deepEqual(accepted(checkPreviewTarget({ v: 1, uri: 'file:///a.stride', graph, collapsed: [] })), { uri: 'file:///a.stride', model: graph.model });
  assert.deepEqual(accepted(checkPreviewTarget({ uri: 'file:///a.stride' })), { uri: 'file:///a.stride' });
  for (const state of [undefined, null, 'file:///a.stride', { uri: 7 }, { graph }]) {
    assert.equal(accepted(checkPreviewTarget(state)), undefined, JSON.stringify(state));
  }
});

test('messages from the webview are validated too', () => {
  const range = graph.nodes[0].range;
  assert.deepEqual(parseFromWebview({ type: 'reveal', nodeId: 'input_1', range }), { type: 'reveal', nodeId: 'input_1', range });
  assert.equal(parseFromWebview({ type: 'reveal', nodeId: 'input_1' }), undefined);
  assert.deepEqual(parseFromWebview({ type: 'export', format: 'svg', fileName: 'M.svg', data: '<svg/>' }), {
    type: 'export',
    format: 'svg',
    fileName: 'M.svg',
    data: '<svg/>',
  });
  assert.equal(parseFromWebview({ type: 'export', format: 'exe', fileName: 'M.exe', data: '' }), undefined);
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
});

test('the panel HTML has a strict CSP and loads only the nonce-tagged script', () => {
  const nonce = 'abcdef0123456789abcdef0123456789';
  const html = previewHtml({
    nonce,
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/preview.js',
  });
  const csp = contentSecurityPolicy(nonce, 'https://file+.vscode-resource.vscode-cdn.net');
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'$`));
  assert.match(csp, /img-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net data:/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.ok(html.includes(`content="${csp.replace(/'/g, '&#39;')}"`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://file\\+\\.vscode-resource\\.vscode-cdn\\.net/ext/dist/webview/preview\\.js"></script>`));
  assert.match(html, new RegExp(`<style nonce="${nonce}">`));
});

test('the panel HTML escapes what it is given and refuses weak nonces', () => {
  const html = previewHtml({ nonce: 'abcdef0123456789abcdef', cspSource: 'x', scriptUri: '"><script>alert(1)</script>', title: '<b>' });
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes('&lt;b&gt;'));
  assert.throws(() => previewHtml({ nonce: 'short', cspSource: 'x', scriptUri: 'y' }), /nonce/);
});
