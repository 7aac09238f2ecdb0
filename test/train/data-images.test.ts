// Image decoding budgets and labels: declared sizes are checked before allocating, and labels do not wrap at 256.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { DEFAULT_MAX_IMAGE_PIXELS, jpegSize, maxImagePixels } from '../../train/node/data/decode';
import { FolderError, loadFolder, loadImage } from '../../train/node/data/folder';
import { tempDir } from './helpers';
import { jpegBomb, pngBomb } from './image-fixtures';

const tmp = tempDir('images');
after(tmp.cleanup);

function tinyPng(value: number): Buffer {
  const img = new PNG({ width: 2, height: 2 });
  img.data.fill(value);
  return PNG.sync.write(img);
}

function file(name: string, body: Buffer): string {
  const f = path.join(tmp.dir, name);
  fs.writeFileSync(f, body);
  return f;
}

const SIZE = { height: 4, width: 4, channels: 1 };

describe('decompression bombs', () => {
  test('a 69-byte-class PNG claiming 30000×30000 is refused before decoding, quickly', () => {
    const bomb = pngBomb(30000, 30000);
    assert.ok(bomb.length < 100, `fixture is ${bomb.length} bytes`);
    const f = file('bomb.png', bomb);
    const start = Date.now();
    assert.throws(
      () => loadImage(f, SIZE),
      (e: Error) => e instanceof FolderError && /declares 30000×30000 pixels, more than the limit of 67108864/.test(e.message) && e.message.includes(f),
    );
    assert.ok(Date.now() - start < 2000);
  });

  test('a PNG within the pixel limit but with far too little image data is refused before decoding', () => {
    const f = file('short.png', pngBomb(44084, 1419));
    const start = Date.now();
    assert.throws(() => loadImage(f, SIZE), /declares 44084×1419 pixels but holds only \d+ bytes of image data; the file is truncated or damaged/);
    assert.ok(Date.now() - start < 2000);
  });

  test('a JPEG whose frame claims 30000×30000 is refused before decoding', () => {
    const bomb = jpegBomb(30000, 30000);
    assert.deepEqual(jpegSize(bomb), { width: 30000, height: 30000 });
    const f = file('bomb.jpg', bomb);
    assert.throws(() => loadImage(f, SIZE), /declares 30000×30000 pixels/);
  });

  test('the pixel limit is settable by option and by STRIDE_MAX_IMAGE_PIXELS', () => {
    const f = file('ok.png', tinyPng(100));
    assert.equal(loadImage(f, SIZE).length, 16);
    assert.throws(() => loadImage(f, { ...SIZE, maxPixels: 3 }), /declares 2×2 pixels, more than the limit of 3 \(set STRIDE_MAX_IMAGE_PIXELS/);
    assert.equal(maxImagePixels(), DEFAULT_MAX_IMAGE_PIXELS);
    process.env.STRIDE_MAX_IMAGE_PIXELS = '3';
    try {
      assert.throws(() => loadImage(f, SIZE), /more than the limit of 3/);
      assert.equal(loadImage(f, { ...SIZE, maxPixels: 4 }).length, 16);
    } finally {
      delete process.env.STRIDE_MAX_IMAGE_PIXELS;
    }
  });

  test('a truncated or garbage image is a clear error naming the file', () => {
    const f = file('half.png', tinyPng(1).subarray(0, 30));
    assert.throws(
      () => loadImage(f, SIZE),
      (e: Error) => e instanceof FolderError && e.message.includes(f),
    );
  });
});

describe('labels', () => {
  test('a folder with 300 classes labels class 256 as 256, not 0', () => {
    const root = path.join(tmp.dir, 'many');
    const names = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    for (const [i, n] of names.entries()) {
      fs.mkdirSync(path.join(root, n), { recursive: true });
      fs.writeFileSync(path.join(root, n, 'x.png'), tinyPng(i % 256));
    }
    const d = loadFolder(root, { height: 2, width: 2, channels: 1 });
    assert.equal(d.classes.length, 300);
    assert.ok(d.train.labels instanceof Int32Array);
    assert.equal(d.classes[256], 'c256');
    assert.equal(d.train.labels[256], 256);
    assert.equal(d.train.labels[299], 299);
  });
});
