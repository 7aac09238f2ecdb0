// The import behind the model file viewer and Stride: Import Model…, bundled apart (dist/importer.js) so the
// protobuf reader and the importers load only when a model file is opened or imported.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../core/analyze';
import { ImportError, importFile, importOnnxModel, importPath, type Imported } from '../../import/index';
import { MAX_ONNX_BYTES } from '../../import/read';
import { LineIndex } from '../../ide/line-index';
import { DEFAULT_GRAPH_BATCH, modelGraph } from '../../ide/model-graph';
import { modelSummary } from '../../ide/summary-rows';
import type { ModelGraphResult, SummaryResult } from '../../protocol/lsp-ext';
import { MAX_GRAPH_NODES } from '../../protocol/lsp-ext';
import type { PreviewGraph } from '../../protocol/preview';
import { weightsDir } from '../../train/node/saved-files';
import { fromModelGraph } from '../../webview/layout/from-model-graph';

type WeightsWriter = typeof import('../../import/weights-out');

export type ImportResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * The one call into the importers for every model file the editor reads: ONNX by its bytes (the text only, its
 * weights are not converted for a view), tfjs `model.json` with its shards and Keras `.keras`/`.h5` by path.
 */
function importText(file: string): string {
  if (path.extname(file).toLowerCase() === '.onnx') return importFile(fs.readFileSync(file), path.basename(file));
  return importPath(file).text;
}

/** Imports a model file for the viewer: every failure becomes a readable message, never a throw. */
export function importModelFile(file: string): ImportResult {
  return readable(file, () => ({ ok: true, text: importText(file) }));
}

/** What Convert and Import Model… get: the text, and the weights to save (null when the file holds none). */
export type ConvertImport =
  | {
      readonly ok: true;
      readonly text: string;
      readonly weights: (Imported & { readonly model: string }) | null;
      /** Why the weights could not be read while the text could (an ONNX tensor type Stride does not import). */
      readonly weightsError?: string;
    }
  | { readonly ok: false; readonly error: string };

/** Imports a model file with its weights for Convert and Import Model…; failures are readable messages, never throws. */
export function importForConvert(file: string): ConvertImport {
  return readable(file, () => {
    if (path.extname(file).toLowerCase() !== '.onnx') {
      const imported = importPath(file);
      return { ok: true, text: imported.text, weights: imported.weights ? imported : null };
    }
    const bytes = fs.readFileSync(file);
    try {
      const imported = importOnnxModel(bytes, path.basename(file));
      return { ok: true, text: imported.text, weights: imported };
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      return { ok: true, text: importFile(bytes, path.basename(file)), weights: null, weightsError: e.message };
    }
  });
}

/** Runs an import, turning every failure into a readable message; a file over the limit is refused before it is read. */
function readable<T>(file: string, run: () => T): T | { readonly ok: false; readonly error: string } {
  const name = path.basename(file);
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_ONNX_BYTES) return { ok: false, error: `${name} is ${size} bytes, over the ${MAX_ONNX_BYTES}-byte limit` };
    return run();
  } catch (e) {
    if (e instanceof ImportError) return { ok: false, error: e.message };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: (e as NodeJS.ErrnoException).code ? `cannot read ${name}: ${message}` : `the importer failed on ${name}: ${message}` };
  }
}

export type SavedWeights = { readonly ok: true; readonly dir: string; readonly layers: number } | { readonly ok: false; readonly error: string };

/**
 * Saves imported weights where Run Model on Image, the training panel and `stride predict` look for the weights of
 * the model in `strideFile` (`NAME.weights/MODEL`). A folder Stride did not write is refused, never replaced. tfjs
 * is loaded here, on first use: the viewer never pays for it.
 */
export async function saveImportedWeights(weights: Imported & { readonly model: string }, strideFile: string): Promise<SavedWeights> {
  const dir = weightsDir(strideFile, weights.model);
  try {
    const writer = require('../../import/weights-out') as WeightsWriter;
    const written = await writer.writeWeightsFolder(weights, weights.model, dir);
    return { ok: true, dir: written.dir, layers: written.layers };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** What the viewer shows of an imported model: the drawing's graph and the summary table. */
export interface ModelView {
  readonly graph: PreviewGraph;
  readonly summary: SummaryResult;
  readonly lines: number;
}

/**
 * Analyses the Stride text exactly as the language server does (the same core analysis and ide facts), with `uri`
 * standing for the model file; undefined when the text holds no model.
 */
export function viewOf(text: string, uri: string): ModelView | undefined {
  const analysis = analyze(text);
  const facts = modelGraph(analysis, {}, MAX_GRAPH_NODES);
  const summary = modelSummary(analysis, {}, { rows: true, memoryBatchSize: DEFAULT_GRAPH_BATCH });
  if (!facts || !summary) return undefined;
  const lines = new LineIndex(text);
  const range = (span: { start: number; end: number }) => ({ start: lines.position(span.start), end: lines.position(span.end) });
  const { instances, nodes: kept, nodeCount, ...rest } = facts;
  // Like the server, very large models are drawn up to MAX_GRAPH_NODES layers; the summary keeps every row.
  const cut = nodeCount > kept.length;
  const ids = new Set(kept.map((n) => n.id));
  const result: ModelGraphResult = {
    uri,
    version: 0,
    ...rest,
    ...(cut ? { inputs: rest.inputs.filter((id) => ids.has(id)), outputs: rest.outputs.filter((id) => ids.has(id)), truncatedFrom: nodeCount } : {}),
    nodes: kept.map(({ span, inputs, ...node }) => ({ ...node, inputs: inputs.filter((id) => ids.has(id)), range: range(span) })),
    instances: instances.map(({ span, ...instance }) => ({ ...instance, range: range(span) })),
  };
  return { graph: fromModelGraph(result), summary: { uri, version: 0, ...summary }, lines: lines.lineCount };
}

/** Where the `.stride` text of a model file goes: beside it, named after it (`resnet18.onnx` → `resnet18.stride`). */
export function strideTarget(file: string): string {
  const base = path.basename(file).replace(/\.(onnx|keras|h5|json)$/i, '');
  return path.join(path.dirname(file), `${base || 'model'}.stride`);
}
