// Stride's wasm-SIMD convolution kernels against the alternatives they replaced, per call, side by side in one process.
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../train/node/backends/select';
import { conv2dInfo } from '../../train/node/backends/wasm-conv-grad';
import { byGemm, directFilterGrad } from '../../train/node/backends/wasm-conv-filter-grad';
import { convLoopOrder, directConv2d } from '../../train/node/backends/wasm-conv';
import { free, runStock, type Info } from '../../train/node/backends/wasm-heap';
import {
  clearWinogradCache,
  forgetWinogradFilter,
  winogradApplies,
  winogradConv2d,
  winogradFilterGrad,
  winogradTile,
} from '../../train/node/backends/wasm-winograd';

/** Layers of the throughput benchmark's nets (batch 32): input shape, filter shape, stride, padding. */
const LAYERS: ReadonlyArray<{ name: string; x: number[]; w: number[]; stride: number; pad: 'valid' | 'same' }> = [
  { name: 'tiny-cnn conv1 28×28×1 → 8', x: [32, 28, 28, 1], w: [3, 3, 1, 8], stride: 1, pad: 'valid' },
  { name: 'tiny-cnn conv2 13×13×8 → 16', x: [32, 13, 13, 8], w: [3, 3, 8, 16], stride: 1, pad: 'valid' },
  { name: 'vgg-small conv1 32×32×3 → 32', x: [32, 32, 32, 3], w: [3, 3, 3, 32], stride: 1, pad: 'same' },
  { name: 'vgg-small conv2 32×32×32 → 32', x: [32, 32, 32, 32], w: [3, 3, 32, 32], stride: 1, pad: 'same' },
  { name: 'vgg-small conv4 16×16×64 → 64', x: [32, 16, 16, 64], w: [3, 3, 64, 64], stride: 1, pad: 'same' },
  { name: 'resnet8 32×32×16 → 32, stride 2', x: [32, 32, 32, 16], w: [3, 3, 16, 32], stride: 2, pad: 'same' },
  { name: 'resnet8 32×32×16 → 16', x: [32, 32, 32, 16], w: [3, 3, 16, 16], stride: 1, pad: 'same' },
  { name: 'resnet8 16×16×32 → 32', x: [32, 16, 16, 32], w: [3, 3, 32, 32], stride: 1, pad: 'same' },
  { name: 'resnet8 8×8×64 → 64', x: [32, 8, 8, 64], w: [3, 3, 64, 64], stride: 1, pad: 'same' },
];

/** Layers of ResNet-18 and MobileNetV2 at 224×224 (`bench:infer`), batch 1: input shape, filter shape, stride. */
const INFERENCE_LAYERS: ReadonlyArray<{ name: string; x: number[]; w: number[]; stride: number }> = [
  { name: 'ResNet-18 56×56×64 → 64', x: [1, 56, 56, 64], w: [3, 3, 64, 64], stride: 1 },
  { name: 'ResNet-18 28×28×128 → 128', x: [1, 28, 28, 128], w: [3, 3, 128, 128], stride: 1 },
  { name: 'ResNet-18 14×14×256 → 256', x: [1, 14, 14, 256], w: [3, 3, 256, 256], stride: 1 },
  { name: 'ResNet-18 14×14×256 → 512, stride 2', x: [1, 14, 14, 256], w: [3, 3, 256, 512], stride: 2 },
  { name: 'ResNet-18 7×7×512 → 512', x: [1, 7, 7, 512], w: [3, 3, 512, 512], stride: 1 },
  { name: 'MobileNetV2 1×1 56×56×24 → 144', x: [1, 56, 56, 24], w: [1, 1, 24, 144], stride: 1 },
  { name: 'MobileNetV2 1×1 14×14×96 → 576', x: [1, 14, 14, 96], w: [1, 1, 96, 576], stride: 1 },
  { name: 'MobileNetV2 1×1 14×14×576 → 96', x: [1, 14, 14, 576], w: [1, 1, 576, 96], stride: 1 },
  { name: 'MobileNetV2 1×1 7×7×160 → 960', x: [1, 7, 7, 160], w: [1, 1, 160, 960], stride: 1 },
  { name: 'MobileNetV2 1×1 7×7×320 → 1280', x: [1, 7, 7, 320], w: [1, 1, 320, 1280], stride: 1 },
];

