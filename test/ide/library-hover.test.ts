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
