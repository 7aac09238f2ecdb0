// `stride import x.keras | x.h5`: Keras 3 `.keras` zips and legacy Keras 2 `.h5` files, written with h5py in the
// layouts Keras uses (Keras is not installable here), come back with the source's totals and outputs; damaged
// files (truncated, zip bombs, absurd dimensions, path tricks) are refused with one clear error, quickly.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { ImportError, importPath } from '../../import/index';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';
import { Prng } from '../helpers/prng';
import { useCpu } from '../train/helpers';
import { CONV, DTYPE, k3, NO_H5PY, python, tensor, writeKeras3, writeLegacyH5 } from './keras-files';
import { outputDiff, randomize, residual, sequential, tmp, refused } from './keras-harness';

/** residual() as Keras 3 writes its config.json. */
function residualKeras3(): object {
  const t = (n: string, c = 8) => tensor(n, [12, 12, c]);
  const layers = [
    {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, 12, 12, 3], dtype: 'float32', sparse: false, name: 'image' },
      registered_name: null,
      name: 'image',
      inbound_nodes: [],
    },
    k3('Conv2D', 'stem', { ...CONV, filters: 8, kernel_size: [3, 3], use_bias: true }, [t('image', 3)], [12, 12, 3]),
    k3('Conv2D', 'conv_a', { ...CONV, filters: 8, kernel_size: [3, 3], use_bias: false }, [t('stem')], [12, 12, 8]),
    k3('BatchNormalization', 'bn_a', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, [t('conv_a')], [12, 12, 8]),
    k3('Activation', 'relu_a', { activation: 'relu' }, [t('bn_a')], [12, 12, 8]),
    k3('Conv2D', 'conv_b', { ...CONV, filters: 8, kernel_size: [3, 3], use_bias: true }, [t('relu_a')], [12, 12, 8]),
    k3('Add', 'residual', {}, [[t('stem'), t('conv_b')]], [12, 12, 8]),
    k3('Concatenate', 'joined', { axis: -1 }, [[t('residual'), t('stem')]], [12, 12, 8]),
    k3('Flatten', 'flat', { data_format: 'channels_last' }, [tensor('joined', [12, 12, 16])], [12, 12, 16]),
    k3('Dense', 'logits', { units: 5, activation: 'linear', use_bias: true }, [tensor('flat', [2304])], [2304]),
  ];
  const config = { name: 'residual_net', trainable: true, layers, input_layers: [['image', 0, 0]], output_layers: [['logits', 0, 0]] };
  return { module: 'keras.src.models.functional', class_name: 'Functional', config, registered_name: 'Functional', build_config: { input_shape: null } };
}

/** An embedding and two LSTMs, in tfjs and as Keras 3 writes the same Sequential model. */
function textModel(): { model: tf.LayersModel; config: object } {
  const model = tf.sequential({ name: 'sequential' });
  model.add(tf.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 10, name: 'embedding' }));
  model.add(tf.layers.lstm({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid', name: 'lstm' }));
  model.add(tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', name: 'lstm_1' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense' }));
  const rnn = { activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_state: false, go_backwards: false, stateful: false, unroll: false };
  const layer = (cls: string, config: object) => ({
    module: 'keras.layers',
    class_name: cls,
    config: { trainable: true, dtype: DTYPE, ...config },
    registered_name: null,
  });
  const layers = [
    layer('InputLayer', { batch_shape: [null, 10], dtype: 'int32', sparse: false, name: 'input_layer' }),
    layer('Embedding', { name: 'embedding', input_dim: 50, output_dim: 8, mask_zero: false }),
    layer('LSTM', { name: 'lstm', units: 6, return_sequences: true, ...rnn }),
    layer('LSTM', { name: 'lstm_1', units: 4, return_sequences: false, ...rnn }),
    layer('Dense', { name: 'dense', units: 3, activation: 'softmax', use_bias: true }),
  ];
  return {
    model,
    config: { module: 'keras', class_name: 'Sequential', config: { name: 'sequential', trainable: true, dtype: DTYPE, layers }, registered_name: null },
  };
}

