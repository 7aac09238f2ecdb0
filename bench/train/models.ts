// The reference training nets of the throughput benchmark, built directly with tf.layers (batch norm: Stride's, and
// convolutions with lazy gradients, as `stride train` builds them).
import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../../train/layers/fused-batchnorm';
import { lazyConvGradients } from '../../train/layers/lazy-conv-grad';

export interface BenchModel {
  readonly name: string;
  readonly inputShape: [number, number, number];
  readonly classes: number;
  readonly build: () => tf.LayersModel;
}

const L = tf.layers;

/** MNIST-size: 28×28×1 → conv8 → pool → conv16 → pool → dense10. */
function tinyCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      L.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** CIFAR-size VGG style: conv32×2, pool, conv64×2, pool, dense128, dense10. */
function vggSmall(): tf.LayersModel {
  const conv = (filters: number, first = false) =>
    L.conv2d({ ...(first ? { inputShape: [32, 32, 3] } : {}), filters, kernelSize: 3, padding: 'same', activation: 'relu' });
  return tf.sequential({
    layers: [
      conv(32, true),
      conv(32),
      L.maxPooling2d({ poolSize: 2 }),
      conv(64),
      conv(64),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 128, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

type T = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: T | T[]) => layer.apply(x) as T;

function convBn(x: T, filters: number, kernel: number, stride: number, relu: boolean): T {
  let y = apply(L.conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false }), x);
  y = apply(batchNormalization({}), y);
  return relu ? apply(L.activation({ activation: 'relu' }), y) : y;
}

/** A basic residual block; a strided block projects its shortcut with a 1×1 conv. */
function basicBlock(x: T, filters: number, stride: number): T {
  const shortcut = stride === 1 ? x : convBn(x, filters, 1, stride, false);
  const y = convBn(convBn(x, filters, 3, stride, true), filters, 3, 1, false);
  return apply(L.activation({ activation: 'relu' }), apply(L.add(), [y, shortcut]));
}

/** ResNet-8 for 32×32 (He et al.'s CIFAR family with one block per stage: 16, 32, 64 filters). */
function resnet8(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = convBn(input, 16, 3, 1, true);
  x = basicBlock(x, 16, 1);
  x = basicBlock(x, 32, 2);
  x = basicBlock(x, 64, 2);
  x = apply(L.globalAveragePooling2d({}), x);
  const output = apply(L.dense({ units: 10, activation: 'softmax' }), x);
  return tf.model({ inputs: input, outputs: output });
}

function bnAct(x: T, relu6: boolean): T {
  const y = apply(batchNormalization({}), x);
  // As Stride builds `relu6()` (train/layers/make-layer.ts): ReLU, then a clip at 6.
  return relu6 ? apply(L.reLU({ maxValue: 6 }), y) : y;
}

/** 1×1 expansion (unless `expand` is 1), 3×3 depthwise, linear 1×1 projection; the input added back when shapes match. */
function inverted(x: T, inC: number, outC: number, stride: number, expand: number): T {
  let y = x;
  if (expand !== 1) y = bnAct(apply(L.conv2d({ filters: inC * expand, kernelSize: 1, useBias: false }), y), true);
  y = bnAct(apply(L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false }), y), true);
  y = bnAct(apply(L.conv2d({ filters: outC, kernelSize: 1, useBias: false }), y), false);
  return stride === 1 && inC === outC ? apply(L.add(), [y, x]) : y;
}

/** A MobileNetV2 for 32×32: conv16 stem, inverted residual blocks (expansion 6) of 8, 16, 24, 32 channels, 1×1 to 128. */
function mobilenetTiny(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = bnAct(apply(L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false }), input), true);
  x = inverted(x, 16, 8, 1, 1);
  x = inverted(x, 8, 16, 2, 6);
  x = inverted(x, 16, 16, 1, 6);
  x = inverted(x, 16, 24, 2, 6);
  x = inverted(x, 24, 24, 1, 6);
  x = inverted(x, 24, 32, 2, 6);
  x = bnAct(apply(L.conv2d({ filters: 128, kernelSize: 1, useBias: false }), x), true);
  x = apply(L.globalAveragePooling2d({}), x);
  const output = apply(L.dense({ units: 10, activation: 'softmax' }), x);
  return tf.model({ inputs: input, outputs: output });
}

/** What train/model-builder.ts does to every model after assembling it. */
const asStride = (build: () => tf.LayersModel) => () => {
  const model = build();
  lazyConvGradients(model);
  return model;
};

export const BENCH_MODELS: readonly BenchModel[] = [
  { name: 'tiny-cnn', inputShape: [28, 28, 1], classes: 10, build: asStride(tinyCnn) },
  { name: 'vgg-small', inputShape: [32, 32, 3], classes: 10, build: asStride(vggSmall) },
  { name: 'resnet8', inputShape: [32, 32, 3], classes: 10, build: asStride(resnet8) },
  { name: 'mobilenet-tiny', inputShape: [32, 32, 3], classes: 10, build: asStride(mobilenetTiny) },
];

/** The benchmark net named `name`, freshly built (what a partner thread of a data-parallel run builds). */
export function buildBenchModel(name: string): tf.LayersModel {
  const spec = BENCH_MODELS.find((m) => m.name === name);
  if (!spec) throw new Error(`unknown model ${name}`);
  return spec.build();
}
