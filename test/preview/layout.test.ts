// Preview graph conversion and ELK layout on the reference networks and on generated graphs.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AUTO_COLLAPSE_LAYERS, defaultCollapsed, groupKey, layerKey, visibleGraph } from '../../webview/layout/collapse';
import { previewGraphOf } from './graph-of';
import { layoutGraph, type DiagramLayout, type LaidOutBox, type Rect } from '../../webview/layout/layout';
import { nodeAtPosition } from '../../webview/layout/locate';
import { textWidth } from '../../webview/layout/text';
import type { PreviewGraph } from '../../webview/layout/types';
import { isPreviewGraph } from '../../protocol/preview';
import { EXAMPLES } from '../helpers/fixtures';

function graphOf(text: string, model?: string): PreviewGraph {
  const graph = previewGraphOf(text, model);
  assert.ok(graph, 'the text has a model');
  return graph;
}

const example = (file: string) => graphOf(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

/** Inception-style branches that merge, and a U-Net-style encoder/decoder whose skips span the whole net. */
const BRANCHY = `
block mixed(f) {
  a = in -> conv2d(f, 1)
  b = in -> conv2d(f, 1) -> conv2d(f, 3, padding: same)
  c = in -> maxpool2d(3, stride: 1, padding: same) -> conv2d(f, 1)
  concat(a, b, c)
}
model Branchy {
  input(32, 32, 3)
  conv2d(16, 3, padding: same)
  mixed(8) × 2
  globalavgpool2d()
  dense(10)
}`;

const UNET = `
block enc(f) {
  conv2d(f, 3, padding: same) -> relu()
}
model UNet {
  input(64, 64, 1)
  e1 = enc(8)
  e2 = maxpool2d(2) -> enc(16)
  e3 = maxpool2d(2) -> enc(32)
  upsample2d(2) -> conv2d(16, 3, padding: same)
  concat(e2)
  upsample2d(2) -> conv2d(8, 3, padding: same)
  concat(e1)
  conv2d(1, 1, activation: sigmoid)
}`;

/** A deep plain stack: repeats a block so the layer count passes the auto-collapse threshold. */
function deepStack(blocks: number): string {
  return `block unit(f) {\n  conv2d(f, 3, padding: same) -> batchnorm() -> relu()\n}\nmodel Deep {\n  input(32, 32, 3)\n  unit(16) × ${blocks}\n  globalavgpool2d()\n  dense(10)\n}\n`;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Rect, outer: Rect) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

/** True when `p` lies on the border of `r` (within half a pixel, as coordinates are rounded). */
function onBorder(p: { x: number; y: number }, r: Rect): boolean {
  const e = 0.6;
  const withinX = p.x >= r.x - e && p.x <= r.x + r.width + e;
  const withinY = p.y >= r.y - e && p.y <= r.y + r.height + e;
  const onH = withinX && (Math.abs(p.y - r.y) <= e || Math.abs(p.y - (r.y + r.height)) <= e);
  const onV = withinY && (Math.abs(p.x - r.x) <= e || Math.abs(p.x - (r.x + r.width)) <= e);
  return onH || onV;
}

/** The geometric checks every drawing must pass; returns problems as text so a failure shows all of them. */
function layoutProblems(layout: DiagramLayout): string[] {
  const problems: string[] = [];
  const boxes = new Map<string, LaidOutBox>(layout.boxes.map((b) => [b.key, b]));
  const frames = new Map(layout.frames.map((f) => [f.key, f]));
  for (let i = 0; i < layout.boxes.length; i++) {
    for (let j = i + 1; j < layout.boxes.length; j++) {
      if (overlaps(layout.boxes[i], layout.boxes[j])) problems.push(`${layout.boxes[i].key} overlaps ${layout.boxes[j].key}`);
    }
  }
  for (const box of layout.boxes) {
    const parent = box.item.parent;
    if (parent && !inside(box, frames.get(parent)!)) problems.push(`${box.key} is outside its frame ${parent}`);
    for (const f of layout.frames) {
      if (!isAncestor(f.key, parent, frames) && overlaps(box, f)) problems.push(`${box.key} overlaps foreign frame ${f.key}`);
    }
    if (box.x < 0 || box.y < 0 || box.x + box.width > layout.width || box.y + box.height > layout.height) problems.push(`${box.key} outside the drawing`);
  }
  for (const f of layout.frames) if (f.width < textWidth(f.title) + 20) problems.push(`${f.key} is narrower than its title`);
  for (const edge of layout.edges) {
    const pts = edge.points;
    if (pts.length < 2) {
      problems.push(`${edge.key} has no route`);
      continue;
    }
    if (!onBorder(pts[0], boxes.get(edge.source)!)) problems.push(`${edge.key} does not start at its source`);
    if (!onBorder(pts[pts.length - 1], boxes.get(edge.target)!)) problems.push(`${edge.key} does not end at its target`);
    for (let i = 1; i < pts.length; i++) {
      if (Math.abs(pts[i].x - pts[i - 1].x) > 0.2 && Math.abs(pts[i].y - pts[i - 1].y) > 0.2) problems.push(`${edge.key} has a diagonal segment`);
    }
  }
  return problems;
}

function isAncestor(frameKey: string, parent: string | undefined, frames: ReadonlyMap<string, { frame: { parent?: string } }>): boolean {
  for (let p = parent; p; p = frames.get(p)?.frame.parent) if (p === frameKey) return true;
  return false;
}

/** Every box reachable from the input boxes along edges: the drawing stays one connected flow. */
function reachableFromInputs(layout: DiagramLayout): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of layout.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const inputs = layout.boxes.filter((b) => b.item.type === 'layer' && b.item.node.kind === 'input').map((b) => b.key);
  const seen = new Set(inputs);
  const stack = [...inputs];
  while (stack.length > 0) for (const next of out.get(stack.pop()!) ?? []) if (!seen.has(next)) (seen.add(next), stack.push(next));
  return seen;
}