/** Depthwise layers' inputs: MobileNetV2's at stride 1 (batch 1), mobilenet-tiny's (batch 32). */
const DEPTHWISE_LAYERS: readonly number[][] = [
  [1, 112, 112, 32],
  [1, 56, 56, 144],
  [1, 28, 28, 192],
  [1, 14, 14, 576],
  [1, 7, 7, 960],
  [32, 32, 32, 48],
  [32, 8, 8, 144],
];

/**
 * Each of `runs` timed once per round, in turns, for `rounds` rounds; the best of each, in microseconds (other
 * processes only ever slow a call down).
 */
function bestInTurns(backend: BackendWasm, runs: ReadonlyArray<() => Info>, rounds: number): number[] {
  const min = runs.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    runs.forEach((run, k) => {
      const t0 = performance.now();
      const out = run();
      min[k] = Math.min(min[k], performance.now() - t0);
      backend.disposeData(out.dataId);
    });
  }
  return min.map((m) => m * 1000);
}

async function main(): Promise<void> {
  const chosen = await selectBackend({ backend: 'wasm', warn: () => undefined });
  const backend = tf.backend() as unknown as BackendWasm;
  const load = os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
  console.log(`${new Date().toISOString()} · ${os.cpus()[0].model} × ${os.cpus().length} · Node ${process.version} · ${chosen.description} · load ${load}`);
  trainingTable(backend);
  inferenceTable(backend);
  depthwiseTable(backend);
}

/**
 * The training nets' layers at batch 32, µs per call: the forward pass (XNNPACK, the direct kernel, the registered
 * kernel as a training step runs it) and the filter gradient (the GEMM path, the direct kernel, F(4×4), the registered
 * kernel), timed in turns.
 */
function trainingTable(backend: BackendWasm): void {
  console.log(
    '| layer (batch 32) | stock forward (XNNPACK) | direct forward | Stride forward (taken) | × XNNPACK | × direct | filter gradient, GEMM path | direct | F(4×4) | Stride filter gradient (taken) | × direct |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of LAYERS) {
    const x = tf.randomNormal(l.x);
    const w = tf.randomNormal(l.w);
    const attrs = { strides: [l.stride, l.stride], pad: l.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, l.stride, l.pad);
    const dy = tf.randomNormal(y.shape);
    const c = conv2dInfo(l.x, l.w, attrs);
    const reps = l.x.reduce((a, b) => a * b, 1) > 300_000 ? 8 : 50;
    const [stock, direct, taken] = bestInTurns(
      backend,
      [
        () => runStock('Conv2D', backend, { x, filter: w }, attrs),
        () => directConv2d(backend, x, w, c),
        // A training step's filter is new each step: its transform is never kept (see wasm-winograd.ts).
        () => (forgetWinogradFilter(backend, w), tf.engine().runKernel('Conv2D', { x, filter: w }, attrs) as Info),
      ],
      reps,
    );
    // F(4×4) is timed beside what training takes (see WINOGRAD_GRAD_TILE for why it does not).
    const f4 = winogradApplies(c) ? () => winogradFilterGrad(backend, x, dy, c, 4) : undefined;
    const [gemm, directGrad, filter, f4Grad] = bestInTurns(
      backend,
      [
        () => byGemm(backend, x, dy, c),
        () => directFilterGrad(backend, x, dy, c),
        () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: l.w }) as Info,
        ...(f4 ? [f4] : []),
      ],
      reps,
    );
    const row = [
      l.name,
      stock.toFixed(0),
      direct.toFixed(0),
      taken.toFixed(0),
      `${(stock / taken).toFixed(2)}×`,
      `${(direct / taken).toFixed(2)}×`,
      gemm.toFixed(0),
      directGrad.toFixed(0),
      f4Grad === undefined ? '—' : f4Grad.toFixed(0),
      filter.toFixed(0),
      `${(directGrad / filter).toFixed(2)}×`,
    ];
    console.log(`| ${row.join(' | ')} |`);
    tf.dispose([x, w, y, dy]);
  }
}

