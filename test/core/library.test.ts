// The block library: blocks written in Stride that every file can call, located at the user's call site.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';
import { defaultRegistry } from '../../core/model/layers';
import { LIBRARY_SOURCE, libraryBlocks } from '../../core/model/library';
import { parse } from '../../core/syntax/parser';

test('the library parses cleanly and its names do not shadow layer kinds', () => {
  assert.deepEqual(parse(LIBRARY_SOURCE).diagnostics, []);
  assert.ok(libraryBlocks().has('transformer_encoder'));
  for (const name of libraryBlocks().keys()) assert.equal(defaultRegistry.get(name), undefined, name);
});

test('transformer_encoder counts what PyTorch nn.TransformerEncoderLayer counts', () => {
  const text = 'model T {\n  input(16, 64)\n  transformer_encoder(64, 4, ffn: 256)\n}\n';
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  const torch = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import torch; m = torch.nn.TransformerEncoderLayer(64, 4, dim_feedforward=256); print(sum(p.numel() for p in m.parameters()))'],
    { encoding: 'utf8' },
  );
  assert.equal(torch.status, 0, `PyTorch is needed as the oracle (Debian python3-torch): ${torch.stderr}`);
  assert.equal(analysis.models[0].totals.trainable, Number(torch.stdout.trim()));
  assert.deepEqual(analysis.models[0].layers.at(-1)!.shape, [16, 64]);
});

test('library layers are located at the call and named after the instance', () => {
  const text = 'model T {\n  input(8, 32)\n  transformer_encoder(32, 2) × 2\n}\n';
  const model = analyze(text).models[0];
  const call = { start: text.indexOf('transformer_encoder'), end: text.indexOf(' × 2') };
  for (const layer of model.layers.slice(1)) {
    assert.deepEqual(layer.node.span, call, layer.node.name);
    assert.ok(layer.node.library);
  }
  assert.ok(model.layers.some((l) => l.node.name === 'transformer_encoder_2/layernorm_2'));
});

test('a mistake surfacing inside a library block is reported once, at the call, without text fixes', () => {
  const text = 'model T {\n  input(8, 30)\n  transformer_encoder(30, 4)\n}\n';
  const analysis = analyze(text);
  assert.equal(analysis.diagnostics.length, 1);
  const [d] = analysis.diagnostics;
  assert.equal(d.code, 'invalid-argument');
  assert.equal(text.slice(d.span.start, d.span.end), 'transformer_encoder(30, 4)');
  assert.deepEqual(d.fixes ?? [], []);
  assert.ok((d.related ?? []).every((r) => r.span.end <= text.length));
});

test("a file's own block shadows the library block of the same name", () => {
  const text = 'block transformer_encoder(n) {\n  dense(n)\n}\nmodel T {\n  input(4)\n  transformer_encoder(3)\n}\n';
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics, []);
  assert.equal(analysis.models[0].totals.params, 15);
});

test('a library block called without its arguments reports them at the call, with no location in library text', () => {
  const text = 'model M {\n  input(16, 64) -> transformer_encoder()\n}\n';
  const a = analyze(text);
  assert.deepEqual(
    a.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]),
    [
      ['missing-argument', 'transformer_encoder'],
      ['missing-argument', 'transformer_encoder'],
    ],
  );
  for (const d of a.diagnostics) for (const r of d.related ?? []) assert.ok(r.span.end <= text.length, `related ${JSON.stringify(r.span)}`);
});
