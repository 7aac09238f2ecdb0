// What the model file viewer shows: a file made by `stride export --format onnx` imported and analysed into the
// drawing's graph and the summary table (the same numbers as the analysis of the imported text), readable errors
// for broken files, and the viewer's message validation; tfjs model.json and Keras files drawn and tabled the same way.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { importForConvert, importModelFile, saveImportedWeights, strideTarget, viewOf } from '../../client/model-file/runner';
import { analyze } from '../../core/analyze';
import { checkFromModelFile, checkToModelFile } from '../../protocol/model-file';
import { analyzeText } from '../../server/documents';
import { modelGraph } from '../../server/model-graph';
import { summary } from '../../server/summary';
import { fromModelGraph } from '../../webview/layout/from-model-graph';
import { unsupportedOnnx } from '../helpers/unsupported-onnx';
import { NO_H5PY, writeKeras3, writeLegacyH5 } from './keras-files';
import { randomize, residual, saveTfjs, sequential } from './keras-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-model-file-'));

/** An ONNX file written by Stride's own exporter from an example. */
function exported(example: string): string {
  const out = path.join(tmp, `${example}.onnx`);
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'stride.js'), 'export', path.join(ROOT, 'examples', `${example}.stride`), '--format', 'onnx', '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return out;
}

test('an exported LeNet-5 is drawn and summarised with the numbers of its analysis', () => {
  const file = exported('lenet5');
  const imported = importModelFile(file);
  assert.ok(imported.ok, imported.ok ? '' : imported.error);
  const model = analyze(imported.text).models[0];
  const view = viewOf(imported.text, `file://${file}`);
  assert.ok(view);
  assert.equal(view.graph.nodes.length, model.layers.length);
  assert.equal(view.summary.rows.length, model.layers.length);
  assert.equal(view.graph.totals.params, model.totals.params);
  assert.equal(view.summary.totals.params, model.totals.params);
  assert.equal(view.summary.totals.params, analyze(fs.readFileSync(path.join(ROOT, 'examples', 'lenet5.stride'), 'utf8')).models[0].totals.params);
  // A chain: one edge into every layer but the input, each labelled with the shape flowing along it.
  assert.equal(view.graph.edges.length, view.graph.nodes.length - 1);
  assert.deepEqual(
    view.graph.edges.map((e) => e.label),
    view.summary.rows.slice(0, -1).map((r) =>
      r.outputShape
        .replace(/^\(None, |\)$/g, '')
        .split(', ')
        .join('×'),
    ),
  );
  assert.equal(view.lines, imported.text.split('\n').length);
  // What is posted to the page passes the page's own validation.
  const message = { type: 'model', file: 'lenet5.onnx', ...view };
  assert.ok(checkToModelFile(JSON.parse(JSON.stringify(message))).ok);
});

test('the viewer draws and tabulates exactly what the preview and the summary get from the language server', () => {
  // Models with blocks (collapsible in the drawing), branches and concatenations.
  for (const example of ['resnet18', 'mobilenetv2', 'googlenet']) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', `${example}.stride`), 'utf8');
    const uri = `file:///${example}.onnx`;
    const snap = analyzeText(uri, 0, text);
    const served = modelGraph(snap, { uri });
    assert.ok(served);
    const view = viewOf(text, uri);
    assert.ok(view);
    assert.ok(view.graph.groups.length > 0, `${example} has block instances`);
    assert.deepEqual(view.graph, fromModelGraph(served));
    assert.deepEqual(view.summary, summary(snap, { uri }, 32));
  }
});

/**
 * A model file the viewer opens: its view equals what the language server serves for the imported text (drawing and
 * table), and its totals are the source model's parameter count.
 */
function viewedLikeTheAnalysis(file: string, params: number, blocks: boolean): void {
  const imported = importModelFile(file);
  assert.ok(imported.ok, imported.ok ? '' : imported.error);
  const uri = `file://${file}`;
  const view = viewOf(imported.text, uri);
  assert.ok(view);
  const snap = analyzeText(uri, 0, imported.text);
  const served = modelGraph(snap, { uri });
  assert.ok(served);
  assert.deepEqual(view.graph, fromModelGraph(served));
  assert.deepEqual(view.summary, summary(snap, { uri }, 32));
  assert.equal(view.graph.totals.params, params);
  assert.equal(view.summary.totals.params, params);
  assert.equal(view.summary.rows.length, analyze(imported.text).models[0].layers.length);
  assert.equal(view.graph.groups.length > 0, blocks, `${path.basename(file)}: block instances drawn`);
  assert.ok(checkToModelFile(JSON.parse(JSON.stringify({ type: 'model', file: path.basename(file), ...view }))).ok);
}

test('an ONNX file with two outputs (the Faster R-CNN proposal stage) is drawn with both heads, like the analysis of its import', () => {
  const file = exported('faster-rcnn-rpn');
  const params = analyze(fs.readFileSync(path.join(ROOT, 'examples', 'faster-rcnn-rpn.stride'), 'utf8')).models[0].totals.params;
  viewedLikeTheAnalysis(file, params, true);
  const imported = importModelFile(file);
  const view = imported.ok ? viewOf(imported.text, `file://${file}`) : undefined;
  assert.ok(view);
  // The drawing ends in the two outputs, each fed by the shared RPN convolution's activation.
  const sinks = view.graph.nodes.filter((n) => !view.graph.edges.some((e) => e.source === n.id)).map((n) => n.id);
  assert.deepEqual(sinks.sort(), ['boxes', 'objectness']);
});

