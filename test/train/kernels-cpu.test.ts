// The cpu backend's corrected ResizeNearestNeighborGrad: the adjoint of the forward resize, for any batch.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';
import { input, maxRelativeError, onBoth, runKernel, TOLERANCE, type Input } from './kernels-support';

interface ResizeCase {
  readonly images: [number, number, number, number];
  readonly size: [number, number];
  readonly alignCorners: boolean;
  readonly halfPixelCenters: boolean;
}

const CASES: readonly ResizeCase[] = [
  { images: [3, 4, 4, 2], size: [8, 8], alignCorners: false, halfPixelCenters: false },
  { images: [2, 3, 5, 3], size: [7, 4], alignCorners: false, halfPixelCenters: false },
  { images: [2, 3, 5, 3], size: [7, 4], alignCorners: true, halfPixelCenters: false },
  { images: [4, 5, 3, 1], size: [9, 9], alignCorners: false, halfPixelCenters: true },
  { images: [1, 6, 6, 2], size: [4, 3], alignCorners: false, halfPixelCenters: false },
];

const label = (c: ResizeCase) =>
  `${c.images.join('×')} → ${c.size.join('×')}${c.alignCorners ? ', align corners' : ''}${c.halfPixelCenters ? ', half-pixel centers' : ''}`;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ⟨dy, resize(x)⟩ − ⟨grad(dy), x⟩, relative to the sizes involved: zero exactly when grad is the adjoint. */
function adjointGap(c: ResizeCase, x: Input, dy: Input, grad: Float32Array): number {
  const y = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.tensor4d(x.data, c.images), c.size, c.alignCorners, c.halfPixelCenters).dataSync());
  const scale = Math.sqrt(dot(dy.data, dy.data) * dot(y, y));
  return Math.abs(dot(dy.data, y) - dot(grad, x.data)) / scale;
}

const attrsOf = (c: ResizeCase) => ({ alignCorners: c.alignCorners, halfPixelCenters: c.halfPixelCenters, size: c.size });

// Captured before Stride's fix is registered, to show the check below catches the stock bug.
const stockCpuGrad = tf.getKernel('ResizeNearestNeighborGrad', 'cpu')?.kernelFunc;

describe('cpu ResizeNearestNeighborGrad (corrected)', () => {
  before(async () => {
    assert.ok(stockCpuGrad, 'stock cpu kernel present');
    await selectBackend({ backend: 'wasm', warn: () => undefined });
    await selectBackend({ backend: 'cpu', warn: () => undefined });
  });

  test('the stock cpu kernel is not the adjoint once the batch has several images', async () => {
    await tf.setBackend('cpu');
    const fixed = tf.getKernel('ResizeNearestNeighborGrad', 'cpu')!.kernelFunc;
    assert.notEqual(fixed, stockCpuGrad, 'the fix replaced the stock kernel');
    const c = CASES[0];
    const x = input(3000, c.images);
    const dy = input(3001, [c.images[0], ...c.size, c.images[3]]);
    tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
    tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: stockCpuGrad! });
    try {
      const stock = runKernel('ResizeNearestNeighborGrad', { images: x, dy }, attrsOf(c));
      assert.ok(adjointGap(c, x, dy, stock.data) > 0.01, 'stock kernel violates the identity');
    } finally {
      tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
      tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: fixed });
    }
  });

  CASES.forEach((c, i) =>
    test(label(c), async () => {
      const x = input(3100 + i, c.images);
      const dy = input(3200 + i, [c.images[0], ...c.size, c.images[3]]);
      const { cpu, wasm } = await onBoth(() => runKernel('ResizeNearestNeighborGrad', { images: x, dy }, attrsOf(c)));
      await tf.setBackend('cpu');
      assert.deepEqual(cpu.shape, c.images);
      assert.ok(adjointGap(c, x, dy, cpu.data) <= TOLERANCE, 'cpu gradient is the adjoint of the cpu resize');
      // The stock wasm kernel is right where it models the same forward (no half-pixel centres).
      if (!c.halfPixelCenters) assert.ok(maxRelativeError(cpu.data, wasm.data) <= TOLERANCE, 'agrees with wasm');
    }),
  );
});
