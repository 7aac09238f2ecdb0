// MaxPoolGrad, BatchMatMul, _FusedMatMul, Tile, Sum, Mean and Identity on wasm, against cpu or by identities cpu cannot give.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackends, input, maxRelativeError, onBoth, runKernel, TOLERANCE, wasmAllocations, type Input } from './kernels-support';

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Inputs whose every pooling window is ≤ 0 (the stock wasm kernel's blind spot), mixed, or all equal. */
type Values = 'negative' | 'mixed' | 'ties';

interface PoolCase {
  readonly x: [number, number, number, number];
  readonly f: Pair;
  readonly s: Pair;
  readonly pad: 'valid' | 'same' | number;
  readonly values: Values;
}

const POOL: readonly PoolCase[] = [
  { x: [2, 8, 8, 3], f: 2, s: 2, pad: 'valid', values: 'negative' },
  { x: [2, 8, 8, 3], f: 2, s: 2, pad: 'valid', values: 'mixed' },
  { x: [1, 9, 9, 4], f: 3, s: 2, pad: 'same', values: 'negative' },
  { x: [2, 7, 7, 2], f: 3, s: 1, pad: 'same', values: 'mixed' },
  { x: [2, 7, 7, 2], f: 3, s: 1, pad: 'same', values: 'negative' },
  { x: [1, 6, 5, 3], f: [2, 3], s: [1, 2], pad: 'valid', values: 'mixed' },
  { x: [2, 7, 7, 3], f: 2, s: 2, pad: 'valid', values: 'negative' },
  { x: [1, 4, 4, 2], f: 2, s: 2, pad: 'valid', values: 'ties' },
  { x: [1, 5, 5, 2], f: 3, s: 1, pad: 'same', values: 'ties' },
  { x: [3, 5, 5, 1], f: 5, s: 1, pad: 'valid', values: 'negative' },
  { x: [2, 6, 6, 2], f: 3, s: 2, pad: 1, values: 'mixed' },
  { x: [4, 16, 16, 16], f: 2, s: 2, pad: 'valid', values: 'mixed' },
  // Channel counts that mix four-channel SIMD lanes with single channels.
  { x: [2, 6, 6, 7], f: 2, s: 2, pad: 'valid', values: 'negative' },
  { x: [1, 5, 5, 6], f: 3, s: 2, pad: 'same', values: 'mixed' },
  { x: [1, 4, 4, 8], f: 2, s: 1, pad: 'same', values: 'ties' },
  { x: [3, 9, 7, 5], f: [3, 2], s: [2, 3], pad: 'same', values: 'negative' },
];

function poolInput(seed: number, c: PoolCase): Input {
  if (c.values === 'ties') return { shape: c.x, data: new Float32Array(tf.util.sizeFromShape(c.x)).fill(-0.5) };
  return c.values === 'negative' ? input(seed, c.x, -2, -0.01) : input(seed, c.x);
}

/** The gradient through max pooling, computed end to end through the op (MaxPool forward, then MaxPoolGrad). */
function maxPoolGradient(c: PoolCase, x: Input, dy: Input): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const f = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, pair(c.f), pair(c.s), c.pad);
    const dx = tf.grad((t: tf.Tensor) => f(t).mul(tf.tensor(dy.data, dy.shape)).sum())(tf.tensor4d(x.data, c.x));
    return { shape: dx.shape, data: dx.dataSync() as Float32Array };
  });
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

describe('MaxPoolGrad', () => {
  before(initBackends);

  POOL.forEach((c, i) => {
    const label = `x ${c.x.join('×')} pool ${pair(c.f).join('×')} stride ${pair(c.s).join(',')} pad ${c.pad}, ${c.values}`;
    test(label, async () => {
      const info = tf.backend_util.computePool2DInfo(c.x, pair(c.f), pair(c.s), 1, c.pad);
      const x = poolInput(900 + i, c);
      const dy = input(950 + i, info.outShape, 0.1, 1);
      const { cpu, wasm } = await onBoth(() => maxPoolGradient(c, x, dy));
      assert.deepEqual(wasm.shape, c.x);
      const error = maxRelativeError(wasm.data, cpu.data);
      assert.ok(error <= TOLERANCE, `${label}: max relative error ${error.toExponential(2)}`);
      // Each window routes its whole gradient to exactly one input: nothing is dropped.
      assert.ok(Math.abs(sum(wasm.data) - sum(dy.data)) <= 1e-4 * sum(dy.data), 'gradient mass preserved');
      const start = wasmAllocations();
      maxPoolGradient(c, x, dy);
      assert.deepEqual(wasmAllocations(), start, 'leak');
    });
  });
});

