// Protocol tests: hover on layers, tensors, blocks, models, arguments and training settings.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { positionOf, TestClient } from './harness';
import { BN, NET } from './fixtures';

let client: TestClient;
const uri = 'file:///hover/net.stride';
const hoverAt = async (text: string, needle: string, delta = 1, n = 0, at = uri) => {
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: at }, position: positionOf(text, needle, delta, n) });
  return h ? (h.contents as MarkupContent).value : undefined;
};
before(async () => {
  client = await TestClient.start();
  await client.openAndWait(uri, NET);
});
after(() => client.stop());

describe('hover: layers, tensors and models', () => {
  it('on a layer: output shape, parameter formula, split, MACs, memory, receptive field and docs', async () => {
    const md = (await hoverAt(NET, 'conv2d(32'))!;
    assert.ok(md.includes('`(None, 32, 32, 32)`'), md);
    assert.ok(md.includes('(3·3·16 + 1)·32 = 4,640'), md);
    assert.ok(md.includes('4,640 trainable · 0 non-trainable'), md);
    // 32·32 positions × 3·3·16 taps × 32 filters
    assert.ok(md.includes(`${(32 * 32 * 9 * 16 * 32).toLocaleString('en-US')}`), md);
    assert.ok(md.includes('128 KiB per sample'), md);
    assert.ok(md.includes('5×5 (jump 1×1)'), md);
    assert.ok(md.includes('2-D convolution'), md);
  });

  it('splits trainable and non-trainable parameters (batch norm)', async () => {
    const bnUri = 'file:///hover/bn.stride';
    await client.openAndWait(bnUri, BN);
    const md = (await hoverAt(BN, 'batchnorm', 1, 0, bnUri))!;
    assert.ok(md.includes('32 trainable · 32 non-trainable'), md);
    assert.ok(md.includes('Keras convention'), md);
  });

  it('on a layer inside a block: the instance it belongs to', async () => {
    const md = (await hoverAt(NET, 'conv2d(filters'))!;
    assert.ok(md.includes('(3·3·32 + 1)·32 = 9,248'), md);
    assert.ok(md.includes('basic_1'), md);
  });

  it('on a tensor name: its shape and where it is defined', async () => {
    const md = (await hoverAt(NET, 'features'))!;
    assert.ok(md.includes('`(None, 16, 16, 32)`'), md);
    assert.ok(md.includes('Defined on line 14'), md);
    const skip = (await hoverAt(NET, 'skip)'))!;
    assert.ok(skip.includes('the input of block `basic`'), skip);
  });

  it('on a model name: totals and a training-memory estimate with the train section optimizer', async () => {
    const md = (await hoverAt(NET, 'Net {'))!;
    assert.ok(md.includes('96,266'), md);
    assert.ok(md.includes('Training memory (batch 32, sgd)'), md);
    const viaTrain = (await hoverAt(NET, 'Net {', 1, 1))!;
    assert.equal(viaTrain, md, 'the train section reference shows the same');
  });
});

describe('hover: memory setting, blocks, arguments and where there is none', () => {
  it('memory estimate follows stride.memoryBatchSize', async () => {
    const other = await TestClient.start({ settings: { memoryBatchSize: 7 } });
    try {
      await other.openAndWait(uri, NET);
      const h = await other.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(NET, 'Net {', 1) });
      assert.ok((h.contents as MarkupContent).value.includes('(batch 7, sgd)'));
    } finally {
      await other.stop();
    }
  });

  it('on a block call and a block name: parameters per instance and the doc comment', async () => {
    const call = (await hoverAt(NET, 'basic(32'))!;
    assert.ok(call.includes('block basic(filters)'), call);
    assert.ok(call.includes('A residual block.'), call);
    assert.ok(call.includes('| basic_1 | `(None, 32, 32, 32)` | 9,248 |'), call);
    const decl = (await hoverAt(NET, 'basic(filters'))!;
    assert.ok(decl.includes('9,248'), decl);
  });

  it('on an argument name and a training setting', async () => {
    const arg = (await hoverAt(NET, 'padding'))!;
    assert.ok(arg.includes('`valid | same | int | (int, …)`'), arg);
    assert.ok(arg.includes('default `valid`'), arg);
    const key = (await hoverAt(NET, 'epochs'))!;
    assert.ok(key.includes('Passes over the training data'), key);
  });

  it('anywhere inside a layer call (numbers, enum values) describes the innermost layer', async () => {
    const onNumber = (await hoverAt(NET, '32, 3, padding', 0))!;
    assert.ok(onNumber.includes('(3·3·16 + 1)·32'), onNumber);
    const onValue = (await hoverAt(NET, 'softmax'))!;
    assert.ok(onValue.includes('(8192 + 1)·10 = 81,930'), onValue);
  });

  it('nothing on punctuation outside calls, comments and unknown documents', async () => {
    assert.equal(await hoverAt(NET, '{', 0), undefined);
    assert.equal(await hoverAt(NET, '## A residual', 4), undefined);
    assert.equal(await hoverAt(NET, 'conv2d', 1, 0, 'file:///nowhere.stride'), undefined);
  });
});
