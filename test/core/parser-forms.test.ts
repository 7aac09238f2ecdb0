// The parser's new forms stay bounded: deep `if` nesting, long `not` and conditional chains are reported, never a crash.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { parse } from '../../core/syntax/parser';

test('if statements nested past the depth limit are one error, and the next item still parses', () => {
  const depth = 400;
  const text = `model M {\n  input(4)\n${'  if true {\n'.repeat(depth)}  relu()\n${'  }\n'.repeat(depth)}}\nmodel N {\n  input(4)\n}\n`;
  const result = parse(text);
  const deep = result.diagnostics.filter((d) => /nested more than 200 levels/.test(d.message));
  assert.equal(deep.length, 1);
  assert.deepEqual(
    result.file.items.map((i) => i.kind === 'model' && i.name.name),
    ['M', 'N'],
  );
});

test('long chains of not, of conditional values and of comparisons parse within the depth limit or report it', () => {
  for (const expr of ['not '.repeat(5000) + 'true', '1 if true else '.repeat(5000) + '2', '1 < '.repeat(3000) + '1']) {
    const text = `train M {\n  epochs: ${expr}\n}\n`;
    const result = parse(text);
    assert.ok(result.diagnostics.length >= 1 && result.diagnostics.length <= 2, `${expr.slice(0, 20)}…: ${result.diagnostics.length} diagnostics`);
  }
});

test('a value that chains 150 conditionals evaluates (within the depth limit) to its last branch', () => {
  const text = `model M {\n  input(4)\n  dense(${'1 if false else '.repeat(150)}7)\n}\n`;
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  assert.equal(analysis.models[0].layers[1].node.args.units, 7);
});

test('keywords stay names where no operator can stand: a tensor named not, an argument value else is no value', () => {
  const ok = analyze('model M {\n  input(4)\n  not = relu()\n  add(not)\n}\n');
  assert.deepEqual(
    ok.diagnostics.map((d) => d.code),
    [],
  );
  const bad = parse('model M {\n  input(4)\n  dense(else)\n}\n');
  assert.deepEqual(
    bad.diagnostics.map((d) => d.message),
    ["Expected a value (a number, name, string, tuple or list), found 'else'."],
  );
});
