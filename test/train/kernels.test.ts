// Stride's wasm training kernels against the tfjs cpu backend, over declarative tables of configurations.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { backpropInputStrategy } from '../../train/node/backends/wasm-conv-grad';
import { convLoopOrder, STREAMED_MAX_FILTER } from '../../train/node/backends/wasm-conv';
import { WASM_TRAINING_KERNELS } from '../../train/node/backends/wasm-kernels';
import { agrees, initBackends, input, pair, runKernel, type Input, type Pad, type Pair } from './kernels-support';

// ---------------------------------------------------------------- convolution gradients

interface ConvCase {
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly co: number;
  readonly s: Pair;
  readonly pad: Pad;
}

const CONV: readonly ConvCase[] = [
  { x: [1, 5, 5, 1], k: [3, 3], co: 1, s: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [3, 3], co: 4, s: 1, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], co: 5, s: 2, pad: 'same' },
  { x: [3, 9, 7, 2], k: [3, 3], co: 4, s: 2, pad: 'valid' },
  { x: [2, 6, 6, 4], k: [1, 1], co: 8, s: 1, pad: 'valid' },
  { x: [2, 6, 6, 4], k: [1, 1], co: 8, s: 2, pad: 'same' },
  { x: [1, 11, 10, 6], k: [5, 5], co: 7, s: [2, 1], pad: 'same' },
  { x: [2, 9, 9, 3], k: [2, 3], co: 3, s: [1, 2], pad: 'same' },
  { x: [2, 8, 6, 2], k: [2, 2], co: 3, s: 1, pad: 'same' },
  {
    x: [2, 8, 8, 2],
    k: [3, 3],
    co: 3,
    s: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 6, 6, 3],
    k: [3, 3],
    co: 2,
    s: 1,
    pad: [
      [0, 0],
      [4, 3],
      [3, 0],
      [0, 0],
    ],
  },
  { x: [1, 7, 7, 2], k: [3, 3], co: 2, s: 1, pad: 1 },
  { x: [1, 8, 8, 16], k: [4, 4], co: 16, s: 4, pad: 'valid' },
  { x: [5, 1, 9, 2], k: [1, 3], co: 3, s: 1, pad: 'same' },
  { x: [2, 33, 33, 5], k: [3, 3], co: 6, s: 1, pad: 'same' },
  { x: [4, 16, 16, 8], k: [3, 3], co: 16, s: 1, pad: 'valid' },
  // Output channels in multiples of 4 take the direct SIMD filter-gradient kernel: input channels that leave
  // partial column tiles, 8 + 4 channel tiles, strides that do and do not merge patch rows, padding wider than
  // the filter, several cache blocks per image.
  { x: [3, 7, 9, 1], k: [3, 3], co: 16, s: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], k: [3, 3], co: 8, s: 2, pad: 'same' },
  { x: [1, 11, 10, 6], k: [5, 5], co: 12, s: [2, 1], pad: 'same' },
  { x: [2, 9, 9, 3], k: [2, 3], co: 4, s: [1, 2], pad: 'same' },
  { x: [1, 8, 8, 2], k: [3, 3], co: 4, s: 2, pad: 'valid' },
  {
    x: [2, 6, 6, 3],
    k: [3, 3],
    co: 8,
    s: 1,
    pad: [
      [0, 0],
      [4, 3],
      [3, 0],
      [0, 0],
    ],
  },
  { x: [2, 33, 33, 5], k: [3, 3], co: 8, s: 1, pad: 'same' },
  { x: [1, 1, 1, 4], k: [1, 1], co: 4, s: 1, pad: 'valid' },
  { x: [4, 12, 12, 32], k: [3, 3], co: 24, s: 1, pad: 'same' },
  // Strides > 1 with input channels in multiples of 4: the input gradient by sub-pixel phases. Even and odd sizes,
  // phases no tap reaches (1×1 stride 2, 2×2 stride 3), one strided axis, padding past the stride (col2im then).
  { x: [2, 16, 16, 16], k: [3, 3], co: 32, s: 2, pad: 'same' },
  { x: [2, 9, 9, 8], k: [3, 3], co: 4, s: 2, pad: 'same' },
  { x: [3, 9, 7, 4], k: [3, 3], co: 8, s: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], k: [1, 1], co: 8, s: 2, pad: 'same' },
  { x: [1, 10, 11, 8], k: [2, 2], co: 4, s: 3, pad: 'valid' },
  { x: [1, 11, 10, 4], k: [5, 5], co: 12, s: [2, 1], pad: 'same' },
  {
    x: [2, 7, 9, 4],
    k: [3, 2],
    co: 3,
    s: [3, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 6, 6, 4],
    k: [3, 3],
    co: 4,
    s: 2,
    pad: [
      [0, 0],
      [3, 2],
      [2, 3],
      [0, 0],
    ],
  },
];

