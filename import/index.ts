// The ONNX importer's entry point: the bytes of an ONNX file to the text of a `.stride` file, and its weights.

import type { onnx } from 'onnx-proto';
import { analyze } from '../core/analyze';
import { graphOf } from './graph';
import type { Imported } from './imported';
import { inTextLayout, Initializers, onnxWeights } from './onnx-weights';
import { ImportError, readOnnx } from './read';
import { importOnnx, type ImportOptions } from './walk';
import { checkWeightCounts, weightedLayers } from './weights-check';

export { ImportError } from './read';
export type { Imported, LayerWeights } from './imported';
export type { ImportOptions } from './walk';

/** A Stride model name from a graph or file name: letters, digits and underscores, starting with a capital. */
export function modelName(raw: string): string {
  const words = raw
    .replace(/\.onnx$/i, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z]/.test(name) ? name : `Model${name}`;
}

/** The model's name: `name` when given (and valid), else the graph's name unless an exporter's default, else the file's. */
function nameOf(model: onnx.ModelProto, file: string, name?: string): string {
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ImportError(`'${name}' is not a model name`);
  return (
    name ?? modelName(model.graph?.name && !/^(torch_jit|main_graph)$/.test(model.graph.name) ? model.graph.name : (file.split(/[\\/]/).pop() ?? 'Imported'))
  );
}

/** Imports the ONNX file `bytes` (named `file` in errors) as a model called `name`. */
export function importFile(bytes: Uint8Array, file: string, name?: string, options: ImportOptions = {}): string {
  const model = readOnnx(bytes, file);
  return importOnnx(model, nameOf(model, file, name), options);
}

/**
 * Imports the ONNX file (as the model `model`) with its weights in Stride's layout, checked against the text's layers (their number and each
 * one's parameter count), so a mismatch is refused here, naming the layer and the ONNX node.
 */
export function importOnnxModel(bytes: Uint8Array, file: string, name?: string, options: ImportOptions = {}): Imported & { readonly model: string } {
  const model = readOnnx(bytes, file);
  const modelName = nameOf(model, file, name);
  const text = importOnnx(model, modelName, options);
  const analysed = analyze(text).models.find((m) => m.graph.name === modelName);
  if (!analysed) throw new ImportError(`the imported text holds no model '${modelName}'`);
  const layers = weightedLayers(analysed, text);
  const weights = inTextLayout(onnxWeights(graphOf(model), new Initializers(model.graph as onnx.IGraphProto)), layers);
  checkWeightCounts(weights, layers, modelName);
  return { text, weights, model: modelName };
}
