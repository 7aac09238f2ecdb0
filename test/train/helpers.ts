// Shared set-up for the training tests: backends, temporary folders, a loopback file server and fixture writers.

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';

/** The pure-JS cpu backend: deterministic reference kernels, no native code. */
export async function useCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend unavailable');
}

/** The backend training uses by default (the fast one when it loads, else cpu). */
/** Whether the optional @tensorflow/tfjs-node package is installed (its install downloads libtensorflow). */
export function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

export async function useTrainingBackend(): Promise<void> {
  await selectBackend({ warn: () => undefined });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stride-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface FileServer {
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `files` (URL path → bytes) on 127.0.0.1 only, with a content-length; anything else is a 404. */
export async function serveFiles(files: ReadonlyMap<string, Uint8Array>): Promise<FileServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const body = files.get(url);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(Buffer.from(body));
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const gzip = (bytes: Uint8Array): Uint8Array => new Uint8Array(zlib.gzipSync(bytes));

/** A ustar archive of regular files, as `tar` writes it (used for the CIFAR-10 fixture). */
export function writeTar(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of files) {
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(Buffer.from(text, 'ascii'), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('00000000000\0', 136);
    put('        ', 148);
    header[156] = 0x30;
    put('ustar\0', 257);
    put('00', 263);
    const sum = header.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

/** A seeded byte generator for fixture pixels. */
export function bytes(count: number, seed: number): Uint8Array {
  const out = new Uint8Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