const CASES: [string, () => PreviewGraph][] = [
  ['resnet18', () => example('resnet18.stride')],
  ['vgg16', () => example('vgg16.stride')],
  ['mobilenetv2', () => example('mobilenetv2.stride')],
  ['branchy (generated)', () => graphOf(BRANCHY)],
  ['u-net (generated)', () => graphOf(UNET)],
];

for (const [name, load] of CASES) {
  test(`${name}: expanded layout has one box per layer, no overlaps, every edge routed`, async () => {
    const graph = load();
    const layout = await layoutGraph(graph);
    assert.equal(layout.boxes.length, graph.nodes.length);
    assert.equal(layout.frames.length, graph.groups.length);
    assert.equal(layout.edges.length, graph.edges.length);
    assert.deepEqual(layoutProblems(layout), []);
    assert.equal(reachableFromInputs(layout).size, layout.boxes.length);
  });

  test(`${name}: the same graph lays out identically`, async () => {
    const graph = load();
    const collapsed = new Set(graph.groups.slice(0, 1).map((g) => g.id));
    const first = JSON.stringify(await layoutGraph(graph, collapsed));
    const second = JSON.stringify(await layoutGraph(load(), new Set(collapsed)));
    assert.equal(second, first);
  });

  test(`${name}: collapsing every instance reduces boxes and keeps the flow connected`, async (t) => {
    const graph = load();
    if (graph.groups.length === 0) return t.skip('no block instances');
    const collapsed = new Set(graph.groups.map((g) => g.id));
    const layout = await layoutGraph(graph, collapsed);
    assert.ok(layout.boxes.length < graph.nodes.length, `${layout.boxes.length} boxes for ${graph.nodes.length} layers`);
    assert.equal(layout.frames.length, 0);
    assert.deepEqual(layoutProblems(layout), []);
    assert.equal(reachableFromInputs(layout).size, layout.boxes.length);
    const keys = new Set(layout.boxes.map((b) => b.key));
    for (const e of layout.edges) assert.ok(keys.has(e.source) && keys.has(e.target), `${e.key} ends at a drawn box`);
  });
}

