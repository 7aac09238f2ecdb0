// Protocol tests: diagnostics (codes, related locations, tags), quick fixes, debouncing and version handling.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver';
import { applyEdits, positionOf, TestClient } from './harness';
import { BROKEN, NET } from './fixtures';

let client: TestClient;
before(async () => {
  client = await TestClient.start();
});
after(() => client.stop());

describe('diagnostics: codes, ranges, related locations', () => {
  it('publishes core diagnostics with codes, ranges and source', async () => {
    const published = await client.openAndWait('file:///diag/broken.stride', BROKEN);
    const codes = published.diagnostics.map((d) => d.code);
    assert.deepEqual(codes, ['invalid-argument', 'unknown-layer']);
    const padding = published.diagnostics[0];
    assert.deepEqual(padding.range.start, positionOf(BROKEN, 'sme'));
    assert.deepEqual(padding.range.end, positionOf(BROKEN, 'sme', 3));
    assert.equal(padding.severity, 1);
    assert.equal(padding.source, 'stride');
  });

  it('a clean file publishes no diagnostics', async () => {
    const published = await client.openAndWait('file:///diag/net.stride', NET);
    assert.deepEqual(published.diagnostics, []);
  });

  it('carries related locations and the unnecessary tag', async () => {
    const text = 'model M {\n  input(8, 8, 1)\n  a = conv2d(4, 3)\n  a = conv2d(4, 3)\n  dead = relu()\n  flatten()\n  output(a)\n}\n';
    const published = await client.openAndWait('file:///diag/related.stride', text);
    const dup = published.diagnostics.find((d) => d.code === 'duplicate-name');
    assert.ok(dup, 'duplicate-name reported');
    assert.equal(dup.relatedInformation?.length, 1);
    assert.deepEqual(dup.relatedInformation[0].location.range.start, positionOf(text, 'a = conv2d'));
    assert.equal(dup.relatedInformation[0].location.uri, 'file:///diag/related.stride');
    const unused = published.diagnostics.filter((d) => d.code === 'unused-layer');
    assert.ok(unused.length > 0, 'unused-layer reported');
    for (const d of unused) assert.deepEqual(d.tags, [1]);
  });
});

describe('diagnostics: quick fixes', () => {
  it('offers each fix as a quick fix; applying the preferred one removes the diagnostic', async () => {
    const uri = 'file:///diag/fix.stride';
    const published = await client.openAndWait(uri, BROKEN);
    const target = published.diagnostics.find((d) => d.code === 'unknown-layer')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    });
    const fix = actions.find((a) => a.title === "Change to 'maxpool2d'");
    assert.ok(fix, `fix offered among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.equal((fix.diagnostics as Diagnostic[])[0].code, 'unknown-layer');
    const docEdit = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(docEdit.textDocument.version, 1);
    const fixed = applyEdits(BROKEN, docEdit.edits);
    assert.match(fixed, /maxpool2d\(2\)/);
    client.change(uri, 2, [{ text: fixed }]);
    const after = await client.waitForDiagnostics(uri, (p) => p.version === 2);
    assert.ok(!after.diagnostics.some((d) => d.code === 'unknown-layer'));
    assert.ok(
      after.diagnostics.some((d) => d.code === 'invalid-argument'),
      'the other problem is still there',
    );
  });

  it('turns every core fix into an action (enum value typo)', async () => {
    const uri = 'file:///diag/fix2.stride';
    await client.openAndWait(uri, BROKEN);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: positionOf(BROKEN, 'sme'), end: positionOf(BROKEN, 'sme') },
      context: { diagnostics: [] },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Change to 'same'"],
    );
    const edits = (actions[0].edit!.documentChanges![0] as TextDocumentEdit).edits;
    assert.match(applyEdits(BROKEN, edits), /padding: same\)/);
  });
});

describe('diagnostics: code action kinds, debouncing and versions', () => {
  it('answers no actions when only refactorings are asked for', async () => {
    const uri = 'file:///diag/fix3.stride';
    await client.openAndWait(uri, BROKEN);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: positionOf(BROKEN, 'sme'), end: positionOf(BROKEN, 'sme') },
      context: { diagnostics: [], only: ['refactor'] },
    });
    assert.deepEqual(actions, []);
  });

  it('debounces a burst of edits and publishes once for the final version', async () => {
    const uri = 'file:///diag/burst.stride';
    const slow = await TestClient.start({ settings: { diagnostics: { delayMs: 100 } } });
    try {
      await slow.openAndWait(uri, 'model M {\n  input(8, 8, 1)\n}\n');
      let text = 'model M {\n  input(8, 8, 1)\n}\n';
      for (let v = 2; v <= 30; v++) {
        text = text.replace('}\n', `  relu()\n}\n`);
        slow.change(uri, v, [{ text }]);
      }
      const final = await slow.waitForDiagnostics(uri, (p) => p.version === 30);
      assert.deepEqual(final.diagnostics, []);
      const versions = slow.published(uri).map((p) => p.version);
      assert.deepEqual(versions, [1, 30], 'no diagnostics for superseded versions');
    } finally {
      await slow.stop();
    }
  });

  it('ignores changes whose version does not increase, and changes to unknown documents', async () => {
    const uri = 'file:///diag/order.stride';
    await client.openAndWait(uri, NET, 5);
    client.change(uri, 4, [{ text: 'garbage (((' }]);
    client.change(uri, 5, [{ text: 'garbage (((' }]);
    client.change('file:///diag/never-opened.stride', 9, [{ text: 'x' }]);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(NET, 'Net {'),
    });
    assert.ok(hover && hover.contents.value.includes('model Net'), 'the version-5 text is still analysed');
    assert.deepEqual(
      client.published(uri).map((p) => p.version),
      [5],
    );
  });
});

describe('diagnostics: closing a document', () => {
  it('clears diagnostics when a document closes', async () => {
    const uri = 'file:///diag/close.stride';
    await client.openAndWait(uri, BROKEN);
    client.closeDoc(uri);
    const cleared = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0);
    assert.equal(cleared.version, undefined);
  });
});
