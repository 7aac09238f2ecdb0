// The language server's stride/modelGraph result, converted for the preview, validates, lays out and carries
// what the drawing shows: labels, instances, totals with training memory, and problems per layer.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { layoutGraph } from '../../webview/layout/layout';
import { isPreviewGraph } from '../../protocol/preview';
import { EXAMPLES } from '../helpers/fixtures';
import { previewGraphOf } from './graph-of';

const RESNET18 = fs.readFileSync(path.join(EXAMPLES, 'resnet18.stride'), 'utf8');

function serverGraph(text: string) {
  const graph = previewGraphOf(text);
  assert.ok(graph, 'the server found a model');
  return graph;
}

test('the server graph of ResNet-18 has its layers, edges, instances and totals', () => {
  const graph = serverGraph(RESNET18);
  assert.ok(isPreviewGraph(graph));
  assert.equal(graph.nodes.length, new Set(graph.nodes.map((n) => n.id)).size, 'node ids are unique');
  const names = new Set(graph.nodes.map((n) => n.id));
  assert.ok(
    graph.edges.every((e) => names.has(e.source) && names.has(e.target)),
    'edges join drawn layers',
  );
  const stem = graph.nodes.find((n) => n.id === 'conv2d_1')!;
  assert.deepEqual([stem.kind, stem.shape, stem.params], ['conv2d', '112×112×64', 9408]);
  assert.ok(stem.formula.length > 0, 'the tooltip can explain the parameter count');
  const basic = graph.groups.find((g) => g.id === 'basic_1')!;
  assert.deepEqual([basic.block, basic.label, basic.parent ?? null, basic.layers], ['basic', 'basic(64)', null, 7]);
  assert.equal(
    basic.range.start.line,
    RESNET18.split('\n').findIndex((l) => l.includes('basic(64)')),
  );
  assert.deepEqual([graph.totals.params, graph.totals.trainable], [11_699_112, 11_689_512]);
  assert.equal(graph.totals.memory?.batch, 256, "the train section's batch size");
  assert.equal(graph.errorCount, 0);
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

test('a model too large for one answer reaches the preview flagged as cut, and the flag is validated', () => {
  const big = `model Big {\n  input(4)\n  dense(4) × 6000\n}\n`;
  const graph = previewGraphOf(big)!;
  assert.equal(graph.truncatedFrom, 6001);
  assert.equal(graph.nodes.length, 5000);
  assert.ok(isPreviewGraph(graph));
  assert.ok(!isPreviewGraph({ ...graph, truncatedFrom: -1 }));
});