/** Two GRUs with reset_after (Keras's default), as Stride builds them, and as Keras 3 writes the same model. */
function gruModel(): { model: tf.LayersModel; config: object } {
  const analysed = analyze('model G {\n  input(10, 4)\n  gru(5, return_sequences: true)\n  gru(3)\n}\n').models[0];
  const model = buildModel(lowered(analysed), { seed: 2 });
  const rnn = {
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    reset_after: true,
    return_state: false,
    go_backwards: false,
    stateful: false,
  };
  const layer = (cls: string, config: object) => ({
    module: 'keras.layers',
    class_name: cls,
    config: { trainable: true, dtype: DTYPE, ...config },
    registered_name: null,
  });
  const [first, second] = model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
  const layers = [
    layer('InputLayer', { batch_shape: [null, 10, 4], dtype: 'float32', sparse: false, name: 'input_layer' }),
    layer('GRU', { name: first, units: 5, return_sequences: true, ...rnn }),
    layer('GRU', { name: second, units: 3, return_sequences: false, ...rnn }),
  ];
  return {
    model,
    config: { module: 'keras', class_name: 'Sequential', config: { name: 'gru_net', trainable: true, dtype: DTYPE, layers }, registered_name: null },
  };
}

describe('import of Keras files written with h5py', { skip: NO_H5PY }, () => {
  before(useCpu);

  test('a Keras 3 .keras Functional model with a residual add: same totals, same outputs', async () => {
    const source = residual();
    randomize(source, 21);
    const imported = importPath(writeKeras3(source, residualKeras3(), 'residual.keras'));
    assert.equal(imported.model, 'ResidualNet');
    assert.match(imported.text, /add\(stem\)/);
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });

  test('a Keras 3 .keras Sequential text model (embedding, LSTMs): same totals, same outputs', async () => {
    const { model, config } = textModel();
    randomize(model, 31);
    const imported = importPath(writeKeras3(model, config, 'text.keras'));
    assert.equal(imported.model, 'Text');
    assert.match(imported.text, /lstm\(6, return_sequences: true\)/);
    const ids = tf.randomUniform([2, 10], 0, 50, 'int32', 3).cast('float32');
    assert.ok((await outputDiff(imported, model, model.countParams(), ids)) <= 1e-5);
  });

  test('a Keras 3 .keras model with GRUs (reset_after): same totals, same outputs', async () => {
    const { model, config } = gruModel();
    randomize(model, 61);
    const imported = importPath(writeKeras3(model, config, 'gru.keras'));
    assert.match(imported.text, /gru\(5, return_sequences: true\)/);
    assert.ok((await outputDiff(imported, model, model.countParams())) <= 1e-5);
  });

  test('a legacy Keras 2 .h5 Sequential CNN: same totals, same outputs', async () => {
    const source = sequential();
    randomize(source, 41);
    const imported = importPath(writeLegacyH5(source, 'cnn.h5'));
    assert.equal(imported.model, 'Cnn');
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });

  test('a legacy Keras 2 .h5 Functional model, its layer names split in two attributes: same totals, same outputs', async () => {
    const source = residual();
    randomize(source, 51);
    const file = writeLegacyH5(source, 'residual.h5');
    // Keras splits an attribute past HDF5's header limit into layer_names0, layer_names1, …
    python(
      `import sys, h5py
g = h5py.File(sys.argv[1], 'a')['model_weights']
names = list(g.attrs['layer_names'])
del g.attrs['layer_names']
g.attrs['layer_names0'] = names[:4]
g.attrs['layer_names1'] = names[4:]`,
      file,
    );
    const imported = importPath(file);
    assert.ok((await outputDiff(imported, source, source.countParams())) <= 1e-5);
  });
});

