// Stride's wasm depthwise convolution kernels (forward, fused, both gradients) against the tfjs cpu backend.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { depthwiseApplies } from '../../train/node/backends/wasm-depthwise';
import { agrees, initBackends, input, pair, type Input, type Pad, type Pair } from './kernels-support';

before(initBackends);

interface DepthwiseCase {
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly mult: number;
  readonly s: Pair;
  readonly pad: Pad;
  readonly d?: [number, number];
}
const DEPTHWISE: readonly DepthwiseCase[] = [
  { x: [1, 5, 5, 1], k: [3, 3], mult: 1, s: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [3, 3], mult: 1, s: 1, pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], mult: 2, s: 2, pad: 'same' },
  { x: [3, 9, 7, 2], k: [3, 3], mult: 3, s: 2, pad: 'valid' },
  { x: [2, 9, 9, 4], k: [5, 5], mult: 2, s: 1, pad: 'same' },
  { x: [1, 10, 7, 5], k: [2, 3], mult: 1, s: [2, 1], pad: 'same' },
  {
    x: [2, 6, 6, 2],
    k: [3, 3],
    mult: 2,
    s: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  { x: [4, 12, 12, 16], k: [3, 3], mult: 1, s: 2, pad: 'same' },
  // One filter per channel runs Stride's SIMD kernels: whole vectors of channels and a remainder.
  { x: [2, 9, 8, 6], k: [3, 3], mult: 1, s: 1, pad: 'same' },
  { x: [3, 6, 7, 9], k: [3, 2], mult: 1, s: [1, 2], pad: 'valid' },
];
const depthwiseLabel = (c: DepthwiseCase) => `x ${c.x.join('×')} k ${c.k.join('×')} ×${c.mult}, stride ${pair(c.s).join(',')}, pad ${JSON.stringify(c.pad)}`;
const depthwiseInfo = (c: DepthwiseCase) => tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.mult], pair(c.s), c.d ?? 1, c.pad, undefined, true);

describe('wasm training kernels: DepthwiseConv2dNative (forward)', () => {
  // One filter per channel and whole vectors of channels run Stride's SIMD kernel (with tails of single positions,
  // dilation, explicit padding); the rest of the table keeps the stock kernel.
  const FORWARD: readonly DepthwiseCase[] = [
    ...DEPTHWISE,
    { x: [2, 7, 5, 12], k: [3, 3], mult: 1, s: 1, pad: 'valid' },
    { x: [1, 9, 10, 4], k: [2, 3], mult: 1, s: 1, pad: 'same' },
    { x: [2, 9, 9, 8], k: [3, 3], mult: 1, s: 1, pad: 'same', d: [2, 2] },
    { x: [1, 12, 11, 8], k: [3, 3], mult: 1, s: 2, pad: 'same' },
    {
      x: [2, 6, 7, 4],
      k: [3, 3],
      mult: 1,
      s: 1,
      pad: [
        [0, 0],
        [2, 0],
        [1, 2],
        [0, 0],
      ],
    },
  ];
  test('the table covers the SIMD kernel and the stock one', () => {
    assert.deepEqual([...new Set(FORWARD.map((c) => depthwiseApplies(depthwiseInfo(c))))].sort(), [false, true]);
  });
  FORWARD.forEach((c, i) => {
    const label = `${depthwiseLabel(c)}${c.d ? `, dilation ${c.d.join(',')}` : ''}`;
    test(label, async () => {
      const info = depthwiseInfo(c);
      await agrees({
        label,
        kernel: 'DepthwiseConv2dNative',
        inputs: { x: input(1100 + i, c.x), filter: input(1200 + i, info.filterShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', dilations: c.d ?? [1, 1] },
        shape: info.outShape,
      });
    });
  });
});

describe('wasm training kernels: FusedDepthwiseConv2D (depthwise + bias + activation)', () => {
  // Stride's kernel at stride 1 with every activation it fuses, with and without bias; the stock kernel otherwise.
  const FUSED: ReadonlyArray<{ c: DepthwiseCase; bias: boolean; activation: string }> = [
    { c: { x: [2, 9, 9, 8], k: [3, 3], mult: 1, s: 1, pad: 'same' }, bias: true, activation: 'linear' },
    { c: { x: [1, 7, 6, 12], k: [3, 3], mult: 1, s: 1, pad: 'valid' }, bias: true, activation: 'relu' },
    { c: { x: [2, 8, 7, 4], k: [3, 3], mult: 1, s: 1, pad: 'same' }, bias: true, activation: 'relu6' },
    { c: { x: [2, 8, 7, 4], k: [3, 3], mult: 1, s: 1, pad: 'same' }, bias: false, activation: 'relu6' },
    { c: { x: [2, 9, 9, 8], k: [3, 3], mult: 1, s: 2, pad: 'same' }, bias: true, activation: 'relu6' },
    { c: { x: [2, 9, 9, 3], k: [3, 3], mult: 1, s: 1, pad: 'same' }, bias: true, activation: 'relu' },
    { c: { x: [2, 9, 9, 8], k: [3, 3], mult: 1, s: 1, pad: 'same' }, bias: true, activation: 'elu' },
  ];
  test('the table covers the SIMD kernel and the stock one', () => {
    assert.deepEqual([...new Set(FUSED.map(({ c }) => depthwiseApplies(depthwiseInfo(c))))].sort(), [false, true]);
  });
  FUSED.forEach(({ c, bias, activation }, i) => {
    const label = `${depthwiseLabel(c)}${bias ? ', bias' : ''}, ${activation}`;
    test(label, async () => {
      const info = depthwiseInfo(c);
      // Scaled so that ReLU6's upper clip is reached too.
      const inputs: Record<string, Input> = { x: input(1300 + i, c.x, -8, 8), filter: input(1400 + i, info.filterShape) };
      if (bias) inputs.bias = input(1500 + i, [info.outChannels]);
      await agrees({
        label,
        kernel: 'FusedDepthwiseConv2D',
        inputs,
        attrs: { strides: pair(c.s), pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation },
        shape: info.outShape,
      });
    });
  });
});

describe('wasm training kernels: DepthwiseConv2dNativeBackpropFilter', () => {
  DEPTHWISE.forEach((c, i) =>
    test(depthwiseLabel(c), async () => {
      const info = depthwiseInfo(c);
      await agrees({
        label: depthwiseLabel(c),
        kernel: 'DepthwiseConv2dNativeBackpropFilter',
        inputs: { x: input(500 + i, c.x), dy: input(600 + i, info.outShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dilations: [1, 1], filterShape: info.filterShape },
        shape: info.filterShape,
      });
    }),
  );
});

describe('wasm training kernels: DepthwiseConv2dNativeBackpropInput', () => {
  DEPTHWISE.forEach((c, i) =>
    test(depthwiseLabel(c), async () => {
      const info = depthwiseInfo(c);
      await agrees({
        label: depthwiseLabel(c),
        kernel: 'DepthwiseConv2dNativeBackpropInput',
        inputs: { dy: input(700 + i, info.outShape), filter: input(800 + i, info.filterShape) },
        attrs: { strides: pair(c.s), pad: c.pad, dilations: [1, 1], inputShape: c.x },
        shape: c.x,
      });
    }),
  );
});
