// Image folders: PNG and JPEG files per class are decoded, resized and labelled; bad folders and images give clear errors.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FolderError, loadFolder } from '../../train/node/data/folder';
import { tempDir } from './helpers';

function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) img.data.set([...rgb, 255], p * 4);
  return PNG.sync.write(img);
}

function jpg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ data, width, height }, 95).data;
}

function write(root: string, files: Record<string, Buffer | string>): void {
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body);
  }
}

const tmp = tempDir('folder');
after(tmp.cleanup);
const good = path.join(tmp.dir, 'good');
before(() =>
  write(good, {
    'red/a.png': png(10, 6, [200, 0, 0]),
    'red/b.PNG': png(4, 4, [200, 0, 0]),
    'blue/c.jpg': jpg(16, 16, [0, 0, 220]),
    'blue/notes.txt': 'ignored',
    'green/d.jpeg': jpg(8, 12, [0, 180, 0]),
  }),
);

describe('image folder data set: decoding', () => {
  test('classes are the sorted sub-folders; images are resized, labelled and converted', () => {
    const d = loadFolder(good, { height: 8, width: 8, channels: 3 });
    assert.deepEqual(d.classes, ['blue', 'green', 'red']);
    assert.deepEqual(d.shape, [8, 8, 3]);
    assert.equal(d.train.count, 4);
    assert.deepEqual(Array.from(d.train.labels), [0, 1, 2, 2]);
    const pixel = (i: number) => Array.from(d.train.images.subarray(i * 192, i * 192 + 3));
    assert.deepEqual(pixel(2), [200, 0, 0]);
    const blue = pixel(0);
    assert.ok(blue[2] > 200 && blue[0] < 15 && blue[1] < 15, `JPEG blue decoded as ${blue}`);
    // Uniform images stay uniform after resizing.
    const red = d.train.images.subarray(3 * 192, 4 * 192);
    for (let p = 0; p < 64; p++) assert.deepEqual(Array.from(red.subarray(p * 3, p * 3 + 3)), [200, 0, 0]);
  });

  test('grayscale loading uses luminance', () => {
    const d = loadFolder(good, { height: 4, width: 4, channels: 1 });
    assert.equal(d.train.images.length, 4 * 16);
    assert.equal(d.train.images[2 * 16], Math.round(0.299 * 200));
  });
});

describe('image folder data set: errors', () => {
  test('a missing folder, a file instead of a folder and a single class are refused', () => {
    const opts = { height: 8, width: 8, channels: 1 };
    assert.throws(
      () => loadFolder(path.join(tmp.dir, 'nope'), opts),
      (e: Error) => e instanceof FolderError && /does not exist/.test(e.message),
    );
    write(tmp.dir, { 'file.png': png(2, 2, [0, 0, 0]) });
    assert.throws(() => loadFolder(path.join(tmp.dir, 'file.png'), opts), /is not a folder/);
    write(path.join(tmp.dir, 'one'), { 'only/a.png': png(2, 2, [0, 0, 0]) });
    assert.throws(() => loadFolder(path.join(tmp.dir, 'one'), opts), /at least two classes; found 1 \(only\)/);
  });

  test('an empty class folder is named in the error', () => {
    const dir = path.join(tmp.dir, 'empty');
    write(dir, { 'a/x.png': png(2, 2, [0, 0, 0]), 'b/readme.txt': 'no images' });
    assert.throws(
      () => loadFolder(dir, { height: 4, width: 4, channels: 1 }),
      (e: Error) => /Class folder '.*b' has no PNG or JPEG images/.test(e.message),
    );
  });

  test('a corrupt image is named in the error', () => {
    const dir = path.join(tmp.dir, 'corrupt');
    write(dir, { 'a/ok.png': png(2, 2, [0, 0, 0]), 'b/bad.png': 'this is not a png', 'c/bad.jpg': Buffer.from([0xff, 0xd8, 0, 1, 2]) });
    assert.throws(
      () => loadFolder(dir, { height: 4, width: 4, channels: 1 }),
      (e: Error) => e instanceof FolderError && /Cannot decode image '.*b\/bad\.png'/.test(e.message),
    );
    fs.rmSync(path.join(dir, 'b'), { recursive: true });
    assert.throws(() => loadFolder(dir, { height: 4, width: 4, channels: 1 }), /Cannot decode image '.*c\/bad\.jpg'/);
  });
});