test('resnet18: labels carry kind, key arguments, output shape and parameters', () => {
  const graph = example('resnet18.stride');
  const stem = graph.nodes.find((n) => n.id === 'conv2d_1')!;
  assert.equal(stem.kind, 'conv2d');
  assert.equal(stem.args, '64, 7×7, /2, same, no bias');
  assert.equal(stem.shape, '112×112×64');
  assert.equal(stem.params, 9408);
  assert.equal(graph.totals.params, 11_699_112);
  assert.equal(graph.totals.trainable, 11_689_512);
  assert.equal(graph.totals.memory?.batch, 256);
  const block = graph.groups.find((g) => g.id === 'basic_1')!;
  assert.deepEqual([block.label, block.layers, block.params, block.shape], ['basic(64)', 7, 74_240, '56×56×64']);
  const toBlock = graph.edges.find((e) => e.target === 'basic_1/conv2d_2')!;
  assert.deepEqual(toBlock, { source: 'maxpool2d_1', target: 'basic_1/conv2d_2', label: '56×56×64' });
});

test('resnet18: a collapsed instance replaces its layers and its edges are re-targeted', async () => {
  const graph = example('resnet18.stride');
  const visible = visibleGraph(graph, new Set(['down_1']));
  const members = graph.nodes.filter((n) => n.group === 'down_1').length;
  assert.equal(visible.items.length, graph.nodes.length - members + 1);
  const into = visible.edges.filter((e) => e.target === groupKey('down_1'));
  const out = visible.edges.filter((e) => e.source === groupKey('down_1'));
  // Two edges enter the block (main path and shortcut) from the same tensor: they merge into one.
  assert.deepEqual(
    into.map((e) => e.source),
    [layerKey('basic_2/relu_5')],
  );
  assert.deepEqual(
    out.map((e) => e.target),
    [layerKey('basic_3/conv2d_9'), layerKey('basic_3/add_4')],
  );
  const layout = await layoutGraph(graph, new Set(['down_1']));
  assert.equal(layout.boxes.find((b) => b.key === groupKey('down_1'))?.lines[0].text, '▸ down(128)');
});

test('nested instances: collapsing the outer one hides the inner frames', async () => {
  const text = `block unit(f) {\n  conv2d(f, 3, padding: same) -> relu()\n}\nblock stage(f) {\n  unit(f) × 2\n}\nmodel Nested {\n  input(16, 16, 3)\n  stage(8)\n  stage(16)\n  flatten()\n}\n`;
  const graph = graphOf(text);
  assert.deepEqual(
    graph.groups.map((g) => [g.id, g.parent ?? null]),
    [
      ['stage_1', null],
      ['stage_1/unit_1', 'stage_1'],
      ['stage_1/unit_2', 'stage_1'],
      ['stage_2', null],
      ['stage_2/unit_3', 'stage_2'],
      ['stage_2/unit_4', 'stage_2'],
    ],
  );
  const expanded = await layoutGraph(graph);
  assert.deepEqual(layoutProblems(expanded), []);
  const collapsed = await layoutGraph(graph, new Set(['stage_1', 'stage_1/unit_1']));
  assert.deepEqual(
    collapsed.frames.map((f) => f.key),
    ['g:stage_2', 'g:stage_2/unit_3', 'g:stage_2/unit_4'],
  );
  assert.equal(collapsed.boxes.filter((b) => b.item.type === 'group').length, 1);
  assert.equal(graph.groups.find((g) => g.id === 'stage_1')!.layers, 4);
});