/** A copy of `file` cut to `fraction` of its length. */
function truncated(file: string, fraction: number): string {
  const bytes = fs.readFileSync(file);
  const out = file.replace(/(\.\w+)$/, `-cut$1`);
  fs.writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

const ZIP_PY = `
import sys, zipfile
out, kind = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    if kind == 'bomb':
        z.writestr('config.json', b'0' * (64 << 20))
    elif kind == 'many':
        for i in range(300): z.writestr('assets/%d' % i, b'x')
    elif kind == 'path':
        z.writestr('config.json', b'{}')
        z.writestr('../evil', b'x')
`;

/** Sets the uncompressed size of the first central directory entry of a zip (its declared size). */
function declare(file: string, size: number): string {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(size, at + 24);
  const out = file.replace('.keras', `-${size}.keras`);
  fs.writeFileSync(out, bytes);
  return out;
}

describe('Keras files the importer refuses', { skip: NO_H5PY }, () => {
  before(useCpu);

  test('truncated .keras and .h5 files', () => {
    const keras = writeKeras3(residual(), residualKeras3(), 'whole.keras');
    refused(truncated(keras, 0.5), /not a zip file \(no end of central directory; truncated\?\)/);
    const h5 = writeLegacyH5(residual(), 'whole.h5');
    refused(truncated(h5, 0.5), /is not a readable HDF5 file|runs past|truncated/);
    refused(truncated(h5, 0.02), /is not a readable HDF5 file/);
  });

  test('zip bombs: an entry that inflates past its declared size, a declared size over the limit', () => {
    const bomb = path.join(tmp, 'bomb.keras');
    python(ZIP_PY, bomb, 'bomb');
    refused(declare(bomb, 1000), /does not inflate to its declared 1000 bytes/);
    refused(declare(bomb, 0x7fffffff), /declares 2147483647 bytes, over the/);
  });

  test('too many entries, and entry names that climb out of the folder', () => {
    python(ZIP_PY, path.join(tmp, 'many.keras'), 'many');
    refused(path.join(tmp, 'many.keras'), /has 300 zip entries, over the limit of 256/);
    python(ZIP_PY, path.join(tmp, 'path.keras'), 'path');
    refused(path.join(tmp, 'path.keras'), /"\.\.\/evil" is not a plain relative path/);
  });

  test('an .h5 weight with absurd dimensions, and one in float64', () => {
    // Replaces the last layer's kernel: by a (2^30, 2^30) chunked dataset with no data written, or by float64 values.
    const EDIT_PY = `import sys, h5py
text = lambda x: x if isinstance(x, str) else x.decode()
with h5py.File(sys.argv[1], 'a') as f:
    grp = f['model_weights/' + text(f['model_weights'].attrs['layer_names'][-1])]
    w = text(grp.attrs['weight_names'][0])
    data = grp[w][()]
    del grp[w]
    if sys.argv[2] == 'absurd': grp.create_dataset(w, shape=(1 << 30, 1 << 30), dtype='f4', chunks=(1, 1))
    else: grp.create_dataset(w, data=data.astype('f8'))`;
    const absurd = writeLegacyH5(sequential(), 'absurd.h5');
    python(EDIT_PY, absurd, 'absurd');
    refused(absurd, /weight '.+kernel:0' of shape \(1073741824, 1073741824\) is over the \d+-byte limit/);
    const f64 = writeLegacyH5(sequential(), 'f64.h5');
    python(EDIT_PY, f64, 'f64');
    refused(f64, /weight '.+kernel:0' has type "<f8"; only float32 weights are imported/);
  });

  test('a .h5 file that holds weights only, and a file that is not HDF5', () => {
    const file = path.join(tmp, 'weights-only.h5');
    python(`import sys, h5py\nwith h5py.File(sys.argv[1], 'w') as f: f.create_group('dense')`, file);
    refused(file, /has no model_config attribute: it holds weights only/);
    fs.writeFileSync(path.join(tmp, 'text.h5'), 'not hdf5 at all');
    refused(path.join(tmp, 'text.h5'), /is not an HDF5 file \(wrong signature\)/);
  });
});

describe('fuzzed Keras files', { skip: NO_H5PY }, () => {
  // Random byte changes anywhere in a real file: each import either succeeds or throws one ImportError, quickly.
  for (const [name, write] of [
    ['fuzz.h5', () => writeLegacyH5(residual(), 'fuzz.h5')],
    ['fuzz.keras', () => writeKeras3(residual(), residualKeras3(), 'fuzz.keras')],
  ] as const) {
    test(`${name}: 150 mutated copies`, () => {
      const bytes = fs.readFileSync(write());
      const rng = new Prng(name.length);
      const file = path.join(tmp, `mutated-${name}`);
      let refusedCount = 0;
      for (let i = 0; i < 150; i++) {
        const copy = Buffer.from(bytes);
        // Half the changes fall in the first 4 KiB, where the HDF5 superblock and object headers (or zip headers) lie.
        for (let k = 1 + rng.int(4); k > 0; k--) copy[rng.int(rng.next() < 0.5 ? Math.min(copy.length, 4096) : copy.length)] = rng.int(256);
        fs.writeFileSync(file, copy);
        const start = Date.now();
        try {
          importPath(file);
        } catch (e) {
          assert.ok(e instanceof ImportError, `mutation ${i}: ${String(e)}`);
          refusedCount++;
        }
        assert.ok(Date.now() - start < 2000, `mutation ${i} took over 2 s`);
      }
      // Most copies are damaged where it shows; some only change weight values, which import.
      assert.ok(refusedCount > 30, `only ${refusedCount} of 150 refused`);
    });
  }
});