function convLabel(c: ConvCase): string {
  return `x ${c.x.join('×')} k ${c.k.join('×')} → ${c.co}, stride ${pair(c.s).join(',')}, pad ${JSON.stringify(c.pad)}`;
}

function convInfo(c: ConvCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], pair(c.s), 1, c.pad);
}

before(initBackends);

describe('wasm training kernels', () => {
  test('registers the replacement kernels on wasm', () => {
    for (const { config } of WASM_TRAINING_KERNELS) {
      assert.equal(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc, config.kernelFunc, config.kernelName);
    }
  });

  test('channels-first data is refused with a clear error, not computed wrongly', async () => {
    await tf.setBackend('wasm');
    const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 4] };
    assert.throws(
      () => runKernel('Conv2DBackpropFilter', { x: input(1, [1, 2, 5, 5]), dy: input(2, [1, 4, 3, 3]) }, attrs),
      /Conv2DBackpropFilter on wasm supports only channels-last \(NHWC\) data; got NCHW/,
    );
  });
});

describe('wasm training kernels: Conv2DBackpropFilter', () => {
  CONV.forEach((c, i) =>
    test(convLabel(c), async () => {
      const info = convInfo(c);
      await agrees({
        label: convLabel(c),
        kernel: 'Conv2DBackpropFilter',
        inputs: { x: input(100 + i, c.x), dy: input(200 + i, info.outShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', filterShape: info.filterShape },
        shape: info.filterShape,
      });
    }),
  );
});

describe('wasm training kernels: Conv2D (forward)', () => {
  CONV.forEach((c, i) =>
    test(convLabel(c), async () => {
      const info = convInfo(c);
      await agrees({
        label: convLabel(c),
        kernel: 'Conv2D',
        inputs: { x: input(150 + i, c.x), filter: input(250 + i, info.filterShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] },
        shape: info.outShape,
      });
    }),
  );
  test('the table covers both loop orders of the direct kernel', () => {
    const used = new Set(CONV.filter((c) => c.co % 4 === 0).map((c) => convLoopOrder(convInfo(c))));
    assert.deepEqual([...used].sort(), ['streamed', 'weight-stationary']);
  });
  // Weight-stationary cases the table lacks: a filter past STREAMED_MAX_FILTER weights (stride 2, and 1×1 with more
  // output channels than one register tile), blocks of 8 then 4 channels with a tail of single positions, batch > 1.
  const PACKED: readonly ConvCase[] = [
    { x: [1, 6, 6, 256], k: [3, 3], co: 512, s: 2, pad: 'same' },
    { x: [2, 3, 3, 320], k: [1, 1], co: 1280, s: 1, pad: 'valid' },
    { x: [2, 7, 5, 6], k: [3, 3], co: 12, s: 1, pad: 'same' },
    { x: [3, 6, 11, 5], k: [3, 2], co: 4, s: [1, 2], pad: 'valid' },
  ];
  PACKED.forEach((c, i) =>
    test(`${convLabel(c)} (weight-stationary)`, async () => {
      const info = convInfo(c);
      assert.equal(convLoopOrder(info), 'weight-stationary');
      if (i === 0) assert.ok(info.filterHeight * info.filterWidth * info.inChannels * info.outChannels > STREAMED_MAX_FILTER);
      await agrees({
        label: convLabel(c),
        kernel: 'Conv2D',
        inputs: { x: input(155 + i, c.x), filter: input(255 + i, info.filterShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] },
        shape: info.outShape,
      });
    }),
  );
  // Dilation is a forward-only attribute here (tfjs has no gradients for dilated conv2d).
  const DILATED: readonly { x: [number, number, number, number]; k: [number, number]; co: number; d: [number, number]; pad: 'valid' | 'same' }[] = [
    { x: [2, 9, 9, 3], k: [3, 3], co: 8, d: [2, 2], pad: 'same' },
    { x: [1, 12, 10, 4], k: [3, 2], co: 4, d: [3, 2], pad: 'valid' },
    { x: [2, 7, 8, 1], k: [2, 3], co: 12, d: [1, 3], pad: 'same' },
  ];
  DILATED.forEach((c, i) => {
    const label = `x ${c.x.join('×')} k ${c.k.join('×')} → ${c.co}, dilation ${c.d.join(',')}, pad ${c.pad}`;
    test(label, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], [1, 1], c.d, c.pad);
      await agrees({
        label,
        kernel: 'Conv2D',
        inputs: { x: input(160 + i, c.x), filter: input(260 + i, info.filterShape) },
        attrs: { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: c.d },
        shape: info.outShape,
      });
    });
  });
});

