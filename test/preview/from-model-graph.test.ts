// The language server's stride/modelGraph result, converted for the preview, validates and lays out like the analysis.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeText } from '../../server/documents';
import { modelGraph } from '../../server/model-graph';
import { toPreviewGraph } from '../../webview/layout/convert';
import { fromModelGraph } from '../../webview/layout/from-model-graph';
import { layoutGraph } from '../../webview/layout/layout';
import { isPreviewGraph } from '../../protocol/preview';
import { analyze } from '../../core/analyze';
import { EXAMPLES } from '../helpers/fixtures';

const RESNET18 = fs.readFileSync(path.join(EXAMPLES, 'resnet18.stride'), 'utf8');

function serverGraph(text: string) {
  const result = modelGraph(analyzeText('file:///net.stride', 1, text), { uri: 'file:///net.stride' });
  assert.ok(result, 'the server found a model');
  return fromModelGraph(result);
}

test('the server graph of ResNet-18 has the same layers, edges, instances and totals as the analysis', () => {
  const fromServer = serverGraph(RESNET18);
  const fromCore = toPreviewGraph(analyze(RESNET18))!;
  assert.ok(isPreviewGraph(fromServer));
  assert.deepEqual(
    fromServer.nodes.map((n) => [n.id, n.kind, n.shape, n.params, n.group ?? null]),
    fromCore.nodes.map((n) => [n.id, n.kind, n.shape, n.params, n.group ?? null]),
  );
  assert.deepEqual(fromServer.edges, fromCore.edges);
  assert.deepEqual(
    fromServer.groups.map((g) => [g.id, g.block, g.label, g.range, g.parent ?? null, g.layers, g.params, g.macs, g.shape]),
    fromCore.groups.map((g) => [g.id, g.block, g.label, g.range, g.parent ?? null, g.layers, g.params, g.macs, g.shape]),
  );
  assert.equal(fromServer.groups.find((g) => g.id === 'basic_1')?.label, 'basic(64)');
  assert.deepEqual({ ...fromServer.totals, memory: undefined }, { ...fromCore.totals, memory: undefined });
  assert.equal(fromServer.totals.memory, undefined);
});

test('the server graph lays out and carries node diagnostics', async () => {
  const text = `block res(f) {\n  skip = in\n  conv2d(f, 3, padding: same)\n  add(skip)\n}\nmodel M {\n  input(8, 8, 4)\n  res(4)\n  res(8)\n}\n`;
  const graph = serverGraph(text);
  assert.ok(isPreviewGraph(graph));
  assert.ok(graph.errorCount >= 1);
  assert.ok(graph.nodes.find((n) => n.id === 'res_2/add_2')!.diagnostics.some((d) => d.code === 'shape-mismatch'));
  // Only the instance the mistake was reported for is marked, and a collapsed instance carries its layers' problems.
  assert.deepEqual(graph.nodes.find((n) => n.id === 'res_1/add_1')!.diagnostics, []);
  assert.deepEqual(
    graph.groups.map((g) => [g.id, g.diagnostics.map((d) => d.code)]),
    [
      ['res_1', []],
      ['res_2', ['shape-mismatch']],
    ],
  );
  const layout = await layoutGraph(graph, new Set(['res_1']));
  assert.equal(layout.boxes.length, graph.nodes.length - 2 + 1);
  assert.ok(layout.edges.every((e) => e.points.length >= 2));
});
