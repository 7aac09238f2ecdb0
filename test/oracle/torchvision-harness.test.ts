// The torchvision oracle itself: it accepts a faithful model, and it catches wrong padding, concatenation order and layer order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstUnitMismatch, loadModel, runOracle, strideUnits, type Network, type OracleResult } from './torchvision-harness';

/** A small torch.nn network: a padded convolution, a concatenation of two branches, and a classifier after flatten. */
const TORCH =
  'nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU(), Concat(nn.Conv2d(4, 2, 1), nn.Conv2d(4, 3, 1)), ' +
  'nn.Flatten(), nn.Linear(5 * 8 * 8, 6))';

/** The same network in Stride; each variant changes one thing the oracle must notice. */
const stride = (conv: string, merge = 'concat(a, b)', branches = ['a = x -> conv2d(2, 1)', 'b = x -> conv2d(3, 1)']): Network => ({
  model: 'Small',
  text: `model Small {\n  input(16, 16, 3)\n  x = ${conv} -> relu()\n  ${branches.join('\n  ')}\n  ${merge}\n  flatten() -> dense(6)\n}\n`,
  module: TORCH,
});

function run(net: Network): { result: OracleResult; mismatch: string | null } {
  const model = loadModel(net);
  const result = runOracle(net, model);
  return { result, mismatch: firstUnitMismatch(strideUnits(model), result.units) };
}

test('a faithful model loads in order and computes the same outputs (flatten order made channels-first)', () => {
  const { result, mismatch } = run(stride('zeropad2d(1) -> conv2d(4, 3, stride: 2)'));
  assert.equal(mismatch, null);
  assert.equal(result.load, null);
  assert.ok(result.logitsSpread! > 1e-2, `spread ${result.logitsSpread}`);
  assert.ok(result.maxDiff! <= 1e-12, `outputs differ by ${result.maxDiff}`);
});

test("TensorFlow's uneven 'same' padding is caught in the outputs, not hidden by equal counts", () => {
  const { result, mismatch } = run(stride('conv2d(4, 3, stride: 2, padding: same)'));
  assert.equal(mismatch, null);
  assert.equal(result.load, null);
  assert.ok(result.maxDiff! > 1e-3, `outputs differ by only ${result.maxDiff}`);
});

test('concatenating in the other order is caught in the outputs', () => {
  const { result } = run(stride('zeropad2d(1) -> conv2d(4, 3, stride: 2)', 'concat(b, a)'));
  assert.equal(result.load, null);
  assert.ok(result.maxDiff! > 1e-3, `outputs differ by only ${result.maxDiff}`);
});

test('layers in another order are caught per layer and refused by the loader', () => {
  const swapped = stride('zeropad2d(1) -> conv2d(4, 3, stride: 2)', 'concat(a, b)', ['b = x -> conv2d(3, 1)', 'a = x -> conv2d(2, 1)']);
  const { result, mismatch } = run(swapped);
  assert.match(mismatch ?? '', /^layer 1:/);
  assert.match(result.load ?? '', /^tensor 2:/);
});
