// The fused Adam update (wasm) against tfjs's own Adam: same values, same state, same serialisation.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FUSED_ADAM, FusedAdamOptimizer, makeOptimizer } from '../../train/optimizers';
import { initBackends, values, wasmAllocations } from './kernels-support';

/** Weight sizes that exercise whole SIMD vectors, a remainder, and a lone scalar. */
const SHAPES: number[][] = [[3, 3, 2, 8], [7], [1], [5, 13]];

/** Optimizer.applyGradients is typed for variables; gradients are plain tensors. */
function apply(optimizer: tf.Optimizer, grads: Record<string, tf.Tensor>): void {
  optimizer.applyGradients(grads as unknown as tf.NamedTensorMap);
}

interface Trace {
  readonly weights: Float32Array[];
  readonly state: { name: string; values: Float32Array }[];
}

/** Trains fresh variables for `steps` steps on fixed gradients with `optimizer`; returns the weights and optimizer state. */
async function trace(optimizer: tf.Optimizer, steps: number, tag: string): Promise<Trace> {
  const vars = SHAPES.map((shape, i) => tf.variable(tf.tensor(values(10 + i, tf.util.sizeFromShape(shape)), shape), true, `${tag}_w${i}`));
  for (let s = 0; s < steps; s++) {
    const grads: tf.NamedTensorMap = {};
    // Gradients of both signs and very different scales, changing each step.
    vars.forEach((v, i) => (grads[v.name] = tf.tensor(values(100 * s + i, v.size, -3 * (i + 1), 2), v.shape)));
    apply(optimizer, grads);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const state = await Promise.all(
    (await optimizer.getWeights()).map(async (w) => ({ name: w.name.replace(tag, ''), values: Float32Array.from((await w.tensor.data()) as Float32Array) })),
  );
  tf.dispose(vars);
  optimizer.dispose();
  return { weights, state };
}

function assertSameTrace(actual: Trace, expected: Trace, tolerance: number): void {
  assert.equal(actual.weights.length, expected.weights.length);
  actual.weights.forEach((w, i) => assertClose(w, expected.weights[i], tolerance, `weight ${i}`));
  assert.deepEqual(
    actual.state.map((s) => s.name),
    expected.state.map((s) => s.name),
    'optimizer state names',
  );
  actual.state.forEach((s, i) => assertClose(s.values, expected.state[i].values, tolerance, `state ${s.name}`));
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label} length`);
  for (let i = 0; i < actual.length; i++) {
    const bound = tolerance * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= bound, `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

before(initBackends);

describe('fused Adam: the same numbers as tf.train.adam', () => {
  test('the kernel is registered on wasm and makeOptimizer uses it for adam and adamw', async () => {
    await tf.setBackend('wasm');
    assert.ok(tf.getKernel(FUSED_ADAM, 'wasm'));
    assert.ok(makeOptimizer({ name: 'adam', args: {} }).optimizer instanceof FusedAdamOptimizer);
    assert.ok(makeOptimizer({ name: 'adamw', args: { weight_decay: 0.01 } }).optimizer instanceof FusedAdamOptimizer);
  });

  test('on wasm it gives the weights and moments of tf.train.adam, bit for bit, over 6 steps', async () => {
    await tf.setBackend('wasm');
    const fused = await trace(new FusedAdamOptimizer(0.01, 0.9, 0.999), 6, 'a');
    const stock = await trace(tf.train.adam(0.01, 0.9, 0.999), 6, 'b');
    assertSameTrace(fused, stock, 0);
    // The fused path really ran: the stock path would not have moved a weight by exactly these values if it had not.
    assert.ok(
      fused.weights[0].some((w, i) => w !== values(10, fused.weights[0].length)[i]),
      'weights changed',
    );
  });

  test('matches tf.train.adam on the cpu backend within float32 rounding', async () => {
    await tf.setBackend('wasm');
    const fused = await trace(new FusedAdamOptimizer(0.003, 0.8, 0.99, 1e-6), 4, 'c');
    await tf.setBackend('cpu');
    const reference = await trace(tf.train.adam(0.003, 0.8, 0.99, 1e-6), 4, 'd');
    await tf.setBackend('wasm');
    assertSameTrace(fused, reference, 1e-6);
  });
});

describe('fused Adam: saved state, leaks and bad input', () => {
  test('resumes from saved optimizer state like tf.train.adam', async () => {
    await tf.setBackend('wasm');
    const first = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    const w = tf.variable(tf.tensor(values(3, 8)), true, 'resume_w');
    for (let s = 0; s < 3; s++) apply(first, { resume_w: tf.tensor(values(30 + s, 8)) });
    const saved = await first.getWeights();
    const second = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    await second.setWeights(saved.map((s) => ({ name: s.name, tensor: s.tensor.clone() })));
    const stock = tf.train.adam(0.01, 0.9, 0.999);
    await stock.setWeights(saved.map((s) => ({ name: s.name, tensor: s.tensor.clone() })));
    const w2 = tf.variable(w.clone(), true, 'resume_w2');
    apply(second, { resume_w: tf.tensor(values(40, 8)) });
    stock.applyGradients([{ name: 'resume_w2', tensor: tf.tensor(values(40, 8)) }]);
    assertClose(w.dataSync() as Float32Array, w2.dataSync() as Float32Array, 0, 'resumed step');
    tf.dispose([w, w2]);
    [first, second, stock].forEach((o) => o.dispose());
  });

  test('a step leaks no tensors or heap buffers, and a bad gradient is refused with a clear error', async () => {
    await tf.setBackend('wasm');
    const opt = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    const w = tf.variable(tf.tensor(values(5, 12)), true, 'leak_w');
    apply(opt, { leak_w: tf.tensor(values(6, 12)) });
    const start = wasmAllocations();
    const g = tf.tensor(values(7, 12));
    apply(opt, { leak_w: g });
    g.dispose();
    assert.deepEqual(wasmAllocations(), start);
    const wrong = tf.tensor(values(8, 5));
    assert.throws(() => apply(opt, { leak_w: wrong }), /StrideFusedAdam: gradient must be float32 with 12 values/);
    tf.dispose([w, wrong]);
    opt.dispose();
  });
});
