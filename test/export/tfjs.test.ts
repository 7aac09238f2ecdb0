// The tfjs export loads in a fresh Node process with stock tfjs only (no Stride class registered) and computes what
// Stride's own tfjs model computes with the same weights; what stock tfjs cannot carry is refused by layer and line.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { ExportRefused } from '../../export/formats';
import { produceExport, writeExport } from '../../export/run';
import { tfjsFormat } from '../../export/tfjs';
import { buildModel } from '../../train/model-builder';
import { saveModel } from '../../train/node/weights';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { smallExample } from './small-examples';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LOADER = path.join(ROOT, 'test', 'export', 'load_tfjs.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-tfjs-'));

/** Random weights (positive variances) saved as a trained run, so the export takes the `--weights` path. */
async function trainedWeights(source: string, name: string): Promise<{ dir: string; model: tf.LayersModel }> {
  const model = analyze(source).models.find((m) => m.graph.name === name)!;
  const built = buildModel(lowered(model), { seed: 1 });
  const values = built.weights.map((w, i) => {
    const shape = w.shape as number[];
    return /variance/.test(w.originalName) ? tf.randomUniform(shape, 0.5, 1.5, 'float32', 10 + i) : tf.randomUniform(shape, -0.5, 0.5, 'float32', 10 + i);
  });
  built.setWeights(values);
  tf.dispose(values);
  const weightsDir = path.join(dir, `${name}-weights-${Math.random().toString(36).slice(2)}`);
  await saveModel(built, weightsDir, { model: name, inputShape: built.inputs[0].shape, classes: [] });
  return { dir: weightsDir, model: built };
}

/** The model with the seeded initial weights an export writes without `--weights`. */
function seededModel(model: ModelAnalysis): { dir: undefined; model: tf.LayersModel } {
  const training = lowered(model);
  return { dir: undefined, model: buildModel(training, { seed: training.settings.seed }) };
}

/** Largest difference, relative to max(1, |y|), between Stride's model and the stock-loaded export. */
async function stockDiff(source: string, options: { seeded?: boolean } = {}): Promise<number> {
  const analysis = analyze(source);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const model = analysis.models[0];
  const trained = options.seeded ? seededModel(model) : await trainedWeights(source, model.graph.name);
  const output = await produceExport(tfjsFormat, analysis, model, { weightsDir: trained.dir });
  const out = path.join(dir, `${model.graph.name}-${Math.random().toString(36).slice(2)}`);
  writeExport(output, out);
  await useCpu();
  const xs = trained.model.inputs.map((input, i) => {
    const shape = [2, ...(input.shape.slice(1) as number[])];
    const vocab = embeddingVocab(model.graph.nodes, model.graph.inputs[i]);
    return vocab ? tf.floor(tf.randomUniform(shape, 0, vocab, 'float32', 3)) : tf.randomUniform(shape, -2, 2, 'float32', 3);
  });
  const ys = trained.model.predict(xs.length === 1 ? xs[0] : xs);
  const expected = (Array.isArray(ys) ? ys : [ys]).map((y) => ({ shape: y.shape, values: Array.from(y.dataSync()) }));
  const inputs = xs.map((x) => ({ shape: x.shape, values: Array.from(x.dataSync()) }));
  tf.dispose([...xs, ...(Array.isArray(ys) ? ys : [ys])]);
  trained.model.dispose();
  const run = spawnSync(process.execPath, [LOADER], { cwd: ROOT, input: JSON.stringify({ dir: out, inputs }), encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout) as { shape: number[]; values: number[] }[];
  assert.equal(got.length, expected.length);
  let worst = 0;
  got.forEach((g, i) => {
    assert.deepEqual(g.shape, expected[i].shape);
    g.values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i].values[j]) / Math.max(1, Math.abs(expected[i].values[j])))));
  });
  return worst;
}

/** Integer token inputs for a model whose input feeds an embedding. */
function embeddingVocab(nodes: readonly { inputs: readonly number[]; kind: string; args: Record<string, unknown> }[], input: number): number | undefined {
  const user = nodes.find((n) => n.inputs.includes(input) && n.kind === 'embedding');
  return user ? (user.args.vocab as number) : undefined;
}

