// Conditional layers: `if … { } else if … { } else { }` in block and model bodies, decided when the body is lowered.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';

const INVERTED_RESIDUAL = `block inverted_residual(cin, cout, stride, expand) {
  skip = in
  if expand != 1 {
    conv2d(cin * expand, 1, bias: false) -> batchnorm() -> relu6()
  }
  depthwise_conv2d(3, stride: stride, padding: same, bias: false) -> batchnorm() -> relu6()
  conv2d(cout, 1, bias: false) -> batchnorm()
  if stride == 1 and cin == cout {
    add(skip)
  }
}
`;

function kinds(text: string): string[] {
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.message),
    [],
  );
  return analysis.models[0].layers.map((l) => l.node.kind);
}

test('only the taken branch is lowered: the expansion and the residual depend on the arguments', () => {
  const model = (call: string) => `${INVERTED_RESIDUAL}model M {\n  input(8, 8, 16)\n  ${call}\n}\n`;
  const dw = ['depthwise_conv2d', 'batchnorm', 'relu6', 'conv2d', 'batchnorm'];
  assert.deepEqual(kinds(model('inverted_residual(16, 16, 1, 1)')), ['input', ...dw, 'add']);
  assert.deepEqual(kinds(model('inverted_residual(16, 24, 2, 6)')), ['input', 'conv2d', 'batchnorm', 'relu6', ...dw]);
  const analysis = analyze(model('inverted_residual(16, 16, 1, 6)'));
  // MobileNetV2's 16 → 16 expand-6 block: 16·96 + 2·96·2 … as torchvision counts it.
  assert.equal(analysis.models[0].totals.trainable, 16 * 96 + 96 * 2 + 9 * 96 + 96 * 2 + 96 * 16 + 16 * 2);
});

test('else if and else: the first branch whose condition holds, and names it defines stay visible after it', () => {
  const block = `block pick(n) {
  if n == 1 {
    out = relu()
  } else if n == 2 {
    out = sigmoid()
  } else {
    out = tanh()
  }
  out -> dense(3)
}
`;
  const model = (n: number) => `${block}model M {\n  input(4)\n  pick(${n})\n}\n`;
  assert.deepEqual(kinds(model(1)), ['input', 'relu', 'dense']);
  assert.deepEqual(kinds(model(2)), ['input', 'sigmoid', 'dense']);
  assert.deepEqual(kinds(model(7)), ['input', 'tanh', 'dense']);
});

test('if statements nest, and work in a model body with constants', () => {
  const text = 'model M {\n  input(4)\n  if 2 > 1 {\n    dense(8)\n    if 1 > 2 {\n      relu()\n    } else {\n      tanh()\n    }\n  }\n}\n';
  assert.deepEqual(kinds(text), ['input', 'dense', 'tanh']);
});

test('a name defined only in a branch not taken is undefined where used', () => {
  const text = 'block b(n) {\n  if n > 1 {\n    t = relu()\n  }\n  add(t)\n}\nmodel M {\n  input(4)\n  b(1)\n}\n';
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]),
    [['undefined-name', 't']],
  );
});

test('a condition that is not true or false, or uses a tensor, is an invalid-expression error on the condition', () => {
  const text = 'block b(n) {\n  if n {\n    relu()\n  }\n}\nmodel M {\n  input(4)\n  b(3)\n}\n';
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => [d.code, d.message, text.slice(d.span.start, d.span.end)]),
    [['invalid-expression', 'A condition must be true or false, got 3.', 'n']],
  );
});

test('branches not taken are not lowered, so their mistakes in values do not surface; their syntax still does', () => {
  const text = 'model M {\n  input(4)\n  if false {\n    dense("x")\n  }\n}\n';
  assert.deepEqual(analyze(text).diagnostics, []);
  const broken = 'model M {\n  input(4)\n  if false {\n    dense(3\n  }\n}\n';
  assert.deepEqual(
    analyze(broken).diagnostics.map((d) => d.code),
    ['unclosed-bracket'],
  );
});
