// Automatic layer names (`relu_1`) never take a name the model or a block assigns itself, so every layer's name is unique.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';

const names = (source: string) => analyze(source).models[0].graph.nodes.map((n) => n.name);

test('an unnamed layer skips the automatic name a later line assigns', () => {
  const got = names(`model M {
    x = input(8, 8, 3)
    conv2d(4, 3) -> relu()
    relu_1 = conv2d(4, 3) -> relu()
    relu()
  }`);
  assert.deepEqual(got, ['x', 'conv2d_1', 'relu_2', 'conv2d_2', 'relu_1', 'relu_3']);
  assert.equal(new Set(got).size, got.length);
});

test('names assigned in a block body are skipped inside its instances', () => {
  const got = names(`block B {
    relu_1 = conv2d(4, 3) -> relu()
    relu()
  }
  model M {
    input(8, 8, 3)
    B()
  }`);
  assert.equal(new Set(got).size, got.length, got.join(', '));
});
