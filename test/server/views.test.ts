// Protocol tests: inlay hints, code lenses, outline, folding, semantic tokens and selection ranges.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, DocumentSymbol, FoldingRange, InlayHint, SelectionRange, SemanticTokens, InitializeResult } from 'vscode-languageserver';
import { positionOf, TestClient } from './harness';
import { NET } from './fixtures';
import { LEGEND } from '../../server/semantic-tokens';

let client: TestClient;
const uri = 'file:///views/net.stride';
const doc = { textDocument: { uri } };
const whole = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
before(async () => {
  client = await TestClient.start();
  await client.openAndWait(uri, NET);
});
after(() => client.stop());

describe('views: inlay hints and settings', () => {
  it('inlay hints: the output shape at the end of each layer line', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { ...doc, range: whole });
    const byLine = new Map(hints.map((h) => [h.position.line, h.label]));
    const lineOf = (needle: string) => positionOf(NET, needle).line;
    assert.equal(byLine.get(lineOf('stem =')), '→ 32×32×16');
    assert.equal(byLine.get(lineOf('features =')), '→ 16×16×32');
    assert.equal(byLine.get(lineOf('flatten()')), '→ 8192');
    assert.equal(byLine.get(lineOf('conv2d(filters')), '→ 32×32×32', 'block lines show their instance shapes');
    assert.equal(byLine.has(lineOf('skip = in')), false, 'no hint for a pure alias');
    const end = positionOf(NET, 'stem = conv2d(16, 3, padding: same)', 'stem = conv2d(16, 3, padding: same)'.length);
    assert.deepEqual(hints.find((h) => h.position.line === end.line)!.position, end);
  });

  it('inlay hints honour the requested range and the stride.inlayHints.shapes setting', async () => {
    const line = positionOf(NET, 'flatten()').line;
    const some = await client.request<InlayHint[]>('textDocument/inlayHint', {
      ...doc,
      range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
    });
    assert.deepEqual(
      some.map((h) => h.label),
      ['→ 8192'],
    );
    const off = await TestClient.start({ settings: { inlayHints: { shapes: false } } });
    try {
      await off.openAndWait(uri, NET);
      assert.deepEqual(await off.request('textDocument/inlayHint', { ...doc, range: whole }), []);
    } finally {
      await off.stop();
    }
  });

  it('settings pulled with workspace/configuration change after didChangeConfiguration', async () => {
    const pull = await TestClient.start({ pullSettings: true });
    try {
      await pull.openAndWait(uri, NET);
      assert.ok((await pull.request<InlayHint[]>('textDocument/inlayHint', { ...doc, range: whole })).length > 0);
      pull.settings = { inlayHints: { shapes: false }, codeLens: { enable: false } };
      pull.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
      // The server pulls asynchronously; a request after a round trip sees the new value.
      await pull.request('textDocument/hover', { ...doc, position: { line: 0, character: 0 } });
      await pull.request('textDocument/hover', { ...doc, position: { line: 0, character: 0 } });
      assert.deepEqual(await pull.request('textDocument/inlayHint', { ...doc, range: whole }), []);
      assert.deepEqual(await pull.request('textDocument/codeLens', doc), []);
    } finally {
      await pull.stop();
    }
  });
});

describe('views: code lenses and document symbols', () => {
  it('code lenses on each model: params · MACs, Train, Preview with uri and model name', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', doc);
    assert.deepEqual(
      lenses.map((l) => [l.command!.title, l.command!.command]),
      [
        ['96.3K params · 14.7M MACs', 'stride.showSummary'],
        ['▶ Train', 'stride.train'],
        ['⧉ Preview', 'stride.openPreview'],
      ],
    );
    for (const l of lenses) {
      assert.deepEqual(l.command!.arguments, [uri, 'Net']);
      assert.deepEqual(l.range.start, positionOf(NET, 'Net {'));
    }
  });

  it('document symbols: blocks, models, train sections and named tensors', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind]),
      [
        ['basic', 12],
        ['Net', 5],
        ['train Net', 24],
      ],
    );
    assert.deepEqual(
      symbols[1].children!.map((c) => [c.name, c.detail]),
      [
        ['stem', '32×32×16'],
        ['features', '16×16×32'],
      ],
    );
    assert.equal(symbols[1].detail, '96.3K params');
    assert.deepEqual(
      symbols[2].children!.map((c) => c.name),
      ['data', 'optimizer', 'epochs'],
    );
  });
});

