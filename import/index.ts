// The ONNX importer's entry point: the bytes of an ONNX file to the text of a `.stride` file.

import { ImportError, readOnnx } from './read';
import { importOnnx, type ImportOptions } from './walk';

export { ImportError } from './read';
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

/** Imports the ONNX file `bytes` (named `file` in errors) as a model called `name`. */
export function importFile(bytes: Uint8Array, file: string, name?: string, options: ImportOptions = {}): string {
  const model = readOnnx(bytes, file);
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ImportError(`'${name}' is not a model name`);
  return importOnnx(
    model,
    name ?? modelName(model.graph?.name && !/^(torch_jit|main_graph)$/.test(model.graph.name) ? model.graph.name : (file.split(/[\\/]/).pop() ?? 'Imported')),
    options,
  );
}
