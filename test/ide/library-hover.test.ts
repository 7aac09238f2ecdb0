// Hover on a call of a library block reads like hover on a block of the file: signature, docs and instances.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { hover } from '../../ide/hover';
import { at } from './helpers';

const OPTIONS = { memoryBatchSize: 32 };

test('hover on a library block call shows its signature, its documentation and each instance', () => {
  const text = 'model T {\n  input(8, 32)\n  transformer_encoder(32, 2) × 2\n}\n';
  const info = hover(analyze(text), at(text, 'transformer_encoder', 3), OPTIONS);
  assert.ok(info);
  assert.equal(text.slice(info.span.start, info.span.end), 'transformer_encoder');
  assert.match(info.markdown, /^```stride\nblock transformer_encoder\(dim, heads, ffn = dim \* 4, dropout = 0\.1, epsilon = 1e-6\)\n```/);
  assert.match(info.markdown, /A transformer encoder layer \(post-norm/);
  assert.match(info.markdown, /\| transformer_encoder_2 \| `\(None, 8, 32\)` \| 12,704 \|/);
});

test("a file's own block of a library block's name is the one described", () => {
  const text = '## Mine.\nblock transformer_encoder(n) {\n  dense(n)\n}\nmodel T {\n  input(4)\n  transformer_encoder(3)\n}\n';
  const info = hover(analyze(text), at(text, 'transformer_encoder(3)', 3), OPTIONS);
  assert.ok(info);
  assert.match(info.markdown, /block transformer_encoder\(n\)/);
  assert.match(info.markdown, /Mine\./);
});

/** Each modern-CNN block of the library, called on a small feature map, and the words its hover must start with. */
const BLOCKS: readonly [string, RegExp, RegExp][] = [
  ['squeeze_excite(16, 4)', /block squeeze_excite\(channels, squeeze, gate = sigmoid, act = relu\)/, /Squeeze-and-excitation \(Hu et al\., 2018\)/],
  ['mbconv(16, 16, 64, squeeze: 4)', /block mbconv\(cin, cout, expanded, kernel = 3, stride = 1, squeeze = 0,/, /An inverted residual block with optional/],
  ['shuffle_unit(16)', /block shuffle_unit\(cout, stride = 1, epsilon = 1e-3, momentum = 0\.99\)/, /ShuffleNetV2's unit \(Ma et al\., 2018\)/],
  ['convnext_block(16)', /block convnext_block\(dim, layer_scale = 1e-6, drop_path = 0\.0\)/, /ConvNeXt's block \(Liu et al\., 2022\)/],
];

test('hover on each modern-CNN library block gives its signature, its documentation and its instance', () => {
  for (const [call, signature, doc] of BLOCKS) {
    const text = `model T {\n  input(8, 8, 16)\n  ${call}\n}\n`;
    const analysis = analyze(text);
    assert.deepEqual(analysis.diagnostics, [], call);
    const info = hover(analysis, at(text, call, 2), OPTIONS);
    assert.ok(info, call);
    assert.match(info.markdown, signature);
    assert.match(info.markdown, doc);
    assert.match(info.markdown, /\| Instance \| Output \| Params \|/);
  }
});
