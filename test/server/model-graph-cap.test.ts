// `stride/modelGraph` for a very large model is cut at MAX_GRAPH_NODES and says so; small models are sent whole.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_GRAPH_NODES, MODEL_GRAPH_METHOD, type ModelGraphResult } from '../../protocol/lsp-ext';
import { TestClient } from './harness';

describe('model graph size', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start();
  });
  after(() => client.stop());

  it('a model of 40,000 layers answers a bounded graph flagged truncatedFrom, with consistent ids', async () => {
    const uri = 'file:///huge-graph.stride';
    await client.openAndWait(uri, 'block big() {\n  relu() × 40000\n}\nmodel M {\n  input(8, 8, 1)\n  big()\n}\n');
    const started = Date.now();
    const graph = await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri });
    assert.ok(Date.now() - started < 3000);
    assert.equal(graph.nodes.length, MAX_GRAPH_NODES);
    assert.equal(graph.truncatedFrom, 40_001);
    const ids = new Set(graph.nodes.map((n) => n.id));
    assert.ok(graph.nodes.every((n) => n.inputs.every((id) => ids.has(id))));
    assert.ok(graph.outputs.every((id) => ids.has(id)) && graph.inputs.every((id) => ids.has(id)));
    assert.ok(JSON.stringify(graph).length < 5_000_000);
  });

  it('a small model is sent whole, without the flag', async () => {
    const uri = 'file:///small-graph.stride';
    await client.openAndWait(uri, 'model M {\n  input(8, 8, 1)\n  relu()\n}\n');
    const graph = await client.request<ModelGraphResult>(MODEL_GRAPH_METHOD, { uri });
    assert.equal(graph.nodes.length, 2);
    assert.equal(graph.truncatedFrom, undefined);
  });
});