test('a tfjs model.json (weights in two shards) is drawn and tabled like the analysis of its import', async () => {
  const source = residual();
  viewedLikeTheAnalysis(await saveTfjs(source, path.join(tmp, 'web')), source.countParams(), false);
});

test('a legacy Keras .h5 and a Keras 3 .keras file are drawn and tabled like the analysis of their import', { skip: NO_H5PY }, () => {
  const cnn = sequential();
  randomize(cnn, 5);
  viewedLikeTheAnalysis(writeLegacyH5(cnn, 'viewed.h5'), cnn.countParams(), false);
  const layer = (cls: string, config: object) => ({ module: 'keras.layers', class_name: cls, config: { trainable: true, ...config }, registered_name: null });
  const conv = { strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true };
  const layers = [
    layer('InputLayer', { batch_shape: [null, 10, 10, 3], dtype: 'float32', sparse: false, name: 'pixels' }),
    layer('Conv2D', { name: 'conv', filters: 4, kernel_size: [3, 3], ...conv }),
    layer('GlobalAveragePooling2D', { name: 'pool', data_format: 'channels_last', keepdims: false }),
    layer('Dense', { name: 'out', units: 2, activation: 'softmax', use_bias: true }),
  ];
  const config = { module: 'keras', class_name: 'Sequential', config: { name: 'sequential', trainable: true, layers }, registered_name: null };
  const tiny = tf.sequential({ name: 'sequential' });
  tiny.add(tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }));
  tiny.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  tiny.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  viewedLikeTheAnalysis(writeKeras3(tiny, config, 'viewed.keras'), tiny.countParams(), false);
});

test('broken and missing files give a readable error, never a throw', () => {
  const bad = path.join(tmp, 'bad.onnx');
  fs.writeFileSync(bad, Buffer.from('this is not a protobuf at all \u0000\u0001\u0002'));
  const r = importModelFile(bad);
  assert.ok(!r.ok);
  assert.match(r.error, /bad\.onnx is not a valid ONNX model/);
  const missing = importModelFile(path.join(tmp, 'missing.onnx'));
  assert.ok(!missing.ok);
  assert.match(missing.error, /^cannot read missing\.onnx/);
  const odd = path.join(tmp, 'odd.onnx');
  fs.writeFileSync(odd, unsupportedOnnx());
  const refused = importModelFile(odd);
  assert.ok(!refused.ok);
  assert.match(refused.error, /unsupported ONNX operators:\n {2}StrideNoSuchOp ×2: odd_1, odd_2/);
});

test('Convert saves the weights where the editor looks, and leaves a folder Stride did not write alone', async () => {
  const file = exported('lenet5');
  const result = importForConvert(file);
  assert.ok(result.ok && result.weights, result.ok ? 'no weights' : result.error);
  assert.equal(result.text, (importModelFile(file) as { text: string }).text);
  const target = path.join(tmp, 'converted', 'lenet5.stride');
  fs.mkdirSync(path.dirname(target));
  const saved = await saveImportedWeights(result.weights, target);
  assert.deepEqual(saved, { ok: true, dir: path.join(tmp, 'converted', 'lenet5.weights', 'LeNet5'), layers: 5 });
  assert.ok(fs.existsSync(path.join(saved.dir, 'model.json')));
  const foreign = path.join(tmp, 'foreign', 'lenet5.weights', 'LeNet5');
  fs.mkdirSync(foreign, { recursive: true });
  fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  const refused = await saveImportedWeights(result.weights, path.join(tmp, 'foreign', 'lenet5.stride'));
  assert.ok(!refused.ok);
  assert.match(refused.error, /is not a weights folder Stride wrote \(it holds notes\.txt\)/);
  assert.deepEqual(fs.readdirSync(foreign), ['notes.txt']);
});

test('the .stride file goes beside the model file, named after it', () => {
  assert.equal(strideTarget('/m/resnet18.onnx'), '/m/resnet18.stride');
  assert.equal(strideTarget('/m/net.KERAS'), '/m/net.stride');
  assert.equal(strideTarget('/m/web/model.json'), '/m/web/model.stride');
});

test('the viewer accepts only the messages its protocol defines', () => {
  assert.deepEqual(checkFromModelFile({ type: 'convert' }), { ok: true, value: { type: 'convert' } });
  assert.ok(!checkFromModelFile({ type: 'write', path: '/etc/passwd' }).ok);
  assert.ok(!checkFromModelFile('ready').ok);
  assert.ok(checkToModelFile({ type: 'error', file: 'x.onnx', message: 'x.onnx is not a valid ONNX model' }).ok);
  assert.ok(!checkToModelFile({ type: 'error', file: 'x.onnx', message: 42 }).ok);
  const graph = {
    model: 'M',
    nodes: [],
    edges: [{ source: 'a', target: 'b', label: '' }],
    groups: [],
    totals: { params: 0, trainable: 0, nonTrainable: 0, macs: 0 },
    errorCount: 0,
  };
  const summary = {
    uri: 'u',
    version: 0,
    model: 'M',
    models: ['M'],
    rows: [],
    totals: {},
    trainingMemory: { batch: 1, optimizer: 'adam', bytes: 0 },
    errors: 0,
  };
  const checked = checkToModelFile({ type: 'model', file: 'x.onnx', graph, summary, lines: 3 });
  assert.ok(!checked.ok);
  assert.match(checked.error, /graph: edges\[0\] must join known nodes/);
});
