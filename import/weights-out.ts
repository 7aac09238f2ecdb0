// Writes imported weights as a Stride weights folder: builds the model the text describes, checks every layer's
// weight shapes against the imported list, sets them, and saves the folder `stride predict` and the editor read.

import * as tf from '@tensorflow/tfjs';
import { analyze } from '../core/analyze';
import { LineIndex } from '../ide/line-index';
import { trainingModelFor } from '../ide/training-model';
import type { TrainingModel } from '../protocol/training-model';
import { buildModel, tfName } from '../train/model-builder';
import { selectBackend } from '../train/node/backends/select';
import { saveModel } from '../train/node/weights';
import type { Imported, LayerWeights } from './imported';
import { ImportError } from './read';

/** What was written: the folder, how many layers got weights and how many numbers they hold. */
export interface WrittenWeights {
  readonly dir: string;
  readonly layers: number;
  readonly values: number;
}

/** A layer of the model that has weights: its node (name, kind, line) and the tfjs layers it was built as. */
interface Owner {
  readonly name: string;
  readonly kind: string;
  readonly line: number;
  readonly layers: tf.layers.Layer[];
}

const shapeText = (s: readonly number[]) => `(${s.join(', ')})`;

/**
 * Builds `modelName` from `imported.text`, sets the imported weights and saves them in `dir` atomically (a failure
 * leaves no half-written folder, and an existing folder Stride did not write is never replaced).
 */
export async function writeWeightsFolder(imported: Imported, modelName: string, dir: string): Promise<WrittenWeights> {
  if (!imported.weights) throw new ImportError('the import holds no weights to write');
  const analysis = analyze(imported.text);
  const lowered = trainingModelFor(analysis, { name: modelName }, `${modelName}.stride`);
  if (!lowered.ok) throw new ImportError(lowered.error);
  const lines = new LineIndex(imported.text);
  const graph = analysis.models.find((m) => m.graph.name === modelName)?.graph;
  const lineOf = (id: number) => (graph ? lines.position(graph.nodes[id].span.start).line + 1 : 0);
  await selectBackend({ warn: () => undefined });
  const model = buildModel(lowered.value, { seed: 1 });
  try {
    const owners = weightedLayers(model, lowered.value, lineOf);
    if (owners.length !== imported.weights.length) {
      throw new ImportError(
        `model '${modelName}' has ${owners.length} layers with weights but the file holds weights for ${imported.weights.length}; the text and the weights do not describe the same model`,
      );
    }
    let values = 0;
    owners.forEach((owner, i) => (values += setLayerWeights(owner, imported.weights![i])));
    const inputShape = lowered.value.nodes[lowered.value.inputs[0]].shape ?? [];
    await saveModel(model, dir, { model: modelName, inputShape, classes: [] });
    return { dir, layers: owners.length, values };
  } finally {
    model.dispose();
  }
}

/**
 * The layers with weights in the order of the model's nodes (the text's order, blocks expanded). A node is built as
 * one tfjs layer named after it, sometimes preceded by a `_depthwise` one (a dilated separable or depthwise
 * convolution); layers without weights (explicit padding, activations) are left out.
 */
function weightedLayers(model: tf.LayersModel, lowered: TrainingModel, lineOf: (id: number) => number): Owner[] {
  const byNode = new Map<string, tf.layers.Layer[]>();
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const node = layer.name.replace(/_depthwise$/, '');
    byNode.set(node, [...(byNode.get(node) ?? []), layer]);
  }
  const owners: Owner[] = [];
  for (const node of lowered.nodes) {
    const layers = byNode.get(tfName(node.name));
    if (!layers) continue;
    owners.push({ name: node.name, kind: node.kind, line: lineOf(node.id), layers });
  }
  return owners;
}

/** Sets one layer's weights after checking their number and shapes; returns how many numbers were set. */
function setLayerWeights(owner: Owner, given: LayerWeights): number {
  const where = `layer '${owner.name}' (${owner.kind}, line ${owner.line})`;
  const wanted = owner.layers.flatMap((l) => l.weights);
  if (wanted.length !== given.tensors.length) {
    throw new ImportError(`${where} has ${wanted.length} weights but ${given.line} in the file has ${given.tensors.length}`);
  }
  const tensors = wanted.map((w, k) => {
    const t = given.tensors[k];
    if (!sameLayout(w.shape as number[], t.shape)) {
      throw new ImportError(
        `${where}: weight '${w.originalName}' has shape ${shapeText(w.shape as number[])} but ${given.line} in the file gives ${shapeText(t.shape)}`,
      );
    }
    return tf.tensor(t.data, w.shape as number[], 'float32');
  });
  try {
    let at = 0;
    for (const layer of owner.layers) {
      layer.setWeights(tensors.slice(at, at + layer.weights.length));
      at += layer.weights.length;
    }
  } finally {
    tf.dispose(tensors);
  }
  return given.tensors.reduce((n, t) => n + t.data.length, 0);
}

/**
 * Equal shapes, or a depthwise kernel given as a grouped one (kh, kw, 1, C·m) for a layer that keeps (kh, kw, C, m),
 * or the reverse: both hold the same numbers in the same order, output channel c·m + k.
 */
function sameLayout(want: readonly number[], got: readonly number[]): boolean {
  if (want.length === got.length && want.every((d, i) => d === got[i])) return true;
  if (want.length !== 4 || got.length !== 4 || want[0] !== got[0] || want[1] !== got[1]) return false;
  const depthwise = (a: readonly number[], b: readonly number[]) => a[2] === 1 && b[2] * b[3] === a[3];
  return depthwise(want, got) || depthwise(got, want);
}
