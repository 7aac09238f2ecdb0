// Editor features on statements that name several outputs (`a, b = split(2)`): hover, hints, outline, navigation, completion.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { completion } from '../../ide/completion';
import { documentSymbols } from '../../ide/document-symbols';
import { formatText } from '../../ide/formatting';
import { hover } from '../../ide/hover';
import { inlayHints } from '../../ide/inlay-hints';
import { definitions, rename } from '../../ide/navigation';
import { selectionRanges } from '../../ide/selection-ranges';
import { span } from '../../core/syntax/span';
import { at } from './helpers';

const UNIT = `model Unit {
  x = input(8, 8, 16)
  a, b = split(2)
  y = b -> conv2d(8, 1) -> relu()
  concat(a, y) -> channel_shuffle(2)
}
`;

const hoverAt = (text: string, offset: number) => hover(analyze(text), offset, { memoryBatchSize: 32 })?.markdown ?? '';

test('hover on split lists every part with its shape; hover on a part name gives that part', () => {
  const onSplit = hoverAt(UNIT, at(UNIT, 'split', 1));
  assert.match(onSplit, /Splits into 2 tensors, without parameters/);
  assert.match(onSplit, /\| `a` \| `\(None, 8, 8, 8\)` \|\n\| `b` \| `\(None, 8, 8, 8\)` \|/);
  const sizes = UNIT.replace('split(2)', 'split((4, 12))');
  assert.match(hoverAt(sizes, at(sizes, 'b ->')), /\*\*b\*\*: tensor, `\(None, 8, 8, 12\)`/);
  assert.match(hoverAt(sizes, at(sizes, 'a, b')), /\*\*a\*\*: tensor, `\(None, 8, 8, 4\)`/);
});

test('hover on channel_shuffle and slice reads as a sentence with the output shape', () => {
  const shuffle = hoverAt(UNIT, at(UNIT, 'channel_shuffle', 2));
  assert.match(shuffle, /\*\*channel_shuffle\*\* — Interleaves the channels/);
  assert.match(shuffle, /Output \| `\(None, 8, 8, 16\)`/);
  const text = UNIT.replace('  a, b = split(2)\n', '  a = slice(0, 6)\n  b = x -> slice(6)\n');
  assert.match(hoverAt(text, at(text, 'slice', 1)), /Takes the positions start … stop − 1.*\n[\s\S]*Output \| `\(None, 8, 8, 6\)`/);
});

test('the inlay hint after split shows each part; the outline lists each name', () => {
  const hints = inlayHints(analyze(UNIT), span(0, UNIT.length));
  const afterSplit = hints.find((h) => h.offset === at(UNIT, 'split(2)') + 'split(2)'.length);
  assert.equal(afterSplit?.label, '→ 8×8×8, 8×8×8');
  const model = documentSymbols(analyze(UNIT))[0];
  assert.deepEqual(
    model.children.map((c) => `${c.name} ${c.detail}`),
    ['x 8×8×16', 'a 8×8×8', 'b 8×8×8', 'y 8×8×8'],
  );
});

test('go to definition and rename reach a name defined by destructuring', () => {
  const analysis = analyze(UNIT);
  assert.deepEqual(definitions(analysis, at(UNIT, 'b ->')), [span(at(UNIT, 'b ='), at(UNIT, 'b =') + 1)]);
  const renamed = rename(analysis, at(UNIT, 'a,'), 'left');
  assert.ok(renamed?.kind === 'edits');
  assert.deepEqual(
    renamed.edits.map((e) => e.span.start),
    [at(UNIT, 'a,'), at(UNIT, 'a, y')],
  );
});

test('completion offers the new layers and the destructured names; selection grows from a name to the statement', () => {
  const text = UNIT.replace('  concat(a, y)', '  \n  concat(a, y)');
  const items = completion(analyze(text), at(text, '  \n  concat') + 2);
  const labels = new Set(items.map((i) => i.label));
  for (const name of ['split', 'slice', 'channel_shuffle', 'a', 'b']) assert.ok(labels.has(name), `completion offers ${name}`);
  const ranges = selectionRanges(analyze(UNIT).parse.file, [at(UNIT, 'b =')])[0].map((s) => UNIT.slice(s.start, s.end));
  assert.deepEqual(ranges.slice(-2), ['a, b = split(2)', 'b']);
});

test('the formatter writes the names of a destructuring as a comma-separated list', () => {
  const messy = 'model M {\n  x = input(8, 8, 16)\n  lo ,mid,hi=x->split((4,4,8), axis:-1)\n  output(lo,mid,hi)\n}\n';
  assert.equal(formatText(messy), 'model M {\n  x = input(8, 8, 16)\n  lo, mid, hi = x -> split((4, 4, 8), axis: -1)\n  output(lo, mid, hi)\n}\n');
});
