// The filter gradient of 3×3 stride-1 convolutions by Winograd's transforms (train/simd/winograd-grad.ts) against
// the tfjs cpu backend: both tiles over a table of geometries, the routing through the registered
// Conv2DBackpropFilter kernel, and no buffers left behind.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { directFilterGrad } from '../../train/node/backends/wasm-conv-filter-grad';
import type { Info } from '../../train/node/backends/wasm-heap';
import {
  GRAD_CHUNK_TILES,
  winogradFilterGrad,
  winogradFilterGradPays,
  type WinogradTile,
  WINOGRAD_GRAD_TILE,
  WINOGRAD_MIN_TILES,
} from '../../train/node/backends/wasm-winograd';
import { initBackends, input, maxRelativeError, runKernel, TOLERANCE, type Input, type Pad } from './kernels-support';

interface Case {
  readonly x: [number, number, number, number];
  readonly co: number;
  readonly pad: Pad;
}

/**
 * Output sizes even and odd (the last tiles partly outside the output), images per round of products (64 tiles'
 * worth: 22 images of 8×8 make full rounds of 4 images and a partial one of 2 by F(2×2), of 16 and 6 by F(4×4)),
 * 'same', 'valid' and explicit padding (asymmetric, wider than the filter), input channels not a multiple of 8,
 * 8-channel blocks beyond the first.
 */
const CASES: readonly Case[] = [
  { x: [1, 8, 8, 8], co: 8, pad: 'same' },
  { x: [2, 7, 9, 12], co: 16, pad: 'same' },
  { x: [3, 10, 6, 8], co: 24, pad: 'valid' },
  { x: [22, 8, 8, 16], co: 16, pad: 'same' },
  { x: [2, 13, 11, 20], co: 40, pad: 1 },
  {
    x: [2, 6, 7, 8],
    co: 8,
    pad: [
      [0, 0],
      [4, 1],
      [0, 3],
      [0, 0],
    ],
  },
  { x: [4, 16, 16, 32], co: 32, pad: 'same' },
];

const label = (c: Case): string => `x ${c.x.join('×')} → ${c.co}, pad ${JSON.stringify(c.pad)}`;

const infoOf = (c: Case): tf.backend_util.Conv2DInfo => tf.backend_util.computeConv2DInfo(c.x, [3, 3, c.x[3], c.co], [1, 1], 1, c.pad);

/** x and dy, values in [-2, 2) and [-1, 1). */
function inputsOf(c: Case, seed: number): { x: Input; dy: Input } {
  return { x: input(seed, c.x, -2, 2), dy: input(seed + 1, infoOf(c).outShape, -1, 1) };
}

const attrsOf = (c: Case) => ({ strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, c.x[3], c.co] });

/** One of the wasm paths itself (whatever the routing would choose), on the given inputs. */
function onWasm(inputs: { x: Input; dy: Input }, path: (backend: BackendWasm, x: Info, dy: Info) => Info): Float32Array {
  const backend = tf.backend() as unknown as BackendWasm;
  return tf.tidy(() => {
    const [x, dy] = [tf.tensor(inputs.x.data, inputs.x.shape), tf.tensor(inputs.dy.data, inputs.dy.shape)];
    const out = tf.engine().makeTensorFromTensorInfo(path(backend, x as unknown as Info, dy as unknown as Info));
    return Float32Array.from(out.dataSync());
  });
}

const wasmBuffers = () => tf.findBackend('wasm')!.numDataIds();

before(initBackends);

describe('wasm kernels: the Winograd filter gradient against the cpu backend', () => {
  for (const tile of [2, 4] as const) {
    for (const [i, c] of CASES.entries()) {
      test(`F(${tile}×${tile}, 3×3): ${label(c)}`, async () => {
        const inputs = inputsOf(c, 900 + 10 * i);
        await tf.setBackend('cpu');
        const expected = runKernel('Conv2DBackpropFilter', inputs, attrsOf(c)).data;
        await tf.setBackend('wasm');
        const buffers = wasmBuffers();
        const actual = onWasm(inputs, (b, x, dy) => winogradFilterGrad(b, x, dy, infoOf(c), tile as WinogradTile));
        assert.equal(wasmBuffers(), buffers, 'every scratch buffer freed');
        assert.equal(actual.length, 9 * c.x[3] * c.co);
        const error = maxRelativeError(actual, expected);
        assert.ok(error <= TOLERANCE, `max relative error ${error.toExponential(2)} > ${TOLERANCE}`);
      });
    }
  }
});

describe('wasm kernels: which filter gradients take Winograd', () => {
  test('3×3 stride-1 layers with enough tiles; the others keep the direct kernel', () => {
    const info = (x: number[], co: number, stride = 1) =>
      tf.backend_util.computeConv2DInfo(x as [number, number, number, number], [3, 3, x[3], co], stride, 1, 'same');
    assert.ok(winogradFilterGradPays(info([2, 8, 8, 16], 8)), '2 images of 16 tiles');
    assert.ok(!winogradFilterGradPays(info([1, 8, 8, 16], 8)), `16 tiles, fewer than ${WINOGRAD_MIN_TILES}`);
    assert.ok(!winogradFilterGradPays(info([4, 8, 8, 16], 8, 2)), 'stride 2');
    assert.ok(!winogradFilterGradPays(info([4, 8, 8, 8], 16)), '8 input channels');
    assert.ok(!winogradFilterGradPays(info([4, 8, 8, 16], 12)), 'output channels not a multiple of 8');
    assert.ok(GRAD_CHUNK_TILES >= 16, 'a round of products spans at least one 8×8 image');
  });

  test('the registered Conv2DBackpropFilter kernel runs it where it pays, the direct kernel elsewhere', async () => {
    await tf.setBackend('wasm');
    for (const [i, c] of [
      { x: [4, 16, 16, 16], co: 16, pad: 'same' },
      { x: [4, 8, 8, 8], co: 8, pad: 'same' },
    ].entries() as IterableIterator<[number, Case]>) {
      const inputs = inputsOf(c, 950 + 10 * i);
      const registered = runKernel('Conv2DBackpropFilter', inputs, attrsOf(c)).data;
      const winograd = onWasm(inputs, (b, x, dy) => winogradFilterGrad(b, x, dy, infoOf(c), WINOGRAD_GRAD_TILE));
      const direct = onWasm(inputs, (b, x, dy) => directFilterGrad(b, x, dy, infoOf(c)));
      const pays = winogradFilterGradPays(infoOf(c));
      assert.equal(pays, i === 0);
      assert.deepEqual(registered, pays ? winograd : direct, label(c));
      assert.notDeepEqual(winograd, direct, 'the two paths are told apart by their last bits');
    }
  });
});
