// ide/signatures.ts: the one rendering of signatures, argument values and key arguments, used by hover and docs alike.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { defaultRegistry } from '../../core/model/layers';
import { argValueText, keyArgs, layerMarkdown, layerSignature } from '../../ide/signatures';

test('a null default reads "auto" in the signature, the reference table and as a value', () => {
  const pool = defaultRegistry.get('maxpool2d')!;
  assert.equal(layerSignature(pool), 'maxpool2d(pool = 2, stride = auto, padding = valid, ceil_mode = false)');
  assert.match(layerMarkdown(pool), /\| `stride` \| int \\\| \(int, int\) \| auto \|/);
  assert.equal(argValueText(null), 'auto');
  assert.equal(argValueText([1, 2]), '(1, 2)');
  assert.equal(argValueText([3]), '3');
});

test('a signature can be shown under the alias it was called by', () => {
  const def = defaultRegistry.get('conv2d')!;
  assert.ok(layerSignature(def, 'conv').startsWith('conv(filters, kernel, '));
});

test('key arguments: non-default values in short form, quiet arguments left out', () => {
  const text = 'model M {\n  input(224, 224, 3)\n  conv2d(64, 7, stride: 2, padding: same, bias: false)\n  batchnorm(momentum: 0.9)\n  dense(10)\n}\n';
  const layers = analyze(text).models[0].layers;
  assert.deepEqual(
    layers.map((l) => keyArgs(l.node)),
    ['', '64, 7×7, /2, same, no bias', '', '10'],
  );
});
