// The "stride-graph" v1 JSON: its documented shape holds for every example, and a model rebuilt from the JSON alone
// has the same parameters and computes the same outputs as the model built from the source.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../core/analyze';
import { formatNamed } from '../../export/formats';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphJson } from '../../export/graph-json';
import { produceExport } from '../../export/run';
import type { TrainingModel } from '../../protocol/training-model';
import { buildModel } from '../../train/model-builder';
import { lowered } from '../helpers/training';
import { useCpu } from '../train/helpers';
import { smallExample } from './small-examples';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.stride') && f !== 'diagnostics.stride')
  .map((f) => f.replace(/\.stride$/, ''));

async function graphOf(source: string): Promise<{ graph: GraphJson; analysis: ReturnType<typeof analyze> }> {
  const analysis = analyze(source);
  const output = await produceExport(formatNamed('json')!, analysis, analysis.models[0]);
  assert.equal(output.files.length, 1);
  return { graph: JSON.parse(output.files[0].data as string) as GraphJson, analysis };
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isArg = (v: unknown) => v === null || ['number', 'boolean', 'string'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

/** Every field docs/export-json.md promises, with its type, and the references between nodes. */
function assertSchema(graph: GraphJson, text: string): void {
  assert.equal(graph.format, GRAPH_FORMAT);
  assert.equal(graph.version, GRAPH_VERSION);
  assert.equal(typeof graph.model, 'string');
  const lines = text.split(/\r\n|\r|\n/);
  graph.nodes.forEach((n, i) => {
    assert.equal(n.id, i, 'ids are positions');
    assert.equal(typeof n.name, 'string');
    assert.equal(typeof n.kind, 'string');
    for (const [k, v] of Object.entries(n.args)) assert.ok(isArg(v), `${n.name}.${k}`);
    assert.ok(
      n.inputs.every((id) => isInt(id) && id < i),
      `${n.name} reads earlier nodes`,
    );
    assert.equal(n.shape[0], null, 'batch first');
    assert.ok(n.shape.slice(1).every(isInt));
    assert.ok(isInt(n.params.trainable) && isInt(n.params.nonTrainable) && isInt(n.macs));
    assert.ok(n.source.line >= 1 && n.source.line <= lines.length && n.source.column >= 1);
    assert.ok(n.blocks.every((b) => typeof b.block === 'string' && typeof b.instance === 'string'));
    // A layer's line shows its kind, or the call of the block it comes from.
    const line = lines[n.source.line - 1];
    assert.ok(
      n.kind === 'input' || line.includes(n.kind.replace(/_\d$/, '')) || n.blocks.length > 0 || /\w+\(/.test(line),
      `${n.name} at line ${n.source.line}`,
    );
  });
  assert.ok(graph.inputs.every((id) => graph.nodes[id].kind === 'input'));
  assert.ok(graph.outputs.every((id) => isInt(id) && id < graph.nodes.length));
  const sum = (f: (n: GraphJson['nodes'][number]) => number) => graph.nodes.reduce((s, n) => s + f(n), 0);
  assert.equal(
    sum((n) => n.params.trainable),
    graph.totals.trainable,
  );
  assert.equal(
    sum((n) => n.params.nonTrainable),
    graph.totals.nonTrainable,
  );
  assert.equal(
    sum((n) => n.macs),
    graph.totals.macs,
  );
}

/** The training model from the JSON alone: kinds, arguments, producers and shapes are all a build needs. */
function fromJson(graph: GraphJson): TrainingModel {
  return {
    name: graph.model,
    nodes: graph.nodes.map((n) => ({ id: n.id, name: n.name, kind: n.kind, args: n.args, inputs: n.inputs, shape: n.shape.slice(1) })),
    inputs: graph.inputs,
    outputs: graph.outputs,
    trained: false,
    settings: {
      optimizer: { name: 'adam', args: {} },
      loss: 'categorical_crossentropy',
      metrics: [],
      epochs: 1,
      batch: 1,
      validation: 0,
      seed: 1,
      data: { kind: 'shapes' },
    },
  };
}

describe('stride-graph v1', () => {
  before(useCpu);
  for (const example of EXAMPLES) {
    test(`${example}: schema`, async () => {
      const text = fs.readFileSync(path.join(ROOT, 'examples', `${example}.stride`), 'utf8');
      const { graph, analysis } = await graphOf(text);
      assertSchema(graph, text);
      assert.equal(graph.totals.params, analysis.models[0].totals.params);
    });
  }

  for (const example of ['lenet5', 'resnet8', 'mobilenetv2', 'googlenet', 'lstm-text', 'bert-mini']) {
    test(`${example}: rebuilt from the JSON alone, same parameters and outputs`, async () => {
      const source = smallExample(example);
      const { graph, analysis } = await graphOf(source);
      const original = buildModel(lowered(analysis.models[0]), { seed: 1 });
      const rebuilt = buildModel(fromJson(JSON.parse(JSON.stringify(graph)) as GraphJson), { seed: 1 });
      assert.equal(rebuilt.countParams(), original.countParams());
      assert.equal(rebuilt.countParams(), graph.totals.params);
      const shape = [1, ...(graph.nodes[graph.inputs[0]].shape.slice(1) as number[])];
      const x = example.includes('bert') || example.includes('lstm') ? tf.ones(shape) : tf.randomUniform(shape, -1, 1, 'float32', 5);
      const [a, b] = [original.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor];
      assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] === 0, 'same outputs');
      tf.dispose([x, a, b]);
      original.dispose();
      rebuilt.dispose();
    });
  }

  test('every argument of every kind is written, resolved', async () => {
    const { graph } = await graphOf(`model M {\n  input(8, 8, 3)\n  conv2d(4, 3, padding: same)\n  maxpool2d()\n}`);
    const conv = graph.nodes[1];
    assert.deepEqual(Object.keys(conv.args).sort(), ['activation', 'bias', 'dilation', 'filters', 'groups', 'kernel', 'l1', 'l2', 'padding', 'stride']);
    assert.deepEqual([conv.args.kernel, conv.args.stride, conv.args.padding, conv.args.activation], [[3, 3], [1, 1], 'same', 'linear']);
    assert.deepEqual(conv.shape, [null, 8, 8, 4]);
    assert.deepEqual(conv.params, { trainable: 112, nonTrainable: 0 });
    assert.deepEqual(conv.source, { line: 3, column: 3 });
    assert.deepEqual(graph.nodes[2].args.pool, [2, 2]);
  });
});