describe('views: folding, semantic tokens, selection ranges', () => {
  it('folding ranges for bodies (closing brace stays visible) and comment runs', async () => {
    const text = '# one\n# two\n# three\nmodel M {\n  input(8, 8, 1)\n  conv2d(\n    8,\n    3)\n}\n';
    const u = 'file:///views/fold.stride';
    await client.openAndWait(u, text);
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: u } });
    const simple = ranges.map((r) => [r.startLine, r.endLine, r.kind]).sort();
    assert.deepEqual(simple, [
      [0, 2, 'comment'],
      [3, 7, 'region'],
      [5, 7, undefined],
    ]);
  });

  it('semantic tokens classify names by meaning', async () => {
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', doc);
    const decoded = decode(tokens.data);
    const at = (needle: string, n = 0) => {
      const p = positionOf(NET, needle, 0, n);
      const t = decoded.find((d) => d.line === p.line && d.char === p.character);
      return t ? `${LEGEND.tokenTypes[t.type]}${t.mods ? `+${t.mods}` : ''}` : 'none';
    };
    assert.equal(at('conv2d(32'), 'function+4');
    assert.equal(at('basic(32'), 'class');
    assert.equal(at('basic(filters'), 'class+1');
    assert.equal(at('stem'), 'variable+1');
    assert.equal(at('skip)'), 'variable');
    assert.equal(at('filters, 3'), 'parameter');
    assert.equal(at('padding'), 'property');
    assert.equal(at('same'), 'enumMember');
    assert.equal(at('Net {'), 'type+1');
    assert.equal(at('model'), 'keyword');
    assert.equal(at('## A residual'), 'comment+2');
    assert.equal(at('32, 3)'), 'number');
    assert.equal(at('->'), 'operator');
  });

  it('selection ranges grow from a number to its argument, call, statement, body, item and file', async () => {
    const [sel] = await client.request<SelectionRange[]>('textDocument/selectionRange', { ...doc, positions: [positionOf(NET, '16, 3', 1)] });
    const chain: string[] = [];
    const lines = NET.split('\n');
    for (let r: SelectionRange | undefined = sel; r; r = r.parent) {
      const { start, end } = r.range;
      chain.push(start.line === end.line ? lines[start.line].slice(start.character, end.character) : `${start.line}-${end.line}`);
    }
    assert.deepEqual(chain.slice(0, 4), ['16', '(16, 3, padding: same)', 'conv2d(16, 3, padding: same)', 'stem = conv2d(16, 3, padding: same)']);
    assert.deepEqual(chain.slice(4), ['8-16', '8-16', '0-23']);
  });
});

describe('capabilities', () => {
  it('announces every capability it implements', async () => {
    const fresh = await TestClient.start();
    try {
      const init = await fresh.request<InitializeResult>('initialize', { processId: null, rootUri: null, capabilities: {} });
      const caps = init.capabilities;
      for (const key of [
        'hoverProvider',
        'completionProvider',
        'signatureHelpProvider',
        'definitionProvider',
        'referencesProvider',
        'renameProvider',
        'documentSymbolProvider',
        'foldingRangeProvider',
        'selectionRangeProvider',
        'semanticTokensProvider',
        'documentFormattingProvider',
        'codeActionProvider',
        'codeLensProvider',
        'inlayHintProvider',
      ] as const) {
        assert.ok(caps[key], key);
      }
    } finally {
      await fresh.stop();
    }
  });
});

function decode(data: readonly number[]): { line: number; char: number; length: number; type: number; mods: number }[] {
  const out = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    out.push({ line, char, length: data[i + 2], type: data[i + 3], mods: data[i + 4] });
  }
  return out;
}