describe('MaxPoolGrad with NaN inputs', () => {
  before(initBackends);
  test('a NaN never takes the gradient, in 2×2 windows and in the general path, as on cpu', async () => {
    // Channel 0 of every window starts with NaN; channel 1..3 are ordinary. Four channels take the SIMD paths.
    for (const [f, s] of [
      [2, 2],
      [3, 1],
    ] as const) {
      const shape: [number, number, number, number] = [1, 4, 4, 4];
      const x = Float32Array.from({ length: 64 }, (_, i) => (i % 4 === 0 && i % 8 === 0 ? NaN : ((i * 37) % 11) - 5));
      const grad = () =>
        tf.tidy(() => {
          const dx = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, f, s, 'valid').sum())(tf.tensor4d(x, shape));
          return Array.from(dx.dataSync());
        });
      const { cpu, wasm } = await onBoth(grad);
      assert.deepEqual(wasm, cpu, `pool ${f} stride ${s}`);
    }
  });
});

interface MatMulCase {
  readonly a: number[];
  readonly b: number[];
  readonly ta: boolean;
  readonly tb: boolean;
}

const MATMUL: readonly MatMulCase[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [32, 400], b: [10, 400], ta: false, tb: true },
  { a: [64, 33], b: [64, 17], ta: true, tb: false },
  { a: [3, 4, 6], b: [3, 6, 2], ta: false, tb: false },
  { a: [3, 6, 4], b: [3, 2, 6], ta: true, tb: true },
  { a: [3, 4, 6], b: [1, 2, 6], ta: false, tb: true },
  { a: [1, 6, 4], b: [4, 6, 5], ta: true, tb: false },
  { a: [2, 3, 4, 5], b: [2, 3, 6, 5], ta: false, tb: true },
  { a: [1, 1], b: [1, 1], ta: true, tb: true },
];

const matmulLabel = (c: MatMulCase) => `${c.a.join('×')}${c.ta ? 'ᵀ' : ''} · ${c.b.join('×')}${c.tb ? 'ᵀ' : ''}`;

function matmulShape(c: MatMulCase): number[] {
  const batch = c.a.length > 2 ? c.a.slice(0, -2).map((d, i) => Math.max(d, c.b[i])) : [];
  const m = c.ta ? c.a[c.a.length - 1] : c.a[c.a.length - 2];
  const n = c.tb ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  return [...batch, m, n];
}

async function matmulAgrees(kernel: string, c: MatMulCase, inputs: Record<string, Input>, attrs: object): Promise<void> {
  const { cpu, wasm } = await onBoth(() => runKernel(kernel, inputs, attrs));
  assert.deepEqual(wasm.shape, matmulShape(c));
  const error = maxRelativeError(wasm.data, cpu.data);
  assert.ok(error <= TOLERANCE, `${matmulLabel(c)}: max relative error ${error.toExponential(2)}`);
  const start = wasmAllocations();
  runKernel(kernel, inputs, attrs);
  assert.deepEqual(wasmAllocations(), start, 'leak');
}

describe('BatchMatMul and _FusedMatMul with transposed operands', () => {
  before(initBackends);

  MATMUL.forEach((c, i) => {
    test(`BatchMatMul ${matmulLabel(c)}`, () =>
      matmulAgrees('BatchMatMul', c, { a: input(1000 + i, c.a), b: input(1100 + i, c.b) }, { transposeA: c.ta, transposeB: c.tb }));
  });

  // The fused op always hands its kernel rank-3 operands.
  const rank3 = (shape: number[]) => (shape.length === 2 ? [1, ...shape] : shape);
  MATMUL.filter((c) => c.a.length <= 3)
    .map((c) => ({ ...c, a: rank3(c.a), b: rank3(c.b) }))
    .forEach((c, i) => {
      test(`_FusedMatMul + bias + relu ${matmulLabel(c)}`, () => {
        const n = matmulShape(c).at(-1)!;
        const inputs = { a: input(1200 + i, c.a), b: input(1300 + i, c.b), bias: input(1400 + i, [n]) };
        return matmulAgrees('_FusedMatMul', c, inputs, { transposeA: c.ta, transposeB: c.tb, activation: 'relu' });
      });
    });
});

describe('_FusedMatMul activations on a batch of matrices', () => {
  before(initBackends);
  const c: MatMulCase = { a: [3, 5, 6], b: [3, 4, 6], ta: false, tb: true };
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu']) {
    test(activation, () => {
      const inputs: Record<string, Input> = { a: input(1800, c.a), b: input(1801, c.b), bias: input(1802, [4]) };
      if (activation === 'prelu') inputs.preluActivationWeights = input(1803, [4], 0, 0.5);
      return matmulAgrees('_FusedMatMul', c, inputs, { transposeA: c.ta, transposeB: c.tb, activation, leakyreluAlpha: 0.2 });
    });
  }
});

