// Protocol tests: go to definition, find references, highlights and rename for tensors, parameters, blocks and models.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DocumentHighlight, Location, Range, WorkspaceEdit } from 'vscode-languageserver';
import { applyEdits, positionOf, TestClient } from './harness';
import { NET } from './fixtures';

let client: TestClient;
const uri = 'file:///nav/net.stride';
const at = (needle: string, delta = 1, n = 0) => ({ textDocument: { uri }, position: positionOf(NET, needle, delta, n) });
const starts = (locs: { range: Range }[]) => locs.map((l) => l.range.start);
before(async () => {
  client = await TestClient.start();
  await client.openAndWait(uri, NET);
});
after(() => client.stop());

describe('navigation: definition, references, highlights', () => {
  it('definition of a tensor reference, a block call and a model in a train section', async () => {
    const tensor = await client.request<Location[]>('textDocument/definition', at('skip)'));
    assert.deepEqual(starts(tensor), [positionOf(NET, 'skip = in')]);
    const block = await client.request<Location[]>('textDocument/definition', at('basic(32'));
    assert.deepEqual(starts(block), [positionOf(NET, 'basic(filters')]);
    const model = await client.request<Location[]>('textDocument/definition', at('Net {', 1, 1));
    assert.deepEqual(starts(model), [positionOf(NET, 'Net {')]);
    const param = await client.request<Location[]>('textDocument/definition', at('filters, 3'));
    assert.deepEqual(starts(param), [positionOf(NET, 'filters)')]);
  });

  it('no definition for built-in layers and plain words', async () => {
    assert.deepEqual(await client.request<Location[]>('textDocument/definition', at('conv2d(32')), []);
    assert.deepEqual(await client.request<Location[]>('textDocument/definition', at('same')), []);
  });

  it('references with and without the declaration', async () => {
    const all = await client.request<Location[]>('textDocument/references', { ...at('Net {'), context: { includeDeclaration: true } });
    assert.deepEqual(starts(all), [positionOf(NET, 'Net {'), positionOf(NET, 'Net {', 0, 1)]);
    const uses = await client.request<Location[]>('textDocument/references', { ...at('skip = in'), context: { includeDeclaration: false } });
    assert.deepEqual(starts(uses), [positionOf(NET, 'skip)')]);
  });

  it('document highlights mark the definition as a write', async () => {
    const hl = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', at('skip)'));
    assert.deepEqual(
      hl.map((h) => h.kind),
      [3, 2],
    );
  });

  it('renames a block everywhere and the result still analyses cleanly', async () => {
    const prep = await client.request<Range | null>('textDocument/prepareRename', at('basic(32'));
    assert.deepEqual(prep?.start, positionOf(NET, 'basic(32'));
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at('basic(32'), newName: 'residual' });
    const edits = edit.changes![uri];
    assert.equal(edits.length, 2);
    const renamed = applyEdits(NET, edits);
    assert.ok(renamed.includes('block residual(filters)') && renamed.includes('  residual(32)'));
    const other = 'file:///nav/renamed.stride';
    const published = await client.openAndWait(other, renamed);
    assert.deepEqual(published.diagnostics, []);
  });
});

describe('rename', () => {
  it('renames a tensor and a model (with its train section)', async () => {
    const tensor = await client.request<WorkspaceEdit>('textDocument/rename', { ...at('skip = in'), newName: 'shortcut' });
    const text = applyEdits(NET, tensor.changes![uri]);
    assert.ok(text.includes('shortcut = in') && text.includes('add(shortcut)'));
    const model = await client.request<WorkspaceEdit>('textDocument/rename', { ...at('Net {'), newName: 'Net2' });
    assert.equal(model.changes![uri].length, 2);
    assert.ok(applyEdits(NET, model.changes![uri]).includes('train Net2 {'));
  });

  it('refuses invalid or clashing names with an error, and renaming layers', async () => {
    await assert.rejects(client.request('textDocument/rename', { ...at('skip = in'), newName: '2bad' }), /not a valid name/);
    await assert.rejects(client.request('textDocument/rename', { ...at('features'), newName: 'stem' }), /already defined/);
    await assert.rejects(client.request('textDocument/rename', { ...at('basic(32'), newName: 'conv2d' }), /built-in layer/);
    assert.equal(await client.request('textDocument/prepareRename', at('conv2d(32')), null);
    assert.equal(await client.request('textDocument/prepareRename', at('in\n')), null);
  });
});
