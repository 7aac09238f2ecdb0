// ide's model graph and summary rows: the data the preview and the summary view show, with spans, not ranges.

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { modelGraph } from '../../ide/model-graph';
import { modelSummary } from '../../ide/summary-rows';
import { NET, NET_TOTAL_PARAMS } from '../server/fixtures';
import { at } from './helpers';

test('the model graph: nodes with key arguments, formulas, spans and block paths', () => {
  const graph = modelGraph(analyze(NET));
  assert.ok(graph);
  assert.deepEqual([graph.model, graph.models, graph.errors], ['Net', ['Net'], 0]);
  const stem = graph.nodes.find((n) => n.name === 'stem')!;
  assert.deepEqual([stem.args, stem.params, stem.outputShape], ['16, 3×3, same', 448, [32, 32, 16]]);
  assert.equal(NET.slice(stem.span.start, stem.span.end), 'conv2d(16, 3, padding: same)');
  const inBlock = graph.nodes.find((n) => n.blockPath.length > 0)!;
  assert.deepEqual(inBlock.blockPath, ['basic_1']);
  const [basic] = graph.instances;
  assert.deepEqual([basic.id, basic.block, basic.label], ['basic_1', 'basic', 'basic(32)']);
  assert.equal(NET.slice(basic.span.start, basic.span.end), 'basic(32)');
  assert.equal(graph.totals.params, NET_TOTAL_PARAMS);
  assert.deepEqual([graph.memory.batch, graph.memory.optimizer], [32, 'sgd']);
});

test('the model graph: a diagnostic marks its layer and counts as a document error', () => {
  const text = 'model M {\n  input(8, 8, 1)\n  conv2d(8, 3, padding: sme)\n}\n';
  const graph = modelGraph(analyze(text), { offset: at(text, 'conv2d') });
  assert.ok(graph);
  assert.equal(graph.errors, 1);
  assert.deepEqual(
    graph.nodes.map((n) => n.diagnostics.map((d) => d.code)),
    [[], ['invalid-argument']],
  );
});

test('summary rows: Keras-style shapes, producers by name, totals and training memory', () => {
  const summary = modelSummary(analyze(NET), {}, { memoryBatchSize: 64 });
  assert.ok(summary);
  assert.deepEqual(summary.rows[1], {
    name: 'stem',
    kind: 'conv2d',
    outputShape: '(None, 32, 32, 16)',
    params: 448,
    trainable: 448,
    macs: summary.rows[1].macs,
    connectedTo: ['input_1'],
  });
  assert.ok(summary.rows[1].macs > 0);
  assert.equal(summary.totals.params, NET_TOTAL_PARAMS);
  assert.deepEqual([summary.trainingMemory.batch, summary.trainingMemory.optimizer], [64, 'sgd']);
  assert.deepEqual(modelSummary(analyze(NET), {}, { rows: false, memoryBatchSize: 1 })?.rows, []);
  assert.equal(modelSummary(analyze(NET), { name: 'Nope' }, { memoryBatchSize: 1 }), undefined);
});