describe('Tile', () => {
  before(initBackends);
  const CASES: ReadonlyArray<{ shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
    { shape: [1, 1, 1, 16], reps: [8, 7, 5, 1], dtype: 'float32' },
    { shape: [2, 3], reps: [3, 4], dtype: 'float32' },
    { shape: [5], reps: [4], dtype: 'int32' },
    { shape: [2, 1, 3], reps: [1, 5, 2], dtype: 'bool' },
    { shape: [3, 2, 2, 4], reps: [2, 1, 3, 2], dtype: 'float32' },
    { shape: [4, 3], reps: [1, 1], dtype: 'int32' },
  ];
  CASES.forEach((c, i) =>
    test(`${c.dtype} ${c.shape.join('×')} tiled ${c.reps.join('×')}`, async () => {
      const raw = input(1900 + i, c.shape, -5, 5).data;
      const data = c.dtype === 'float32' ? raw : Int32Array.from(raw, (v) => (c.dtype === 'bool' ? Number(v > 0) : Math.round(v)));
      const x: Input = { shape: c.shape, data, dtype: c.dtype };
      const { cpu, wasm } = await onBoth(() => runKernel('Tile', { x }, { reps: c.reps }));
      assert.deepEqual(
        wasm.shape,
        c.shape.map((d, j) => d * c.reps[j]),
      );
      assert.equal(wasm.dtype, c.dtype);
      assert.deepEqual(Array.from(wasm.data), Array.from(cpu.data));
      const start = wasmAllocations();
      runKernel('Tile', { x }, { reps: c.reps });
      assert.deepEqual(wasmAllocations(), start, 'leak');
    }),
  );
});

describe('Sum and Mean', () => {
  before(initBackends);
  const CASES: ReadonlyArray<{ shape: number[]; axis: number[]; keepDims: boolean; dtype?: 'int32' }> = [
    { shape: [4, 5, 6, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axis: [2, 0, 1], keepDims: true },
    { shape: [8, 7, 7, 16], axis: [-4, -3, -2], keepDims: false },
    { shape: [7, 5], axis: [0], keepDims: true },
    { shape: [4, 5, 6, 3], axis: [1, 2], keepDims: false },
    { shape: [4, 5, 6, 3], axis: [0, 1, 2, 3], keepDims: false },
    { shape: [6, 4], axis: [0], keepDims: false, dtype: 'int32' },
    // Eight-channel SIMD blocks with and without a remainder, and one row.
    { shape: [3, 9, 9, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [2, 5, 5, 29], axis: [0, 1, 2], keepDims: true },
    { shape: [1, 12], axis: [0], keepDims: false },
  ];
  for (const kernel of ['Sum', 'Mean']) {
    CASES.forEach((c, i) =>
      test(`${kernel} ${c.dtype ?? 'float32'} ${c.shape.join('×')} over ${c.axis.join(',')}${c.keepDims ? ' keepDims' : ''}`, async () => {
        const raw = input(2000 + i, c.shape, -3, 3).data;
        const x: Input = c.dtype ? { shape: c.shape, data: Int32Array.from(raw, Math.round), dtype: c.dtype } : { shape: c.shape, data: raw };
        const { cpu, wasm } = await onBoth(() => runKernel(kernel, { x }, { axis: c.axis, keepDims: c.keepDims }));
        assert.deepEqual(wasm.shape, cpu.shape);
        assert.ok(maxRelativeError(wasm.data, cpu.data) <= TOLERANCE);
        const start = wasmAllocations();
        runKernel(kernel, { x }, { axis: c.axis, keepDims: c.keepDims });
        assert.deepEqual(wasmAllocations(), start, 'leak');
      }),
    );
  }
});

describe('Add, Sub, Multiply and RealDiv with a per-channel operand', () => {
  before(initBackends);
  const CASES: ReadonlyArray<{ a: number[]; b: number[] }> = [
    { a: [2, 5, 5, 8], b: [8] },
    { a: [3, 4, 7], b: [7] },
    { a: [2, 3, 3, 6], b: [1, 1, 1, 6] },
    { a: [5], b: [5] },
    { a: [10], b: [2, 5, 10] },
    { a: [4, 3], b: [4, 1] },
    { a: [2, 3, 4], b: [2, 3, 4] },
  ];
  for (const kernel of ['Add', 'Sub', 'Multiply', 'RealDiv']) {
    CASES.forEach((c, i) =>
      test(`${kernel} ${c.a.join('×')} and ${c.b.join('×')}, both ways round`, async () => {
        // Divisors kept away from zero, so the comparison measures the kernels and not a blow-up.
        const a = input(3000 + i, c.a, 0.5, 2);
        const b = input(3100 + i, c.b, -2, -0.5);
        for (const inputs of [
          { a, b },
          { a: b, b: a },
        ]) {
          const { cpu, wasm } = await onBoth(() => runKernel(kernel, inputs, {}));
          assert.deepEqual(wasm.shape, cpu.shape);
          assert.ok(maxRelativeError(wasm.data, cpu.data) <= 1e-6);
        }
        const start = wasmAllocations();
        runKernel(kernel, { a, b }, {});
        assert.deepEqual(wasmAllocations(), start, 'leak');
      }),
    );
  }
});

describe('Cast', () => {
  before(initBackends);
  test('to the same type shares the buffer and keeps the values after the source is gone', async () => {
    await tf.setBackend('wasm');
    const start = wasmAllocations();
    const source = tf.tensor([1.5, -2, 3, 4], [2, 2]);
    const same = tf.engine().runKernel('Cast', { x: source }, { dtype: 'float32' }) as tf.Tensor;
    assert.equal(wasmAllocations().buffers, start.buffers + 1, 'one buffer for both tensors');
    source.dispose();
    assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3, 4]);
    same.dispose();
    assert.deepEqual(wasmAllocations(), start);
  });
  test('to another type converts like the cpu backend (the stock kernel got bool wrong)', async () => {
    const floats: Input = { shape: [7], data: Float32Array.from([1.7, -2.2, 0, 3.5, -0.5, 9, NaN]) };
    const ints: Input = { shape: [4], data: Int32Array.from([0, -3, 7, 0]), dtype: 'int32' };
    for (const [x, dtype] of [
      [floats, 'int32'],
      [floats, 'bool'],
      [floats, 'float32'],
      [ints, 'bool'],
      [ints, 'float32'],
    ] as const) {
      const { cpu, wasm } = await onBoth(() => runKernel('Cast', { x }, { dtype }));
      assert.equal(wasm.dtype, dtype);
      assert.deepEqual(Array.from(wasm.data), Array.from(cpu.data), `${x.dtype ?? 'float32'} → ${dtype}`);
    }
  });
});