test('diagnostics mark only the layer and the instance they were reported for', () => {
  const text = `block res(f) {\n  skip = in\n  conv2d(f, 3, padding: same)\n  add(skip)\n}\nmodel M {\n  input(8, 8, 4)\n  res(4)\n  res(8)\n}\n`;
  const graph = graphOf(text);
  const adds = graph.nodes.filter((n) => n.kind === 'add');
  assert.deepEqual(
    adds.map((n) => [n.id, n.diagnostics.map((d) => d.code)]),
    [
      ['res_1/add_1', []],
      ['res_2/add_2', ['shape-mismatch']],
    ],
  );
  assert.ok(graph.errorCount >= 1);
});

test('a file without a model has no preview graph; an unknown model name has none, and the default is the first', () => {
  assert.equal(previewGraphOf('block b(f) {\n  relu()\n}\n'), undefined);
  // The panel asks again without a name when the one it remembered is gone (a rename): that answer is the fallback.
  assert.equal(previewGraphOf(UNET, 'Nope'), undefined);
  assert.equal(graphOf(UNET).model, 'UNet');
});

test('large graphs start with top-level instances collapsed, small ones expanded', async () => {
  const small = graphOf(deepStack(4));
  assert.deepEqual(defaultCollapsed(small), []);
  const big = graphOf(deepStack(50));
  assert.ok(big.nodes.length > AUTO_COLLAPSE_LAYERS);
  const collapsed = defaultCollapsed(big);
  assert.equal(collapsed.length, 50);
  const layout = await layoutGraph(big, new Set(collapsed));
  assert.equal(layout.boxes.length, big.nodes.length - 50 * 3 + 50);
  assert.deepEqual(layoutProblems(layout), []);
});

test('edge labels: one shape label under each source, beside its first edge', async () => {
  const layout = await layoutGraph(example('resnet18.stride'));
  const labelled = layout.edges.filter((e) => e.label);
  const sources = new Set(layout.edges.map((e) => e.source));
  assert.equal(labelled.length, sources.size);
  const input = labelled.find((e) => e.source === layerKey('input_1'))!;
  assert.equal(input.label!.text, '224×224×3');
  assert.ok(Math.abs(input.label!.x - input.points[0].x) < 10);
});

test('nodeAtPosition finds the layer under the cursor, in a block body and on a block call', () => {
  const graph = example('resnet18.stride');
  const stem = graph.nodes.find((n) => n.id === 'conv2d_1')!;
  assert.equal(nodeAtPosition(graph, stem.range.start), 'conv2d_1');
  const inBlock = graph.nodes.find((n) => n.id === 'basic_1/conv2d_2')!;
  assert.equal(nodeAtPosition(graph, { line: inBlock.range.start.line, character: inBlock.range.start.character + 3 }), 'basic_1/conv2d_2');
  const call = graph.groups.find((g) => g.id === 'down_1')!;
  assert.equal(nodeAtPosition(graph, call.range.start), graph.nodes.find((n) => n.group === 'down_1')!.id);
  assert.equal(nodeAtPosition(graph, { line: 0, character: 0 }), undefined);
});

test('degenerate and broken models still convert, validate and lay out', async () => {
  const texts = [
    'model Empty {\n}\n',
    'model NoInput {\n  conv2d(8, 3)\n  relu()\n}\n',
    'model Bad {\n  input(8, 8, 3)\n  conv2d(8, 99)\n  dense(10)\n}\n',
    'model Multi {\n  a = input(8, 8, 3)\n  b = input(8, 8, 3)\n  add(a, b)\n  output(a, b)\n}\n',
    'block loop(f) {\n  loop(f)\n}\nmodel Cycle {\n  input(4, 4, 1)\n  loop(2)\n}\n',
    'model Unclosed {\n  input(8, 8, 3\n  conv2d(\n',
  ];
  for (const text of texts) {
    const graph = previewGraphOf(text);
    assert.ok(graph, text);
    assert.ok(isPreviewGraph(graph), text);
    const layout = await layoutGraph(graph);
    assert.equal(layout.boxes.length, graph.nodes.length, text);
    assert.deepEqual(layoutProblems(layout), [], text);
  }
});
