// The preview of a ShuffleNet-style unit: each part of a split is drawn as its own slice, joined in the written order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPreviewGraph } from '../../protocol/preview';
import { layoutGraph } from '../../webview/layout/layout';
import { previewGraphOf } from './graph-of';

const UNIT = `block unit(c) {
  left, right = split(2)
  r = right -> conv2d(c / 2, 1) -> relu()
  concat(left, r) -> channel_shuffle(2)
}
model M {
  input(8, 8, 16)
  unit(16)
}
`;

test('each part of a split is a slice node of the same input, named after its target, inside the block instance', () => {
  const graph = previewGraphOf(UNIT);
  assert.ok(graph && isPreviewGraph(graph));
  const row = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n && [n.kind, n.args, n.shape, n.params];
  };
  assert.deepEqual(row('unit_1/left'), ['slice', 'part 1 of 2', '8×8×8', 0]);
  assert.deepEqual(row('unit_1/right'), ['slice', 'part 2 of 2', '8×8×8', 0]);
  assert.deepEqual(row('unit_1/channel_shuffle_1'), ['channel_shuffle', '2', '8×8×16', 0]);
  const into = (id: string) => graph.edges.filter((e) => e.target === id).map((e) => e.source);
  assert.deepEqual(into('unit_1/left'), ['input_1']);
  assert.deepEqual(into('unit_1/right'), ['input_1']);
  assert.deepEqual(into('unit_1/concat_1'), ['unit_1/left', 'unit_1/r'], 'concat joins in the order written');
  assert.deepEqual(
    graph.groups.map((g) => [g.id, g.layers]),
    [['unit_1', 6]],
  );
  assert.equal(graph.errorCount, 0);
});

test('the unit lays out with both parts placed', async () => {
  const graph = previewGraphOf(UNIT)!;
  const laid = await layoutGraph(graph);
  const boxes = new Map(laid.boxes.map((b) => [b.key, b]));
  const left = boxes.get('n:unit_1/left');
  const right = boxes.get('n:unit_1/right');
  assert.ok(left && right, 'both parts are drawn');
  assert.ok(left.x + left.width <= right.x || right.x + right.width <= left.x, 'the parts are drawn in separate columns');
  assert.ok(laid.edges.every((e) => e.points.length >= 2));
});
