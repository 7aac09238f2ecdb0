// The extension host's data feed: an image folder loaded in Node and streamed to the page as validated chunks.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { feedData } from '../../client/training/data-feed';
import { checkToWebview, type ToWebview } from '../../protocol/training';

function writePng(file: string, value: number): void {
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(value);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  fs.writeFileSync(file, PNG.sync.write(png));
}

describe('data feed', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-feed-'));
    for (const [cls, values] of [
      ['dark', [10, 20, 30]],
      ['light', [200, 220]],
    ] as const) {
      fs.mkdirSync(path.join(dir, 'images', cls), { recursive: true });
      values.forEach((v, i) => writePng(path.join(dir, 'images', cls, `${i}.png`), v));
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams a folder relative to the model file as header, chunks and end, each a valid message', async () => {
    const sent: ToWebview[] = [];
    await feedData({
      spec: { kind: 'folder', path: 'images' },
      inputShape: [2, 2, 1],
      modelFile: path.join(dir, 'net.stride'),
      post: async (m) => {
        const checked = checkToWebview(m);
        assert.ok(checked.ok, checked.ok ? '' : checked.error);
        sent.push(m);
        return true;
      },
    });
    assert.deepEqual(
      sent.map((m) => m.type),
      ['dataStart', 'dataChunk', 'dataEnd'],
    );
    const start = sent[0] as Extract<ToWebview, { type: 'dataStart' }>;
    assert.deepEqual(start.header.classes, ['dark', 'light']);
    assert.deepEqual(start.header.shape, [2, 2, 1]);
    assert.equal(start.header.trainCount, 5);
    const chunk = sent[1] as Extract<ToWebview, { type: 'dataChunk' }>;
    assert.deepEqual([...chunk.labels], [0, 0, 0, 1, 1]);
    // Uniform images stay uniform after resizing: each sample's 4 pixels carry its grey value.
    assert.deepEqual([...chunk.images.subarray(0, 4)], [10, 10, 10, 10]);
    assert.deepEqual([...chunk.images.subarray(16, 20)], [220, 220, 220, 220]);
  });

  it('passes a missing folder on as an error that names it', async () => {
    await assert.rejects(
      feedData({ spec: { kind: 'folder', path: 'nowhere' }, inputShape: [2, 2, 1], modelFile: path.join(dir, 'net.stride'), post: async () => true }),
      /nowhere' does not exist/,
    );
  });
});