describe('Identity shares the buffer safely', () => {
  before(initBackends);
  test('a clone outlives its source, keeps its values, and frees the buffer with the last reference', async () => {
    await tf.setBackend('wasm');
    const start = wasmAllocations();
    const source = tf.tensor([1.5, -2, 3, 4], [2, 2]);
    const copy = tf.clone(source);
    const view = tf.engine().runKernel('Identity', { x: copy }, {}) as tf.Tensor;
    assert.equal(wasmAllocations().buffers, start.buffers + 1, 'one buffer for all three tensors');
    source.dispose();
    copy.dispose();
    assert.deepEqual(Array.from(view.dataSync()), [1.5, -2, 3, 4]);
    view.dispose();
    assert.deepEqual(wasmAllocations(), start);
  });
});

/**
 * Dilated depthwise gradients have no cpu reference (cpu ignores dilation there). They are checked
 * against the forward convolution instead: for the linear map F, ⟨dy, F(x, W)⟩ must equal both
 * ⟨dW, W⟩ and ⟨dx, x⟩ — an identity that holds only if the gradients are right.
 */
describe('dilated depthwise gradients satisfy the adjoint identity', () => {
  before(initBackends);
  const CASES = [
    { x: [2, 9, 9, 3], k: 3, mult: 2, dilation: 2, pad: 'same' as const },
    { x: [1, 11, 8, 2], k: 3, mult: 1, dilation: 3, pad: 'valid' as const },
  ];
  CASES.forEach((c, i) =>
    test(`x ${c.x.join('×')} k ${c.k} ×${c.mult} dilation ${c.dilation} ${c.pad}`, async () => {
      await tf.setBackend('wasm');
      const filterShape = [c.k, c.k, c.x[3], c.mult];
      const info = tf.backend_util.computeConv2DInfo(c.x as never, filterShape as never, 1, c.dilation, c.pad, undefined, true);
      const x = input(1500 + i, c.x);
      const w = input(1600 + i, filterShape);
      const dy = input(1700 + i, info.outShape);
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [c.dilation, c.dilation] };
      const y = runKernel('DepthwiseConv2dNative', { x, filter: w }, attrs);
      const dw = runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape });
      const dx = runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x });
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        let s = 0;
        for (let j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
      };
      const reference = dot(dy.data, y.data);
      const scale = Math.sqrt(dot(dy.data, dy.data) * dot(y.data, y.data));
      assert.ok(Math.abs(dot(dw.data, w.data) - reference) <= TOLERANCE * scale, 'filter gradient');
      assert.ok(Math.abs(dot(dx.data, x.data) - reference) <= TOLERANCE * scale, 'input gradient');
    }),
  );
});