describe('wasm training kernels: FusedConv2D (conv + bias + activation)', () => {
  const FUSED: ReadonlyArray<{ c: ConvCase; bias: boolean; activation: string }> = [
    { c: { x: [2, 9, 9, 3], k: [3, 3], co: 8, s: 1, pad: 'same' }, bias: false, activation: 'linear' },
    { c: { x: [2, 9, 9, 3], k: [3, 3], co: 8, s: 1, pad: 'same' }, bias: true, activation: 'linear' },
    { c: { x: [1, 10, 8, 4], k: [3, 3], co: 12, s: 2, pad: 'valid' }, bias: true, activation: 'relu' },
    { c: { x: [2, 6, 6, 5], k: [1, 1], co: 4, s: 2, pad: 'same' }, bias: false, activation: 'relu' },
    { c: { x: [1, 9, 9, 6], k: [3, 3], co: 8, s: 1, pad: 'same' }, bias: true, activation: 'relu6' },
    // The streamed kernel (rows of whole 4-position tiles) and the weight-stationary one (rows of 7, a last single
    // position), each with a block of 8 output channels and one of 4, the bias and activation applied as stored.
    { c: { x: [2, 8, 8, 3], k: [3, 3], co: 12, s: 1, pad: 'same' }, bias: true, activation: 'relu6' },
    { c: { x: [1, 7, 7, 4], k: [3, 3], co: 12, s: 1, pad: 'same' }, bias: true, activation: 'relu' },
    // Past STREAMED_MAX_FILTER weights: the weight-stationary kernel, with and without bias and activation.
    { c: { x: [1, 5, 5, 256], k: [3, 3], co: 256, s: 1, pad: 'same' }, bias: true, activation: 'relu6' },
    { c: { x: [2, 3, 3, 320], k: [1, 1], co: 1280, s: 1, pad: 'valid' }, bias: false, activation: 'linear' },
    // Kept on the stock kernel: output channels not a multiple of 4, another activation.
    { c: { x: [2, 7, 7, 2], k: [3, 3], co: 6, s: 1, pad: 'same' }, bias: true, activation: 'relu' },
    { c: { x: [2, 7, 7, 2], k: [3, 3], co: 8, s: 1, pad: 'same' }, bias: true, activation: 'elu' },
  ];
  FUSED.forEach(({ c, bias, activation }, i) => {
    const label = `${convLabel(c)}${bias ? ', bias' : ''}, ${activation}`;
    test(label, async () => {
      const info = convInfo(c);
      const inputs: Record<string, Input> = { x: input(170 + i, c.x), filter: input(270 + i, info.filterShape) };
      if (bias) inputs.bias = input(370 + i, [c.co]);
      await agrees({
        label,
        kernel: 'FusedConv2D',
        inputs,
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation },
        shape: info.outShape,
      });
    });
  });
});

describe('wasm training kernels: Conv2DBackpropInput', () => {
  test('the table covers every strategy (flipped convolution, strided phases and col2im)', () => {
    const used = new Set(CONV.map((c) => backpropInputStrategy(c.x, [...c.k, c.x[3], c.co], { strides: pair(c.s), pad: c.pad })));
    assert.deepEqual([...used].sort(), ['col2im', 'flipped-conv', 'strided-phases']);
  });
  CONV.forEach((c, i) =>
    test(convLabel(c), async () => {
      const info = convInfo(c);
      await agrees({
        label: convLabel(c),
        kernel: 'Conv2DBackpropInput',
        inputs: { dy: input(300 + i, info.outShape), filter: input(400 + i, info.filterShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
        shape: c.x,
      });
    }),
  );
});
