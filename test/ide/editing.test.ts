// ide's completion, formatting, outline, folding and navigation, asked with plain offsets.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { completion } from '../../ide/completion';
import { documentSymbols } from '../../ide/document-symbols';
import { foldingRanges } from '../../ide/folding';
import { formatDocument } from '../../ide/formatting';
import { LineIndex } from '../../ide/line-index';
import { highlights, rename } from '../../ide/navigation';
import { selectionRanges } from '../../ide/selection-ranges';
import { NET } from '../server/fixtures';
import { at } from './helpers';

test('completion at a line start offers layers as snippets, blocks and tensors in scope', () => {
  const text = NET.replace('  flatten()\n', '  \n  flatten()\n');
  const items = completion(analyze(text), at(text, '  \n  flatten') + 2);
  const conv = items.find((i) => i.label === 'conv2d');
  assert.deepEqual([conv?.kind, conv?.snippet, conv?.insertText], ['function', true, 'conv2d(${1:filters}, ${2:kernel})']);
  assert.equal(items.find((i) => i.label === 'basic')?.kind, 'module');
  assert.equal(items.find((i) => i.label === 'stem')?.detail, 'tensor');
});

test('completion of an enum argument name asks for its values next', () => {
  const text = 'model M {\n  input(8, 8, 1)\n  conv2d(8, 3, pad)\n}\n';
  const padding = completion(analyze(text), at(text, 'pad)') + 3).find((i) => i.label === 'padding:');
  assert.deepEqual([padding?.kind, padding?.retrigger], ['field', true]);
});

test('formatting is one edit over the whole text, none when already formatted or broken', () => {
  const messy = 'model M {\ninput(8,8,1)\n    dense( 2 )\n}\n';
  const [edit] = formatDocument(analyze(messy));
  assert.deepEqual(edit.span, { start: 0, end: messy.length });
  assert.equal(edit.newText, 'model M {\n  input(8, 8, 1)\n  dense(2)\n}\n');
  assert.deepEqual(formatDocument(analyze(edit.newText)), []);
  assert.deepEqual(formatDocument(analyze('model M {\n  dense(\n}\n')), []);
});

test('the outline lists items with named tensors, spans pointing at names', () => {
  const symbols = documentSymbols(analyze(NET));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.kind]),
    [
      ['basic', 'function'],
      ['Net', 'class'],
      ['train Net', 'event'],
    ],
  );
  const net = symbols[1];
  assert.equal(NET.slice(net.selection.start, net.selection.end), 'Net');
  assert.deepEqual(
    net.children.map((c) => [c.name, c.detail]),
    [
      ['stem', '32×32×16'],
      ['features', '16×16×32'],
    ],
  );
});

test('folding is by line and agrees with the lone \\r line rule', () => {
  const text = NET.replace(/\n/g, '\r');
  const folds = foldingRanges(analyze(text), new LineIndex(text));
  const lines = NET.split('\n');
  const model = lines.findIndex((l) => l.startsWith('model Net'));
  assert.ok(folds.some((f) => f.kind === 'region' && f.startLine === model && lines[f.endLine].startsWith('  dense')));
});

test('selection grows from a number to its argument, call, statement, body, item and file', () => {
  const [spans] = selectionRanges(analyze(NET).parse.file, [at(NET, '16, 3')]);
  const texts = spans.map((s) => NET.slice(s.start, s.end));
  assert.equal(texts[0], NET);
  assert.ok(texts.includes('conv2d(16, 3, padding: same)'));
  assert.equal(texts[texts.length - 1], '16');
});

test('highlights mark the definition as a write; rename edits every occurrence or says why not', () => {
  const analysis = analyze(NET);
  const marks = highlights(analysis, at(NET, 'stem'));
  assert.deepEqual(
    marks.map((m) => m.write),
    [true],
  );
  const renamed = rename(analysis, at(NET, 'skip', 0, 1), 'shortcut');
  assert.ok(renamed?.kind === 'edits');
  assert.deepEqual(
    renamed.edits.map((e) => NET.slice(e.span.start, e.span.end)),
    ['skip', 'skip'],
  );
  const refused = rename(analysis, at(NET, 'skip'), 'conv2d');
  assert.deepEqual(refused, { kind: 'refused', reason: "'conv2d' is a built-in layer." });
});
