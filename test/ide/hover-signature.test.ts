// ide's hover and signature help, asked with plain offsets into the text.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { hover } from '../../ide/hover';
import { signatureHelp } from '../../ide/signature-help';
import { NET } from '../server/fixtures';
import { at } from './helpers';

const OPTIONS = { memoryBatchSize: 32 };

test('hover on a layer name gives its signature and facts, spanning the name', () => {
  const analysis = analyze(NET);
  const info = hover(analysis, at(NET, 'conv2d(16'), OPTIONS);
  assert.ok(info);
  assert.match(info.markdown, /conv2d\(filters, kernel, /);
  assert.match(info.markdown, /448/);
  assert.equal(NET.slice(info.span.start, info.span.end), 'conv2d');
});

test('hover on a number inside a call describes the layer, spanning the whole call', () => {
  const info = hover(analyze(NET), at(NET, '16, 3'), OPTIONS);
  assert.ok(info);
  assert.match(info.markdown, /\*\*conv2d\*\*/);
  assert.equal(NET.slice(info.span.start, info.span.end), 'conv2d(16, 3, padding: same)');
});

test('hover on a tensor names its shape and the line that defines it (lone \\r line ends count)', () => {
  const text = NET.replace(/\n/g, '\r');
  const info = hover(analyze(text), at(text, 'features', 0, 0), OPTIONS);
  assert.ok(info);
  assert.match(info.markdown, /\*\*features\*\*: tensor, `\(None, 16, 16, 32\)`/);
  assert.match(info.markdown, new RegExp(`Defined on line ${NET.split('\n').findIndex((l) => l.includes('features =')) + 1}:`));
});

test('hover on an argument with a derived default reads "auto"', () => {
  const text = 'model M {\n  input(8, 8, 1)\n  maxpool2d(2, stride: 2)\n}\n';
  const info = hover(analyze(text), at(text, 'stride'), OPTIONS);
  assert.ok(info);
  assert.match(info.markdown, /default `auto`/);
});

test('no hover on whitespace between items', () => {
  assert.equal(hover(analyze(NET), at(NET, '\n\n## Small'), OPTIONS), null);
});

test('signature help marks the argument being typed, by position or by name', () => {
  const text = 'model M {\n  input(8, 8, 1)\n  conv2d(8, 3, padding: same)\n}\n';
  const analysis = analyze(text);
  const second = signatureHelp(analysis, at(text, '3, padding'));
  assert.ok(second);
  assert.ok(second.label.startsWith('conv2d(filters, kernel'));
  assert.equal(second.parameters[second.activeParameter].label, 'kernel');
  const named = signatureHelp(analysis, at(text, 'same'));
  assert.ok(named);
  assert.equal(named.parameters[named.activeParameter].label, 'padding = valid');
  assert.equal(signatureHelp(analysis, at(text, 'model')), null);
});
