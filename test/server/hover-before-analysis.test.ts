// Protocol test: a hover right after a keystroke is answered from the edited statement before the version is analysed,
// and equals the hover once the version is analysed.

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Hover } from 'vscode-languageserver';
import { positionOf, TestClient } from './harness';

let client: TestClient;
const uri = 'file:///incremental/chain.stride';
const lines = ['model Chain {', '  input(32, 32, 3)'];
for (let i = 0; i < 2500; i++) lines.push(i % 3 === 0 ? '  conv2d(8, 3, padding: same)' : i % 3 === 1 ? '  batchnorm()' : '  relu()');
lines.push('}', '');
const TEXT = lines.join('\n');

before(async () => {
  // A long quiet time: the version stays unanalysed until a request needs it.
  client = await TestClient.start({ settings: { diagnostics: { delayMs: 60_000 } } });
  await client.openAndWait(uri, TEXT);
});
after(() => client.stop());

it('answers a hover on the edited line before analysing the version, with the analysed answer', async () => {
  const at = positionOf(TEXT, 'conv2d(8', 0, 800);
  client.change(uri, 2, [
    { range: { start: { line: at.line, character: at.character + 7 }, end: { line: at.line, character: at.character + 8 } }, text: '16' },
  ]);
  const hoverAt = { textDocument: { uri }, position: { line: at.line, character: at.character + 2 } };
  const early = await client.request<Hover | null>('textDocument/hover', hoverAt);
  // Still not analysed: the answer came from the edited statement alone.
  assert.ok(client.server.store.edited(uri)?.edited, 'the version was analysed before the hover was answered');
  assert.ok(early && JSON.stringify(early).includes('(None, 32, 32, 16)'), JSON.stringify(early));
  client.server.store.snapshot(uri);
  assert.equal(client.server.store.edited(uri), undefined);
  assert.deepEqual(early, await client.request<Hover | null>('textDocument/hover', hoverAt));
});

it('a hover that needs the whole model waits for the analysis and is still right', async () => {
  const at = positionOf(TEXT, 'model Chain', 7);
  client.change(uri, 3, [{ range: { start: { line: 5, character: 9 }, end: { line: 5, character: 10 } }, text: '4' }]);
  const md = JSON.stringify(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at }));
  assert.equal(client.server.store.edited(uri), undefined, 'the model hover analysed the version');
  assert.ok(md.includes('Chain'), md);
});
