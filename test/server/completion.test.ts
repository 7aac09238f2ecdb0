// Protocol tests: completion in each context, and signature help for layer and block calls.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, CompletionList, SignatureHelp } from 'vscode-languageserver';
import { positionOf, TestClient } from './harness';
import { NET } from './fixtures';

let client: TestClient;
let n = 0;
/** Opens `text` with the cursor at `|` and asks for completions there. */
const complete = async (marked: string): Promise<CompletionItem[]> => {
  const uri = `file:///completion/${n++}.stride`;
  const text = marked.replace('|', '');
  await client.openAndWait(uri, text);
  const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
    textDocument: { uri },
    position: positionOf(marked, '|'),
  });
  return Array.isArray(r) ? r : r.items;
};
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const signature = async (marked: string): Promise<SignatureHelp | null> => {
  const uri = `file:///signature/${n++}.stride`;
  await client.openAndWait(uri, marked.replace('|', ''));
  return client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position: positionOf(marked, '|') });
};
before(async () => {
  client = await TestClient.start();
});
after(() => client.stop());

describe('completion: layers, blocks, tensors and arguments', () => {
  it('layer kinds with snippets of their required arguments, blocks and tensors at a line start', async () => {
    const items = await complete(NET.replace('  flatten()', '  |\n  flatten()'));
    const conv = items.find((i) => i.label === 'conv2d')!;
    assert.equal(conv.insertText, 'conv2d(${1:filters}, ${2:kernel})');
    assert.equal(conv.insertTextFormat, 2);
    assert.equal(items.find((i) => i.label === 'dropout')!.insertText, 'dropout(${1:rate})');
    assert.equal(items.find((i) => i.label === 'input')!.insertText, 'input(${1:28}, ${2:28}, ${3:1})');
    assert.equal(items.find((i) => i.label === 'relu')!.insertText, 'relu()');
    assert.equal(items.find((i) => i.label === 'add')!.insertText, 'add(${1:skip})');
    assert.equal(items.find((i) => i.label === 'basic')!.insertText, 'basic(${1:filters})');
    assert.ok(labels(items).includes('stem') && labels(items).includes('features'), 'tensor names in scope');
  });

  it('library blocks: offered, with their signature and parameters', async () => {
    const items = await complete('model M {\n  input(16, 64)\n  |\n}\n');
    const encoder = items.find((i) => i.label === 'transformer_encoder')!;
    assert.equal(encoder.insertText, 'transformer_encoder(${1:dim}, ${2:heads})');
    assert.equal(encoder.detail, 'block transformer_encoder(dim, heads, ffn = dim * 4, dropout = 0.1, epsilon = 1e-6)');
    const help = await signature('model M {\n  input(16, 64)\n  transformer_encoder(64, |)\n}\n');
    assert.equal(help!.signatures[0].parameters!.length, 5);
    assert.equal(help!.signatures[0].activeParameter ?? help!.activeParameter, 1);
  });

  it('after -> and after =', async () => {
    assert.ok(labels(await complete('model M {\n  input(8, 8, 1) -> |\n}\n')).includes('maxpool2d'));
    assert.ok(labels(await complete('model M {\n  input(8, 8, 1)\n  a = |\n}\n')).includes('batchnorm'));
  });

  it('argument names not yet given for the layer being called', async () => {
    const items = await complete('model M {\n  input(8, 8, 1)\n  conv2d(8, 3, padding: same, |)\n}\n');
    const names = labels(items);
    assert.ok(names.includes('stride:') && names.includes('activation:'), names.join(' '));
    assert.ok(!names.includes('padding:'), 'given arguments are left out');
    assert.equal(items.find((i) => i.label === 'stride:')!.insertText, 'stride: ');
  });

  it('enum values for the argument being typed', async () => {
    // Padding is also a number, so value functions follow the two words.
    const padding = labels(await complete('model M {\n  input(8, 8, 1)\n  conv2d(8, 3, padding: |)\n}\n'));
    assert.deepEqual(padding.slice(0, 2), ['valid', 'same']);
    assert.ok(padding.includes('max') && !padding.includes('relu'), padding.join(' '));
    const acts = labels(await complete('model M {\n  input(8, 8, 1)\n  dense(8, activation: re|)\n}\n'));
    assert.ok(acts.includes('relu') && acts.includes('softmax'));
    assert.deepEqual(labels(await complete('model M {\n  input(8, 8, 1)\n  conv2d(8, 3, bias: |)\n}\n')), ['true', 'false']);
  });

  it('tensor names for merges and block parameters inside blocks', async () => {
    const merge = labels(await complete('model M {\n  input(8, 8, 1)\n  a = relu()\n  b = relu()\n  add(|)\n}\n'));
    assert.ok(merge.includes('a') && merge.includes('b'));
    const inBlock = labels(await complete('block blk(width) {\n  skip = in\n  conv2d(|)\n}\n'));
    assert.ok(inBlock.includes('width'), inBlock.join(' '));
    assert.ok(inBlock.includes('filters:'));
  });
});

describe('completion in train sections and at the top level; signature help', () => {
  it('training settings, and values per setting', async () => {
    const keys = labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  epochs: 3\n  |\n}\n'));
    assert.ok(keys.includes('optimizer') && keys.includes('data') && !keys.includes('epochs'), keys.join(' '));
    assert.ok(labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  data: |\n}\n')).includes('cifar10'));
    assert.ok(labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  optimizer: |\n}\n')).includes('adam'));
    assert.ok(labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  loss: |\n}\n')).includes('mse'));
    assert.ok(labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  metrics: [|]\n}\n')).includes('accuracy'));
    assert.ok(labels(await complete('model M {\n  input(4)\n}\ntrain M {\n  optimizer: sgd(|)\n}\n')).includes('momentum:'));
  });

  it('keywords at the top level, model names after train, nothing in comments', async () => {
    assert.deepEqual(labels(await complete('|\n')), ['model', 'block', 'train', 'fn']);
    assert.deepEqual(labels(await complete('model Alpha {\n  input(4)\n}\ntrain |')), ['Alpha']);
    assert.deepEqual(await complete('model M {\n  # conv|\n}\n'), []);
  });

  it('signature help for a layer: the positional slot, then the named argument', async () => {
    const pos = (await signature('model M {\n  input(8, 8, 1)\n  conv2d(8, |)\n}\n'))!;
    assert.equal(pos.signatures[0].label.startsWith('conv2d(filters, kernel, stride = 1, padding = valid'), true, pos.signatures[0].label);
    assert.equal(pos.activeParameter, 1);
    const named = (await signature('model M {\n  input(8, 8, 1)\n  conv2d(8, 3, padding: |)\n}\n'))!;
    assert.equal(named.activeParameter, 3);
    const rest = (await signature('model M {\n  input(8, 8, |)\n}\n'))!;
    assert.equal(rest.activeParameter, 0, 'the rest argument absorbs every position');
  });

  it('signature help for a block call, and none outside calls', async () => {
    const help = (await signature('block blk(width, stride = 2) {\n  conv2d(width, 3, stride: stride)\n}\nmodel M {\n  input(8, 8, 1)\n  blk(4, |)\n}\n'))!;
    assert.equal(help.signatures[0].label, 'blk(width, stride = 2)');
    assert.equal(help.activeParameter, 1);
    assert.equal(await signature('model M {\n  input(8, 8, 1)\n  |\n}\n'), null);
  });
});
