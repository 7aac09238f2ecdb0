// Value expressions through the analysis: Python's operators, booleans, conditional values, built-ins and their type errors.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import type { Diagnostic } from '../../core/diagnostics';
import { evalExpr } from '../../core/model/eval';
import { formatValue } from '../../core/model/values';
import { parse } from '../../core/syntax/parser';

/** The value of `expr` as a `dense(units: …)` argument would see it, or the diagnostics it raised. */
function value(expr: string): string {
  const text = `train M {\n  epochs: ${expr}\n}\n`;
  const parsed = parse(text);
  assert.deepEqual(parsed.diagnostics, [], `${expr} parses`);
  const item = parsed.file.items[0];
  assert.equal(item.kind, 'train');
  const diags: Diagnostic[] = [];
  const v = item.kind === 'train' ? evalExpr(item.entries[0].value, new Map(), diags) : undefined;
  return v ? formatValue(v) : diags.map((d) => `${d.code}: ${d.message}`).join(' | ');
}

/** Units of the one dense layer of a model whose units are `expr`. */
function units(expr: string): number | undefined {
  const analysis = analyze(`model M {\n  input(4)\n  dense(${expr})\n}\n`);
  assert.deepEqual(analysis.diagnostics, [], expr);
  return analysis.models[0].layers[1].node.args.units as number;
}

test('floor division and modulo follow Python, for negative numbers and floats too', () => {
  const cases: [string, string][] = [
    ['7 // 2', '3'],
    ['-7 // 2', '-4'],
    ['7 // -2', '-4'],
    ['7 % 3', '1'],
    ['-7 % 3', '2'],
    ['7 % -3', '-2'],
    ['7.5 // 2', '3'],
    ['-7.5 % 2', '0.5'],
    ['16 / 3', String(16 / 3)],
    ['2 + 3 * 4 // 5', '4'],
  ];
  for (const [expr, expected] of cases) assert.equal(value(expr), expected, expr);
});

test('round halves to even as Python 3 does; int truncates toward zero; floor, ceil, min, max, abs, sqrt, log, pow', () => {
  const cases: [string, string][] = [
    ['round(2.5)', '2'],
    ['round(3.5)', '4'],
    ['round(-2.5)', '-2'],
    ['round(2.6)', '3'],
    ['int(-2.7)', '-2'],
    ['int(2.7)', '2'],
    ['floor(-0.5)', '-1'],
    ['ceil(1.2)', '2'],
    ['min(3, 1, 2)', '1'],
    ['max(1, 16 // 4)', '4'],
    ['abs(-3)', '3'],
    ['sqrt(16)', '4'],
    ['pow(2, 10)', '1024'],
    ['round(log(1))', '0'],
  ];
  for (const [expr, expected] of cases) assert.equal(value(expr), expected, expr);
});

test('comparisons and and/or/not give the words true and false; if-else takes one branch', () => {
  const cases: [string, string][] = [
    ['1 < 2', 'true'],
    ['2 <= 1', 'false'],
    ['3 == 3.0', 'true'],
    ['relu != relu', 'false'],
    ['"a" == "a"', 'true'],
    ['not 1 > 2', 'true'],
    ['1 < 2 and 2 < 1', 'false'],
    ['1 < 2 or 2 < 1', 'true'],
    ['1 if 2 > 1 else 2', '1'],
    ['1 if false else 2 if true else 3', '2'],
    // Only the taken branch is evaluated: the division by zero is never reached.
    ['4 if true else 1 // 0', '4'],
    ['false and 1 // 0 == 0', 'false'],
  ];
  for (const [expr, expected] of cases) assert.equal(value(expr), expected, expr);
});

test('type errors are invalid-expression diagnostics with full sentences', () => {
  const cases: [string, RegExp][] = [
    ['"a" + 1', /^invalid-expression: Arithmetic with '\+' needs numbers, got a string \+ 1\.$/],
    ['1 if 3 else 2', /^invalid-expression: A condition must be true or false, got 3\.$/],
    ['(1, 2) < 3', /^invalid-expression: A comparison with '<' needs numbers/],
    ['(1, 2) == (1, 2)', /compares numbers, words and strings/],
    ['not 3', /'not' needs true or false, got 3\./],
    ['1 and true', /'and' needs true or false on each side, got 1\./],
    ['min()', /min\(\) takes at least one argument, got 0\./],
    ['round(1, 2)', /round\(\) takes 1 argument \(x\), got 2\./],
    ['max(1, "a")', /max\(\) needs numbers, got "a"\./],
    ['sqrt(-1)', /sqrt\(\) needs a number that is not negative, got -1\./],
    ['round(x: 1)', /takes its arguments by position/],
    ['5 // 0', /Division by zero in '\/\/'\./],
    ['5 % 0', /Division by zero in '%'\./],
  ];
  for (const [expr, pattern] of cases) assert.match(value(expr), pattern, expr);
});

test('a non-integer where an integer is needed reports the value, true division no longer fails', () => {
  assert.equal(units('16 // 3'), 5);
  assert.equal(units('round(16 / 3)'), 5);
  const analysis = analyze('model M {\n  input(4)\n  dense(16 / 3)\n}\n');
  assert.equal(analysis.diagnostics.length, 1);
  assert.match(analysis.diagnostics[0].message, /5\.33/);
});

test('values in blocks use the parameters: defaults, arguments and repetition counts', () => {
  const text = [
    'block head(c, squeeze = max(1, c // 4), gate = relu if c > 8 else sigmoid) {',
    '  dense(squeeze, activation: gate) × (2 if c % 2 == 0 else 1)',
    '}',
    'model M {',
    '  input(4)',
    '  head(16)',
    '  head(3)',
    '}',
  ].join('\n');
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  const dense = analysis.models[0].layers.filter((l) => l.node.kind === 'dense').map((l) => [l.node.args.units, l.node.args.activation]);
  assert.deepEqual(dense, [
    [4, 'relu'],
    [4, 'relu'],
    [1, 'sigmoid'],
  ]);
});