/**
 * The forward pass at batch 1, in GFLOP/s of the direct computation: XNNPACK, both loop orders of Stride's direct
 * kernel and, for 3×3 stride-1 layers, both Winograd variants with the filter transformed in the call and with its
 * transform kept (as prediction runs from its second pass on), timed in turns. "taken" is what prediction runs then.
 */
function inferenceTable(backend: BackendWasm): void {
  console.log(
    '\n| layer (batch 1, padding same) | XNNPACK | streamed | weight-stationary | F(2×2) | F(2×2) kept | F(4×4) | F(4×4) kept | taken | taken / XNNPACK |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const l of INFERENCE_LAYERS) {
    const x = tf.randomNormal(l.x);
    const w = tf.randomNormal(l.w);
    const attrs = { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const c = conv2dInfo(l.x, l.w, attrs);
    const runs = [
      () => runStock('Conv2D', backend, { x, filter: w }, attrs),
      () => directConv2d(backend, x, w, c, 'streamed'),
      () => directConv2d(backend, x, w, c, 'weight-stationary'),
    ];
    const kept = winogradApplies(c) ? [tf.add(w, 0), tf.add(w, 0)] : [];
    if (winogradApplies(c)) {
      for (const [tile, filter] of [
        [2, kept[0]],
        [4, kept[1]],
      ] as const) {
        runs.push(() => (forgetWinogradFilter(backend, w), winogradConv2d(backend, x, w, c, undefined, 0, tile)));
        for (let k = 0; k < 2; k++) free(backend, winogradConv2d(backend, x, filter, c, undefined, 0, tile));
        runs.push(() => winogradConv2d(backend, x, filter, c, undefined, 0, tile));
      }
    }
    const flops = 2 * c.outHeight * c.outWidth * c.outChannels * c.filterHeight * c.filterWidth * c.inChannels;
    const rates = bestInTurns(backend, runs, 40).map((t) => flops / t / 1e3);
    const order = winogradApplies(c) ? `F(${winogradTile(c)}×${winogradTile(c)}) kept` : convLoopOrder(c);
    const taken = winogradApplies(c) ? rates[winogradTile(c) === 4 ? 6 : 4] : rates[order === 'streamed' ? 1 : 2];
    const cells = Array.from({ length: 7 }, (_, k) => (rates[k] === undefined ? '—' : rates[k].toFixed(1)));
    console.log(`| ${l.name} | ${cells.join(' | ')} | ${order} | ${(taken / rates[0]).toFixed(2)}× |`);
    tf.dispose([x, w, ...kept]);
    clearWinogradCache(backend);
  }
}

/** Depthwise 3×3 convolutions at stride 1 (MobileNetV2 at batch 1, mobilenet-tiny at batch 32), in GFLOP/s. */
function depthwiseTable(backend: BackendWasm): void {
  console.log('\n| depthwise 3×3, stride 1, padding same | XNNPACK | Stride | × |');
  console.log('|---|---:|---:|---:|');
  for (const shape of DEPTHWISE_LAYERS) {
    const x = tf.randomNormal(shape);
    const w = tf.randomNormal([3, 3, shape[3], 1]);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const [stock, stride] = bestInTurns(
      backend,
      [
        () => runStock('DepthwiseConv2dNative', backend, { x, filter: w }, attrs),
        () => tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: w }, attrs) as Info,
      ],
      40,
    );
    const flops = 2 * 9 * shape.reduce((a, b) => a * b, 1);
    console.log(`| ${shape.join('×')} | ${(flops / stock / 1e3).toFixed(1)} | ${(flops / stride / 1e3).toFixed(1)} | ${(stock / stride).toFixed(2)}× |`);
    tf.dispose([x, w]);
  }
}

void main();
