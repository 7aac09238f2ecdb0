// Broadcasting element-wise merges: the squeeze-and-excitation gate in either operand order, the hover that says
// what was stretched, and fixes that fit the operands of a mismatch (never a projection of a gate).

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { hover } from '../../ide/hover';

const SE_CURRENT_FIRST = `model SE {
  x = input(8, 8, 16)
  globalavgpool2d(keepdims: true) -> conv2d(16, 1, activation: sigmoid)
  multiply(x)
}
`;
const SE_NAMED_SECOND = `model SE {
  x = input(8, 8, 16)
  g = globalavgpool2d(keepdims: true) -> conv2d(16, 1, activation: sigmoid)
  x -> multiply(g)
}
`;

const errors = (text: string) => analyze(text).diagnostics.filter((d) => d.severity === 'error');
const fixTitles = (text: string) => errors(text).flatMap((d) => (d.fixes ?? []).map((f) => f.title));

test('the squeeze-and-excitation gate multiplies in either operand order', () => {
  for (const text of [SE_CURRENT_FIRST, SE_NAMED_SECOND]) {
    assert.deepEqual(errors(text), []);
    const model = analyze(text).models[0];
    const merge = model.layers.find((l) => l.node.kind === 'multiply')!;
    assert.deepEqual(merge.shape, [8, 8, 16]);
    assert.equal(merge.broadcast, '(None, 1, 1, 16) broadcast to (None, 8, 8, 16).');
  }
});

test('hover on a broadcasting merge shows what was stretched to what', () => {
  const info = hover(analyze(SE_NAMED_SECOND), SE_NAMED_SECOND.indexOf('multiply'), { memoryBatchSize: 32 });
  assert.ok(info);
  assert.match(info.markdown, /\| Broadcast \| \(None, 1, 1, 16\) broadcast to \(None, 8, 8, 16\)\. \|/);
});

test('a gate with the wrong channel count gets 1×1 convolutions, never a strided projection, in either order', () => {
  const first = SE_CURRENT_FIRST.replace('conv2d(16, 1', 'conv2d(8, 1');
  const second = SE_NAMED_SECOND.replace('conv2d(16, 1', 'conv2d(8, 1');
  assert.deepEqual(fixTitles(first), [
    'Map the named tensor to 8 channels with a 1×1 convolution (conv2d(8, 1))',
    'Map the current tensor to 16 channels with a 1×1 convolution (conv2d(16, 1))',
  ]);
  assert.deepEqual(fixTitles(second), [
    'Map the named tensor to 16 channels with a 1×1 convolution (conv2d(16, 1))',
    'Map the current tensor to 8 channels with a 1×1 convolution (conv2d(8, 1))',
  ]);
});

test('a residual shortcut of twice the size still gets its strided 1×1 projection', () => {
  const text = 'model R {\n  x = input(16, 16, 8)\n  y = x -> conv2d(16, 3, stride: 2, padding: same)\n  add(x)\n}\n';
  assert.deepEqual(fixTitles(text), ['Add a 1×1 projection (conv2d(16, 1, stride: 2)) to the shortcut']);
});

test('a product of two different spatial sizes suggests pooling to a gate, and no projection', () => {
  const text = 'model P {\n  x = input(8, 8, 16)\n  y = x -> maxpool2d()\n  y -> multiply(x)\n}\n';
  assert.deepEqual(fixTitles(text), ['Pool the current tensor to one value per channel (globalavgpool2d(keepdims: true))']);
});
