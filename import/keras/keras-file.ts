// Reads Keras files: the `.keras` zip (config.json + model.weights.h5, Keras 3) and the legacy `.h5` (Keras 2).

import type * as hdf5 from 'jsfive';
import { ImportError } from '../read';
import { readModelConfig } from './config';
import { convertModel } from './convert';
import { at, child, guarded, openH5, stringAttr, stringsAttr, tensorOf } from './hdf5';
import type { Imported, KLayer, Tensor } from './types';
import { MAX_WEIGHT_BYTES, pickNamed } from './weights';
import { readEntry, zipEntries } from './zip';

/** Larger files are refused before reading: the whole file is held in memory. */
export const MAX_KERAS_BYTES = MAX_WEIGHT_BYTES + (64 << 20);

function checkSize(bytes: Buffer, what: string): void {
  if (bytes.length > MAX_KERAS_BYTES) throw new ImportError(`${what} is ${bytes.length} bytes, over the ${MAX_KERAS_BYTES}-byte limit`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ImportError(`${what} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Keras 3 keeps a layer's variables, in creation order, as datasets `0`, `1`, … of `layers/<name>/vars`
 * (`_layer_checkpoint_dependencies/<name>/vars` in Keras 2's saving_lib); a recurrent layer's are in its `cell`.
 */
function kerasVars(root: hdf5.Group, l: KLayer, names: readonly string[], what: string): Tensor[] | null {
  for (const top of ['layers', '_layer_checkpoint_dependencies']) {
    for (const path of [`${top}/${l.name}/vars`, `${top}/${l.name}/cell/vars`]) {
      const vars = at(root, path, what) as hdf5.Group | null;
      const keys = vars ? guarded(what, () => vars.keys) : [];
      if (!vars || keys.length === 0) continue;
      if (keys.length !== names.length)
        throw new ImportError(`${what}: ${l.cls} layer '${l.name}' has ${keys.length} saved variables, expected ${names.length} (${names.join(', ')})`);
      return names.map((_n, i) => tensorOf(child(vars, String(i), what), `${l.name}/vars/${i}`, what));
    }
  }
  return null;
}

/** Imports a `.keras` file: its config.json and, when present, model.weights.h5. */
export function importKerasZip(bytes: Buffer, file: string, name: (configName: string) => string): Imported {
  checkSize(bytes, file);
  const entries = zipEntries(bytes, file);
  const config = entries.get('config.json');
  if (!config) throw new ImportError(`${file} has no config.json: it is not a .keras file`);
  if (config.size > 64 << 20) throw new ImportError(`${file}: config.json declares ${config.size} bytes, over the 64 MiB limit`);
  const model = readModelConfig(parseJson(readEntry(bytes, config, file).toString('utf8'), `${file}: config.json`), `${file}: config.json`);
  const weights = entries.get('model.weights.h5');
  const root = weights ? openH5(readEntry(bytes, weights, file), `${file}: model.weights.h5`) : null;
  const source = root && ((l: KLayer, names: readonly string[]) => kerasVars(root, l, names, `${file}: model.weights.h5`));
  return convertModel(model, name(model.name), `the Keras file ${file}`, source);
}

/** Every weight of a legacy file by its full name: `model_weights/<layer>/<weight name>` as `weight_names` lists them. */
function legacyWeights(group: hdf5.Group, what: string): Map<string, Tensor> {
  const named = new Map<string, Tensor>();
  for (const layer of stringsAttr(group, 'layer_names', what)) {
    const g = child(group, layer, what) as hdf5.Group | null;
    if (!g) throw new ImportError(`${what}: the weights of layer '${layer}' are listed but missing`);
    for (const w of stringsAttr(g, 'weight_names', what)) {
      // Keras names weights after their variables (`dense/kernel:0`); file them under the layer's own name.
      const key = w.startsWith(`${layer}/`) ? w : `${layer}/${w}`;
      named.set(key, tensorOf(at(g, w, what), `${layer}/${w}`, what));
    }
  }
  return named;
}

/** Imports a legacy Keras `.h5` file: the `model_config` attribute and the `model_weights` group. */
export function importLegacyH5(bytes: Buffer, file: string, name: (configName: string) => string): Imported {
  checkSize(bytes, file);
  const root = openH5(bytes, file);
  const config = stringAttr(root, 'model_config', file);
  if (config === null) throw new ImportError(`${file} has no model_config attribute: it holds weights only, not a Keras model`);
  const model = readModelConfig(parseJson(config, `${file}: model_config`), `${file}: model_config`);
  const group = (child(root, 'model_weights', file) as hdf5.Group | null) ?? root;
  const named = legacyWeights(group, file);
  return convertModel(model, name(model.name), `the Keras file ${file}`, (l, names) => pickNamed(l, names, named, file));
}
