// Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions (train/simd/winograd.ts, winograd4.ts) against the tfjs cpu
// backend: both kernels over a table of geometries, the routing through the registered Conv2D / FusedConv2D / Conv2DBackpropInput kernels, and the
// cache of transformed filters (kept for filters used again, dropped when the filter goes, no buffers leaked).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropInputStrategy } from '../../train/node/backends/wasm-conv-grad';
import type { Info } from '../../train/node/backends/wasm-heap';
import {
  clearWinogradCache,
  winogradApplies,
  winogradCacheSize,
  winogradConv2d,
  winogradPays,
  winogradTile,
  type WinogradTile,
  WINOGRAD_CACHE_BYTES,
  WINOGRAD_MIN_TILES,
} from '../../train/node/backends/wasm-winograd';
import { agrees, initBackends, input, maxRelativeError, TOLERANCE, type Input, type Pad } from './kernels-support';

type Activation = 'linear' | 'relu' | 'relu6';
const CODES: Record<Activation, number> = { linear: 0, relu: 1, relu6: 2 };

interface Case {
  readonly x: [number, number, number, number];
  readonly co: number;
  readonly pad: Pad;
  readonly bias?: boolean;
  readonly activation?: Activation;
}

/**
 * Output sizes even and odd (the last tile row or column half outside), tile counts leaving 0–3 tiles after the
 * register tiles of 4, one image and several, 'same', 'valid' and explicit padding (asymmetric, wider than the
 * filter, none on one side), 8-channel blocks beyond the first, input channels not a multiple of 8.
 */
