// Protocol tests: value functions and if statements through the language server (diagnostics, hover, completion).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, CompletionList, Hover, MarkupContent } from 'vscode-languageserver';
import { positionOf, TestClient } from './harness';

let client: TestClient;
before(async () => {
  client = await TestClient.start();
});
after(() => client.stop());

const TEXT = `fn width(c) {
  make_divisible(c * 0.75)
}

block unit(c, stride) {
  if stride == 1 {
    dense(width(c))
  }
}

model M {
  input(4)
  unit(64, 1)
  dense(width(100))
}
`;

describe('value functions and if statements over the protocol', () => {
  it('a recursive function and a bad condition are published with their codes and ranges', async () => {
    const text = 'fn f(x) {\n  f(x)\n}\nmodel M {\n  input(4)\n  if 3 {\n    dense(f(1))\n  }\n}\n';
    const published = await client.openAndWait('file:///values/bad.stride', text);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start]),
      [['invalid-expression', positionOf(text, '3 {')]],
    );
    const cyclic = 'fn f(x) {\n  f(x)\n}\nmodel M {\n  input(4)\n  dense(f(1))\n}\n';
    const again = await client.openAndWait('file:///values/cycle.stride', cyclic);
    assert.deepEqual(
      again.diagnostics.map((d) => [d.code, d.range.start]),
      [['cycle', positionOf(cyclic, 'f(x)\n}')]],
    );
  });

  it('hover on a function call shows its signature and value; on if, the condition', async () => {
    const uri = 'file:///values/net.stride';
    const published = await client.openAndWait(uri, TEXT);
    assert.deepEqual(published.diagnostics, []);
    const hoverAt = async (needle: string, n = 0) => {
      const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, needle, 1, n) });
      return (h?.contents as MarkupContent | undefined)?.value ?? '';
    };
    const call = await hoverAt('width(100)');
    assert.match(call, /fn width\(c\)/);
    // make_divisible(75) = 72, as torchvision's _make_divisible(75, 8).
    assert.match(call, /Value: `72`/);
    assert.match(await hoverAt('if stride'), /decided per call, from `stride`/);
  });

  it('completion offers the if snippet at a statement start and make_divisible in an argument', async () => {
    const complete = async (marked: string) => {
      const uri = `file:///values/complete-${marked.length}.stride`;
      await client.openAndWait(uri, marked.replace('|', ''));
      const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
        textDocument: { uri },
        position: positionOf(marked, '|'),
      });
      return (Array.isArray(r) ? r : r.items).map((i) => i.label);
    };
    assert.ok((await complete('model M {\n  input(4)\n  |\n}\n')).includes('if'));
    assert.ok((await complete('model M {\n  input(4)\n  dense(|)\n}\n')).includes('make_divisible'));
  });
});
