// Convolutions whose gradients are computed only when asked for. While tfjs records gradients, its Conv2D layer with a
// linear activation runs the fused op, whose custom gradient computes the input gradient eagerly with the filter's —
// also for a convolution on the model's input, where nothing uses it (~2.4 ms of a resnet8 step for its 3-channel first
// layer, bench/README.md). Here such a layer runs the same FusedConv2D kernel, recorded with a gradient whose parts are
// lazy: tfjs asks for an input's gradient only when the input depends on a weight. Outside gradient recording
// (prediction) the layer runs as before.

import * as tf from '@tensorflow/tfjs';

/** The kernel run directly (tfjs's own fused op wraps it in a custom gradient instead, so this one is only ours). */
const FUSED_CONV = 'FusedConv2D';

interface ConvAttrs {
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same';
  readonly dataFormat: 'NHWC';
}

let registered = false;

/** The gradient of a direct FusedConv2D with a linear activation and no dilation: each part computed on demand. */
function registerLazyGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: FUSED_CONV,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const a = attrs as unknown as ConvAttrs;
      const g = dy as tf.Tensor4D;
      const common = { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...common, inputShape: x.shape }) as tf.Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...common, filterShape: filter.shape }) as tf.Tensor,
        bias: () => tf.sum(g, [0, 1, 2]),
      };
    },
  });
}

/** Every linear, undilated Conv2D of `model` computes each gradient only when asked for it while training. */
export function lazyConvGradients(model: tf.LayersModel): void {
  for (const layer of model.layers) lazyGradients(layer);
}

/** What a built tfjs-layers Conv2D or DepthwiseConv2D layer's getConfig() holds that a direct kernel call needs. */
export interface ConvConfig {
  readonly activation?: string;
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly dataFormat?: string;
}

/** Runs `layer` (when it is a linear, undilated 2-D Conv2D, already built) with lazy gradients while training. */
function lazyGradients(layer: tf.layers.Layer): void {
  if (layer.getClassName() !== 'Conv2D') return;
  const c = layer.getConfig() as unknown as ConvConfig;
  if ((c.activation ?? 'linear') !== 'linear' || (c.dataFormat ?? 'channelsLast') !== 'channelsLast') return;
  if (c.dilationRate.some((d) => d !== 1) || (c.padding as string) === 'causal') return;
  const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel'));
  const bias = layer.weights.find((w) => w.originalName.endsWith('/bias'));
  if (!kernel) return;
  registerLazyGradient();
  const attrs = { strides: c.strides, pad: c.padding, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
  const fused = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    if (tf.engine().state.gradientDepth === 0) return fused(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const named: tf.NamedTensorMap = bias ? { x, filter: kernel.read(), bias: bias.read() } : { x, filter: kernel.read() };
      return tf.engine().runKernel(FUSED_CONV, named, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
  };
}