const CASES: readonly Case[] = [
  { x: [1, 8, 8, 16], co: 32, pad: 'same' },
  { x: [1, 7, 7, 16], co: 32, pad: 'same', bias: true },
  { x: [2, 9, 6, 20], co: 40, pad: 'valid', bias: true, activation: 'relu' },
  { x: [3, 5, 11, 16], co: 32, pad: 'same', activation: 'relu6' },
  { x: [1, 3, 3, 24], co: 48, pad: 'valid', bias: true, activation: 'relu6' },
  { x: [1, 1, 1, 16], co: 32, pad: 'same', bias: true },
  { x: [2, 6, 7, 32], co: 32, pad: 1, bias: true, activation: 'relu' },
  {
    x: [2, 6, 6, 16],
    co: 32,
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
  {
    x: [1, 9, 8, 16],
    co: 56,
    pad: [
      [0, 0],
      [4, 1],
      [1, 4],
      [0, 0],
    ],
    bias: true,
    activation: 'relu6',
  },
  { x: [1, 14, 14, 64], co: 64, pad: 'same', bias: true, activation: 'relu' },
];

const label = (c: Case): string => `x ${c.x.join('×')} → ${c.co}, pad ${JSON.stringify(c.pad)}${c.bias ? ', bias' : ''}, ${c.activation ?? 'linear'}`;

const infoOf = (c: Case): tf.backend_util.Conv2DInfo => tf.backend_util.computeConv2DInfo(c.x, [3, 3, c.x[3], c.co], [1, 1], 1, c.pad);

/** Values the inputs scale so that ReLU6 clips some outputs and ReLU zeroes others. */
function inputsOf(c: Case, seed: number): Record<string, Input> {
  const inputs: Record<string, Input> = { x: input(seed, c.x, -2, 2), filter: input(seed + 1, [3, 3, c.x[3], c.co], -0.5, 0.5) };
  if (c.bias) inputs.bias = input(seed + 2, [c.co], -1, 1);
  return inputs;
}

/** The reference: tfjs's fused conv on the cpu backend. */
function reference(c: Case, inputs: Record<string, Input>): Float32Array {
  return tf.tidy(() => {
    const t = (v: Input) => tf.tensor(v.data, v.shape);
    const y = tf.fused.conv2d({
      x: t(inputs.x) as tf.Tensor4D,
      filter: t(inputs.filter) as tf.Tensor4D,
      strides: 1,
      pad: c.pad as 'same',
      bias: inputs.bias ? t(inputs.bias) : undefined,
      activation: c.activation ?? 'linear',
    });
    return Float32Array.from(y.dataSync());
  });
}

/** A Winograd kernel itself on wasm (whatever the routing would choose). */
function winograd(c: Case, inputs: Record<string, Input>, tile: WinogradTile): Float32Array {
  const backend = tf.backend() as unknown as BackendWasm;
  return tf.tidy(() => {
    const t = (v: Input) => tf.tensor(v.data, v.shape);
    const [x, filter] = [t(inputs.x), t(inputs.filter)];
    const bias = inputs.bias ? t(inputs.bias) : undefined;
    const out = winogradConv2d(
      backend,
      x as unknown as Info,
      filter as unknown as Info,
      infoOf(c),
      bias as unknown as Info,
      CODES[c.activation ?? 'linear'],
      tile,
    );
    const y = tf.engine().makeTensorFromTensorInfo(out);
    return Float32Array.from(y.dataSync());
  });
}

const wasmBuffers = () => tf.findBackend('wasm')!.numDataIds();

before(initBackends);

describe('wasm kernels: Winograd F(2×2, 3×3) and F(4×4, 3×3) against the cpu backend', () => {
  for (const tile of [2, 4] as const) {
    CASES.forEach((c, i) =>
      test(`F(${tile}×${tile}, 3×3): ${label(c)}`, async () => {
        assert.ok(winogradApplies(infoOf(c)), 'the case is one the Winograd kernels take');
        const inputs = inputsOf(c, 500 + 3 * i);
        await tf.setBackend('cpu');
        const expected = reference(c, inputs);
        await tf.setBackend('wasm');
        const buffers = wasmBuffers();
        const actual = winograd(c, inputs, tile);
        assert.equal(actual.length, expected.length);
        const error = maxRelativeError(actual, expected);
        assert.ok(error <= TOLERANCE, `max relative error ${error.toExponential(2)} > ${TOLERANCE}`);
        assert.equal(wasmBuffers(), buffers, 'scratch and the transformed filter are freed');
      }),
    );
  }
});

describe('wasm kernels: which convolutions take Winograd, and how', () => {
  test('F(4×4, 3×3) where its tiles waste little and its transform is small, F(2×2, 3×3) elsewhere', () => {
    const tile = (size: number, ci: number, co: number) => winogradTile(tf.backend_util.computeConv2DInfo([1, size, size, ci], [3, 3, ci, co], 1, 1, 'same'));
    assert.equal(tile(56, 64, 64), 4);
    assert.equal(tile(28, 128, 128), 4);
    assert.equal(tile(8, 64, 64), 4);
    assert.equal(tile(14, 256, 256), 2, '16×16 computed for 14×14');
    assert.equal(tile(7, 512, 512), 2, '8×8 computed for 7×7');
    assert.equal(tile(32, 512, 512), 2, 'a 36 MiB transform');
    assert.equal(tile(4, 64, 64), 2, 'one 4×4 tile per image');
  });

  test('takes only 3×3 stride-1 undilated convolutions with channels in whole blocks and enough of them', () => {
    const info = (x: number[], w: number[], stride = 1, dilation = 1) =>
      tf.backend_util.computeConv2DInfo(x as [number, number, number, number], w as [number, number, number, number], stride, dilation, 'same');
    assert.ok(winogradApplies(info([1, 8, 8, 16], [3, 3, 16, 32])));
    assert.ok(!winogradApplies(info([1, 8, 8, 16], [3, 3, 16, 32], 2)), 'stride 2');
    assert.ok(!winogradApplies(info([1, 8, 8, 16], [3, 3, 16, 32], 1, 2)), 'dilation 2');
    assert.ok(!winogradApplies(info([1, 8, 8, 16], [5, 5, 16, 32])), '5×5');
    assert.ok(!winogradApplies(info([1, 8, 8, 18], [3, 3, 18, 32])), 'input channels not a multiple of 4');
    assert.ok(!winogradApplies(info([1, 8, 8, 16], [3, 3, 16, 36])), 'output channels not a multiple of 8');
    assert.ok(winogradApplies(info([1, 8, 8, 8], [3, 3, 8, 8])), '8 channels in and out');
    assert.ok(!winogradApplies(info([1, 8, 8, 4], [3, 3, 4, 32])), '4 input channels');
  });

  test('the registered kernels route through it, with the fused bias and activation', async () => {
    const c: Case = { x: [2, 12, 10, 16], co: 32, pad: 'same', bias: true, activation: 'relu6' };
    assert.ok(2 * 6 * 5 >= WINOGRAD_MIN_TILES, 'enough tiles to take Winograd on the first call');
    const inputs = inputsOf(c, 600);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const shape = [2, 12, 10, 32];
    await agrees({ label: 'FusedConv2D', kernel: 'FusedConv2D', inputs, attrs: { ...attrs, activation: 'relu6' }, shape });
    await agrees({ label: 'Conv2D', kernel: 'Conv2D', inputs: { x: inputs.x, filter: inputs.filter }, attrs, shape });
    // The input gradient at stride 1 is a convolution of dy with the filter flipped and its channel axes swapped:
    // a [3, 3, 32, 16] filter's flipped one maps 16 channels to 32, which Winograd takes; [3, 3, 4, 32]'s maps 32
    // to 4, which it does not.
    for (const [ci, co, winograd] of [
      [32, 16, true],
      [4, 32, false],
    ] as const) {
      const inputShape: [number, number, number, number] = [2, 12, 10, ci];
      const flipped = tf.backend_util.computeConv2DInfo([2, 12, 10, co], [3, 3, co, ci], 1, 1, 'same');
      assert.equal(backpropInputStrategy(inputShape, [3, 3, ci, co], { strides: [1, 1], pad: 'same' }), 'flipped-conv');
      assert.equal(winogradApplies(flipped), winograd);
      await agrees({
        label: `Conv2DBackpropInput ${ci} → ${co}`,
        kernel: 'Conv2DBackpropInput',
        inputs: { dy: input(610 + ci, [2, 12, 10, co]), filter: input(611 + ci, [3, 3, ci, co]) },
        attrs: { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape },
        shape: inputShape,
      });
    }
  });
});

/** Once `filter` is disposed, the next filter that is kept drops its transform. */
async function goesWithItsFilter(backend: BackendWasm, x: tf.Tensor4D, filter: tf.Tensor4D): Promise<void> {
  filter.dispose();
  const other = tf.tensor(input(710, [3, 3, 32, 64], -0.5, 0.5).data, [3, 3, 32, 64]) as tf.Tensor4D;
  const runOther = () => tf.tidy(() => tf.conv2d(x, other, 1, 'same').dataSync());
  runOther();
  runOther();
  assert.deepEqual(winogradCacheSize(backend), { filters: 1, bytes: 16 * 32 * 64 * 4 }, 'only the live filter is kept');
  clearWinogradCache(backend);
  assert.deepEqual(winogradCacheSize(backend), { filters: 0, bytes: 0 });
  other.dispose();
}

describe('wasm kernels: Winograd transformed filters kept for filters used again', () => {
  test('a filter used again has its transform kept and reused, with the same results; it goes with the filter', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as BackendWasm;
    clearWinogradCache(backend);
    const c: Case = { x: [1, 7, 7, 32], co: 64, pad: 'same', bias: true, activation: 'relu' };
    const inputs = inputsOf(c, 700);
    const x = tf.tensor4d(inputs.x.data, c.x);
    const filter = tf.tensor4d(inputs.filter.data, [3, 3, 32, 64]);
    const bias = tf.tensor(inputs.bias!.data, inputs.bias!.shape);
    const run = () => tf.tidy(() => Float32Array.from(tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' }).dataSync()));
    const info = infoOf(c);
    assert.ok(16 < WINOGRAD_MIN_TILES, '7×7 at batch 1 is too few tiles to transform the filter per call');
    const buffers = wasmBuffers();
    const first = run();
    assert.deepEqual(winogradCacheSize(backend), { filters: 0, bytes: 0 }, 'the first call takes the direct kernel');
    assert.equal(wasmBuffers(), buffers, 'nothing kept after the first call');
    assert.ok(winogradPays(backend, filter as unknown as Info, info), 'a filter seen before takes Winograd');
    const second = run();
    assert.deepEqual(winogradCacheSize(backend), { filters: 1, bytes: 16 * 32 * 64 * 4 });
    assert.equal(wasmBuffers(), buffers + 1, 'one buffer kept: the transformed filter');
    const third = run();
    assert.equal(wasmBuffers(), buffers + 1, 'the kept transform is reused, not made again');
    assert.ok(maxRelativeError(second, first) <= TOLERANCE, 'Winograd and the direct kernel agree');
    assert.deepEqual(third, second, 'the kept transform gives the same result');

    await tf.setBackend('cpu');
    const expected = reference(c, inputs);
    await tf.setBackend('wasm');
    assert.ok(maxRelativeError(third, expected) <= TOLERANCE, 'agrees with the cpu backend');
    await goesWithItsFilter(backend, x, filter);
    tf.dispose([x, bias]);
    assert.equal(wasmBuffers(), buffers - 3, 'every buffer freed: the inputs and the kept transforms');
  });

  test('the kept transforms stay under their byte budget', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as BackendWasm;
    clearWinogradCache(backend);
    // Filters of 512×512 (16 MiB of transform each), two more than the budget holds.
    const perFilter = 16 * 512 * 512 * 4;
    const fits = Math.floor(WINOGRAD_CACHE_BYTES / perFilter);
    const x = tf.zeros([1, 8, 8, 512]) as tf.Tensor4D;
    const filters = Array.from({ length: fits + 2 }, () => tf.zeros([3, 3, 512, 512]) as tf.Tensor4D);
    for (const f of filters) for (let k = 0; k < 2; k++) tf.tidy(() => tf.conv2d(x, f, 1, 'same').dataSync());
    const size = winogradCacheSize(backend);
    assert.equal(size.filters, fits);
    assert.ok(size.bytes <= WINOGRAD_CACHE_BYTES);
    const buffers = wasmBuffers();
    tf.tidy(() => tf.conv2d(x, filters[filters.length - 1], 1, 'same').dataSync());
    assert.equal(wasmBuffers(), buffers, 'the most recent filter is still kept: reusing it allocates no transform');
    clearWinogradCache(backend);
    tf.dispose([x, ...filters]);
  });
});
