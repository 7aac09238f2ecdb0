// `stride plot` as a real process: the SVG parses as XML and shows every layer and block of the preview's graph,
// the DOT is accepted by Graphviz with one node per box and one cluster per block, and usage errors are clear.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { toXml, el, textEl } from '../../webview/diagram/svg-tree';
import type { PreviewGraph } from '../../webview/layout/types';
import { EXAMPLES } from '../helpers/fixtures';
import { previewGraphOf } from '../preview/graph-of';
import { boxTexts, findAll, hasClass, parseXml, stride, type XmlElement } from './plot-helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-plot-'));
const example = (name: string) => path.join(EXAMPLES, `${name}.stride`);

/** The graph the preview draws for an example, by the server's path (not the CLI's). */
function graphOf(name: string): PreviewGraph {
  const g = previewGraphOf(fs.readFileSync(example(name), 'utf8'));
  assert.ok(g);
  return g;
}

function svgOf(name: string, ...flags: string[]): XmlElement {
  const r = stride(['plot', example(name), '--out', '-', ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const text = r.stdout.toString('utf8');
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '), text.slice(0, 80));
  // The file carries its own colours: nothing may wait for a theme variable that only the editor defines.
  assert.doesNotMatch(text, /var\(--/);
  const svg = parseXml(text);
  assert.equal(svg.name, 'svg');
  assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
  assert.ok(Number(svg.attributes.width) > 100 && Number(svg.attributes.height) > 100, `${svg.attributes.width}×${svg.attributes.height}`);
  assert.ok(findAll(svg, (e) => e.name === 'style').length === 1);
  return svg;
}

const boxesOf = (svg: XmlElement) => new Map(findAll(svg, (e) => e.name === 'g' && hasClass(e, 'node')).map((b) => [b.attributes['data-id'], b]));

/** Every layer is a box with its kind on top and its output shape below, every block a frame with its call as title. */
function assertExpanded(svg: XmlElement, graph: PreviewGraph): void {
  const boxes = boxesOf(svg);
  assert.equal(boxes.size, graph.nodes.length);
  for (const n of graph.nodes) {
    const texts = boxTexts(boxes.get(n.id) ?? assert.fail(`no box for ${n.id}`));
    assert.equal(texts[0], n.kind, n.id);
    assert.ok(texts[texts.length - 1].startsWith(n.shape), `${n.id}: ${texts.join(' | ')}`);
  }
  const titles = findAll(svg, (e) => e.name === 'text' && hasClass(e, 'frame-title')).map((t) => t.text);
  assert.equal(titles.length, graph.groups.length);
  for (const g of graph.groups)
    assert.ok(
      titles.some((t) => t.startsWith(`▾ ${g.label} · ${g.id} ·`)),
      `no frame for ${g.id}`,
    );
  assert.equal(findAll(svg, (e) => e.name === 'path' && hasClass(e, 'edge')).length, graph.edges.length);
  // A file has no keyboard to serve: no tab stops.
  assert.equal(findAll(svg, (e) => e.attributes.tabindex !== undefined).length, 0);
}

/** Each top-level block is one dashed box `▸ call`; the layers outside blocks keep their boxes. */
function assertCollapsed(svg: XmlElement, graph: PreviewGraph): void {
  const boxes = boxesOf(svg);
  const outside = graph.nodes.filter((n) => n.group === undefined);
  const top = graph.groups.filter((g) => g.parent === undefined);
  assert.equal(boxes.size, outside.length + top.length);
  for (const n of outside) assert.equal(boxTexts(boxes.get(n.id) ?? assert.fail(`no box for ${n.id}`))[0], n.kind);
  for (const g of top) {
    const box = boxes.get(g.id) ?? assert.fail(`no box for ${g.id}`);
    assert.ok(hasClass(box, 'group'));
    assert.equal(boxTexts(box)[0], `▸ ${g.label}`);
  }
  assert.equal(findAll(svg, (e) => hasClass(e, 'frame')).length, 0);
}

describe('stride plot: SVG', () => {
  test('ResNet-18 expanded: every layer and every block, edges, fixed colours', () => {
    const svg = svgOf('resnet18', '--expanded');
    assertExpanded(svg, graphOf('resnet18'));
    assert.equal(svg.children.find((c) => c.name === 'title')?.text, 'ResNet18');
    assert.equal(findAll(svg, (e) => e.name === 'rect' && e.attributes.width === '100%')[0]?.attributes.fill, '#ffffff');
  });

  test('ResNet-18 collapsed: one box per block instance', () => {
    assertCollapsed(svgOf('resnet18', '--collapsed'), graphOf('resnet18'));
  });

  test('BERT-mini and U-Net expanded: every layer and block', () => {
    for (const name of ['bert-mini', 'unet']) assertExpanded(svgOf(name, '--expanded'), graphOf(name));
  });

  test('without a flag a large model starts collapsed as in the preview (DenseNet-121), a small one expanded', () => {
    assertCollapsed(svgOf('densenet121'), graphOf('densenet121'));
    assertExpanded(svgOf('unet'), graphOf('unet'));
  });

  test('--theme dark uses the dark colours', () => {
    const svg = svgOf('lenet5', '--theme', 'dark');
    assert.equal(findAll(svg, (e) => e.name === 'rect' && e.attributes.width === '100%')[0]?.attributes.fill, '#1e1e1e');
    assert.match(svg.children.find((c) => c.name === 'style')?.text ?? '', /\.node rect\.body \{ fill: #252526;/);
  });

  test('the default output is MODEL.svg beside the file', () => {
    const file = path.join(dir, 'net.stride');
    fs.copyFileSync(example('resnet18'), file);
    const r = stride(['plot', file]);
    assert.equal(r.status, 0, r.stderr);
    const written = path.join(dir, 'ResNet18.svg');
    assert.match(r.stderr, new RegExp(`wrote ${written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(r.stdout.length, 0);
    assertExpanded(parseXml(fs.readFileSync(written, 'utf8')), graphOf('resnet18'));
  });

  test('a model with an error is drawn with the layer marked, and the exit status says so', () => {
    const file = path.join(dir, 'broken.stride');
    fs.writeFileSync(file, 'model Broken {\n  input(8)\n  conv2d(4, 3)\n  dense(2)\n}\n');
    const out = path.join(dir, 'broken.svg');
    const r = stride(['plot', file, '--out', out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /broken\.stride:3:3: error\[/);
    const marked = findAll(parseXml(fs.readFileSync(out, 'utf8')), (e) => hasClass(e, 'node') && hasClass(e, 'error'));
    assert.deepEqual(
      marked.map((b) => b.attributes['data-id']),
      ['conv2d_1'],
    );
  });

  test('text from the model stays text: markup characters, quotes, line breaks and control characters', () => {
    const tricky = 'a<b & "c"\n\u0001</text>';
    const svg = parseXml(toXml(el('svg', { 'aria-label': tricky }, [textEl('text', tricky)])));
    assert.equal(svg.attributes['aria-label'], 'a<b & "c"\n\ufffd</text>');
    assert.equal(svg.children[0].text, 'a<b & "c"\n\ufffd</text>');
  });
});

const hasDot = spawnSync('dot', ['-V']).status === 0;

/** The DOT text, checked by Graphviz itself: `dot -Tsvg` must accept it; its SVG tells what it drew. */
function dotDrawing(name: string, ...flags: string[]): XmlElement {
  const r = stride(['plot', example(name), '--format', 'dot', '--out', '-', ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const dot = spawnSync('dot', ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
  assert.equal(dot.status, 0, dot.stderr);
  assert.equal(dot.stderr, '', 'Graphviz warns about the DOT text');
  return parseXml(dot.stdout.replace(/<!DOCTYPE[^>]*>/, ''));
}

const drawn = (svg: XmlElement, cls: string) => findAll(svg, (e) => e.name === 'g' && hasClass(e, cls));

describe('stride plot: DOT through Graphviz', { skip: hasDot ? false : 'Graphviz `dot` is not installed (scripts/setup-test-deps.sh)' }, () => {
  test('ResNet-18 expanded: one node per layer, one cluster per block, one edge per connection', () => {
    const graph = graphOf('resnet18');
    const svg = dotDrawing('resnet18', '--expanded');
    assert.equal(drawn(svg, 'node').length, graph.nodes.length);
    assert.equal(drawn(svg, 'cluster').length, graph.groups.length);
    assert.equal(drawn(svg, 'edge').length, graph.edges.length);
    const labels = findAll(svg, (e) => e.name === 'text').map((t) => t.text);
    for (const n of graph.nodes) assert.ok(labels.includes(n.kind), n.kind);
    for (const g of graph.groups)
      assert.ok(
        labels.some((t) => t.startsWith(`▾ ${g.label} · ${g.id}`)),
        g.id,
      );
  });

  test('ResNet-18 collapsed: blocks are nodes, no clusters', () => {
    const graph = graphOf('resnet18');
    const svg = dotDrawing('resnet18', '--collapsed');
    const top = graph.groups.filter((g) => g.parent === undefined);
    assert.equal(drawn(svg, 'node').length, graph.nodes.filter((n) => n.group === undefined).length + top.length);
    assert.equal(drawn(svg, 'cluster').length, 0);
    const labels = findAll(svg, (e) => e.name === 'text').map((t) => t.text);
    for (const g of top) assert.ok(labels.includes(`▸ ${g.label}`), g.id);
  });

  test('BERT-mini and U-Net (nested blocks) are accepted, with every layer', () => {
    for (const name of ['bert-mini', 'unet']) {
      const graph = graphOf(name);
      const svg = dotDrawing(name, '--expanded');
      assert.equal(drawn(svg, 'node').length, graph.nodes.length, name);
      assert.equal(drawn(svg, 'cluster').length, graph.groups.length, name);
    }
  });
});

describe('stride plot: usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown format', ['plot', example('lenet5'), '--format', 'jpg'], /option --format does not accept 'jpg' \(values: svg, png, dot\)/],
    ['missing model', ['plot', example('lenet5'), '--model', 'Nope'], /No model named 'Nope'; models in .*lenet5\.stride: /],
    ['missing file', ['plot', path.join(dir, 'absent.stride')], /cannot read '.*absent\.stride': no such file/],
    ['no file', ['plot'], /plot takes exactly one file/],
    ['both collapse flags', ['plot', example('lenet5'), '--collapsed', '--expanded'], /--collapsed and --expanded exclude each other/],
    ['unknown theme', ['plot', example('lenet5'), '--theme', 'sepia'], /option --theme does not accept 'sepia' \(values: light, dark\)/],
    ['PNG to stdout', ['plot', example('lenet5'), '--format', 'png', '--out', '-'], /a PNG is not written to standard output/],
  ];
  for (const [what, args, message] of cases) {
    test(`${what}: exit status 2 and a clear message, nothing written`, () => {
      const r = stride(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout.length, 0);
    });
  }

  test('help lists plot', () => {
    const r = stride(['help']);
    assert.match(r.stdout.toString('utf8'), /plot FILE \[--model NAME\] \[--format svg\|png\|dot\]/);
  });
});
