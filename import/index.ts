// The importers' entry point: the bytes of an ONNX file to the text of a `.stride` file (and its weights), or any
// supported model file (ONNX, tfjs model.json, Keras .keras or .h5) by its path to the text and its weights.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { analyze } from '../core/analyze';
import { graphOf } from './graph';
import type { Imported } from './imported';
import { importKerasZip, importLegacyH5 } from './keras/keras-file';
import { importTfjs } from './keras/tfjs';
import { CONVERTED_KINDS, inTextLayout, Initializers, onnxWeights } from './onnx-weights';
import { ImportError, readOnnx } from './read';
import { importOnnx, importOnnxLayers, type ImportOptions } from './walk';
import { checkWeightCounts, weightedLayers } from './weights-check';

export { ImportError } from './read';
export type { Imported, LayerWeights } from './imported';
export type { ImportOptions } from './walk';

/** A Stride model name from a graph or file name: letters, digits and underscores, starting with a capital. */
export function modelName(raw: string): string {
  const words = raw
    .replace(/\.(onnx|keras|h5|hdf5|json)$/i, '')
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
  const { text, layers: written } = importOnnxLayers(model, modelName, options);
  const analysed = analyze(text).models.find((m) => m.graph.name === modelName);
  if (!analysed) throw new ImportError(`the imported text holds no model '${modelName}'`);
  const layers = weightedLayers(analysed, text);
  const other = layers.find((l) => !CONVERTED_KINDS.has(l.kind));
  if (other) throw new ImportError(`layer '${other.name}' (${other.kind}, line ${other.line}): the weights of a ${other.kind} are not imported from ONNX`);
  const weights = inTextLayout(onnxWeights(graphOf(model), new Initializers(model.graph as onnx.IGraphProto), written), layers);
  checkWeightCounts(weights, layers, modelName);
  return { text, weights, model: modelName };
}

/** Keras's default model names say nothing; the file (or, for model.json, its folder) says more. */
const GENERIC = /^(sequential|functional|model)(_\d+)?$/i;

function namer(file: string, name: string | undefined): (configName: string) => string {
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ImportError(`'${name}' is not a model name`);
  const base = path.basename(file);
  const fromFile = base.toLowerCase() === 'model.json' ? path.basename(path.dirname(path.resolve(file))) : base;
  return (configName) => name ?? modelName(configName && !GENERIC.test(configName) ? configName : fromFile);
}

/** The kind of model file: by extension, else by its first bytes (zip, HDF5, JSON), else ONNX. */
function kindOf(file: string, head: Buffer): 'onnx' | 'tfjs' | 'keras' | 'h5' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'tfjs';
  if (ext === '.keras') return 'keras';
  if (ext === '.h5' || ext === '.hdf5') return 'h5';
  if (ext === '.onnx') return 'onnx';
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'keras';
  if (head.subarray(0, 4).equals(Buffer.from('\x89HDF', 'latin1'))) return 'h5';
  return head[0] === 0x7b ? 'tfjs' : 'onnx';
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ImportError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Imports the model file at `file` as a model called `name`: the `.stride` text, the model's name in it, and the
 * weights (an ONNX file's converted to Stride's layout; a `.keras` file without model.weights.h5 gives null).
 */
export function importPath(file: string, name?: string): Imported & { readonly model: string } {
  let model = '';
  const named = namer(file, name);
  const remember = (configName: string) => (model = named(configName));
  const withModel = (imported: Imported) => ({ ...imported, model });
  if (path.extname(file).toLowerCase() === '.json') return withModel(importTfjs(file, remember));
  const bytes = readFile(file);
  const kind = kindOf(file, bytes.subarray(0, 8));
  const base = path.basename(file);
  if (kind === 'keras') return withModel(importKerasZip(bytes, base, remember));
  if (kind === 'h5') return withModel(importLegacyH5(bytes, base, remember));
  if (kind === 'tfjs') return withModel(importTfjs(file, remember));
  return importOnnxModel(bytes, file, name);
}
