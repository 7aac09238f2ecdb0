// Tile for wasm by block copies: the stock kernel was the slowest op of a batch-norm net.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { runStock, type Info, type KernelArgs } from './wasm-heap';

type Numeric = Float32Array | Int32Array | Uint8Array;

/**
 * Writes the tiling of the input block at `srcOff` (axes ≥ `axis`) to `dstOff`: first each input
 * slice along `axis` recursively, then the whole block repeated `reps[axis]` times with
 * copyWithin (a memmove). Batch-norm gradients tile [1, 1, 1, C] to [N, H, W, C]: a handful of
 * growing copies instead of N·H·W·C index computations.
 */
function tileInto(src: Numeric, srcOff: number, dst: Numeric, dstOff: number, shape: number[], reps: number[], axis: number): void {
  const last = axis === shape.length - 1;
  const srcInner = last ? 1 : tf.util.sizeFromShape(shape.slice(axis + 1));
  const dstInner = last ? 1 : tf.util.sizeFromShape(shape.slice(axis + 1).map((d, i) => d * reps[axis + 1 + i]));
  if (last) dst.set(src.subarray(srcOff, srcOff + shape[axis]), dstOff);
  else for (let i = 0; i < shape[axis]; i++) tileInto(src, srcOff + i * srcInner, dst, dstOff + i * dstInner, shape, reps, axis + 1);
  const block = shape[axis] * dstInner;
  for (let r = 1; r < reps[axis]; r++) dst.copyWithin(dstOff + r * block, dstOff, dstOff + block);
}

function tile(args: KernelArgs): Info {
  const { backend, inputs, attrs } = args;
  const x = inputs.x;
  const reps = attrs.reps as number[];
  if (x.dtype === 'string' || x.shape.length === 0 || tf.util.sizeFromShape(x.shape) === 0) {
    return runStock('Tile', backend, inputs, attrs);
  }
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * reps[i]),
    x.dtype,
  );
  tileInto(backend.typedArrayFromHeap(x) as Numeric, 0, backend.typedArrayFromHeap(out) as Numeric, 0, x.shape, reps, 0);
  return out;
}

export const tileConfig: KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelFunc,
};
