// Writes real Keras files with h5py (Debian python3-h5py), since Keras itself is not installable here: the legacy
// `.h5` in Keras 2's layout and the `.keras` zip in Keras 3's, holding the weights of a tfjs model.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { tmp } from './keras-harness';

const hasH5py = spawnSync('/usr/bin/python3', ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;
export const NO_H5PY = !hasH5py && 'h5py (Debian python3-h5py) is not installed';

/**
 * Keras 2 (`save_weights_to_hdf5_group`): attrs model_config (JSON bytes), keras_version, backend; group
 * model_weights with attr layer_names; per layer a group with attr weight_names (`dense/kernel:0`), each weight a
 * dataset at that path inside the group. Keras 3 (`saving_lib`): a zip of config.json, metadata.json and
 * model.weights.h5, where each layer's variables are datasets `layers/<name>/vars/<i>` in creation order.
 */
const WRITE_PY = `
import sys, json, h5py, numpy as np, zipfile, os
spec = json.load(open(sys.argv[1]))
raw = np.fromfile(sys.argv[2], dtype='<f4')
def fill(f):
    for g, attrs in spec['groups']:
        grp = f.require_group(g)
        for k, v in attrs.items():
            grp.attrs[k] = [x.encode('utf8') for x in v]
    for p, shape, offset in spec['datasets']:
        n = int(np.prod(shape))
        f.create_dataset(p, data=raw[offset:offset + n].reshape(shape))
if spec['kind'] == 'h5':
    with h5py.File(spec['out'], 'w') as f:
        f.attrs['keras_version'] = b'2.15.0'
        f.attrs['backend'] = b'tensorflow'
        f.attrs['model_config'] = spec['config'].encode('utf8')
        fill(f)
else:
    weights = spec['out'] + '.weights.h5'
    with h5py.File(weights, 'w') as f:
        fill(f)
    with zipfile.ZipFile(spec['out'], 'w', compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr('metadata.json', json.dumps({'keras_version': '3.3.3', 'date_saved': '2026-01-01@00:00:00'}))
        z.writestr('config.json', spec['config'])
        z.write(weights, 'model.weights.h5')
    os.remove(weights)
`;

interface Spec {
  kind: 'h5' | 'keras';
  config: string;
  groups: [string, Record<string, string[]>][];
  datasets: [string, number[], number][];
}

function write(spec: Spec, name: string, values: Float32Array): string {
  const out = path.join(tmp, name);
  const specFile = path.join(tmp, `${name}.spec.json`);
  fs.writeFileSync(specFile, JSON.stringify({ ...spec, out }));
  fs.writeFileSync(`${specFile}.bin`, values);
  const r = spawnSync('/usr/bin/python3', ['-c', WRITE_PY, specFile, `${specFile}.bin`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

/** Collects a model's weights as datasets at `where(layer, index, weight)`, their values in one buffer. */
function datasets(model: tf.LayersModel, where: (layer: tf.layers.Layer, i: number, w: tf.LayerVariable) => string) {
  const list: [string, number[], number][] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const layer of model.layers) {
    layer.weights.forEach((w, i) => {
      const data = w.read().dataSync() as Float32Array;
      list.push([where(layer, i, w), w.shape as number[], offset]);
      parts.push(data);
      offset += data.length;
    });
  }
  const values = new Float32Array(offset);
  let at = 0;
  for (const p of parts) values.set(p, (at += p.length) - p.length);
  return { list, values };
}

/** A legacy Keras 2 `.h5` of `model`, its config being the (Keras 2 style) topology tfjs serializes. */
export function writeLegacyH5(model: tf.LayersModel, name: string): string {
  const { list, values } = datasets(model, (layer, _i, w) => `model_weights/${layer.name}/${w.originalName}:0`);
  const groups: [string, Record<string, string[]>][] = [['model_weights', { layer_names: model.layers.map((l) => l.name) }]];
  for (const l of model.layers) groups.push([`model_weights/${l.name}`, { weight_names: l.weights.map((w) => `${w.originalName}:0`) }]);
  return write({ kind: 'h5', config: JSON.stringify(model.toJSON(null, false)), groups, datasets: list }, name, values);
}

/** A Keras 3 `.keras` zip of `model`'s weights under the Keras 3 `config` (recurrent layers keep theirs in `cell`). */
export function writeKeras3(model: tf.LayersModel, config: object, name: string): string {
  const rnn = (l: tf.layers.Layer) => /lstm|gru/i.test(l.getClassName());
  const { list, values } = datasets(model, (layer, i) => `layers/${layer.name}${rnn(layer) ? '/cell' : ''}/vars/${i}`);
  const groups: [string, Record<string, string[]>][] = [['vars', {}]];
  for (const l of model.layers) if (l.weights.length === 0) groups.push([`layers/${l.name}/vars`, {}]);
  return write({ kind: 'keras', config: JSON.stringify(config), groups, datasets: list }, name, values);
}

/** Keras 3's dtype policy of a float32 layer. */
export const DTYPE = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
/** A Keras 3 call argument: the output of layer `name`, of `shape` without the batch. */
export const tensor = (name: string, shape: (number | null)[]) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, ...shape], dtype: 'float32', keras_history: [name, 0, 0] },
});

/** A Keras 3 functional layer entry: module, class, config, build config and one call's arguments. */
export function k3(cls: string, name: string, config: object, args: unknown[], shape: (number | null)[]) {
  return {
    module: 'keras.layers',
    class_name: cls,
    config: { name, trainable: true, dtype: DTYPE, ...config },
    registered_name: null,
    build_config: { input_shape: [null, ...shape] },
    name,
    inbound_nodes: [{ args, kwargs: {} }],
  };
}

/** A Conv2D's Keras 3 config besides filters, kernel and bias. */
export const CONV = { strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear' };

/** Runs a short h5py script with the given arguments (for the damaged files). */
export function python(script: string, ...args: string[]): void {
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}
