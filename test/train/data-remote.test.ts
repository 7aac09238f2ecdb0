// MNIST, Fashion-MNIST and CIFAR-10 over a loopback HTTP server: download with progress, cache, parse, offline errors.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { encodeIdx, parseIdx } from '../../train/data/idx';
import { DownloadError, type DownloadProgress } from '../../train/node/data/node-io';
import { CIFAR10_ARCHIVE, loadRemote } from '../../train/node/data/remote';
import { bytes, gzip, serveFiles, tempDir, writeTar, type FileServer } from './helpers';
import { pinsFor } from './remote-fixtures';

const TRAIN = 12;
const TEST = 5;

/** The four gzipped IDX files of an MNIST-format set with seeded pixels and labels. */
function idxFiles(prefix: string, seed: number): Map<string, Uint8Array> {
  const set = (count: number, s: number) => ({ images: bytes(count * 28 * 28, s), labels: bytes(count, s + 1).map((b) => b % 10) });
  const train = set(TRAIN, seed);
  const test = set(TEST, seed + 2);
  return new Map([
    [`${prefix}/train-images-idx3-ubyte.gz`, gzip(encodeIdx([TRAIN, 28, 28], train.images))],
    [`${prefix}/train-labels-idx1-ubyte.gz`, gzip(encodeIdx([TRAIN], train.labels))],
    [`${prefix}/t10k-images-idx3-ubyte.gz`, gzip(encodeIdx([TEST, 28, 28], test.images))],
    [`${prefix}/t10k-labels-idx1-ubyte.gz`, gzip(encodeIdx([TEST], test.labels))],
  ]);
}

/** CIFAR-10's binary records (label, red plane, green plane, blue plane) in its tar.gz layout. */
function cifarRecords(count: number, seed: number): Uint8Array {
  const out = bytes(count * 3073, seed);
  for (let i = 0; i < count; i++) out[i * 3073] %= 10;
  return out;
}

// One loopback server for the whole file: MNIST and Fashion-MNIST files, a CIFAR-10 archive and a broken download.
const tmp = tempDir('remote');
let server: FileServer;
const files = new Map([...idxFiles('/mnist', 1), ...idxFiles('/fashion', 10)]);
const batches = [1, 2, 3, 4, 5].map((i) => cifarRecords(3, 20 + i));
const testBatch = cifarRecords(2, 30);
const tar = new Map(batches.map((b, i) => [`cifar-10-batches-bin/data_batch_${i + 1}.bin`, b]));
tar.set('cifar-10-batches-bin/test_batch.bin', testBatch);
files.set(`/cifar/${CIFAR10_ARCHIVE}`, gzip(writeTar(tar)));
files.set('/broken/train-images-idx3-ubyte.gz', new Uint8Array([1, 2, 3, 4]));
// The fixtures are not the published files, so the test pins their own checksums.
const checksums = { ...pinsFor('mnist', '/mnist', files), ...pinsFor('fashion_mnist', '/fashion', files), ...pinsFor('cifar10', '/cifar', files) };
const brokenPins = pinsFor('mnist', '/broken', files);

before(async () => {
  server = await serveFiles(files);
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

describe('downloaded data sets', () => {
  test('MNIST downloads with progress, parses, and is cached for the next load', async () => {
    const cacheDir = path.join(tmp.dir, 'cache1');
    const progress: DownloadProgress[] = [];
    const d = await loadRemote('mnist', { baseUrl: `${server.url}/mnist`, cacheDir, checksums, onProgress: (p) => progress.push(p) });
    assert.deepEqual(d.shape, [28, 28, 1]);
    assert.equal(d.classes.length, 10);
    assert.equal(d.train.count, TRAIN);
    assert.equal(d.test!.count, TEST);
    const expected = parseIdx(new Uint8Array(zlib.gunzipSync(files.get('/mnist/train-images-idx3-ubyte.gz')!)), 'x');
    assert.deepEqual(d.train.images, expected.data);
    assert.ok(fs.existsSync(path.join(cacheDir, 'mnist', 'train-labels-idx1-ubyte.gz')));
    const last = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz').pop()!;
    assert.equal(last.received, files.get('/mnist/train-images-idx3-ubyte.gz')!.length);
    assert.equal(last.total, last.received);

    const before = server.requests.length;
    const again = await loadRemote('mnist', { baseUrl: `${server.url}/mnist`, cacheDir, checksums });
    assert.equal(server.requests.length, before, 'a cached data set must not be downloaded again');
    assert.deepEqual(again.train.labels, d.train.labels);
  });

  test('Fashion-MNIST uses the same format with its own class names', async () => {
    const d = await loadRemote('fashion_mnist', { baseUrl: `${server.url}/fashion/`, cacheDir: path.join(tmp.dir, 'cache2'), checksums });
    assert.equal(d.classes[9], 'Ankle boot');
    assert.equal(d.train.count, TRAIN);
  });

  test('CIFAR-10 is unpacked from its archive and converted to channels-last', async () => {
    const d = await loadRemote('cifar10', { baseUrl: `${server.url}/cifar`, cacheDir: path.join(tmp.dir, 'cache3'), checksums });
    assert.deepEqual(d.shape, [32, 32, 3]);
    assert.equal(d.train.count, 15);
    assert.equal(d.test!.count, 2);
    // Sample 4 is record 1 of data_batch_2: pixel p, channel c comes from plane c.
    const rec = batches[1].subarray(3073, 2 * 3073);
    assert.equal(d.train.labels[4], rec[0]);
    for (const [p, c] of [
      [0, 0],
      [5, 1],
      [1023, 2],
    ])
      assert.equal(d.train.images[4 * 3072 + p * 3 + c], rec[1 + c * 1024 + p]);
  });
});

describe('downloaded data sets: errors', () => {
  test('offline: a clear error that says so, and nothing is cached', async () => {
    const closed = await serveFiles(new Map());
    const url = closed.url;
    await closed.close();
    const cacheDir = path.join(tmp.dir, 'cache4');
    await assert.rejects(
      loadRemote('mnist', { baseUrl: url, cacheDir, checksums }),
      (e: Error) => e instanceof DownloadError && /ECONNREFUSED/.test(e.message) && /offline/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'mnist')), []);
  });

  test('a missing file reports the HTTP status; a corrupt download is not cached', async () => {
    await assert.rejects(loadRemote('cifar10', { baseUrl: `${server.url}/nothing`, cacheDir: path.join(tmp.dir, 'cache5'), checksums }), /answered 404/);
    const cacheDir = path.join(tmp.dir, 'cache6');
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/broken`, cacheDir, checksums: { ...checksums, ...brokenPins } }),
      /not a valid gzip file/,
    );
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'mnist')), []);
  });

  test('a damaged cached file is reported with the path to delete', async () => {
    const cacheDir = path.join(tmp.dir, 'cache7');
    fs.mkdirSync(path.join(cacheDir, 'mnist'), { recursive: true });
    const damaged = gzip(new Uint8Array([0, 0, 8, 3, 0, 0]));
    fs.writeFileSync(path.join(cacheDir, 'mnist', 'train-images-idx3-ubyte.gz'), damaged);
    const pins = { ...checksums, ...pinsFor('mnist', '', new Map([['/train-images-idx3-ubyte.gz', damaged]])) };
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/mnist`, cacheDir, checksums: pins }),
      /truncated IDX header.*Delete .*train-images-idx3-ubyte\.gz.*stride cache clear/s,
    );
  });
});
