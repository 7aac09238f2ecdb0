// Protocol tests for statements that name several outputs: diagnostics, the start-from-a-name quick fix, hover, completion.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Hover, MarkupContent, TextDocumentEdit } from 'vscode-languageserver';
import { applyEdits, positionOf, TestClient } from './harness';

let client: TestClient;
before(async () => {
  client = await TestClient.start();
});
after(() => client.stop());

const BARE = `model M {
  x = input(8, 8, 16)
  left, right = split(2)
  conv2d(8, 1)
  concat(left, right)
}
`;

describe('destructuring over the protocol', () => {
  it('a bare layer after naming the parts is missing-input, fixed by starting from a name', async () => {
    const uri = 'file:///multi/bare.stride';
    const published = await client.openAndWait(uri, BARE);
    const missing = published.diagnostics.find((d) => d.code === 'missing-input');
    assert.ok(missing, `missing-input among ${published.diagnostics.map((d) => d.code).join(', ')}`);
    assert.deepEqual(missing.range.start, positionOf(BARE, 'conv2d'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: missing.range,
      context: { diagnostics: [missing] },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Start from 'left'", "Start from 'right'"],
    );
    const fixed = applyEdits(BARE, (actions[1].edit!.documentChanges![0] as TextDocumentEdit).edits);
    assert.match(fixed, / {2}right -> conv2d\(8, 1\)\n/);
    client.change(uri, 2, [{ text: fixed }]);
    const after = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    assert.ok(!after.diagnostics.some((d) => d.code === 'missing-input'));
  });

  it('a wrong number of names is reported on the names', async () => {
    const text = 'model M {\n  x = input(8, 8, 12)\n  a, b = split(3)\n  output(a)\n}\n';
    const published = await client.openAndWait('file:///multi/count.stride', text);
    const wrong = published.diagnostics.find((d) => d.code === 'invalid-argument');
    assert.ok(wrong);
    assert.deepEqual([wrong.range.start, wrong.range.end], [positionOf(text, 'a, b'), positionOf(text, 'a, b', 4)]);
    assert.match(wrong.message, /produces 3 tensors, but 2 names are given/);
  });

  it('hover on split shows each part; completion offers the parts by name', async () => {
    const text = 'model M {\n  x = input(8, 8, 16)\n  lo, hi = split((4, 12))\n  \n}\n';
    const uri = 'file:///multi/hover.stride';
    await client.openAndWait(uri, text);
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'split', 1) });
    const md = (h?.contents as MarkupContent).value;
    assert.match(md, /\| `lo` \| `\(None, 8, 8, 4\)` \|/);
    assert.match(md, /\| `hi` \| `\(None, 8, 8, 12\)` \|/);
    const list = await client.request<CompletionList | CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(text, '  \n}', 2),
    });
    const labels = (Array.isArray(list) ? list : list.items).map((i) => i.label);
    for (const name of ['lo', 'hi', 'channel_shuffle', 'slice']) assert.ok(labels.includes(name), `completion offers ${name}`);
  });
});
