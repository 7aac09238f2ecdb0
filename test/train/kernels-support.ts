// Shared set-up for the wasm kernel tests: backends, seeded inputs, cpu-vs-wasm comparison, leak checks.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';
import { Prng } from '../helpers/prng';

/** Initialises both backends once (wasm through the real selection path, with Stride's kernels). */
export async function initBackends(): Promise<void> {
  await tf.setBackend('cpu');
  const chosen = await selectBackend({ backend: 'wasm', warn: () => undefined });
  if (chosen.name !== 'wasm') throw new Error(`expected wasm, got ${chosen.name}`);
}

/** Seeded values in [lo, hi), the same on every run and for both backends. */
export function values(seed: number, size: number, lo = -1, hi = 1): Float32Array {
  const prng = new Prng(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * prng.next());
}

export interface Input {
  readonly shape: number[];
  readonly data: Float32Array | Int32Array;
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

export function input(seed: number, shape: number[], lo = -1, hi = 1): Input {
  return { shape, data: values(seed, tf.util.sizeFromShape(shape), lo, hi) };
}

/** Runs one kernel directly on the current backend and returns its values (shape checked by the caller). */
export function runKernel(name: string, inputs: Record<string, Input>, attrs: object): { shape: number[]; data: Float32Array; dtype: string } {
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [key, v] of Object.entries(inputs)) tensors[key] = tf.tensor(v.data, v.shape, v.dtype);
    const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { shape: out.shape, data: Float32Array.from(out.dataSync() as Float32Array), dtype: out.dtype };
  });
}

/** Runs `compute` on cpu, then on wasm; wasm stays the current backend afterwards. */
export async function onBoth<T>(compute: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu');
  const cpu = compute();
  await tf.setBackend('wasm');
  const wasm = compute();
  return { cpu, wasm };
}

/**
 * Largest difference relative to the reference's largest magnitude. Element-wise relative error
 * is meaningless where a sum nearly cancels; scaling by the tensor's range is the usual choice
 * for comparing float32 kernels that sum in different orders.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= worst)) worst = diff; // NaN propagates as a failure
  }
  return worst / Math.max(scale, 1e-12);
}

/** Engine tensors and backend buffers (which kernels allocate as temporaries) on wasm right now. */
export function wasmAllocations(): { tensors: number; buffers: number } {
  return { tensors: tf.memory().numTensors, buffers: tf.findBackend('wasm')!.numDataIds() };
}

export const TOLERANCE = 1e-4;

export type Pair = number | [number, number];
export type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];
export const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

export interface Check {
  readonly label: string;
  readonly kernel: string;
  readonly inputs: Record<string, Input>;
  readonly attrs: object;
  readonly shape: number[];
}

/** The kernel on cpu and on wasm agree, wasm gives the expected shape, and repeating it leaks nothing. */
export async function agrees(check: Check): Promise<void> {
  const { cpu, wasm } = await onBoth(() => runKernel(check.kernel, check.inputs, check.attrs));
  assert.deepEqual(wasm.shape, check.shape, 'output shape');
  assert.deepEqual(cpu.shape, check.shape, 'reference output shape');
  const error = maxRelativeError(wasm.data, cpu.data);
  assert.ok(error <= TOLERANCE, `${check.label}: max relative error ${error.toExponential(2)} > ${TOLERANCE}`);
  const start = wasmAllocations();
  for (let i = 0; i < 3; i++) runKernel(check.kernel, check.inputs, check.attrs);
  assert.deepEqual(wasmAllocations(), start, 'tensors or heap buffers leaked');
}
