// Protocol tests: stride/modelGraph, stride/summary and stride/checkFiles, plus UTF-16 ranges.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hover, PublishDiagnosticsParams } from 'vscode-languageserver';
import {
  CHECK_FILES_METHOD,
  MODEL_GRAPH_METHOD,
  SUMMARY_METHOD,
  type CheckFilesResult,
  type ModelGraphResult,
  type SummaryResult,
} from '../../protocol/lsp-ext';
import { positionOf, TestClient } from './harness';
import { BROKEN, NET, NET_TOTAL_PARAMS } from './fixtures';

let client: TestClient;
const uri = 'file:///custom/net.stride';
before(async () => {
  client = await TestClient.start();
  await client.openAndWait(uri, NET);
});
after(() => client.stop());

describe('stride/modelGraph: nodes, facts and instances', () => {
  it('stride/modelGraph returns nodes with facts, ranges, block paths and totals', async () => {
    const g = (await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri }))!;
    assert.equal(g.model, 'Net');
    assert.deepEqual(g.models, ['Net']);
    assert.equal(g.version, 1);
    assert.equal(g.totals.params, NET_TOTAL_PARAMS);
    assert.deepEqual(
      g.nodes.map((n) => n.name),
      ['input_1', 'stem', 'conv2d_1', 'basic_1/conv2d_2', 'basic_1/relu_1', 'basic_1/add_1', 'features', 'flatten_1', 'dense_1'],
    );
    const conv = g.nodes.find((n) => n.name === 'conv2d_1')!;
    assert.equal(conv.kind, 'conv2d');
    assert.equal(conv.args, '32, 3×3, same');
    assert.deepEqual(conv.outputShape, [32, 32, 32]);
    assert.equal(conv.params, 4640);
    assert.equal(conv.macs, 32 * 32 * 9 * 16 * 32);
    assert.deepEqual(conv.inputs, [1]);
    assert.deepEqual(conv.range.start, positionOf(NET, 'conv2d(32'));
    const add = g.nodes.find((n) => n.name === 'basic_1/add_1')!;
    assert.deepEqual(add.blockPath, ['basic_1']);
    assert.deepEqual(add.inputs, [4, 2], 'the current tensor (relu), then skip (the block input)');
    assert.deepEqual(g.outputs, [8]);
    assert.deepEqual(g.inputs, [0]);
  });

  it('stride/modelGraph lists block calls as instances and picks the model at a position', async () => {
    const g = (await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri }))!;
    assert.deepEqual(
      g.instances.map((i) => [i.id, i.block, i.label, i.parent ?? null]),
      [['basic_1', 'basic', 'basic(32)', null]],
    );
    assert.deepEqual(g.instances[0].range.start, positionOf(NET, 'basic(32)'));
    const u = 'file:///custom/two.stride';
    const two = 'model A {\n  input(4)\n  dense(2)\n}\nmodel B {\n  input(4)\n  dense(3)\n}\n';
    await client.openAndWait(u, two);
    const atB = (await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri: u, position: { line: 6, character: 2 } }))!;
    assert.equal(atB.model, 'B');
    assert.deepEqual(atB.models, ['A', 'B']);
    const named = (await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri: u, model: 'A', position: { line: 6, character: 2 } }))!;
    assert.equal(named.model, 'A', 'an explicit model wins over the position');
  });
});

describe('stride/modelGraph diagnostics; stride/summary', () => {
  it('stride/modelGraph attaches diagnostics to their nodes and answers null for unknown models and documents', async () => {
    const u = 'file:///custom/broken.stride';
    await client.openAndWait(u, BROKEN);
    const g = (await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri: u, model: 'M' }))!;
    const conv = g.nodes.find((n) => n.kind === 'conv2d')!;
    assert.deepEqual(
      conv.diagnostics.map((d) => d.code),
      ['invalid-argument'],
    );
    const unknown = g.nodes.find((n) => n.kind === 'maxpool2D')!;
    assert.deepEqual(
      unknown.diagnostics.map((d) => d.code),
      ['unknown-layer'],
    );
    assert.equal(unknown.outputShape, null);
    assert.equal(await client.request(MODEL_GRAPH_METHOD, { uri: u, model: 'Nope' }), null);
    assert.equal(await client.request(MODEL_GRAPH_METHOD, { uri: 'file:///custom/unknown.stride' }), null);
  });

  it('stride/summary gives Keras-style rows, totals and the training-memory estimate', async () => {
    const s = (await client.request<SummaryResult>(SUMMARY_METHOD, { uri, model: 'Net' }))!;
    assert.equal(s.rows.length, 9);
    assert.deepEqual(s.rows[2], {
      name: 'conv2d_1',
      kind: 'conv2d',
      outputShape: '(None, 32, 32, 32)',
      params: 4640,
      trainable: 4640,
      macs: 32 * 32 * 9 * 16 * 32,
      connectedTo: ['stem'],
    });
    assert.deepEqual(s.rows[5].connectedTo, ['basic_1/relu_1', 'conv2d_1']);
    assert.equal(s.totals.params, NET_TOTAL_PARAMS);
    assert.equal(s.trainingMemory.batch, 32);
    assert.equal(s.trainingMemory.optimizer, 'sgd');
    // sgd without momentum: weights + gradients + activations for 32 samples.
    assert.equal(s.trainingMemory.bytes, 4 * NET_TOTAL_PARAMS * 2 + 32 * s.totals.activationBytes);
    assert.equal(s.errors, 0);
  });

  it('stride/summary picks the model under the position and can leave rows out', async () => {
    const two = 'model A {\n  input(4)\n  dense(2)\n}\n\nmodel B {\n  input(4)\n  dense(3)\n}\n';
    const u = 'file:///custom/two.stride';
    await client.openAndWait(u, two);
    const s = (await client.request<SummaryResult>(SUMMARY_METHOD, { uri: u, position: positionOf(two, 'dense(3'), rows: false }))!;
    assert.equal(s.model, 'B');
    assert.deepEqual(s.models, ['A', 'B']);
    assert.deepEqual(s.rows, []);
    assert.equal(s.totals.params, 15);
  });
});

describe('stride/checkFiles; UTF-16 ranges', () => {
  it('stride/checkFiles analyses unopened files, publishes their diagnostics and counts problems', async () => {
    const closed = 'file:///custom/closed.stride';
    const waiting = client.waitForDiagnostics(closed);
    const r = await client.request<CheckFilesResult>(CHECK_FILES_METHOD, {
      files: [
        { uri: closed, text: BROKEN },
        { uri, text: 'stale text on disk ((' },
      ],
    });
    assert.deepEqual(r.files, [
      { uri: closed, errors: 2, warnings: 0, models: 1 },
      { uri, errors: 0, warnings: 0, models: 1 },
    ]);
    const published: PublishDiagnosticsParams = await waiting;
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['invalid-argument', 'unknown-layer'],
    );
  });

  it('ranges count UTF-16 code units (astral characters in comments)', async () => {
    const text = '# 😀😀 emoji\nmodel M {  # ü 😀\n  input(8, 8, 1)\n  conv2d(4, 3, padding: sme)\n}\n';
    const u = 'file:///custom/utf16.stride';
    const published = await client.openAndWait(u, text);
    assert.deepEqual(published.diagnostics[0].range.start, { line: 3, character: 24 });
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: u }, position: { line: 1, character: 7 } });
    assert.ok(h && JSON.stringify(h.contents).includes('model M'));
    assert.deepEqual(h.range, { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } });
  });
});
