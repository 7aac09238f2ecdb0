// Inference-only rewrite of a trained model: each convolution followed by batch norm (and ReLU or ReLU6) becomes one
// convolution with a bias and that activation, so a forward pass runs one fused kernel instead of three or four.
import * as tf from '@tensorflow/tfjs';
import type { TrainingModel, TrainingNode } from '../protocol/training-model';
import type { ConvConfig } from './layers/lazy-conv-grad';
import { buildModel, tfName } from './model-builder';

/** A conv → batchnorm (→ activation) chain to fold; `last` is the node whose consumers now read the conv. */
interface Fold {
  readonly conv: TrainingNode;
  readonly bn: TrainingNode;
  readonly last: number;
  readonly activation: FoldActivation;
}

type FoldActivation = 'linear' | 'relu' | 'relu6';

const CONV_CLASSES: Readonly<Record<string, string>> = { conv2d: 'Conv2D', depthwise_conv2d: 'DepthwiseConv2D' };
/**
 * Activations that join the conv, by node kind or `activation(fn)`. The folded conv runs as one fused op
 * (`fusedCall`): tfjs-layers fuses only ReLU and only into Conv2D, applies ReLU6 as `minimum(6, relu(x))` (a scalar
 * broadcast slower than the conv itself on wasm), and its ReLU6 layer as two passes (`relu`, then `clipByValue`).
 */
const ACTIVATIONS: Readonly<Record<string, FoldActivation>> = { relu: 'relu', relu6: 'relu6' };

function consumersOf(model: TrainingModel): number[][] {
  const consumers: number[][] = model.nodes.map(() => []);
  for (const n of model.nodes) for (const i of n.inputs) consumers[i].push(n.id);
  for (const o of model.outputs) consumers[o].push(-1);
  return consumers;
}

/** The layer tfjs built for a node, when it is exactly the one layer of that name and class. */
function layerOf(model: tf.LayersModel, node: TrainingNode, className: string): tf.layers.Layer | undefined {
  const layer = model.layers.find((l) => l.name === tfName(node.name));
  return layer?.getClassName() === className ? layer : undefined;
}

/** The activation after a batch norm that the conv can apply itself: a sole consumer that is ReLU. */
function activationAfter(model: TrainingModel, consumers: number[][], bn: TrainingNode): Pick<Fold, 'last' | 'activation'> {
  const [next] = consumers[bn.id];
  const node = consumers[bn.id].length === 1 && next >= 0 ? model.nodes[next] : undefined;
  const fn = node && (node.kind === 'activation' ? String(node.args.fn) : node.kind);
  if (!node || node.inputs.length !== 1 || !fn || !Object.hasOwn(ACTIVATIONS, fn)) return { last: bn.id, activation: 'linear' };
  return { last: node.id, activation: ACTIVATIONS[fn] };
}

/** Chains whose conv is a plain tfjs conv layer without activation, read only by a channels-last batch norm. */
function findFolds(training: TrainingModel, model: tf.LayersModel): Fold[] {
  const consumers = consumersOf(training);
  const folds: Fold[] = [];
  for (const conv of training.nodes) {
    const className = CONV_CLASSES[conv.kind];
    const only = consumers[conv.id];
    if (!className || only.length !== 1 || only[0] < 0 || (conv.args.activation ?? 'linear') !== 'linear') continue;
    const bn = training.nodes[only[0]];
    const axis = Number(bn.args.axis ?? -1);
    if (bn.kind !== 'batchnorm' || (axis !== -1 && axis !== (conv.shape?.length ?? 0)) || bn.inputs.length !== 1) continue;
    if (!layerOf(model, conv, className) || !layerOf(model, bn, 'BatchNormalization')) continue;
    folds.push({ conv, bn, ...activationAfter(training, consumers, bn) });
  }
  return folds;
}

