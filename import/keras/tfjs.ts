// Reads a tfjs LayersModel (`model.json` and the weight shards its manifest lists) into a Stride model and weights.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImportError } from '../read';
import { readModelConfig } from './config';
import { convertModel } from './convert';
import type { Imported, Json, Tensor } from './types';
import { elementCount, MAX_WEIGHT_BYTES, pickNamed } from './weights';

/** model.json holds only the topology and the manifest; a larger one is not a model.json. */
export const MAX_MODEL_JSON_BYTES = 64 << 20;

interface Spec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype?: string;
  readonly quantization?: unknown;
}

function readJson(file: string, what: string): Json {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    throw new ImportError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (size > MAX_MODEL_JSON_BYTES) throw new ImportError(`${what} is ${size} bytes, over the ${MAX_MODEL_JSON_BYTES}-byte limit for a model.json`);
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return json as Json;
  } catch (e) {
    throw new ImportError(`${what} is not a tfjs model.json (${(e as Error).message})`);
  }
}

/** A shard path must stay inside the model's folder: no absolute paths, no `..`. */
function shardPath(dir: string, rel: unknown, what: string): string {
  if (typeof rel !== 'string' || rel === '' || path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..'))
    throw new ImportError(`${what}: weight shard path ${JSON.stringify(rel)} is not a file beside model.json`);
  return path.join(dir, rel);
}

/** The concatenated bytes of one manifest group's shards, after checking they exist and fit the limit. */
function readShards(dir: string, paths: readonly unknown[], what: string, budget: { left: number }): Buffer {
  const files = paths.map((p) => shardPath(dir, p, what));
  for (const f of files) {
    if (!fs.existsSync(f)) throw new ImportError(`${what}: the weight shard '${path.relative(dir, f)}' is missing`);
    budget.left -= fs.statSync(f).size;
    if (budget.left < 0) throw new ImportError(`${what}: the weight shards are over the ${MAX_WEIGHT_BYTES}-byte limit`);
  }
  return Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

function checkSpec(s: Spec, what: string): number {
  if (s.quantization !== undefined) throw new ImportError(`${what}: weight '${s.name}' is quantized; only float32 weights are imported`);
  if ((s.dtype ?? 'float32') !== 'float32') throw new ImportError(`${what}: weight '${s.name}' is ${s.dtype}; only float32 weights are imported`);
  if (!Array.isArray(s.shape)) throw new ImportError(`${what}: weight '${s.name}' has no shape`);
  return elementCount(s.shape, s.name, what);
}

/** Every weight in the manifest by name: each group's weights lie one after another across its shards. */
function readWeights(json: Json, dir: string, what: string): Map<string, Tensor> {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new ImportError(`${what} has no weightsManifest`);
  const named = new Map<string, Tensor>();
  const budget = { left: MAX_WEIGHT_BYTES };
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw new ImportError(`${what}: a weightsManifest group lacks paths or weights`);
    const specs = group.weights as Spec[];
    const counts = specs.map((s) => checkSpec(s, what));
    const need = counts.reduce((a, b) => a + b, 0) * 4;
    const bytes = readShards(dir, group.paths, what, budget);
    if (bytes.length !== need)
      throw new ImportError(`${what}: the shards ${JSON.stringify(group.paths)} hold ${bytes.length} bytes but the manifest describes ${need}`);
    let offset = 0;
    specs.forEach((s, i) => {
      // Copied out: shard bytes are not 4-byte aligned in the concatenation.
      const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + counts[i] * 4));
      named.set(s.name, { shape: s.shape, data });
      offset += counts[i] * 4;
    });
  }
  return named;
}

/** Imports the tfjs model whose model.json is `file`; `name` names the Stride model. */
export function importTfjs(file: string, name: (configName: string) => string): Imported {
  const what = path.basename(file);
  const json = readJson(file, what);
  if (json.modelTopology === undefined) throw new ImportError(`${what} has no modelTopology (a tfjs graph model is not a LayersModel)`);
  const model = readModelConfig(json.modelTopology, what);
  const named = readWeights(json, path.dirname(file), what);
  return convertModel(model, name(model.name), `the tfjs model ${what}`, (l, names) => pickNamed(l, names, named, what));
}
