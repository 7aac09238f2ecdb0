// Numeric padding in analysis (shapes, receptive field, MACs, hover text) and the messages for arguments written
// wrong: every one a full sentence that names the rule.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { hover } from '../../ide/hover';
import { keyArgs } from '../../ide/signatures';

const model = (body: string, input = '8, 8, 3') => `model M {\n  input(${input})\n  ${body}\n}\n`;
const errors = (body: string, input?: string) =>
  analyze(model(body, input))
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message}`);
const last = (body: string, input?: string) => {
  const layers = analyze(model(body, input)).models[0].layers;
  return layers[layers.length - 1];
};

test("PyTorch's padding: 1 on a stride-2 3×3 convolution is symmetric, unlike TensorFlow's same", () => {
  const numeric = last('conv2d(8, 3, stride: 2, padding: 1)', '112, 112, 3');
  const same = last('conv2d(8, 3, stride: 2, padding: same)', '112, 112, 3');
  assert.deepEqual(numeric.shape, [56, 56, 8]);
  assert.deepEqual(same.shape, [56, 56, 8]);
  // The receptive field's first window starts one pixel before the image with padding 1, and not at all with same.
  assert.notDeepEqual(numeric.rf?.start, same.rf?.start);
  assert.equal(numeric.macs, 56 * 56 * 3 * 3 * 3 * 8);
});

test('padding forms: P, one per axis, one per side, bound per side', () => {
  assert.deepEqual(last('conv2d(4, 3, padding: (1, 2))').shape, [8, 10, 4]);
  assert.deepEqual(last('conv2d(4, 3, padding: (0, 1, 2, 0))').shape, [7, 8, 4]);
  assert.deepEqual(last('conv2d(4, 3, padding: (0, 1, 2, 0))').node.args.padding, [0, 1, 2, 0]);
  assert.deepEqual(last('conv1d(4, 3, padding: (2, 0))', '9, 3').shape, [9, 4]);
  assert.deepEqual(last('conv3d(4, 3, padding: 1)', '5, 6, 7, 2').shape, [5, 6, 7, 4]);
  assert.deepEqual(last('conv2d_transpose(4, 4, stride: 2, padding: 1)').shape, [16, 16, 4]);
  assert.deepEqual(last('maxpool2d(3, stride: 2, padding: 1, ceil_mode: true)', '6, 6, 1').shape, [4, 4, 1]);
});

test('the preview label writes padding as it would be written', () => {
  assert.match(keyArgs(last('conv2d(4, 3, padding: 1)').node), /pad 1/);
  assert.match(keyArgs(last('conv2d(4, 3, padding: (1, 2))').node), /pad \(1, 2\)/);
  assert.match(keyArgs(last('conv2d(4, 3, padding: (0, 1, 2, 0))').node), /pad \(0, 1, 2, 0\)/);
});

test('hover on padding lists every form', () => {
  const text = model('conv2d(4, 3, padding: 1)');
  const info = hover(analyze(text), text.indexOf('padding'), { memoryBatchSize: 32 });
  assert.ok(info);
  assert.match(info.markdown, /valid \| same \| int \| \(int, …\)/);
  assert.match(info.markdown, /PyTorch `padding=P`/);
});

test('wrong padding: tuple length, negative, larger than half a pooling window, uneven with ceil mode', () => {
  assert.deepEqual(errors('conv2d(4, 3, padding: (1, 2, 3))'), [
    "invalid-argument: conv2d(): 'padding' must be valid, same, an integer, (h, w) or (top, bottom, left, right), got (1, 2, 3).",
  ]);
  assert.deepEqual(errors('conv2d(4, 3, padding: -1)'), ["out-of-range: conv2d(): 'padding' must not be negative, got -1."]);
  assert.deepEqual(errors('maxpool2d(3, padding: 2)'), [
    'out-of-range: Pooling padding (2) must be at most half the window (3), as PyTorch requires: a window could otherwise see only padding.',
  ]);
  assert.deepEqual(errors('avgpool2d(3, padding: (0, 1, 0, 1), ceil_mode: true)'), [
    'invalid-argument: ceil_mode: true needs the same padding on both sides of each axis, as PyTorch pads.',
  ]);
  assert.equal(errors('conv2d_transpose(4, 3, padding: 5)').length, 1);
});

test('an unknown argument ends its sentence before listing the arguments', () => {
  const [message] = errors('avgpool2d(3, count_include_padding: true)');
  assert.match(message, /has no argument 'count_include_padding'; did you mean 'count_include_pad'\? It takes: /);
  assert.match(errors('conv2d(4, 3, zzz: 1)')[0], /has no argument 'zzz'\. It takes: .*\.$/);
});

test('cropping and zero padding accept 0 and refuse negative widths with one message', () => {
  assert.deepEqual(errors('cropping2d(0)'), []);
  assert.deepEqual(errors('cropping2d(-1)'), ["out-of-range: cropping2d(): 'cropping' must not be negative, got (-1)."]);
  assert.deepEqual(errors('zeropad2d(0, -2)'), ["out-of-range: zeropad2d(): 'padding' must not be negative, got (0, -2)."]);
});