/** The model with each fold's conv given a bias and the activation, and its batch norm (and activation) bypassed. */
function rewired(training: TrainingModel, folds: readonly Fold[]): TrainingModel {
  const replace = new Map(folds.map((f) => [f.last, f.conv.id]));
  const convs = new Map(folds.map((f) => [f.conv.id, f]));
  const nodes = training.nodes.map((n) => {
    const fold = convs.get(n.id);
    const inputs = n.inputs.map((i) => replace.get(i) ?? i);
    return fold ? { ...n, inputs, args: { ...n.args, bias: true, activation: fold.activation } } : { ...n, inputs };
  });
  return { ...training, nodes, outputs: training.outputs.map((o) => replace.get(o) ?? o) };
}

/** kernel · s and β + (b − μ) · s per output channel, s = γ / √(σ² + ε) (a depthwise kernel's channels are in·multiplier). */
function foldedWeights(conv: tf.layers.Layer, bn: tf.layers.Layer): tf.Tensor[] {
  return tf.tidy(() => {
    const named = (key: string) => bn.weights.find((w) => w.originalName.endsWith(`/${key}`))?.read();
    const [kernel, oldBias] = conv.getWeights();
    const mean = named('moving_mean')!;
    const epsilon = Number((bn.getConfig() as { epsilon?: number }).epsilon ?? 1e-3);
    const scale = tf.div(named('gamma') ?? tf.onesLike(mean), tf.sqrt(tf.add(named('moving_variance')!, epsilon)));
    const [, , ci, co] = kernel.shape;
    const folded = tf.mul(kernel, conv.getClassName() === 'Conv2D' ? scale : tf.reshape(scale, [ci, co]));
    const shift = tf.mul(tf.sub(oldBias ?? tf.zerosLike(mean), mean), scale);
    return [folded, tf.add(named('beta') ?? tf.zerosLike(mean), shift)];
  });
}

/**
 * Makes a folded conv layer run one fused op — convolution, bias and activation — on every backend (the wasm
 * backend's fused kernels are Stride's where they apply). Layers in another data format keep tfjs-layers' call.
 */
function fusedCall(layer: tf.layers.Layer, activation: FoldActivation): void {
  const c = layer.getConfig() as unknown as ConvConfig;
  const [kernel, bias] = layer.weights;
  if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast' || !bias || !/kernel$/.test(kernel.originalName)) return;
  const depthwise = layer.getClassName() === 'DepthwiseConv2D';
  layer.call = (inputs) =>
    tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const args = { x, bias: bias.read(), strides: c.strides, pad: c.padding, dataFormat: 'NHWC' as const, dilations: c.dilationRate, activation };
      return depthwise
        ? tf.fused.depthwiseConv2d({ ...args, filter: kernel.read() as tf.Tensor4D })
        : tf.fused.conv2d({ ...args, filter: kernel.read() as tf.Tensor4D });
    });
}

export interface FoldedModel {
  readonly model: tf.LayersModel;
  /** How many batch norms were folded away. */
  readonly folded: number;
}

/**
 * The trained model rewritten for inference (same outputs up to float rounding); the original is left alone and
 * stays the caller's. A model with nothing to fold comes back as the same model object.
 */
export function foldForInference(training: TrainingModel, model: tf.LayersModel): FoldedModel {
  const folds = findFolds(training, model);
  if (folds.length === 0) return { model, folded: 0 };
  const next = buildModel(rewired(training, folds), { placeholder: true });
  const byConv = new Map(folds.map((f) => [tfName(f.conv.name), f]));
  try {
    for (const layer of next.layers) {
      const fold = byConv.get(layer.name);
      const source = model.getLayer(layer.name);
      const weights = fold ? foldedWeights(source, model.getLayer(tfName(fold.bn.name))) : source.getWeights();
      layer.setWeights(weights);
      if (!fold) continue;
      tf.dispose(weights);
      fusedCall(layer, fold.activation);
    }
  } catch (e) {
    next.dispose();
    throw e;
  }
  return { model: next, folded: folds.length };
}