const CASES: Record<string, string> = {
  'convolutions with numeric padding (ZeroPadding2D), batch norm, pools, dense': `model M {
    input(12, 11, 3)
    conv2d(4, 3, stride: 2, padding: 1, activation: relu)
    batchnorm()
    conv2d(5, 3, padding: (0, 1, 2, 1))
    depthwise_conv2d(3, padding: same, depth_multiplier: 2)
    separable_conv2d(4, 3, padding: same, activation: relu6)
    maxpool2d(2)
    avgpool2d(2, padding: same)
    flatten()
    dense(7, activation: softmax)
  }`,
  'dropouts and drop path become stock Dropout': `model M {
    input(8, 8, 3)
    conv2d(4, 3)
    dropout(0.3)
    spatial_dropout2d(0.2)
    x = conv2d(4, 3, padding: same)
    y = drop_path(0.1)
    add(x, y)
    globalmaxpool2d()
  }`,
  'transposed convolution with numeric padding (Cropping2D), upsampling, merges, concat': `model M {
    input(6, 6, 4)
    x = conv2d(4, 1)
    a = conv2d_transpose(3, 4, stride: 2, padding: 1)
    b = x -> upsample2d(2) -> conv2d(3, 1)
    m = multiply(a, b)
    n = maximum(a, b)
    concat(m, n)
    cropping2d(1)
    zeropad2d(1)
    globalavgpool2d()
  }`,
  'activations, prelu, layer norm, softmax': `model M {
    input(5, 6)
    dense(8)
    leaky_relu(0.1)
    prelu()
    elu()
    gelu()
    mish()
    layernorm()
    flatten()
    softmax()
  }`,
  'recurrent text model: embedding, LSTM, GRU without reset_after, permute, repeat': `model M {
    input(9)
    embedding(30, 8)
    lstm(6, return_sequences: true)
    gru(5, return_sequences: true, reset_after: false)
    permute((2, 1))
    simple_rnn(4)
    repeat_vector(2)
    flatten()
  }`,
  'the remaining stock kinds: activations, noise, reshape, average, minimum, 1-D global pooling': `model M {
    input(6, 4)
    x = dense(4, activation: sigmoid)
    y = tanh()
    a = average(x, y)
    b = minimum(x, y)
    add(a, b)
    softplus()
    selu()
    swish()
    softsign()
    thresholded_relu(0.1)
    gaussian_noise(0.1)
    gaussian_dropout(0.1)
    alpha_dropout(0.1)
    reshape((4, 6))
    globalmaxpool1d()
  }`,
  '1-D convolutions lifted to 2-D stock layers': `model M {
    input(16, 3)
    conv1d(4, 3, padding: same)
    depthwise_conv1d(3)
    separable_conv1d(5, 3)
    maxpool1d(2)
    globalavgpool1d()
  }`,
};

describe('tfjs export loads with stock tfjs and equals Stride', () => {
  before(useCpu);
  for (const [name, source] of Object.entries(CASES)) {
    test(name, async () => {
      const diff = await stockDiff(source);
      assert.ok(diff <= 1e-5, `difference ${diff}`);
    });
  }
});

/** Examples at a small input size with seeded weights; VGG-16 is left out for its time alone. */
const EXAMPLES = [
  'lenet5',
  'resnet8',
  'shapes',
  'lstm-text',
  'resnet18',
  'mobilenetv2',
  'efficientnet-b0',
  'googlenet',
  'densenet121',
  'mobilenetv3-small',
  'shufflenetv2',
  'regnetx-400mf',
  'bert-mini',
];

describe('examples export to stock tfjs or are refused by layer', () => {
  for (const example of EXAMPLES) {
    test(example, async (t) => {
      const text = smallExample(example);
      try {
        assert.ok((await stockDiff(text, { seeded: true })) <= 1e-5);
        t.diagnostic('exported and equal');
      } catch (e) {
        if (!(e instanceof ExportRefused)) throw e;
        t.diagnostic(e.message);
        assert.match(e.message, /'[^']+' \([a-z0-9_]+, line \d+\): /);
      }
    });
  }
});

test('a model with Stride-only layers is refused, naming each layer, its kind and line', async () => {
  const analysis = analyze(`model M {\n  input(8, 8, 4)\n  groupnorm(2)\n  hard_swish()\n  conv2d(4, 3)\n}`);
  await assert.rejects(produceExport(tfjsFormat, analysis, analysis.models[0]), (e: Error) => {
    assert.ok(e instanceof ExportRefused);
    assert.match(e.message, /'groupnorm_1' \(groupnorm, line 3\)/);
    assert.match(e.message, /'hard_swish_1' \(hard_swish, line 4\)/);
    return true;
  });
});

test('--logits leaves out the final softmax, by layer or by activation, and says so', async () => {
  for (const last of ['dense(3)\n  softmax()', 'dense(3, activation: softmax)']) {
    const analysis = analyze(`model M {\n  input(4)\n  ${last}\n}`);
    const output = await produceExport(tfjsFormat, analysis, analysis.models[0], { logits: true });
    const json = output.files.find((f) => f.path === 'model.json')!.data as string;
    assert.ok(!/softmax/i.test(json), 'no softmax in the topology');
    assert.ok(output.notes.some((n) => n.startsWith('--logits')));
  }
});
