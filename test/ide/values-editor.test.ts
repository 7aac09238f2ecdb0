// Editor features on value functions and if statements: hover, completion, outline, folding, navigation, tokens.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { completion } from '../../ide/completion';
import { documentSymbols } from '../../ide/document-symbols';
import { foldingRanges } from '../../ide/folding';
import { hover } from '../../ide/hover';
import { LineIndex } from '../../ide/line-index';
import { definitions, rename } from '../../ide/navigation';
import { classify } from '../../ide/semantic-tokens';
import { selectionRanges } from '../../ide/selection-ranges';
import { signatureHelp } from '../../ide/signature-help';
import { at } from './helpers';

const OPTIONS = { memoryBatchSize: 32 };

const TEXT = `## Half the channels, at least one.
fn half(c) {
  h = c // 2
  max(1, h)
}

block unit(c, stride) {
  if stride == 1 {
    dense(half(c))
  } else {
    dense(make_divisible(c))
  }
}

model M {
  input(4)
  if 2 > 1 and half(9) == 4 {
    unit(10, 1)
  }
  dense(half(9) + round(2.5))
}
`;

test('hover on a function call: signature, docs and the computed value, or what it depends on', () => {
  const analysis = analyze(TEXT);
  assert.deepEqual(analysis.diagnostics, []);
  const call = hover(analysis, at(TEXT, 'half(9) +'), OPTIONS);
  assert.ok(call);
  assert.match(call.markdown, /fn half\(c\)/);
  assert.match(call.markdown, /Half the channels, at least one\./);
  assert.match(call.markdown, /Value: `4`/);
  assert.equal(TEXT.slice(call.span.start, call.span.end), 'half');
  const inBlock = hover(analysis, at(TEXT, 'half(c)', 0, 1), OPTIONS);
  assert.match(inBlock!.markdown, /decided per call, from `c`/);
  const library = hover(analysis, at(TEXT, 'make_divisible'), OPTIONS);
  assert.match(library!.markdown, /fn make_divisible\(v, divisor = 8, min_value = divisor\)/);
  assert.match(library!.markdown, /MobileNet/);
  const builtin = hover(analysis, at(TEXT, 'round'), OPTIONS);
  assert.match(builtin!.markdown, /built-in value function/);
  assert.match(builtin!.markdown, /Value: `2`/);
});

test('hover on if shows the condition and its value where it is known', () => {
  const analysis = analyze(TEXT);
  const inModel = hover(analysis, at(TEXT, 'if 2 > 1'), OPTIONS);
  assert.ok(inModel);
  assert.match(inModel.markdown, /Condition: `true`/);
  assert.equal(TEXT.slice(inModel.span.start, inModel.span.end), 'if');
  const onOperator = hover(analysis, at(TEXT, '> 1 and'), OPTIONS);
  assert.match(onOperator!.markdown, /Condition: `true`/);
  const inBlock = hover(analysis, at(TEXT, 'if stride'), OPTIONS);
  assert.match(inBlock!.markdown, /decided per call, from `stride`/);
});

test('completion: fn at the top level, if snippets at a statement start, functions in values but not in enum values', () => {
  const top = completion(analyze('\n'), 0).map((c) => c.label);
  assert.ok(top.includes('fn'));
  const statement = 'model M {\n  input(4)\n  \n}\n';
  const labels = completion(analyze(statement), at(statement, '\n}') - 0).map((c) => c.label);
  assert.ok(labels.includes('if') && labels.includes('if … else'), labels.join(' '));
  const value = 'model M {\n  input(4)\n  dense()\n}\n';
  const values = completion(analyze(value), at(value, ')')).map((c) => c.label);
  for (const name of ['make_divisible', 'max', 'round']) assert.ok(values.includes(name), name);
  const make = completion(analyze(value), at(value, ')')).find((c) => c.label === 'make_divisible')!;
  assert.equal(make.insertText, 'make_divisible(${1:v})');
  const enumValue = 'model M {\n  input(4, 4, 1)\n  conv2d(4, 3, activation: )\n}\n';
  const enums = completion(analyze(enumValue), at(enumValue, ': )', 2)).map((c) => c.label);
  assert.ok(enums.includes('relu') && !enums.includes('max'), enums.join(' '));
  const fnBody = 'fn f(a, b) {\n  c = a\n  \n}\n';
  const inFn = completion(analyze(fnBody), at(fnBody, '\n}')).map((c) => c.label);
  for (const name of ['a', 'b', 'c', 'min']) assert.ok(inFn.includes(name), name);
});

test('outline lists functions; folding covers function bodies and if branches', () => {
  const analysis = analyze(TEXT);
  const symbols = documentSymbols(analysis);
  const half = symbols.find((s) => s.name === 'half')!;
  assert.equal(half.kind, 'function');
  assert.equal(half.detail, 'fn(c)');
  const folds = foldingRanges(analysis, new LineIndex(TEXT)).map((f) => `${f.startLine}-${f.endLine}`);
  for (const fold of ['1-3', '7-8', '9-10', '16-17']) assert.ok(folds.includes(fold), `${fold} in ${folds.join(' ')}`);
});

test('go to definition and rename of a function; built-in names and keywords are refused', () => {
  const analysis = analyze(TEXT);
  const defs = definitions(analysis, at(TEXT, 'half(9) +'));
  assert.deepEqual(
    defs.map((s) => TEXT.slice(s.start, s.end)),
    ['half'],
  );
  assert.equal(defs[0].start, at(TEXT, 'half(c)'));
  const renamed = rename(analysis, at(TEXT, 'half(c) {'), 'halve');
  assert.ok(renamed && renamed.kind === 'edits');
  assert.equal(renamed.edits.length, 4);
  assert.deepEqual(rename(analysis, at(TEXT, 'half(c) {'), 'max'), { kind: 'refused', reason: "'max' is a built-in function." });
  assert.deepEqual(rename(analysis, at(TEXT, 'half(c) {'), 'if'), { kind: 'refused', reason: "'if' is reserved." });
});

test('semantic tokens: functions, if/else/and as keywords, the new operators; selection ranges reach into branches', () => {
  const text = 'fn f(a) {\n  a // 2 if not a % 2 == 0 else a\n}\n';
  const tokens = classify(analyze(text)).map((t) => `${text.slice(t.span.start, t.span.end)}:${t.type}`);
  for (const t of ['f:function', 'a:parameter', '//:operator', 'if:keyword', 'not:keyword', '%:operator', '==:operator', 'else:keyword'])
    assert.ok(tokens.includes(t), `${t} in ${tokens.join(' ')}`);
  const ranges = selectionRanges(analyze(TEXT).parse.file, [at(TEXT, 'make_divisible(c)', 15)])[0].map((s) => TEXT.slice(s.start, s.end));
  assert.ok(ranges.includes('dense(make_divisible(c))'));
  assert.ok(ranges.some((r) => r.startsWith('else {')));
});

test('signature help on a value function call highlights the argument being typed', () => {
  const text = 'model M {\n  input(4)\n  dense(make_divisible(20, ))\n}\n';
  const help = signatureHelp(analyze(text), at(text, ', )', 2));
  assert.ok(help);
  assert.equal(help.label, 'make_divisible(v, divisor = 8, min_value = divisor)');
  assert.equal(help.activeParameter, 1);
});

test('hover on a named argument of a function call names the parameter and its default', () => {
  const text = 'model M {\n  input(4)\n  dense(make_divisible(37, divisor: 4))\n}\n';
  const info = hover(analyze(text), at(text, 'divisor'), OPTIONS);
  assert.equal(info?.markdown, '**divisor = 8** — parameter of function `make_divisible`');
});
