// Builds a tfjs LayersModel from a training model (the lowered graph the host sent) with the functional API.

import * as tf from '@tensorflow/tfjs';
import { defaultRegistry } from '../core/model/layers';
import type { LayerDef } from '../core/model/registry';
import { formatShape } from '../core/model/values';
import type { TrainingModel, TrainingNode } from '../protocol/training-model';
import { activationOf, nums, type LayerContext } from './layers/common';
import { lazyConvGradients } from './layers/lazy-conv-grad';
import { LAYER_FACTORIES } from './layers/make-layer';

export interface BuildOptions {
  /** Seeds every initializer and dropout layer: the same seed gives the same initial weights. */
  readonly seed?: number;
  /** Weights about to be replaced (prediction): kernels start as zeros instead of seeded random draws. */
  readonly placeholder?: boolean;
}

/** A model that cannot be built: the message names the layer, its kind and why. */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

/** Every kind the builder can turn into tfjs layers. */
export function supportedKinds(): string[] {
  return ['input', ...Object.keys(LAYER_FACTORIES)];
}

export function buildModel(model: TrainingModel, options: BuildOptions = {}): tf.LayersModel {
  checkBuildable(model);
  const graph = model;
  const tensors = new Map<number, tf.SymbolicTensor>();
  const seeds = seedSource(options.seed);
  for (const node of graph.nodes) {
    if (!reaches(graph, node.id)) continue;
    tensors.set(node.id, buildNode(node, model, tensors, seeds, options.placeholder));
  }
  const pick = (ids: readonly number[]) => ids.map((id) => tensors.get(id)!);
  let built: tf.LayersModel;
  try {
    built = tf.model({ name: tfName(graph.name), inputs: pick(graph.inputs), outputs: pick(graph.outputs) });
  } catch (e) {
    throw new BuildError(`Model '${graph.name}': tfjs could not assemble the graph: ${message(e)}`);
  }
  lazyConvGradients(built);
  return built;
}

/** Only layers on a path to an output become tfjs layers; dead branches would be disconnected inputs. */
function reaches(graph: TrainingModel, id: number): boolean {
  const live = liveNodes.get(graph) ?? computeLive(graph);
  return live.has(id);
}

const liveNodes = new WeakMap<object, Set<number>>();

function computeLive(graph: TrainingModel): Set<number> {
  const live = new Set<number>();
  const stack = [...graph.outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...graph.nodes[id].inputs);
  }
  // An input that feeds nothing is still a model input (tfjs requires every declared input).
  for (const id of graph.inputs) live.add(id);
  liveNodes.set(graph, live);
  return live;
}

/** The layer kind's definition in the core registry (the training model carries kinds, not definitions). */
export function layerDef(node: Pick<TrainingNode, 'kind'>): LayerDef | undefined {
  return defaultRegistry.get(node.kind);
}

/** The model must be free of unknown shapes and invalid layers before tfjs sees it. */
function checkBuildable(graph: TrainingModel): void {
  if (graph.inputs.length === 0) throw new BuildError(`Model '${graph.name}' has no input(…) layer.`);
  if (graph.outputs.length === 0) throw new BuildError(`Model '${graph.name}' has no output.`);
  for (const node of graph.nodes) {
    if (!layerDef(node)) throw new BuildError(`Model '${graph.name}': '${node.name}' calls unknown layer '${node.kind}'.`);
    if (node.shape === null) {
      throw new BuildError(`Model '${graph.name}': layer '${node.name}' (${node.kind}) has errors or an unknown output shape; fix the diagnostics first.`);
    }
  }
}

function buildNode(
  node: TrainingNode,
  model: TrainingModel,
  tensors: Map<number, tf.SymbolicTensor>,
  seeds: () => number | undefined,
  placeholder = false,
): tf.SymbolicTensor {
  const name = tfName(node.name);
  if (node.kind === 'input') {
    const shape = nums(node.args.shape).map((d) => (d === -1 ? null : d));
    return tf.input({ name, shape });
  }
  const inputs = node.inputs.map((id) => tensors.get(id)!);
  const ctx: LayerContext = {
    name,
    args: node.args,
    inputShapes: node.inputs.map((id) => model.nodes[id].shape ?? []),
    outputShape: node.shape ?? [],
    nextSeed: seeds,
    placeholder,
  };
  const layers = makeLayers(node, ctx);
  for (const layer of layers) nodeOfLayer.set(layer, node.name);
  let out: tf.SymbolicTensor | tf.SymbolicTensor[] = inputs.length === 1 ? inputs[0] : inputs;
  try {
    for (const layer of layers) out = layer.apply(out) as tf.SymbolicTensor;
  } catch (e) {
    throw new BuildError(`Layer '${node.name}' (${node.kind}) on ${node.inputs.map((id) => formatShape(model.nodes[id].shape)).join(', ')}: ${message(e)}`);
  }
  return out as tf.SymbolicTensor;
}

function makeLayers(node: TrainingNode, ctx: LayerContext): tf.layers.Layer[] {
  const factory = LAYER_FACTORIES[node.kind] ?? activationFallback(node);
  if (!factory) {
    throw new BuildError(
      `Layer kind '${node.kind}' (layer '${node.name}') cannot be trained yet: the tfjs model builder has no implementation for it. Supported kinds: ${supportedKinds().join(', ')}.`,
    );
  }
  try {
    const made = factory(ctx);
    return Array.isArray(made) ? made : [made];
  } catch (e) {
    throw new BuildError(`Layer '${node.name}' (${node.kind}): ${message(e)}`);
  }
}

/** Activation kinds added to the registry later work as long as tfjs knows their function. */
function activationFallback(node: TrainingNode): ((ctx: LayerContext) => tf.layers.Layer) | undefined {
  const fn = layerDef(node)?.activationFn;
  if (!fn) return undefined;
  try {
    activationOf(fn);
  } catch {
    return undefined;
  }
  return (ctx) => tf.layers.activation({ name: ctx.name, activation: activationOf(fn) });
}

/**
 * Distinct seeds per initializer, derived from the model seed; undefined leaves tfjs random.
 * The sequence depends only on build order, so the same source and seed give the same weights.
 */
function seedSource(seed: number | undefined): () => number | undefined {
  if (seed === undefined) return () => undefined;
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state % 2147483647;
  };
}

/** The training-model node each built tfjs layer belongs to (a node may need several layers): what fine-tuning names. */
export const nodeOfLayer = new WeakMap<tf.layers.Layer, string>();

/** tfjs weight names must start with a letter or digit; block instances use `/`, which tfjs allows. */
export function tfName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_./-]/g, '_');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `l${cleaned}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
