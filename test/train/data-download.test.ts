// Hostile downloads over a loopback server: wrong files, gzip bombs, oversized bodies, silent servers, damaged caches.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { encodeIdx } from '../../train/data/idx';
import { DownloadError } from '../../train/node/data/node-io';
import { PINNED_FILES } from '../../train/node/data/pinned';
import { loadRemote } from '../../train/node/data/remote';
import { bytes, gzip, serveFiles, tempDir, type FileServer } from './helpers';
import { pinsFor } from './remote-fixtures';

const tmp = tempDir('download');
after(tmp.cleanup);
const cache = (name: string) => path.join(tmp.dir, name);

/** A valid-looking MNIST: right format, wrong content (what a hijacked mirror or a stale proxy could serve). */
function fakeMnist(prefix: string, labels = (n: number) => bytes(n, 7).map((b) => b % 10)): Map<string, Uint8Array> {
  return new Map([
    [`${prefix}/train-images-idx3-ubyte.gz`, gzip(encodeIdx([8, 28, 28], bytes(8 * 784, 1)))],
    [`${prefix}/train-labels-idx1-ubyte.gz`, gzip(encodeIdx([8], labels(8)))],
    [`${prefix}/t10k-images-idx3-ubyte.gz`, gzip(encodeIdx([2, 28, 28], bytes(2 * 784, 3)))],
    [`${prefix}/t10k-labels-idx1-ubyte.gz`, gzip(encodeIdx([2], labels(2)))],
  ]);
}

/** 64 MiB of zeros in about 64 KB: a gzip bomb scaled to the test's limits. */
const BOMB = new Uint8Array(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }));

// One loopback server for the checksum, size-limit and cache suites: a wrong MNIST, one with bad labels, a gzip bomb.
let server: FileServer;
const files = new Map([...fakeMnist('/fake'), ...fakeMnist('/badlabels', (n) => new Uint8Array(n).fill(12))]);
files.set('/bomb/train-images-idx3-ubyte.gz', BOMB);
before(async () => {
  server = await serveFiles(files);
});
after(() => server.close());

describe('pinned checksums', () => {
  test('a valid-looking but wrong MNIST is rejected by its pinned SHA-256 and never cached', async () => {
    const cacheDir = cache('wrong');
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/fake`, cacheDir }),
      (e: Error) => e instanceof DownloadError && /is not the expected file \(SHA-256 [0-9a-f]{64}, expected 440fcabf/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'mnist')), []);
  });

  test('every known file has a pinned SHA-256 and limits', () => {
    assert.equal(Object.keys(PINNED_FILES).length, 9);
    for (const [name, pin] of Object.entries(PINNED_FILES)) {
      assert.match(pin.sha256, /^[0-9a-f]{64}$/, name);
      assert.ok(pin.maxBytes > 0 && pin.maxUnpackedBytes > 0, name);
    }
    assert.equal(PINNED_FILES['mnist/train-images-idx3-ubyte.gz'].maxUnpackedBytes, 47_040_016);
  });
});

describe('size limits', () => {
  test('a gzip bomb is stopped while inflating, not after', async () => {
    const checksums = { ...pinsFor('mnist', '/bomb', files, 1024 * 1024) };
    const cacheDir = cache('bomb');
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(loadRemote('mnist', { baseUrl: `${server.url}/bomb`, cacheDir, checksums }), /unpacks to more than 1048576 bytes; refused/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'the bomb must not be inflated in full');
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'mnist')), []);
    // With the real pins the bomb is not even inflated: its checksum is wrong.
    await assert.rejects(loadRemote('mnist', { baseUrl: `${server.url}/bomb`, cacheDir }), /not the expected file/);
  });

  test('a body larger than the file can be is refused before it is read', async () => {
    const checksums = {
      ...pinsFor('mnist', '/bomb', files),
      'mnist/train-images-idx3-ubyte.gz': { sha256: '0'.repeat(64), maxBytes: 1000, maxUnpackedBytes: 1000 },
    };
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/bomb`, cacheDir: cache('big'), checksums }),
      /is \d+ bytes or more, larger than the 1000 bytes train-images-idx3-ubyte\.gz can be; refused/,
    );
  });
});

describe('damaged cache entries', () => {
  test('a cached file with labels out of range says how to clear the cache', async () => {
    const checksums = pinsFor('mnist', '/badlabels', files);
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/badlabels`, cacheDir: cache('labels'), checksums }),
      /label 12 of sample 0 is outside 0–9\..*stride cache clear/s,
    );
  });

  test('a cached file that does not match its checksum says how to clear the cache', async () => {
    const checksums = pinsFor('mnist', '/fake', files);
    const cacheDir = cache('damaged');
    await loadRemote('mnist', { baseUrl: `${server.url}/fake`, cacheDir, checksums });
    const cached = path.join(cacheDir, 'mnist', 't10k-labels-idx1-ubyte.gz');
    fs.writeFileSync(cached, gzip(encodeIdx([2], new Uint8Array([1, 2]))));
    await assert.rejects(
      loadRemote('mnist', { baseUrl: `${server.url}/fake`, cacheDir, checksums }),
      (e: Error) => e instanceof DownloadError && e.message.includes(cached) && /stride cache clear/.test(e.message),
    );
  });
});

/** A server that accepts connections and never answers (or answers headers and then stalls). */
async function silentServer(sendHeaders: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    if (sendHeaders) {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe('timeouts', () => {
  for (const [what, headers] of [
    ['never answers', false],
    ['stalls after the headers', true],
  ] as const) {
    test(`a server that ${what} is given up on after the timeout with a clear message`, async () => {
      const server = await silentServer(headers);
      try {
        const start = Date.now();
        await assert.rejects(
          loadRemote('mnist', { baseUrl: server.url, cacheDir: cache(`silent-${headers}`), timeoutMs: 300 }),
          (e: Error) => e instanceof DownloadError && /the server did not answer for 0\.3 s.*STRIDE_DOWNLOAD_TIMEOUT/.test(e.message),
        );
        assert.ok(Date.now() - start < 5000);
      } finally {
        await server.close();
      }
    });
  }
});
